//! What the audit trail records: a closed list of actions, each about one
//! kind of record. Actions are stored as their dotted code
//! (`referral.accepted`); the application layer is the only writer, and a
//! test there fails when an action of this list is written by no command.

use crate::codes::code_enum;

code_enum!(
    /// The kind of record an audit event is about.
    AuditTarget, "audit target" {
        /// A tenant (partner organisation).
        Tenant => "tenant",
        /// A user account (sign-ins, passwords, memberships).
        User => "user",
        /// A person and what belongs to them (documents, consents).
        Beneficiary => "beneficiary",
        /// A case file and what belongs to it (notes, tasks).
        Case => "case",
        /// A service of the directory.
        Service => "service",
        /// An organisation of the directory that is not a tenant.
        Organisation => "organisation",
        /// A referral.
        Referral => "referral",
        /// An outreach event and what belongs to it (attendance, tallies).
        Event => "event",
        /// A participant who is not a beneficiary (an official …).
        Participant => "participant",
    }
);

code_enum!(
    /// Something that happened and is kept in the audit trail.
    AuditAction, "audit action" {
        /// A user signed in.
        SignedIn => "auth.signed_in",
        /// A sign-in was refused (unknown address or wrong password).
        SignInFailed => "auth.sign_in_failed",
        /// A sign-in was refused because the account or address is locked.
        SignInLocked => "auth.sign_in_locked",
        /// A user signed out.
        SignedOut => "auth.signed_out",
        /// A user changed their password.
        PasswordChanged => "auth.password_changed",
        /// A password reset link was asked for.
        PasswordResetRequested => "auth.password_reset_requested",
        /// A password was set through a reset link.
        PasswordReset => "auth.password_reset",
        /// A user created an API token for one tenant.
        ApiTokenCreated => "api_token.created",
        /// An API token was revoked (by its owner or a tenant administrator).
        ApiTokenRevoked => "api_token.revoked",
        /// A user changed how they get referral e-mails.
        NotificationsChanged => "user.notifications_changed",
        /// A network administrator account was created from the command line.
        NetworkAdminCreated => "user.network_admin_created",
        /// A tenant was created.
        TenantCreated => "tenant.created",
        /// A tenant's details changed.
        TenantUpdated => "tenant.updated",
        /// A tenant was deactivated.
        TenantDeactivated => "tenant.deactivated",
        /// A tenant was activated again.
        TenantActivated => "tenant.activated",
        /// Someone was invited to a tenant.
        MemberInvited => "member.invited",
        /// An invitation was accepted.
        InvitationAccepted => "member.invitation_accepted",
        /// A member's role changed.
        MemberRoleChanged => "member.role_changed",
        /// A member was disabled.
        MemberDisabled => "member.disabled",
        /// A member was enabled again.
        MemberEnabled => "member.enabled",
        /// A person's page was read.
        BeneficiaryViewed => "beneficiary.viewed",
        /// A person was registered.
        BeneficiaryCreated => "beneficiary.created",
        /// A person was registered although the duplicate check found candidates.
        BeneficiaryCreatedDespiteDuplicates => "beneficiary.created_despite_duplicates",
        /// A person's record changed.
        BeneficiaryUpdated => "beneficiary.updated",
        /// A person's data was exported (right of access).
        BeneficiaryExported => "beneficiary.exported",
        /// A person's personal data was erased.
        BeneficiaryErased => "beneficiary.erased",
        /// A consent was recorded.
        ConsentRecorded => "consent.recorded",
        /// A consent was withdrawn.
        ConsentWithdrawn => "consent.withdrawn",
        /// An identity document was added.
        DocumentAdded => "document.added",
        /// An identity document was removed.
        DocumentRemoved => "document.removed",
        /// A case file was read.
        CaseViewed => "case.viewed",
        /// A case file was opened.
        CaseCreated => "case.created",
        /// A case file's details changed.
        CaseUpdated => "case.updated",
        /// A case file's status changed.
        CaseStatusChanged => "case.status_changed",
        /// A caseworker was assigned to a case.
        CaseAssigned => "case.assigned",
        /// A caseworker was taken off a case.
        CaseUnassigned => "case.unassigned",
        /// A note was added to a case.
        NoteAdded => "note.added",
        /// A task was added to a case.
        TaskAdded => "task.added",
        /// A task was done.
        TaskCompleted => "task.completed",
        /// A done task was opened again.
        TaskReopened => "task.reopened",
        /// A service was published.
        ServiceCreated => "service.created",
        /// A service changed.
        ServiceUpdated => "service.updated",
        /// An organisation without an account was added to the directory.
        OrganisationCreated => "organisation.created",
        /// An organisation of the directory changed.
        OrganisationUpdated => "organisation.updated",
        /// A referral was drafted.
        ReferralDrafted => "referral.drafted",
        /// A referral was sent without a covering consent, with a justification.
        ReferralConsentOverridden => "referral.consent_overridden",
        /// A referral was sent.
        ReferralSent => "referral.sent",
        /// A referral's page was read (its packet is personal data).
        ReferralViewed => "referral.viewed",
        /// A referral was read through an organisation's link.
        ReferralExternalViewed => "referral.external_viewed",
        /// A referral was accepted.
        ReferralAccepted => "referral.accepted",
        /// A referral was declined.
        ReferralDeclined => "referral.declined",
        /// A referral was withdrawn by its sender.
        ReferralWithdrawn => "referral.withdrawn",
        /// A referral was not answered in time and expired.
        ReferralExpired => "referral.expired",
        /// The receiver of an unanswered referral was reminded.
        ReferralReminded => "referral.reminded",
        /// An unanswered referral was escalated to the receiver's administrators.
        ReferralEscalated => "referral.escalated",
        /// The service of a referral started.
        ReferralStarted => "referral.started",
        /// A referral was completed with an outcome.
        ReferralCompleted => "referral.completed",
        /// A referral ended without the service.
        ReferralNotCompleted => "referral.not_completed",
        /// A referral was revoked because the consent it relied on was withdrawn.
        ReferralRevoked => "referral.revoked",
        /// A comment was added to a referral.
        ReferralCommented => "referral.commented",
        /// An outreach event was planned or recorded.
        EventCreated => "event.created",
        /// An event's details changed.
        EventUpdated => "event.updated",
        /// An event's status changed (planned, held, cancelled).
        EventStatusChanged => "event.status_changed",
        /// A person's attendance at an event was recorded or changed.
        AttendanceRecorded => "attendance.recorded",
        /// A person's attendance at an event was removed.
        AttendanceRemoved => "attendance.removed",
        /// An anonymous head-count of an event was recorded.
        TallyRecorded => "tally.recorded",
        /// A participant (not a beneficiary) was added to the tenant's list.
        ParticipantCreated => "participant.created",
        /// A participant's details changed.
        ParticipantUpdated => "participant.updated",
        /// A participant's attendance at an event was recorded or changed.
        ParticipantAttendanceRecorded => "participant_attendance.recorded",
        /// A sign-in sheet was imported at an event (details: counts only).
        AttendanceImported => "attendance.imported",
    }
);

impl AuditAction {
    /// The kind of record this action is about.
    pub fn target(&self) -> AuditTarget {
        match self.as_str().split_once('.').map_or("", |(object, _)| object) {
            "tenant" => AuditTarget::Tenant,
            "beneficiary" | "consent" | "document" => AuditTarget::Beneficiary,
            "case" | "note" | "task" => AuditTarget::Case,
            "service" => AuditTarget::Service,
            "organisation" => AuditTarget::Organisation,
            "referral" => AuditTarget::Referral,
            "event" | "attendance" | "tally" => AuditTarget::Event,
            "participant" | "participant_attendance" => AuditTarget::Participant,
            // auth.*, user.*, member.*
            _ => AuditTarget::User,
        }
    }
}

code_enum!(
    /// Who acted, as recorded with an audit event.
    ActorKind, "actor kind" {
        /// A signed-in user (the event names the user).
        User => "user",
        /// Nobody signed in yet (sign-in attempts, reset requests).
        Anonymous => "anonymous",
        /// An organisation without an account, through its referral link.
        ExternalLink => "external_link",
        /// The platform itself: a scheduled job or a command-line task.
        System => "system",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_dotted_code_and_a_target() {
        for action in AuditAction::ALL {
            let (object, verb) = action.as_str().split_once('.').expect("dotted code");
            assert!(!object.is_empty() && !verb.is_empty(), "{action}");
            assert_eq!(action.as_str().parse::<AuditAction>().ok(), Some(*action));
        }
        assert_eq!(AuditAction::NoteAdded.target(), AuditTarget::Case);
        assert_eq!(AuditAction::ConsentWithdrawn.target(), AuditTarget::Beneficiary);
        assert_eq!(AuditAction::MemberInvited.target(), AuditTarget::User);
        assert_eq!(AuditAction::ReferralExpired.target(), AuditTarget::Referral);
        assert_eq!(AuditAction::AttendanceRecorded.target(), AuditTarget::Event);
        assert_eq!(AuditAction::TallyRecorded.target(), AuditTarget::Event);
        assert_eq!(AuditAction::ParticipantAttendanceRecorded.target(), AuditTarget::Participant);
    }
}
