//! Every route × every role, compared with the expected matrix kept in
//! `tests/snapshots/route_matrix__route_matrix.snap`. Each cell is the
//! status a user with that role gets for the route (with an empty form for
//! POSTs, so a permitted POST answers 4xx for the missing fields, never 403).

mod common;

use std::fmt::Write as _;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use relais_domain::{NetworkRole, TenantRole};
use relais_test_support::backend_tests_async;
use relais_web::{Access, route_specs};

const ROLES: &[&str] =
    &["anonymous", "network_admin", "network_viewer", "tenant_admin", "caseworker", "volunteer", "viewer"];

async fn statuses_for(db: relais_test_support::TestDb, role: &str) -> Vec<(String, u16)> {
    let app = TestApp::new(db).await;
    let tenant = app.tenant("Matrix tenant");
    let (other_id, _) = app.member(&tenant, "other@example.org", TenantRole::Caseworker);
    let other_membership = {
        let mut conn = app.db.conn();
        relais_persistence::models::memberships::find_for_user(&mut conn, &tenant, &other_id).expect("q").expect("m").id
    };
    let mut client = app.client();
    let mut api = app.api();
    let email = match role {
        "anonymous" => None,
        "network_admin" => Some(app.network_user("n@example.org", NetworkRole::NetworkAdmin).1),
        "network_viewer" => Some(app.network_user("n@example.org", NetworkRole::NetworkViewer).1),
        tenant_role => {
            let role: TenantRole = tenant_role.parse().expect("role");
            let (id, email) = app.member(&tenant, "m@example.org", role);
            // API routes are called with the member's token (network roles hold none).
            api = app.api_as(&id, &tenant, role).await;
            Some(email)
        }
    };
    if let Some(email) = email {
        assert_eq!(client.login(&email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    }
    let token = "t".repeat(43);
    let mut out = Vec::new();
    for spec in route_specs() {
        let path = spec
            .path
            .replace(
                "{id}",
                if spec.path.starts_with("/members") {
                    &other_membership
                } else if spec.path.starts_with("/dev") {
                    "none"
                } else {
                    "TENANT"
                },
            )
            .replace("TENANT", &tenant.tenant_id().to_string())
            .replace("{token}", &token)
            .replace("{file}", "missing.css");
        // Any other id in the path: one that exists nowhere.
        let path = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    "01000000-0000-7000-8000-000000000000"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let status = match (spec.method, path.starts_with("/api/v1/")) {
            ("get", true) => api.get(&path).await.status,
            (_, true) => api.post(&path, &serde_json::json!({})).await.status,
            ("get", false) => client.get(&path).await.status,
            _ => client.post(&path, &[]).await.status,
        };
        // Signing out ends the session: sign in again for the next routes.
        if spec.path == "/logout" && role != "anonymous" {
            let email = match role {
                "network_admin" | "network_viewer" => "n@example.org",
                _ => "m@example.org",
            };
            client.login(email, PASSWORD).await;
        }
        out.push((format!("{} {}", spec.method.to_uppercase(), spec.path), status.as_u16()));
        let _ = &spec.access;
    }
    out
}

backend_tests_async! {
    async fn every_route_answers_every_role_as_the_matrix_says(db: TestDb) {
        let specs = route_specs();
        let mut columns: Vec<Vec<(String, u16)>> = Vec::new();
        let backend = db.backend();
        drop(db);
        for role in ROLES {
            let fresh = match backend {
                relais_persistence::Backend::Sqlite => relais_test_support::TestDb::sqlite(),
                relais_persistence::Backend::Postgres => relais_test_support::TestDb::postgres().expect("postgres"),
            };
            columns.push(statuses_for(fresh, role).await);
        }
        let rules = relais_authorization::policy::parse(relais_authorization::policy::POLICY).expect("policy");
        let mut table = String::new();
        let _ = writeln!(table, "{:<44} {}", "route", ROLES.join(" "));
        for (i, spec) in specs.iter().enumerate() {
            let cells: Vec<String> = columns.iter().zip(ROLES).map(|(col, role)| format!("{:>width$}", col[i].1, width = role.len())).collect();
            let _ = writeln!(table, "{:<44} {}", columns[0][i].0, cells.join(" "));
            // Whatever the snapshot says, some rules hold by construction.
            for (col, role) in columns.iter().zip(ROLES) {
                let status = col[i].1;
                if spec.access != Access::Public && *role == "anonymous" {
                    assert!(matches!(status, 303 | 401 | 403 | 404), "{} open to anonymous: {status}", col[i].0);
                }
                // A role without the route's permission in the policy never gets a 2xx.
                let permitted = match spec.access {
                    Access::Tenant(p) | Access::Network(p) | Access::Api(p) => rules.iter().any(|r| r.role == *role && r.permission == p),
                    _ => true,
                };
                if !permitted {
                    assert!(!(200..300).contains(&status), "{} open to {role}: {status}", col[i].0);
                }
                if matches!(spec.access, Access::Network(_)) && !role.starts_with("network") {
                    assert!(!(200..300).contains(&status), "{} open to {role}: {status}", col[i].0);
                }
            }
        }
        insta::assert_snapshot!("route_matrix", table);
    }
}
