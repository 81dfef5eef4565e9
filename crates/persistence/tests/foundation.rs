//! Foundation rules on both backends: tenant scope, uniqueness, the
//! append-only audit trail, write transactions.

use diesel::connection::SimpleConnection;
use relais_domain::{EmailAddress, Language, MembershipStatus, Region, TenantKind, TenantRole};
use relais_persistence::models::{audit, memberships, tenants, users};
use relais_persistence::{PersistenceError, TenantScope, write_tx};
use relais_test_support::backend_tests;

fn new_tenant(name: &str) -> tenants::NewTenant {
    tenants::NewTenant {
        name: name.to_owned(),
        kind: TenantKind::Association,
        region: Region::RabatSaleKenitra,
        default_language: Language::Fr,
        contact_email: EmailAddress::parse("contact@example.org").expect("valid"),
    }
}

fn new_user(conn: &mut relais_persistence::DbConnection, email: &str) -> users::User {
    let email = EmailAddress::parse(email).expect("valid");
    users::create(
        conn,
        &users::NewUser { email: &email, display_name: "Test", password_hash: None, preferred_language: None },
        relais_persistence::now(),
    )
    .expect("user created")
}

backend_tests! {
    fn a_scope_only_reaches_its_own_tenant(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenants::create(&mut conn, &new_tenant("Association A"), relais_persistence::now()).expect("tenant A");
        let b = tenants::create(&mut conn, &new_tenant("Association B"), relais_persistence::now()).expect("tenant B");
        let scope_a = TenantScope::for_system(a.tenant_id().expect("id"));
        let scope_b = TenantScope::for_system(b.tenant_id().expect("id"));
        let user = new_user(&mut conn, "caseworker@example.org");
        let m = memberships::create(&mut conn, &scope_a, &user.id, TenantRole::Caseworker, MembershipStatus::Active, relais_persistence::now()).expect("membership");

        assert_eq!(memberships::list(&mut conn, &scope_a).expect("list").len(), 1);
        assert!(memberships::list(&mut conn, &scope_b).expect("list").is_empty());
        assert!(matches!(memberships::find(&mut conn, &scope_b, &m.id), Err(PersistenceError::NotFound)));

        let (scope, role) = memberships::scope_for_member(&mut conn, &user.id, a.tenant_id().expect("id")).expect("member of A");
        assert_eq!(scope, scope_a);
        assert_eq!(role, TenantRole::Caseworker);
        assert!(matches!(
            memberships::scope_for_member(&mut conn, &user.id, b.tenant_id().expect("id")),
            Err(PersistenceError::NotFound)
        ));
    }

    fn names_and_emails_are_unique_and_memberships_per_tenant(db: &TestDb) {
        let mut conn = db.conn();
        let a = tenants::create(&mut conn, &new_tenant("Hub"), relais_persistence::now()).expect("tenant");
        assert!(matches!(tenants::create(&mut conn, &new_tenant("Hub"), relais_persistence::now()), Err(PersistenceError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::TenantName)))));
        let user = new_user(&mut conn, "Someone@Example.org");
        let email = EmailAddress::parse("someone@example.org").expect("valid");
        assert!(matches!(
            users::create(&mut conn, &users::NewUser { email: &email, display_name: "Again", password_hash: None, preferred_language: None }, relais_persistence::now()),
            Err(PersistenceError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::UserEmail)))
        ));
        assert_eq!(users::find_by_email(&mut conn, &email).expect("lookup").map(|u| u.id), Some(user.id.clone()));
        let scope = TenantScope::for_system(a.tenant_id().expect("id"));
        memberships::create(&mut conn, &scope, &user.id, TenantRole::Volunteer, MembershipStatus::Active, relais_persistence::now()).expect("first membership");
        assert!(matches!(
            memberships::create(&mut conn, &scope, &user.id, TenantRole::Viewer, MembershipStatus::Active, relais_persistence::now()),
            Err(PersistenceError::Conflict(relais_domain::Conflict::Duplicate(relais_domain::Duplicate::Membership)))
        ));
    }

    fn a_membership_cannot_point_at_a_missing_tenant(db: &TestDb) {
        let mut conn = db.conn();
        let user = new_user(&mut conn, "x@example.org");
        let ghost = TenantScope::for_system(relais_domain::TenantId::new());
        assert!(memberships::create(&mut conn, &ghost, &user.id, TenantRole::Viewer, MembershipStatus::Active, relais_persistence::now()).is_err());
    }

    fn the_audit_trail_is_append_only(db: &TestDb) {
        let mut conn = db.conn();
        audit::record(&mut conn, &audit::NewAuditEvent {
            tenant: None,
            actor_user_id: None,
            actor_kind: relais_domain::ActorKind::System,
            action: relais_domain::AuditAction::TenantCreated,
            target_id: None,
            details: serde_json::json!({"k": 1}),
            request_id: Some("req-1"),
            at: relais_persistence::now(),
        })
        .expect("recorded");
        assert_eq!(audit::list_network(&mut conn, 10).expect("list").len(), 1);
        assert!(conn.batch_execute("UPDATE audit_events SET action = 'forged'").is_err());
        assert!(conn.batch_execute("DELETE FROM audit_events").is_err());
        assert_eq!(audit::list_network(&mut conn, 10).expect("list")[0].action, relais_domain::AuditAction::TenantCreated);
    }

    fn a_write_transaction_is_all_or_nothing(db: &TestDb) {
        let mut conn = db.conn();
        let result: Result<(), PersistenceError> = write_tx(&mut conn, |conn| {
            tenants::create(conn, &new_tenant("Rolled back"), relais_persistence::now())?;
            Err(PersistenceError::Conflict(relais_domain::Conflict::StaleVersion))
        });
        assert!(result.is_err());
        assert!(tenants::list(&mut conn).expect("list").is_empty());
        write_tx(&mut conn, |conn| {
            tenants::create(conn, &new_tenant("Kept"), relais_persistence::now())?;
            // Nested: a savepoint inside the outer transaction.
            write_tx(conn, |conn| tenants::create(conn, &new_tenant("Kept too"), relais_persistence::now()).map(|_| ()))
        })
        .expect("committed");
        assert_eq!(tenants::list(&mut conn).expect("list").len(), 2);
    }
}

#[test]
fn a_busy_sqlite_writer_waits_then_fails_cleanly() {
    use relais_persistence::{DatabaseUrl, Db, PoolSettings, SqliteSettings};
    use std::time::Duration;
    let dir = tempfile::tempdir().expect("temp dir");
    let url = DatabaseUrl::parse(&format!("sqlite:{}", dir.path().join("busy.db").display())).expect("url");
    let settings =
        PoolSettings { sqlite: SqliteSettings { busy_timeout: Duration::from_millis(200) }, ..PoolSettings::default() };
    let db = Db::connect(&url, settings).expect("open");
    let mut holder = db.get().expect("conn");
    relais_persistence::migrations::run_pending(&mut holder).expect("migrate");
    holder.batch_execute("BEGIN IMMEDIATE").expect("lock taken");
    let mut other = db.get().expect("conn");
    let result = write_tx(&mut other, |conn| {
        tenants::create(conn, &new_tenant("Blocked"), relais_persistence::now()).map(|_| ())
    });
    assert!(matches!(result, Err(PersistenceError::Unavailable(_))), "{result:?}");
    holder.batch_execute("ROLLBACK").expect("lock released");
    write_tx(&mut other, |conn| tenants::create(conn, &new_tenant("After"), relais_persistence::now()).map(|_| ()))
        .expect("written once free");
    let check = holder.batch_execute("PRAGMA integrity_check");
    assert!(check.is_ok());
}
