//! `users`: accounts. A user is global (one person may belong to several
//! tenants); what they may see in a tenant comes from their memberships.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use relais_domain::{EmailAddress, Language, UserId};

use crate::schema::users;
use crate::{DbConnection, PersistenceError};

/// A user account as stored. `password_hash` is an argon2id PHC string and
/// never leaves the persistence and authentication code.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    /// Id (UUIDv7 text).
    pub id: String,
    /// Normalised e-mail address (the sign-in name).
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// argon2id hash, absent until the invitation is accepted.
    pub password_hash: Option<String>,
    /// Interface language chosen by the user, if any.
    pub preferred_language: Option<String>,
    /// Whether the account may sign in at all.
    pub active: bool,
    /// Creation time (UTC).
    pub created_at: NaiveDateTime,
    /// Last change (UTC).
    pub updated_at: NaiveDateTime,
    /// Referral e-mails: `immediate` or `daily_digest`.
    pub referral_emails: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No e-mail, name or hash in logs.
        f.debug_struct("User").field("id", &self.id).field("active", &self.active).finish_non_exhaustive()
    }
}

/// What is needed to create a user.
#[derive(Clone)]
pub struct NewUser<'a> {
    /// Sign-in address.
    pub email: &'a EmailAddress,
    /// Name shown in the interface.
    pub display_name: &'a str,
    /// argon2id hash, or `None` for an invited user who has not chosen a password yet.
    pub password_hash: Option<&'a str>,
    /// Preferred language, if known.
    pub preferred_language: Option<Language>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct UserRow<'a> {
    id: String,
    email: &'a str,
    display_name: &'a str,
    password_hash: Option<&'a str>,
    preferred_language: Option<&'a str>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Creates a user; an e-mail already registered is a [`PersistenceError::Conflict`].
pub fn create(conn: &mut DbConnection, new: &NewUser<'_>, at: NaiveDateTime) -> Result<User, PersistenceError> {
    let row = UserRow {
        id: UserId::new().to_string(),
        email: new.email.as_str(),
        display_name: new.display_name.trim(),
        password_hash: new.password_hash,
        preferred_language: new.preferred_language.as_ref().map(Language::as_str),
        active: true,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(users::table).values(&row).execute(conn)?;
    find(conn, &row.id)
}

/// One user by id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<User, PersistenceError> {
    Ok(users::table.find(id).select(User::as_select()).first(conn)?)
}

/// The user with this sign-in address, if any.
pub fn find_by_email(conn: &mut DbConnection, email: &EmailAddress) -> Result<Option<User>, PersistenceError> {
    Ok(users::table.filter(users::email.eq(email.as_str())).select(User::as_select()).first(conn).optional()?)
}

/// Replaces a user's password hash.
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: &str,
    hash: &str,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    let changed = diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(at)))
        .execute(conn)?;
    if changed == 0 { Err(PersistenceError::NotFound) } else { Ok(()) }
}

/// Sets (or clears) the user's interface language.
pub fn set_preferred_language(
    conn: &mut DbConnection,
    id: &str,
    lang: Option<Language>,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::update(users::table.find(id))
        .set((users::preferred_language.eq(lang.as_ref().map(Language::as_str)), users::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Sets the name shown in the interface.
pub fn set_display_name(
    conn: &mut DbConnection,
    id: &str,
    name: &str,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::update(users::table.find(id))
        .set((users::display_name.eq(name.trim()), users::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Chooses how referral e-mails reach the user: each at once, or one daily digest.
pub fn set_referral_emails(
    conn: &mut DbConnection,
    id: &str,
    daily_digest: bool,
    at: NaiveDateTime,
) -> Result<(), PersistenceError> {
    let value = if daily_digest { "daily_digest" } else { "immediate" };
    diesel::update(users::table.find(id))
        .set((users::referral_emails.eq(value), users::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}
