//! The directory commands on both backends, below HTTP: for each command
//! its one audit row (typed action, actor, target, the log it belongs to,
//! the application clock's time), its permission refusal, its validation
//! and typed conflict, and that nothing is written when it fails.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use relais_app::directory::{self, OrganisationInput, ServiceInput, ServiceOwner};
use relais_app::{Acting, Actor, App, AppError, AppSettings, Member, Permissions};
use relais_domain::directory::ServiceCategory;
use relais_domain::{
    ActorKind, AuditAction, AuditEventId, AuditTarget, Conflict, Duplicate, Language, NetworkRole, OrganisationId,
    Region, ServiceId, TenantKind, TenantRole, UserId,
};
use relais_persistence::TenantScope;
use relais_persistence::models::audit::AuditEvent;
use relais_persistence::models::directory::{self as rows, DirectoryQuery, Owner};
use relais_persistence::schema::{audit_events, external_organisations, services};
use relais_test_support::{TestDb, backend_tests_async, fixtures};

/// The application clock of these tests: every change is stamped with it.
fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 15, 0)).expect("a time")
}

/// What a role grants, from the role policies the server loads.
fn permissions(role: &str) -> Permissions {
    Permissions::of_role(role)
}

struct World {
    db: TestDb,
    app: App,
    tenant: TenantScope,
    other: TenantScope,
    /// The tenant's administrator (`service:manage`).
    admin: Actor,
    /// Another tenant's administrator.
    outsider: Actor,
    /// A caseworker of the tenant (no `service:manage`).
    caseworker: Actor,
    /// The network administrator (`directory:manage`).
    network: Actor,
    /// A network viewer (no `directory:manage`).
    viewer: Actor,
}

fn member(db: &TestDb, scope: &TenantScope, email: &str, role: TenantRole) -> Actor {
    let id = fixtures::member(&mut db.conn(), scope, email, role);
    let user_id: UserId = id.parse().expect("a user id");
    Actor::member(Member { user_id, scope: *scope, role, permissions: permissions(role.as_str()) }, "req-directory")
}

fn network_user(db: &TestDb, email: &str, role: NetworkRole) -> Actor {
    let user_id: UserId = fixtures::user(&mut db.conn(), email, None).parse().expect("a user id");
    Actor::new(Acting::Network { user_id, permissions: permissions(role.as_str()) }, "req-directory")
}

fn world(db: TestDb) -> World {
    let mut app = App::new(db.db.clone(), AppSettings { public_url: "https://relais.test".into() });
    app.set_clock(Arc::new(at));
    let tenant = fixtures::tenant(&mut db.conn(), "Hub Innovation");
    let other = fixtures::tenant(&mut db.conn(), "Association Soleil");
    let admin = member(&db, &tenant, "admin@hub.org", TenantRole::TenantAdmin);
    let outsider = member(&db, &other, "admin@soleil.org", TenantRole::TenantAdmin);
    let caseworker = member(&db, &tenant, "cw@hub.org", TenantRole::Caseworker);
    let network = network_user(&db, "admin@network.org", NetworkRole::NetworkAdmin);
    let viewer = network_user(&db, "donor@network.org", NetworkRole::NetworkViewer);
    World { db, app, tenant, other, admin, outsider, caseworker, network, viewer }
}

fn organisation_input(name: &str) -> OrganisationInput {
    OrganisationInput {
        name: format!(" {name} "),
        kind: Some(TenantKind::PublicService),
        region: Some(Region::RabatSaleKenitra),
        contact_email: "Kenitra@Emploi.example.org".into(),
        website: "https://emploi.example.org".into(),
    }
}

fn service_input(name: &str) -> ServiceInput {
    ServiceInput {
        name_fr: format!(" {name} "),
        name_ar: "ما قبل الاحتضان".into(),
        description_fr: "Accompagnement des porteurs de projet.".into(),
        category: Some(ServiceCategory::Incubation),
        languages: vec![Language::Fr, Language::Ar],
        regions: vec![Region::RabatSaleKenitra, Region::CasablancaSettat],
        cities: "Rabat, Salé".into(),
        focal_point_email: "pre-incubation@hub.example.org".into(),
        response_days: Some(7),
        intake_open: true,
        last_verified_on: Some(at().date()),
        ..ServiceInput::default()
    }
}

/// Every audit row, of every log.
fn all_rows(w: &World) -> Vec<AuditEvent> {
    audit_events::table.select(AuditEvent::as_select()).load(&mut w.db.conn()).expect("trail")
}

/// The audit rows already written (the log is append-only: later checks
/// look at what was written since).
fn mark(w: &World) -> HashSet<AuditEventId> {
    all_rows(w).into_iter().map(|e| e.id).collect()
}

/// The audit rows written since `mark`.
fn since(w: &World, mark: &HashSet<AuditEventId>) -> Vec<AuditEvent> {
    all_rows(w).into_iter().filter(|e| !mark.contains(&e.id)).collect()
}

/// The one audit row written since `mark`: its action, by whom, about
/// what, in which log, stamped with the application clock; returns its details.
fn only_row(
    w: &World,
    mark: &HashSet<AuditEventId>,
    action: AuditAction,
    by: &Actor,
    target: &str,
    tenant: Option<&TenantScope>,
) -> serde_json::Value {
    let all = since(w, mark);
    assert_eq!(all.len(), 1, "exactly one audit row: {all:?}");
    let row = &all[0];
    assert_eq!(row.action, action);
    assert_eq!((row.actor_user_id, row.actor_kind), (by.user_id(), Some(ActorKind::User)));
    assert_eq!((row.target_type, row.target_id.as_deref()), (action.target(), Some(target)));
    assert_eq!(row.tenant_id, tenant.map(|t| t.tenant_id()));
    assert_eq!((row.occurred_at, row.request_id.as_deref()), (at(), Some("req-directory")));
    serde_json::from_str(&row.details).expect("JSON details")
}

fn count_services(w: &World) -> i64 {
    services::table.count().get_result(&mut w.db.conn()).expect("count")
}

fn count_organisations(w: &World) -> i64 {
    external_organisations::table.count().get_result(&mut w.db.conn()).expect("count")
}

fn field(err: AppError, field: &str) -> &'static str {
    match err {
        AppError::Validation(errors) => errors.get(field).unwrap_or_else(|| panic!("no error on {field}: {errors:?}")),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

async fn organisation(w: &World, name: &str) -> OrganisationId {
    directory::create_organisation(&w.app, &w.network, organisation_input(name)).await.expect("listed")
}

backend_tests_async! {
    async fn listing_an_organisation_audits_it_in_the_network_log(db: TestDb) {
        let w = world(db);
        let start = mark(&w);
        let id = directory::create_organisation(&w.app, &w.network, organisation_input("Agence – Kénitra")).await.expect("listed");
        let details = only_row(&w, &start, AuditAction::OrganisationCreated, &w.network, &id.to_string(), None);
        assert_eq!(details, serde_json::json!({}));
        assert_eq!(AuditAction::OrganisationCreated.target(), AuditTarget::Organisation);
        let stored = rows::find_organisation(&mut w.db.conn(), id).expect("stored");
        assert_eq!((stored.name.as_str(), stored.kind, stored.region), ("Agence – Kénitra", TenantKind::PublicService, Region::RabatSaleKenitra));
        assert_eq!((stored.contact_email.as_str(), stored.created_at, stored.updated_at), ("kenitra@emploi.example.org", at(), at()));

        let start = mark(&w);
        let changed = OrganisationInput { region: Some(Region::Oriental), website: String::new(), ..organisation_input("Agence – Oujda") };
        directory::update_organisation(&w.app, &w.network, id, changed).await.expect("changed");
        only_row(&w, &start, AuditAction::OrganisationUpdated, &w.network, &id.to_string(), None);
        let stored = rows::find_organisation(&mut w.db.conn(), id).expect("stored");
        assert_eq!((stored.name.as_str(), stored.region, stored.website, stored.updated_at), ("Agence – Oujda", Region::Oriental, None, at()));
    }

    async fn organisations_are_refused_checked_and_unique(db: TestDb) {
        let w = world(db);
        let start = mark(&w);
        for who in [&w.viewer, &w.admin] {
            let refused = directory::create_organisation(&w.app, who, organisation_input("Agence")).await;
            assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        }
        let bad = OrganisationInput { name: " ".into(), kind: None, region: None, contact_email: "nope".into(), website: "ftp://x".into() };
        let errors = bad.check();
        assert_eq!(
            (errors.get("name"), errors.get("kind"), errors.get("region"), errors.get("contact_email"), errors.get("website")),
            (Some("error-required"), Some("error-choose"), Some("error-choose"), Some("error-email"), Some("dir-error-website"))
        );
        assert_eq!(field(directory::create_organisation(&w.app, &w.network, bad).await.expect_err("invalid"), "name"), "error-required");
        assert_eq!((count_organisations(&w), since(&w, &start).len()), (0, 0), "nothing written");

        let first = organisation(&w, "Agence").await;
        let second = organisation(&w, "Autre agence").await;
        let start = mark(&w);
        let taken = directory::create_organisation(&w.app, &w.network, organisation_input("Agence")).await;
        assert!(matches!(taken, Err(AppError::Conflict(Conflict::Duplicate(Duplicate::OrganisationName)))), "{taken:?}");
        let taken = directory::update_organisation(&w.app, &w.network, second, organisation_input("Agence")).await;
        assert!(matches!(taken, Err(AppError::Conflict(Conflict::Duplicate(Duplicate::OrganisationName)))), "{taken:?}");
        let refused = directory::update_organisation(&w.app, &w.viewer, first, organisation_input("Agence B")).await;
        assert!(matches!(refused, Err(AppError::Forbidden)));
        let missing = directory::update_organisation(&w.app, &w.network, OrganisationId::new(), organisation_input("Agence C")).await;
        assert!(matches!(missing, Err(AppError::NotFound)));
        assert_eq!(count_organisations(&w), 2);
        assert!(since(&w, &start).is_empty(), "nothing audited");
        assert_eq!(rows::find_organisation(&mut w.db.conn(), second).expect("stored").name, "Autre agence");
    }

    async fn a_tenant_publishes_and_changes_its_services_in_its_log(db: TestDb) {
        let w = world(db);
        let start = mark(&w);
        let id = directory::create_service(&w.app, &w.admin, ServiceOwner::OwnTenant, service_input("Pré-incubation")).await.expect("published");
        let details = only_row(&w, &start, AuditAction::ServiceCreated, &w.admin, &id.to_string(), Some(&w.tenant));
        assert_eq!(details, serde_json::json!({}));
        let stored = rows::find_service(&mut w.db.conn(), id).expect("stored");
        assert_eq!((stored.owner_tenant_id, stored.owner_organisation_id), (Some(w.tenant.tenant_id()), None));
        assert_eq!((stored.name_fr.as_str(), stored.category, stored.created_at), ("Pré-incubation", ServiceCategory::Incubation, at()));
        assert_eq!((stored.languages, stored.regions), (vec![Language::Fr, Language::Ar], vec![Region::RabatSaleKenitra, Region::CasablancaSettat]));
        assert_eq!(directory::own_services(&w.app, &w.admin).await.expect("listed").len(), 1);
        let found = directory::search(&w.app, DirectoryQuery { text: Some("pre".into()), ..DirectoryQuery::default() }).await.expect("found");
        assert_eq!(found.iter().map(|e| (e.service.id, e.owner_name.as_str(), e.owner_is_tenant)).collect::<Vec<_>>(), vec![(id, "Hub Innovation", true)]);

        let start = mark(&w);
        let closed = ServiceInput { intake_open: false, languages: vec![Language::En], ..service_input("Pré-incubation") };
        directory::update_service(&w.app, &w.admin, ServiceOwner::OwnTenant, id, closed).await.expect("changed");
        only_row(&w, &start, AuditAction::ServiceUpdated, &w.admin, &id.to_string(), Some(&w.tenant));
        let stored = rows::find_service(&mut w.db.conn(), id).expect("stored");
        assert_eq!((stored.intake_open, stored.languages, stored.updated_at), (false, vec![Language::En], at()));
    }

    async fn a_tenants_services_are_refused_checked_and_kept_to_their_owner(db: TestDb) {
        let w = world(db);
        let start = mark(&w);
        let refused = directory::create_service(&w.app, &w.caseworker, ServiceOwner::OwnTenant, service_input("Atelier")).await;
        assert!(matches!(refused, Err(AppError::Forbidden)));
        let refused = directory::create_service(&w.app, &w.network, ServiceOwner::OwnTenant, service_input("Atelier")).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "a network user has no tenant");
        let bad = ServiceInput {
            name_fr: String::new(),
            category: None,
            languages: vec![],
            regions: vec![],
            focal_point_email: "nope".into(),
            response_days: Some(400),
            last_verified_on: Some(at().date() + chrono::Days::new(1)),
            cities: "x".repeat(401),
            ..service_input("x")
        };
        let errors = bad.check(at().date());
        let expected = [
            ("name_fr", "error-required"),
            ("category", "error-choose"),
            ("languages", "dir-error-languages"),
            ("regions", "dir-error-regions"),
            ("focal_point_email", "error-email"),
            ("response_days", "dir-error-response-days"),
            ("last_verified_on", "dir-error-verified-date"),
            ("cities", "error-too-long"),
        ];
        assert_eq!(errors.iter().collect::<std::collections::BTreeMap<_, _>>(), expected.into_iter().collect());
        let unread = ServiceInput { response_days: None, ..service_input("x") };
        assert_eq!(unread.check(at().date()).get("response_days"), Some("dir-error-response-days"));
        assert_eq!(field(directory::create_service(&w.app, &w.admin, ServiceOwner::OwnTenant, bad).await.expect_err("invalid"), "name_fr"), "error-required");
        assert_eq!((count_services(&w), since(&w, &start).len()), (0, 0), "nothing written");

        let id = directory::create_service(&w.app, &w.admin, ServiceOwner::OwnTenant, service_input("Pré-incubation")).await.expect("published");
        let start = mark(&w);
        // Another tenant's administrator cannot read or change it; the network cannot through a tenant.
        assert!(matches!(directory::own_service(&w.app, &w.outsider, id).await, Err(AppError::NotFound)));
        let theirs = directory::update_service(&w.app, &w.outsider, ServiceOwner::OwnTenant, id, service_input("Volé")).await;
        assert!(matches!(theirs, Err(AppError::NotFound)), "{theirs:?}");
        let org = OrganisationId::new();
        let elsewhere = directory::update_service(&w.app, &w.network, ServiceOwner::Organisation(org), id, service_input("Volé")).await;
        assert!(matches!(elsewhere, Err(AppError::NotFound)), "{elsewhere:?}");
        let invalid = ServiceInput { regions: vec![], ..service_input("Volé") };
        assert!(matches!(directory::update_service(&w.app, &w.admin, ServiceOwner::OwnTenant, id, invalid).await, Err(AppError::Validation(_))));
        assert!(matches!(directory::update_service(&w.app, &w.caseworker, ServiceOwner::OwnTenant, id, service_input("Volé")).await, Err(AppError::Forbidden)));
        assert!(since(&w, &start).is_empty(), "nothing audited");
        assert_eq!(rows::find_owned_service(&mut w.db.conn(), Owner::Tenant(&w.tenant), id).expect("kept").name_fr, "Pré-incubation");
        assert!(rows::services_of_tenant(&mut w.db.conn(), &w.other).expect("none").is_empty());
        let missing = directory::directory_entry(&w.app, ServiceId::new()).await;
        assert!(matches!(missing, Err(AppError::NotFound)));
    }

    async fn the_network_publishes_an_organisations_services_in_its_log(db: TestDb) {
        let w = world(db);
        let org = organisation(&w, "Agence – Kénitra").await;
        let start = mark(&w);
        let owner = ServiceOwner::Organisation(org);
        let id = directory::create_service(&w.app, &w.network, owner, service_input("Placement")).await.expect("published");
        let details = only_row(&w, &start, AuditAction::ServiceCreated, &w.network, &id.to_string(), None);
        assert_eq!(details, serde_json::json!({ "organisation": org }));
        let stored = rows::find_service(&mut w.db.conn(), id).expect("stored");
        assert_eq!((stored.owner_tenant_id, stored.owner_organisation_id, stored.created_at), (None, Some(org), at()));
        let entry = directory::directory_entry(&w.app, id).await.expect("listed");
        assert_eq!((entry.owner_name.as_str(), entry.owner_is_tenant), ("Agence – Kénitra", false));
        let page = directory::organisation(&w.app, &w.network, org).await.expect("page");
        assert_eq!(page.services.iter().map(|s| s.id).collect::<Vec<_>>(), vec![id]);

        let start = mark(&w);
        directory::update_service(&w.app, &w.network, owner, id, service_input("Placement salarié")).await.expect("changed");
        let details = only_row(&w, &start, AuditAction::ServiceUpdated, &w.network, &id.to_string(), None);
        assert_eq!(details, serde_json::json!({ "organisation": org }));
        let (_, service) = directory::organisation_service(&w.app, &w.network, org, id).await.expect("read");
        assert_eq!(service.name_fr, "Placement salarié");

        let start = mark(&w);
        for who in [&w.viewer, &w.admin] {
            assert!(matches!(directory::create_service(&w.app, who, owner, service_input("Autre")).await, Err(AppError::Forbidden)));
            assert!(matches!(directory::update_service(&w.app, who, owner, id, service_input("Autre")).await, Err(AppError::Forbidden)));
            assert!(matches!(directory::organisations(&w.app, who).await, Err(AppError::Forbidden)));
        }
        let nowhere = ServiceOwner::Organisation(OrganisationId::new());
        assert!(matches!(directory::create_service(&w.app, &w.network, nowhere, service_input("Autre")).await, Err(AppError::NotFound)));
        let invalid = ServiceInput { focal_point_email: String::new(), ..service_input("Autre") };
        assert_eq!(field(directory::create_service(&w.app, &w.network, owner, invalid).await.expect_err("invalid"), "focal_point_email"), "error-email");
        assert_eq!(count_services(&w), 1);
        assert!(since(&w, &start).is_empty(), "nothing audited");
    }
}
