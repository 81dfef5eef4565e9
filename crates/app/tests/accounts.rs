//! The account, member and tenant commands on both backends, below HTTP:
//! each command's audit row (typed action, actor, target, the application
//! clock), its refusals (permission, validation, typed conflict) with
//! nothing written, and what it changes (sessions, links, e-mails).

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use relais_app::accounts::{
    self, AcceptInvitation, InvitationAccepted, NewNetworkAdmin, PasswordChange, ResetOutcome, SessionLength, SignIn,
    SignInOutcome,
};
use relais_app::members::{self, Invite};
use relais_app::network::{self, TenantInput};
use relais_app::{Acting, Actor, App, AppError, AppSettings, Member, Permissions, SystemJob};
use relais_domain::{
    ActorKind, AuditAction, Conflict, Duplicate, EmailAddress, Language, MembershipStatus, Permission, Region,
    TenantKind, TenantRole, UserId,
};
use relais_persistence::TenantScope;
use relais_persistence::models::audit::{self, AuditEvent};
use relais_persistence::models::{memberships, outbox, sessions, tenants, users};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

const PASSWORD: &str = "cèdre bleu sur la colline 42";

fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(9, 30, 0)).expect("a time")
}

fn length() -> SessionLength {
    SessionLength(Duration::hours(12))
}

fn permissions(role: TenantRole) -> Permissions {
    Permissions::of_role(role.as_str())
}

struct World {
    db: TestDb,
    app: App,
    tenant: TenantScope,
    admin: Actor,
    caseworker: Actor,
    /// The caseworker's account, with a password.
    worker_email: String,
    network_admin: Actor,
}

fn member_actor(
    conn: &mut relais_persistence::DbConnection,
    scope: &TenantScope,
    email: &str,
    role: TenantRole,
) -> Actor {
    let id: UserId = fixtures::member(conn, scope, email, role).parse().expect("a user id");
    Actor::member(Member { user_id: id, scope: *scope, role, permissions: permissions(role) }, "req-accounts")
}

fn world(db: TestDb) -> World {
    let mut app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
    app.set_clock(Arc::new(at));
    let mut conn = db.conn();
    let tenant = fixtures::tenant(&mut conn, "Association Espoir");
    let admin = member_actor(&mut conn, &tenant, "admin@espoir.org", TenantRole::TenantAdmin);
    let caseworker = member_actor(&mut conn, &tenant, "karim@espoir.org", TenantRole::Caseworker);
    let hash = relais_authorization::password::hash(PASSWORD).expect("hash");
    users::set_password_hash(
        &mut conn,
        &caseworker.user_id().expect("user").to_string(),
        &hash,
        relais_persistence::now(),
    )
    .expect("password");
    let network_user: UserId = fixtures::user(&mut conn, "reseau@relais.test", None).parse().expect("id");
    let network_admin = Actor::new(
        Acting::Network { user_id: network_user, permissions: Permissions::from_fn(|p| p == Permission::TenantManage) },
        "req-accounts",
    );
    drop(conn);
    World { db, app, tenant, admin, caseworker, worker_email: "karim@espoir.org".into(), network_admin }
}

fn anonymous() -> Actor {
    Actor::new(Acting::Anonymous, "req-accounts")
}

fn network_log(w: &World) -> Vec<AuditEvent> {
    audit::list_network(&mut w.db.conn(), 1000).expect("network log")
}

fn tenant_log(w: &World) -> Vec<AuditEvent> {
    audit::list_for_tenant(&mut w.db.conn(), &w.tenant, 1000).expect("tenant log")
}

/// The rows of one action, each stamped with the application clock and the request.
fn rows(log: Vec<AuditEvent>, action: AuditAction) -> Vec<AuditEvent> {
    let found: Vec<AuditEvent> = log.into_iter().filter(|e| e.action == action).collect();
    for row in &found {
        assert_eq!((row.occurred_at, row.request_id.as_deref()), (at(), Some("req-accounts")), "{action}");
        assert!(!row.details.contains('@'), "{action} details hold an address: {}", row.details);
    }
    found
}

fn attempt(email: &str, password: &str) -> SignIn {
    SignIn {
        email: email.into(),
        password: password.into(),
        client_address: "203.0.113.9".into(),
        replaces_session: None,
    }
}

fn sessions_of(w: &World, user: UserId) -> usize {
    use diesel::prelude::*;
    use relais_persistence::schema::sessions as s;
    s::table.filter(s::user_id.eq(user.to_string())).count().get_result::<i64>(&mut w.db.conn()).expect("count")
        as usize
}

fn mails_to(w: &World, address: &str) -> Vec<outbox::OutboxEmail> {
    outbox::list_recent(&mut w.db.conn(), 100).expect("outbox").into_iter().filter(|m| m.recipient == address).collect()
}

/// The link an e-mail carries, after `prefix` (`/invitations/`, `/password/reset/`).
fn token_in(mail: &outbox::OutboxEmail, prefix: &str) -> String {
    let start = mail.body_text.find(prefix).expect("a link") + prefix.len();
    mail.body_text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

backend_tests_async! {
    async fn sign_in_refuses_alike_then_locks_and_signs_in_with_one_row_each(db: TestDb) {
        let w = world(db);
        let worker = w.caseworker.user_id().expect("user");
        let wrong = accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, "wrong password here"), length()).await;
        assert_eq!(wrong.expect("an outcome"), SignInOutcome::Refused);
        let unknown = accounts::sign_in(&w.app, &anonymous(), attempt("nobody@espoir.org", PASSWORD), length()).await;
        assert_eq!(unknown.expect("an outcome"), SignInOutcome::Refused, "the same answer for an unknown address");
        let failed = rows(network_log(&w), AuditAction::SignInFailed);
        assert_eq!(failed.len(), 2);
        assert!(failed.iter().all(|r| r.actor_kind == Some(ActorKind::Anonymous) && r.target_id.is_none()));
        assert_eq!(sessions_of(&w, worker), 0);

        let signed = accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, PASSWORD), length()).await;
        let SignInOutcome::SignedIn(token) = signed.expect("an outcome") else { panic!("signed in") };
        let session = sessions::find(&mut w.db.conn(), &relais_app::tokens::digest(&token.0)).expect("q").expect("a session");
        assert_eq!(session.active_tenant_id, Some(w.tenant.tenant_id().to_string()), "the first tenant");
        assert_eq!(session.expires_at, at() + Duration::hours(12));
        let signed_rows = rows(network_log(&w), AuditAction::SignedIn);
        assert_eq!(signed_rows.len(), 1);
        assert_eq!((signed_rows[0].actor_user_id, signed_rows[0].actor_kind), (Some(worker), Some(ActorKind::User)));

        for _ in 0..5 {
            let _ = accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, "wrong password here"), length()).await;
        }
        let locked = accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, PASSWORD), length()).await;
        assert_eq!(locked.expect("an outcome"), SignInOutcome::Locked, "even the right password while locked");
        let locked_rows = rows(network_log(&w), AuditAction::SignInLocked);
        assert_eq!(locked_rows.last().and_then(|r| r.actor_user_id), Some(worker));

        let me = Actor::new(Acting::User(worker), "req-accounts");
        accounts::sign_out(&w.app, &me, session.id.clone()).await.expect("signed out");
        assert!(sessions::find(&mut w.db.conn(), &session.id).expect("q").is_none());
        assert_eq!(rows(network_log(&w), AuditAction::SignedOut).len(), 1);
        assert!(matches!(accounts::sign_out(&w.app, &anonymous(), session.id).await, Err(AppError::Forbidden)));
    }

    async fn a_password_change_checks_the_current_one_and_ends_every_other_session(db: TestDb) {
        let w = world(db);
        let worker = w.caseworker.user_id().expect("user");
        let me = Actor::new(Acting::User(worker), "req-accounts");
        for _ in 0..2 {
            accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, PASSWORD), length()).await.expect("in");
        }
        assert_eq!(sessions_of(&w, worker), 2);
        let change = |current: &str, new: &str, confirm: &str| PasswordChange {
            current: current.into(),
            password: new.into(),
            confirm: confirm.into(),
            active_tenant: None,
        };
        let Err(AppError::Validation(errors)) =
            accounts::change_password(&w.app, &me, change("not it at all", "un autre secret bien long", "un autre secret bien long"), length()).await
        else { panic!("refused") };
        assert_eq!(errors.get("current"), Some("error-password-current"));
        let Err(AppError::Validation(errors)) =
            accounts::change_password(&w.app, &me, change(PASSWORD, "un autre secret bien long", "pas pareil du tout ici"), length()).await
        else { panic!("refused") };
        assert_eq!(errors.get("confirm"), Some("error-password-mismatch"));
        assert_eq!(sessions_of(&w, worker), 2, "nothing written");
        assert!(rows(network_log(&w), AuditAction::PasswordChanged).is_empty());

        accounts::change_password(&w.app, &me, change(PASSWORD, "un autre secret bien long", "un autre secret bien long"), length())
            .await
            .expect("changed");
        assert_eq!(sessions_of(&w, worker), 1, "only the new session of this browser");
        assert_eq!(rows(network_log(&w), AuditAction::PasswordChanged).len(), 1);
        let again = accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, "un autre secret bien long"), length()).await;
        assert!(matches!(again.expect("an outcome"), SignInOutcome::SignedIn(_)));
    }

    async fn a_reset_link_is_sent_to_known_addresses_only_and_works_once(db: TestDb) {
        let w = world(db);
        let worker = w.caseworker.user_id().expect("user");
        accounts::request_password_reset(&w.app, &anonymous(), "nobody@espoir.org", Language::Fr).await.expect("same answer");
        assert!(mails_to(&w, "nobody@espoir.org").is_empty());
        assert!(rows(network_log(&w), AuditAction::PasswordResetRequested).is_empty());
        let bad = accounts::request_password_reset(&w.app, &anonymous(), "not an address", Language::Fr).await;
        assert!(matches!(bad, Err(AppError::Validation(e)) if e.get("email") == Some("error-email")));

        accounts::request_password_reset(&w.app, &anonymous(), &w.worker_email, Language::Fr).await.expect("sent");
        let mails = mails_to(&w, &w.worker_email);
        assert_eq!(mails.len(), 1);
        let requested = rows(network_log(&w), AuditAction::PasswordResetRequested);
        assert_eq!(requested.len(), 1);
        assert_eq!(requested[0].target_id, Some(worker.to_string()));
        let token = token_in(&mails[0], "/password/reset/");
        assert!(accounts::reset_link_usable(&w.app, &token).await.expect("read"));

        let short = accounts::reset_password(&w.app, &anonymous(), &token, "court".into(), "court").await;
        assert!(matches!(short, Err(AppError::Validation(e)) if e.get("password") == Some("error-password-short")));
        assert!(accounts::reset_link_usable(&w.app, &token).await.expect("read"), "a refused form keeps the link");
        let done = accounts::reset_password(&w.app, &anonymous(), &token, "un autre secret bien long".into(), "un autre secret bien long").await;
        assert_eq!(done.expect("reset"), ResetOutcome::Done);
        let reset = rows(network_log(&w), AuditAction::PasswordReset);
        assert_eq!((reset.len(), reset[0].actor_user_id), (1, Some(worker)));
        let twice = accounts::reset_password(&w.app, &anonymous(), &token, "encore un autre secret".into(), "encore un autre secret").await;
        assert_eq!(twice.expect("answer"), ResetOutcome::LinkUnusable);
    }

    async fn preferences_are_the_users_own(db: TestDb) {
        let w = world(db);
        let worker = w.caseworker.user_id().expect("user");
        let me = Actor::new(Acting::User(worker), "req-accounts");
        accounts::set_referral_emails(&w.app, &me, true).await.expect("digest");
        accounts::set_language(&w.app, &me, Language::Ar).await.expect("language");
        let user = users::find(&mut w.db.conn(), &worker.to_string()).expect("user");
        assert_eq!((user.referral_emails.as_str(), user.preferred_language.as_deref()), ("daily_digest", Some("ar")));
        assert_eq!(user.updated_at, at(), "stamped with the application clock");
        let changed = rows(network_log(&w), AuditAction::NotificationsChanged);
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].details, r#"{"daily_digest":true}"#);
        assert!(matches!(accounts::set_language(&w.app, &anonymous(), Language::En).await, Err(AppError::Forbidden)));
    }

    async fn an_invitation_is_sent_by_an_administrator_and_accepted_once(db: TestDb) {
        let w = world(db);
        let invite = |email: &str, role| Invite { email: email.into(), display_name: "Awa Diop".into(), role };
        assert!(matches!(
            members::invite_member(&w.app, &w.caseworker, invite("awa@espoir.org", Some(TenantRole::Volunteer))).await,
            Err(AppError::Forbidden)
        ));
        let Err(AppError::Validation(errors)) = members::invite_member(&w.app, &w.admin, invite("awa", None)).await else {
            panic!("refused")
        };
        assert_eq!((errors.get("email"), errors.get("role")), (Some("error-email"), Some("error-choose")));
        assert!(mails_to(&w, "awa@espoir.org").is_empty());
        let taken = members::invite_member(&w.app, &w.admin, invite(&w.worker_email, Some(TenantRole::Viewer))).await;
        assert!(matches!(taken, Err(AppError::Conflict(Conflict::Duplicate(Duplicate::Membership)))));

        members::invite_member(&w.app, &w.admin, invite("awa@espoir.org", Some(TenantRole::Volunteer))).await.expect("invited");
        let invited = rows(tenant_log(&w), AuditAction::MemberInvited);
        assert_eq!((invited.len(), invited[0].actor_user_id), (1, w.admin.user_id()));
        assert_eq!(invited[0].details, r#"{"role":"volunteer"}"#);
        let mails = mails_to(&w, "awa@espoir.org");
        assert_eq!(mails.len(), 1);
        assert!(!mails[0].body_text.contains("Awa"), "no name in the e-mail");
        let token = token_in(&mails[0], "/invitations/");
        let view = accounts::invitation(&w.app, &token).await.expect("read").expect("usable");
        assert!(view.needs_password);
        assert_eq!((view.tenant_name.as_str(), view.role), ("Association Espoir", TenantRole::Volunteer));

        let input = |password: &str| AcceptInvitation {
            display_name: " Awa Diop ".into(),
            password: password.into(),
            confirm: password.into(),
            replaces_session: None,
        };
        let short = accounts::accept_invitation(&w.app, &anonymous(), &token, input("court"), length()).await;
        assert!(matches!(short, Err(AppError::Validation(_))));
        let accepted = accounts::accept_invitation(&w.app, &anonymous(), &token, input(PASSWORD), length()).await;
        assert!(matches!(accepted.expect("accepted"), InvitationAccepted::SignedIn(_)));
        let rows = rows(tenant_log(&w), AuditAction::InvitationAccepted);
        assert_eq!(rows.len(), 1);
        let awa = users::find_by_email(&mut w.db.conn(), &EmailAddress::parse("awa@espoir.org").expect("e"))
            .expect("q")
            .expect("the account");
        assert_eq!(rows[0].actor_user_id, Some(awa.id.parse().expect("id")));
        let membership = memberships::find_for_user(&mut w.db.conn(), &w.tenant, &awa.id).expect("q").expect("member");
        assert_eq!(membership.status, MembershipStatus::Active.as_str());
        let twice = accounts::accept_invitation(&w.app, &anonymous(), &token, input(PASSWORD), length()).await;
        assert_eq!(twice.expect("answer"), InvitationAccepted::LinkUnusable);
    }

    async fn an_administrator_changes_others_memberships_not_their_own(db: TestDb) {
        let w = world(db);
        let worker = w.caseworker.user_id().expect("user").to_string();
        let mine = memberships::find_for_user(&mut w.db.conn(), &w.tenant, &w.admin.user_id().expect("u").to_string())
            .expect("q")
            .expect("m");
        let own = members::update_membership(&w.app, &w.admin, mine.id, TenantRole::Viewer, MembershipStatus::Active).await;
        assert!(matches!(own, Err(AppError::Conflict(Conflict::OwnMembership))));
        let theirs = memberships::find_for_user(&mut w.db.conn(), &w.tenant, &worker).expect("q").expect("m");
        let by_worker =
            members::update_membership(&w.app, &w.caseworker, theirs.id.clone(), TenantRole::Viewer, MembershipStatus::Active);
        assert!(matches!(by_worker.await, Err(AppError::Forbidden)));
        accounts::sign_in(&w.app, &anonymous(), attempt(&w.worker_email, PASSWORD), length()).await.expect("in");

        let changed = members::update_membership(&w.app, &w.admin, theirs.id.clone(), TenantRole::Viewer, MembershipStatus::Disabled)
            .await
            .expect("changed");
        assert!(changed.role_changed && changed.status_changed);
        assert_eq!(rows(tenant_log(&w), AuditAction::MemberRoleChanged)[0].details, r#"{"from":"caseworker","to":"viewer"}"#);
        assert_eq!(rows(tenant_log(&w), AuditAction::MemberDisabled).len(), 1);
        assert_eq!(sessions_of(&w, w.caseworker.user_id().expect("u")), 0, "disabling ends the member's sessions here");
        members::update_membership(&w.app, &w.admin, theirs.id, TenantRole::Viewer, MembershipStatus::Active).await.expect("back");
        assert_eq!(rows(tenant_log(&w), AuditAction::MemberEnabled).len(), 1);
        assert_eq!(rows(tenant_log(&w), AuditAction::MemberRoleChanged).len(), 1, "the role did not change again");
    }

    async fn the_network_creates_edits_deactivates_tenants_and_invites_their_administrator(db: TestDb) {
        let w = world(db);
        let input = |name: &str| TenantInput {
            name: name.into(),
            kind: Some(TenantKind::Association),
            region: Some(Region::RabatSaleKenitra),
            default_language: Some(Language::Fr),
            contact_email: "contact@nouvelle.org".into(),
        };
        assert!(matches!(network::create_tenant(&w.app, &w.admin, input("Nouvelle")).await, Err(AppError::Forbidden)));
        let Err(AppError::Validation(errors)) =
            network::create_tenant(&w.app, &w.network_admin, TenantInput { kind: None, ..input(" ") }).await
        else {
            panic!("refused")
        };
        assert_eq!((errors.get("name"), errors.get("kind")), (Some("error-required"), Some("error-choose")));
        let taken = network::create_tenant(&w.app, &w.network_admin, input("Association Espoir")).await;
        assert!(matches!(taken, Err(AppError::Conflict(Conflict::Duplicate(Duplicate::TenantName)))));
        assert!(rows(network_log(&w), AuditAction::TenantCreated).is_empty());

        let id = network::create_tenant(&w.app, &w.network_admin, input("Nouvelle")).await.expect("created");
        let created = rows(network_log(&w), AuditAction::TenantCreated);
        assert_eq!((created.len(), created[0].target_id.clone()), (1, Some(id.to_string())));
        network::update_tenant(&w.app, &w.network_admin, id, TenantInput { region: Some(Region::FesMeknes), ..input("Nouvelle") })
            .await
            .expect("updated");
        assert_eq!(rows(network_log(&w), AuditAction::TenantUpdated)[0].details, r#"{"changed":["region"]}"#);

        let invite = Invite { email: "chef@nouvelle.org".into(), display_name: "Chef".into(), role: Some(TenantRole::Viewer) };
        members::invite_tenant_admin(&w.app, &w.network_admin, id, invite.clone()).await.expect("invited");
        let scope = TenantScope::for_system(id);
        let invited = audit::list_for_tenant(&mut w.db.conn(), &scope, 10).expect("log");
        assert_eq!(invited[0].details, r#"{"role":"tenant_admin"}"#, "always the tenant's administrator");

        network::set_tenant_active(&w.app, &w.network_admin, id, false).await.expect("deactivated");
        let tenant = tenants::find(&mut w.db.conn(), &id.to_string()).expect("t");
        assert!(!tenant.active);
        assert_eq!((tenant.created_at, tenant.updated_at), (at(), at()), "stamped with the application clock");
        assert_eq!(rows(network_log(&w), AuditAction::TenantDeactivated).len(), 1);
        let inactive = members::invite_tenant_admin(&w.app, &w.network_admin, id, invite).await;
        assert!(matches!(inactive, Err(AppError::Conflict(Conflict::InactiveTenant))));
        network::set_tenant_active(&w.app, &w.network_admin, id, true).await.expect("activated");
        assert_eq!(rows(network_log(&w), AuditAction::TenantActivated).len(), 1);
    }

    async fn a_network_administrator_is_created_from_the_command_line_once(db: TestDb) {
        let w = world(db);
        let cli = Actor::system(SystemJob::Cli);
        let new = |password: &str| NewNetworkAdmin {
            email: EmailAddress::parse("chef@relais.test").expect("e"),
            display_name: "Chef du réseau".into(),
            password: password.into(),
        };
        assert!(matches!(accounts::create_network_admin(&w.app, &cli, new("court")).await, Err(AppError::Validation(_))));
        let id = accounts::create_network_admin(&w.app, &cli, new(PASSWORD)).await.expect("created");
        let created = audit::list_network(&mut w.db.conn(), 100).expect("log");
        let row = created.iter().find(|e| e.action == AuditAction::NetworkAdminCreated).expect("audited");
        assert_eq!((row.actor_kind, row.target_id.clone()), (Some(ActorKind::System), Some(id.to_string())));
        assert_eq!(row.details, r#"{"job":"cli"}"#);
        let again = accounts::create_network_admin(&w.app, &cli, new(PASSWORD)).await;
        assert!(matches!(again, Err(AppError::Conflict(Conflict::Duplicate(Duplicate::UserEmail)))));
    }
}
