#![doc = include_str!("../README.md")]

pub mod audit;
pub mod beneficiary;
pub mod case_file;
mod codes;
pub mod conflict;
pub mod directory;
pub mod email_address;
pub mod ids;
pub mod language;
pub mod names;
pub mod outreach;
pub mod password;
pub mod permission;
pub mod phone;
pub mod referral;
pub mod role;
pub mod tenant;

pub use audit::{ActorKind, AuditAction, AuditTarget};
pub use conflict::{Conflict, Duplicate};
pub use email_address::EmailAddress;
pub use ids::{
    ApiTokenId, AuditEventId, BeneficiaryId, CaseId, CommentId, ConsentId, DocumentId, EmailId, MembershipId, NoteId,
    OrganisationId, ReferralId, ServiceId, TaskId, TenantId, UserId,
};
pub use ids::{AttendanceId, EventId, ParticipantId, TallyId};
pub use language::Language;
pub use permission::Permission;
pub use role::{MembershipStatus, NetworkRole, TenantRole};
pub use tenant::{Region, TenantKind};
