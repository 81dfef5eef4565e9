//! The JSON API through the real router, on both backends: tokens (life,
//! revocation, a disabled member), the contract (every operation of the
//! OpenAPI document exercised, every answer valid against its schema), the
//! error shape, idempotency, If-Match, rate limits, tenant isolation, and
//! robustness against malformed input.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use chrono::Duration;
use common::TestApp;
use common::api::{ApiClient, ApiResponse};
use diesel::prelude::*;
use relais_domain::{MembershipStatus, TenantRole};
use relais_persistence::TenantScope;
use relais_persistence::models::memberships;
use relais_persistence::schema::{audit_events, consents, services};
use relais_test_support::{backend_tests_async, fixtures};
use serde_json::{Value, json};

struct World {
    sender: TenantScope,
    receiver: TenantScope,
    sender_worker: String,
    receiver_worker: String,
    case_id: String,
    service: String,
    /// The sender's person (the one with the case).
    person: String,
}

fn world(app: &TestApp) -> World {
    let conn = &mut app.db.conn();
    let sender = fixtures::tenant(conn, "Association Amal");
    let receiver = fixtures::tenant(conn, "Incubateur Ribat");
    let sender_worker = fixtures::member(conn, &sender, "a@association.example", TenantRole::Caseworker);
    let receiver_worker = fixtures::member(conn, &receiver, "b@incubator.example", TenantRole::Caseworker);
    let (person, case_id) = fixtures::person_with_case(conn, &sender, &sender_worker, "open");
    let now = relais_persistence::now();
    let service = relais_domain::ServiceId::new().to_string();
    diesel::insert_into(services::table)
        .values((
            services::id.eq(&service),
            services::owner_tenant_id.eq(receiver.tenant_id().to_string()),
            services::name_fr.eq("Pré-incubation"),
            services::description_fr.eq("Accompagnement"),
            services::category.eq("incubation"),
            services::focal_point_email.eq("focal@incubator.example"),
            services::response_days.eq(5),
            services::intake_open.eq(true),
            services::created_at.eq(now),
            services::updated_at.eq(now),
        ))
        .execute(conn)
        .expect("service");
    diesel::insert_into(consents::table)
        .values((
            consents::tenant_id.eq(sender.tenant_id().to_string()),
            consents::id.eq(relais_domain::ConsentId::new().to_string()),
            consents::beneficiary_id.eq(&person),
            consents::purpose.eq("referral"),
            consents::partner_tenant_id.eq(receiver.tenant_id().to_string()),
            consents::channel.eq("written"),
            consents::language.eq("fr"),
            consents::given_on.eq(now.date() - Duration::days(3)),
            consents::created_at.eq(now),
        ))
        .execute(conn)
        .expect("consent");
    World { sender, receiver, sender_worker, receiver_worker, case_id, service, person }
}

/// The OpenAPI document, and a validator of answers against it.
struct Contract {
    doc: Value,
    seen: BTreeSet<(String, String)>,
}

impl Contract {
    async fn load(app: &TestApp) -> Self {
        let doc = app.api().get("/api/v1/openapi.json").await.json();
        assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true), "OpenAPI 3.1");
        Self { doc, seen: BTreeSet::new() }
    }

    /// Checks an answer against the operation's schema for its status, and notes the operation as exercised.
    fn check(&mut self, method: &str, template: &str, response: &ApiResponse) {
        let op = &self.doc["paths"][template][method];
        assert!(op.is_object(), "{method} {template} is not in the document");
        self.seen.insert((method.to_owned(), template.to_owned()));
        assert!(!response.status.is_server_error(), "{method} {template}: {} {}", response.status, response.body);
        let answer = &op["responses"][response.status.as_str()];
        assert!(
            answer.is_object(),
            "{method} {template} answered {} which the document does not list",
            response.status
        );
        let Some(schema) = answer["content"]["application/json"].get("schema") else { return };
        let mut root = json!({ "components": self.doc["components"].clone() });
        if let Some(map) = schema.as_object() {
            for (k, v) in map {
                root[k] = v.clone();
            }
        }
        let validator = jsonschema::draft202012::new(&root).expect("a valid schema");
        let body = response.json();
        let errors: Vec<String> =
            validator.iter_errors(&body).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{method} {template} {}: {errors:?}\n{}", response.status, response.body);
    }

    /// Every operation whose path `covers` was exercised (each area's test
    /// covers its own paths; together they cover the whole document).
    fn every_operation_was_exercised(&self, covers: impl Fn(&str) -> bool) {
        let mut missing = Vec::new();
        for (path, item) in self.doc["paths"].as_object().expect("paths") {
            if !covers(path) {
                continue;
            }
            for method in item.as_object().expect("operations").keys() {
                if !self.seen.contains(&(method.clone(), path.clone())) {
                    missing.push(format!("{method} {path}"));
                }
            }
        }
        assert!(missing.is_empty(), "operations no test exercised: {missing:?}");
    }
}

/// The events area's paths (covered by their own test).
const EVENTS: &str = "/api/v1/events";

fn audit_count(app: &TestApp, action: &str, target: &str) -> i64 {
    audit_events::table
        .filter(audit_events::action.eq(action))
        .filter(audit_events::target_id.eq(target))
        .count()
        .get_result(&mut app.db.conn())
        .expect("count")
}

async fn sender_api(app: &TestApp, w: &World) -> ApiClient {
    app.api_as(&w.sender_worker, &w.sender, TenantRole::Caseworker).await
}

async fn receiver_api(app: &TestApp, w: &World) -> ApiClient {
    app.api_as(&w.receiver_worker, &w.receiver, TenantRole::Caseworker).await
}

backend_tests_async! {
    async fn the_openapi_document_is_generated_and_kept_in_review(db: TestDb) {
        let app = TestApp::new(db).await;
        let doc = app.api().get("/api/v1/openapi.json").await;
        assert_eq!(doc.status, StatusCode::OK);
        insta::assert_snapshot!("openapi", serde_json::to_string_pretty(&doc.json()).expect("json"));
    }

    async fn a_referral_goes_its_whole_way_through_the_api_and_every_answer_fits_the_contract(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let mut contract = Contract::load(&app).await;
        let (a, b) = (sender_api(&app, &w).await, receiver_api(&app, &w).await);

        let me = a.get("/api/v1/me").await;
        contract.check("get", "/api/v1/me", &me);
        assert_eq!(me.json()["role"], "caseworker");

        let path = format!("/api/v1/cases/{}/referrals", w.case_id);
        let bad = a.post(&path, &json!({ "service_id": w.service, "fields": [] })).await;
        contract.check("post", "/api/v1/cases/{case_id}/referrals", &bad);
        assert_eq!((bad.status, bad.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".to_owned()));
        assert_eq!(bad.json()["error"]["fields"]["fields"], "no_field");
        let draft = a.post(&path, &json!({ "service_id": w.service, "fields": ["given_names", "phone"], "message": "Projet" })).await;
        contract.check("post", "/api/v1/cases/{case_id}/referrals", &draft);
        assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
        let id = draft.json()["id"].as_str().expect("id").to_owned();
        assert_eq!(draft.json()["status"], "draft");

        let sent = a.post(&format!("/api/v1/referrals/{id}/send"), &json!({})).await;
        contract.check("post", "/api/v1/referrals/{id}/send", &sent);
        assert_eq!(sent.json()["outcome"], "changed");
        assert_eq!(audit_count(&app, "referral.sent", &id), 1);

        let inbox = b.get("/api/v1/referrals?side=received&limit=1").await;
        contract.check("get", "/api/v1/referrals", &inbox);
        assert_eq!(inbox.json()["items"][0]["id"], id.as_str());
        let seen = b.get(&format!("/api/v1/referrals/{id}")).await;
        contract.check("get", "/api/v1/referrals/{id}", &seen);
        assert_eq!(seen.json()["side"], "receiver");
        assert!(seen.json()["packet"]["given_names"].is_string() && seen.json()["case_id"].is_null());
        let etag = seen.headers.get("etag").and_then(|v| v.to_str().ok()).expect("an ETag").to_owned();

        let stale = b.send("POST", &format!("/api/v1/referrals/{id}/accept"), Some(r#"{"link":"new","pathway":"auto_entrepreneur"}"#), &[("if-match", "\"v999\"")]).await;
        contract.check("post", "/api/v1/referrals/{id}/accept", &stale);
        assert_eq!((stale.status, stale.code()), (StatusCode::PRECONDITION_FAILED, "precondition_failed".to_owned()));
        let accepted = b.send("POST", &format!("/api/v1/referrals/{id}/accept"), Some(r#"{"link":"new","pathway":"auto_entrepreneur"}"#), &[("if-match", &etag)]).await;
        contract.check("post", "/api/v1/referrals/{id}/accept", &accepted);
        assert_eq!(accepted.json()["referral"]["status"], "accepted");

        let started = b.post(&format!("/api/v1/referrals/{id}/start"), &json!({})).await;
        contract.check("post", "/api/v1/referrals/{id}/start", &started);
        let again = b.post(&format!("/api/v1/referrals/{id}/start"), &json!({})).await;
        assert_eq!(again.json()["outcome"], "unchanged", "a repeat changes nothing");
        let illegal = b.post(&format!("/api/v1/referrals/{id}/decline"), &json!({ "reason": "no_capacity" })).await;
        contract.check("post", "/api/v1/referrals/{id}/decline", &illegal);
        assert_eq!((illegal.status, illegal.code()), (StatusCode::CONFLICT, "illegal_transition".to_owned()));
        let done = b.post(&format!("/api/v1/referrals/{id}/complete"), &json!({ "outcome": "enterprise_created" })).await;
        contract.check("post", "/api/v1/referrals/{id}/complete", &done);
        assert_eq!(done.json()["referral"]["outcome"], "enterprise_created");

        let comment = b.post(&format!("/api/v1/referrals/{id}/comments"), &json!({ "body": "Bravo" })).await;
        contract.check("post", "/api/v1/referrals/{id}/comments", &comment);
        assert_eq!(comment.status, StatusCode::CREATED);
        let theirs = a.get(&format!("/api/v1/referrals/{id}")).await;
        assert_eq!(theirs.json()["comments"][0]["author"], Value::Null, "the other side's author stays anonymous");
        assert!(theirs.json()["events"].as_array().is_some_and(|e| e.len() >= 4));

        // The other paths of the state machine: withdraw, decline, not complete.
        let second = a.post(&path, &json!({ "service_id": w.service, "fields": ["given_names"], "send_now": true })).await;
        let second_id = second.json()["id"].as_str().expect("id").to_owned();
        let withdrawn = a.post(&format!("/api/v1/referrals/{second_id}/withdraw"), &json!({})).await;
        contract.check("post", "/api/v1/referrals/{id}/withdraw", &withdrawn);
        assert_eq!(withdrawn.json()["referral"]["status"], "withdrawn");
        let third = a.post(&path, &json!({ "service_id": w.service, "fields": ["given_names"], "send_now": true })).await;
        let third_id = third.json()["id"].as_str().expect("id").to_owned();
        let declined = b.post(&format!("/api/v1/referrals/{third_id}/decline"), &json!({ "reason": "other", "text": "Complet" })).await;
        contract.check("post", "/api/v1/referrals/{id}/decline", &declined);
        assert_eq!(declined.json()["referral"]["decline_reason"], "other");
        let fourth = a.post(&path, &json!({ "service_id": w.service, "fields": ["given_names"], "send_now": true })).await;
        let fourth_id = fourth.json()["id"].as_str().expect("id").to_owned();
        b.post(&format!("/api/v1/referrals/{fourth_id}/accept"), &json!({ "link": "new", "pathway": "employment" })).await;
        b.post(&format!("/api/v1/referrals/{fourth_id}/start"), &json!({})).await;
        let ended = b.post(&format!("/api/v1/referrals/{fourth_id}/not-complete"), &json!({ "reason": "no_show" })).await;
        contract.check("post", "/api/v1/referrals/{id}/not-complete", &ended);
        assert_eq!(ended.json()["referral"]["not_completed_reason"], "no_show");

        // Paging: one row at a time, the cursor walks the list and ends.
        let mut after: Option<String> = None;
        let mut count = 0;
        loop {
            let url = match &after { Some(c) => format!("/api/v1/referrals?side=sent&limit=1&after={c}"), None => "/api/v1/referrals?side=sent&limit=1".to_owned() };
            let page = a.get(&url).await;
            contract.check("get", "/api/v1/referrals", &page);
            count += page.json()["items"].as_array().map_or(0, Vec::len);
            match page.json()["next"].as_str() { Some(next) => after = Some(next.to_owned()), None => break }
        }
        assert_eq!(count, 4);
        let too_many = a.get("/api/v1/referrals?limit=500").await;
        contract.check("get", "/api/v1/referrals", &too_many);
        assert_eq!(too_many.json()["error"]["fields"]["limit"], "out_of_range");

        contract.every_operation_was_exercised(|path| !path.starts_with(EVENTS));
    }

    async fn an_event_is_recorded_marked_and_counted_through_the_api_within_its_contract(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let mut contract = Contract::load(&app).await;
        let (a, b) = (sender_api(&app, &w).await, receiver_api(&app, &w).await);
        let day = (relais_persistence::now().date() - Duration::days(3)).to_string();
        let session = json!({ "title": "Séance statut auto-entrepreneur", "kind": "information_session",
            "topics": ["self_employment"], "start_date": day, "region": "rabat_sale_kenitra", "status": "held" });
        let created = a.post(EVENTS, &session).await;
        contract.check("post", EVENTS, &created);
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.json()["id"].as_str().expect("id").to_owned();
        let mut no_topic = session.clone();
        no_topic["topics"] = json!([]);
        let refused = a.post(EVENTS, &no_topic).await;
        contract.check("post", EVENTS, &refused);
        assert_eq!((refused.status, refused.json()["error"]["fields"]["topics"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("topics")));

        let mark = json!({ "person_id": w.person, "status": "present", "interests": ["auto_entrepreneur"] });
        let marked = a.post(&format!("{EVENTS}/{id}/attendance"), &mark).await;
        contract.check("post", "/api/v1/events/{id}/attendance", &marked);
        assert_eq!(marked.json()["outcome"], "recorded", "{}", marked.body);
        assert_eq!(marked.json()["event"]["attendees"][0]["status"], "present");
        let again = a.post(&format!("{EVENTS}/{id}/attendance"), &mark).await;
        assert_eq!(again.json()["outcome"], "unchanged", "a second identical mark is the same mark");
        assert_eq!(audit_count(&app, "attendance.recorded", &id), 1);

        let cells = json!({ "label": "Marché", "cells": [{ "sex": "female", "age_band": "25_34", "count": 12 }] });
        let counted = a.post(&format!("{EVENTS}/{id}/tallies"), &cells).await;
        contract.check("post", "/api/v1/events/{id}/tallies", &counted);
        assert_eq!(counted.status, StatusCode::CREATED, "{}", counted.body);
        assert_eq!(counted.json()["tallies"][0]["cells"][0]["count"], 12);
        let negative = a.post(&format!("{EVENTS}/{id}/tallies"), &json!({ "cells": [{ "sex": "male", "age_band": "unknown", "count": -1 }] })).await;
        contract.check("post", "/api/v1/events/{id}/tallies", &negative);
        assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);

        let shown = a.get(&format!("{EVENTS}/{id}")).await;
        contract.check("get", "/api/v1/events/{id}", &shown);
        assert_eq!((shown.json()["attendees"].as_array().map(Vec::len), shown.json()["own"].clone()), (Some(1), json!(true)));
        let listed = a.get("/api/v1/events?when=past&limit=1").await;
        contract.check("get", EVENTS, &listed);
        assert_eq!((listed.json()["items"][0]["present"].clone(), listed.json()["items"][0]["counted"].clone()), (json!(1), json!(12)));
        let unknown = a.get("/api/v1/events?when=someday").await;
        contract.check("get", EVENTS, &unknown);
        assert_eq!(unknown.json()["error"]["fields"]["when"], "choose");

        // Another tenant's token finds nothing and marks nothing.
        let theirs = b.get(&format!("{EVENTS}/{id}")).await;
        contract.check("get", "/api/v1/events/{id}", &theirs);
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        let foreign = b.post(&format!("{EVENTS}/{id}/attendance"), &mark).await;
        contract.check("post", "/api/v1/events/{id}/attendance", &foreign);
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);

        contract.every_operation_was_exercised(|path| path.starts_with(EVENTS));
    }

    async fn tokens_carry_the_role_die_when_revoked_or_the_member_is_disabled(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let a = sender_api(&app, &w).await;
        assert_eq!(a.get("/api/v1/me").await.status, StatusCode::OK);
        assert_eq!(app.api().get("/api/v1/me").await.code(), "unauthenticated");
        let mut forged = app.api();
        forged.token = Some(format!("rls_{}", "x".repeat(43)));
        let answer = forged.get("/api/v1/me").await;
        assert_eq!((answer.status, answer.headers.get("www-authenticate").map(|v| v.to_str().unwrap_or(""))), (StatusCode::UNAUTHORIZED, Some("Bearer")));

        // A disabled member's token answers 401 at once.
        {
            let mut conn = app.db.conn();
            let m = memberships::find_for_user(&mut conn, &w.sender, &w.sender_worker).expect("q").expect("m");
            memberships::update(&mut conn, &w.sender, &m.id, TenantRole::Caseworker, MembershipStatus::Disabled, relais_persistence::now()).expect("disable");
        }
        assert_eq!(a.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);

        // Revoked: 401 from the next call on; revoking is audited.
        let b = receiver_api(&app, &w).await;
        assert_eq!(b.get("/api/v1/me").await.status, StatusCode::OK);
        let member = relais_app::Member {
            user_id: w.receiver_worker.parse().expect("id"),
            scope: w.receiver,
            role: TenantRole::Caseworker,
            permissions: relais_app::Permissions::all(),
        };
        let actor = relais_app::Actor::member(member, "test");
        let tokens = relais_app::api_tokens::list_tokens(&app.state.core, &actor, false).await.expect("list");
        relais_app::api_tokens::revoke_token(&app.state.core, &actor, tokens[0].id).await.expect("revoke");
        assert_eq!(b.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(audit_count(&app, "api_token.revoked", &w.receiver_worker), 1);
        assert_eq!(audit_count(&app, "api_token.created", &w.receiver_worker), 1);
    }

    async fn another_tenants_token_finds_nothing_and_changes_nothing(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let a = sender_api(&app, &w).await;
        let path = format!("/api/v1/cases/{}/referrals", w.case_id);
        let id = a.post(&path, &json!({ "service_id": w.service, "fields": ["given_names"] })).await.json()["id"].as_str().expect("id").to_owned();
        // The receiver does not see a draft; a third tenant sees nothing at all.
        let third = {
            let mut conn = app.db.conn();
            let t = fixtures::tenant(&mut conn, "Tiers");
            let u = fixtures::member(&mut conn, &t, "c@third.example", TenantRole::TenantAdmin);
            (t, u)
        };
        let c = app.api_as(&third.1, &third.0, TenantRole::TenantAdmin).await;
        for answer in [
            c.get(&format!("/api/v1/referrals/{id}")).await,
            c.post(&format!("/api/v1/referrals/{id}/withdraw"), &json!({})).await,
            c.post(&format!("/api/v1/referrals/{id}/comments"), &json!({ "body": "x" })).await,
            c.post(&path, &json!({ "service_id": w.service, "fields": ["given_names"] })).await,
        ] {
            assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found".to_owned()), "{}", answer.body);
        }
        assert!(c.get("/api/v1/referrals?side=sent").await.json()["items"].as_array().is_some_and(Vec::is_empty));
        let mine = a.get(&format!("/api/v1/referrals/{id}")).await;
        assert_eq!((mine.json()["status"].as_str(), mine.json()["comments"].as_array().map(Vec::len)), (Some("draft"), Some(0)));
    }

    async fn an_idempotency_key_gives_the_first_answer_again_and_refuses_another_body(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let a = sender_api(&app, &w).await;
        let path = format!("/api/v1/cases/{}/referrals", w.case_id);
        let body = json!({ "service_id": w.service, "fields": ["given_names"] }).to_string();
        let first = a.send("POST", &path, Some(&body), &[("idempotency-key", "draft-1")]).await;
        let again = a.send("POST", &path, Some(&body), &[("idempotency-key", "draft-1")]).await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!((again.status, again.body.as_str()), (StatusCode::CREATED, first.body.as_str()));
        assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
        let id = first.json()["id"].as_str().expect("id").to_owned();
        assert_eq!(audit_count(&app, "referral.drafted", &id), 1, "written once");
        let other = a.send("POST", &path, Some(&json!({ "service_id": w.service, "fields": ["phone"] }).to_string()), &[("idempotency-key", "draft-1")]).await;
        assert_eq!((other.status, other.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused".to_owned()));
        let list = a.get("/api/v1/referrals?side=sent").await;
        assert_eq!(list.json()["items"].as_array().map(Vec::len), Some(1));
    }

    async fn malformed_input_is_a_4xx_with_the_error_shape_never_a_500(db: TestDb) {
        let app = TestApp::new(db).await;
        let w = world(&app);
        let a = sender_api(&app, &w).await;
        let path = format!("/api/v1/cases/{}/referrals", w.case_id);
        let huge = format!(r#"{{"service_id":"{}","fields":[{}]}}"#, w.service, vec!["\"given_names\""; 20_000].join(","));
        let cases: Vec<(&str, String, Option<&str>)> = vec![
            ("not JSON", "{not json".into(), None),
            ("wrong type", r#"{"service_id": 12, "fields": "x"}"#.into(), None),
            ("unknown field", format!(r#"{{"service_id":"{}","fields":["phone"],"sneaky":true}}"#, w.service), None),
            ("unknown packet field", format!(r#"{{"service_id":"{}","fields":["password"]}}"#, w.service), None),
            ("a huge array", huge, None),
            ("not UTF-8", String::from_utf8_lossy(b"{\"service_id\": \"\xff\xfe\"}").into_owned(), None),
            ("wrong content type", "{}".into(), Some("text/plain")),
        ];
        for (what, body, content_type) in cases {
            let headers: Vec<(&str, &str)> = content_type.map(|c| vec![("content-type", c)]).unwrap_or_default();
            let answer = if content_type.is_some() {
                a.send("POST", &path, None, &[]).await
            } else {
                a.send("POST", &path, Some(&body), &headers).await
            };
            assert!(answer.status.is_client_error(), "{what}: {} {}", answer.status, answer.body);
            assert!(!answer.code().is_empty(), "{what}: the error shape: {}", answer.body);
        }
        let raw_bytes = a.send("POST", &format!("/api/v1/referrals/{}/send", relais_domain::ReferralId::new()), Some("\u{0}"), &[]).await;
        assert!(raw_bytes.status.is_client_error());
        for path in ["/api/v1/nothing-here", "/api/v1/referrals/not-an-id"] {
            let answer = a.get(path).await;
            assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "not_found".to_owned()), "{path}");
        }
        assert_eq!(a.get("/api/v1/referrals?surprise=1").await.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn calls_over_the_rate_limit_get_429_with_retry_after() {
    let db = relais_test_support::TestDb::sqlite();
    let mut settings = common::settings();
    settings.api_rate_limit = relais_web::RateLimit { per_minute: 1, burst: 2 };
    let app = TestApp::with_settings(db, settings).await;
    let w = world(&app);
    let a = sender_api(&app, &w).await;
    let statuses: Vec<StatusCode> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(a.get("/api/v1/me").await.status);
        }
        out
    };
    assert_eq!(statuses[..2], [StatusCode::OK, StatusCode::OK]);
    let limited = a.get("/api/v1/me").await;
    assert_eq!((limited.status, limited.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited".to_owned()));
    assert!(limited.headers.get("retry-after").is_some());
}
