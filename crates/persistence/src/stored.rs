//! Typed columns: codes (`ReferralStatus`, `Pathway` …) and ids (`CaseId` …)
//! are stored as text and read back into their types by the row structs,
//! with `#[diesel(deserialize_as = Stored<T, column>)]` (or [`StoredOpt`] for
//! a nullable column). A stored text that is not a valid value fails the
//! read with a message that names the column and the text:
//!
//! ```text
//! column referrals.status holds "acepted": unknown referral status "acepted"; expected one of: draft, sent, …
//! ```
//!
//! Writes pass `value.as_str()` (codes) or `value.to_string()` (ids).

use std::fmt::Display;
use std::marker::PhantomData;
use std::str::FromStr;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::sql_types::{Nullable, Text};

/// A text column that holds a typed value; gives its name to read errors.
pub trait TextColumn {
    /// `table.column`.
    const NAME: &'static str;
}

/// Implements [`TextColumn`] for `schema::<table>::<column>` pairs.
macro_rules! text_columns {
    ($($table:ident . $column:ident),+ $(,)?) => {
        $(
            impl $crate::stored::TextColumn for $crate::schema::$table::$column {
                const NAME: &'static str = concat!(stringify!($table), ".", stringify!($column));
            }
        )+
    };
}
pub(crate) use text_columns;

/// A column read whose column is not named (ids of joined rows, aggregates).
#[derive(Debug, Clone, Copy)]
pub struct AnyColumn;

impl TextColumn for AnyColumn {
    const NAME: &'static str = "(text)";
}

fn parse<T, C>(text: &str) -> deserialize::Result<T>
where
    T: FromStr,
    T::Err: Display,
    C: TextColumn,
{
    text.parse::<T>().map_err(|e| format!("column {} holds {text:?}: {e}", C::NAME).into())
}

/// A text already read from `column` by a row that is not typed yet,
/// parsed as `T`: a bad text is the same error a typed read gives (a
/// database error naming the column), never "not found".
pub fn parse_column<T>(column: &'static str, text: &str) -> Result<T, crate::PersistenceError>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse::<T>().map_err(|e| {
        crate::PersistenceError::Database(diesel::result::Error::DeserializationError(
            format!("column {column} holds {text:?}: {e}").into(),
        ))
    })
}

/// A non-null text column read as `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored<T, C = AnyColumn>(T, PhantomData<C>);

impl<T, C, DB> Queryable<Text, DB> for Stored<T, C>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: FromStr,
    T::Err: Display,
    C: TextColumn,
{
    type Row = String;

    fn build(row: String) -> deserialize::Result<Self> {
        parse::<T, C>(&row).map(|value| Stored(value, PhantomData))
    }
}

/// A nullable text column read as `Option<T>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredOpt<T, C = AnyColumn>(Option<T>, PhantomData<C>);

impl<T, C, DB> Queryable<Nullable<Text>, DB> for StoredOpt<T, C>
where
    DB: Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
    T: FromStr,
    T::Err: Display,
    C: TextColumn,
{
    type Row = Option<String>;

    fn build(row: Option<String>) -> deserialize::Result<Self> {
        row.as_deref().map(parse::<T, C>).transpose().map(|value| StoredOpt(value, PhantomData))
    }
}

/// Lets `Stored<T, _>` / `StoredOpt<T, _>` convert into `T` / `Option<T>`
/// (written per type: a blanket `From<Stored<T, C>> for T` is refused by the
/// orphan rule).
macro_rules! stored_values {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl<C> From<Stored<$ty, C>> for $ty {
                fn from(stored: Stored<$ty, C>) -> Self {
                    stored.0
                }
            }

            impl<C> From<StoredOpt<$ty, C>> for Option<$ty> {
                fn from(stored: StoredOpt<$ty, C>) -> Self {
                    stored.0
                }
            }
        )+
    };
}

use relais_domain::audit::{ActorKind, AuditAction, AuditTarget};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex};
use relais_domain::case_file::{CaseEventKind, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::directory::ServiceCategory;
use relais_domain::ids::{
    ApiTokenId, AuditEventId, BeneficiaryId, CaseId, CommentId, ConsentId, DocumentId, EmailId, MembershipId, NoteId,
    OrganisationId, ReferralId, ServiceId, TaskId, TenantId, UserId,
};
use relais_domain::referral::{
    DeclineReason, NotCompletedReason, ReferralEventKind, ReferralOutcome, ReferralStatus, Side,
};
use relais_domain::role::{MembershipStatus, NetworkRole, TenantRole};
use relais_domain::tenant::{Region, TenantKind};
use relais_domain::{Language, Permission};

use crate::models::case_events::EventDetails;
use relais_domain::outreach::{AgeBand, AttendanceStatus, EventKind, EventStatus, Interests, Topics, TrainingAudience};
use relais_domain::{AttendanceId, EventId, ParticipantId, TallyId};

stored_values!(
    // outreach codes and ids
    AgeBand,
    AttendanceStatus,
    EventKind,
    EventStatus,
    Interests,
    Topics,
    TrainingAudience,
    AttendanceId,
    EventId,
    ParticipantId,
    TallyId,
);

stored_values!(
    // codes
    ActorKind,
    AuditAction,
    AuditTarget,
    CaseEventKind,
    CaseStatus,
    CloseReason,
    ConsentChannel,
    ConsentPurpose,
    DeclineReason,
    DocumentType,
    EducationLevel,
    Language,
    MembershipStatus,
    NetworkRole,
    NotCompletedReason,
    NoteVisibility,
    Pathway,
    Permission,
    ReferralOutcome,
    ReferralEventKind,
    Side,
    ReferralStatus,
    Region,
    ServiceCategory,
    Sex,
    TenantKind,
    TenantRole,
    // ids
    ApiTokenId,
    AuditEventId,
    BeneficiaryId,
    CaseId,
    CommentId,
    ConsentId,
    DocumentId,
    EmailId,
    MembershipId,
    NoteId,
    OrganisationId,
    ReferralId,
    ServiceId,
    TaskId,
    TenantId,
    UserId,
    // JSON details
    EventDetails,
);
