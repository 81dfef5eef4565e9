//! Typed identifiers. Every id is a UUIDv7 (time-ordered, so indexes stay
//! compact) and is stored as its canonical hyphenated text on both backends.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered identifier (UUIDv7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The identifier as a UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }
    };
}

id_type!(
    /// Identifies a tenant: one partner organisation of the network.
    TenantId
);
id_type!(
    /// Identifies a user account (a person who signs in).
    UserId
);
id_type!(
    /// Identifies a membership: one user's role in one tenant.
    MembershipId
);

id_type!(
    /// Identifies a person (a beneficiary) in one tenant's records.
    BeneficiaryId
);
id_type!(
    /// Identifies an identity document of a person.
    DocumentId
);
id_type!(
    /// Identifies a consent given by a person.
    ConsentId
);
id_type!(
    /// Identifies a case file.
    CaseId
);
id_type!(
    /// Identifies a note in a case file.
    NoteId
);
id_type!(
    /// Identifies a task in a case file.
    TaskId
);
id_type!(
    /// Identifies a service of the directory.
    ServiceId
);
id_type!(
    /// Identifies an organisation of the directory that is not a tenant.
    OrganisationId
);
id_type!(
    /// Identifies a referral (the one record two tenants share).
    ReferralId
);
id_type!(
    /// Identifies a comment on a referral.
    CommentId
);
id_type!(
    /// Identifies an e-mail of the outbox.
    EmailId
);
id_type!(
    /// Identifies an audit event.
    AuditEventId
);
id_type!(
    /// Identifies an API token (not the secret: the token itself is shown once).
    ApiTokenId
);
id_type!(
    /// Identifies an outreach event (information session, campaign, training, meeting).
    EventId
);
id_type!(
    /// Identifies the registered attendance of a person at an event.
    AttendanceId
);
id_type!(
    /// Identifies an anonymous head-count (tally) of an event.
    TallyId
);
id_type!(
    /// Identifies a participant who is not a beneficiary (an official …).
    ParticipantId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_are_v7() {
        let id = TenantId::new();
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.parse::<TenantId>().ok(), Some(id));
        assert_eq!(id.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a.to_string() < b.to_string());
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-an-id".parse::<UserId>().is_err());
    }
}
