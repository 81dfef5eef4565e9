//! The curl examples of `docs/api.md`, run against the real router: each
//! `curl` line of a `sh` block is read like a shell would (quotes, `$VAR`),
//! sent, and must answer 2xx — or the status its `# answers NNN` line says.

mod common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::TestApp;
use diesel::prelude::*;
use relais_domain::TenantRole;
use relais_persistence::schema::{consents, services};
use relais_test_support::{TestDb, fixtures};

/// Splits a command line into words like a POSIX shell, expanding `$NAME`
/// outside single quotes.
fn words(line: &str, vars: &HashMap<&str, String>) -> Vec<String> {
    let (mut out, mut word, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    let expand = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, word: &mut String| {
        let mut name = String::new();
        while let Some(c) = chars.peek().copied().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
            name.push(c);
            chars.next();
        }
        word.push_str(vars.get(name.as_str()).map_or("", String::as_str));
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' if in_word => {
                out.push(std::mem::take(&mut word));
                in_word = false;
            }
            ' ' | '\t' => {}
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                word.push(next);
                            }
                        }
                        '$' => expand(&mut chars, &mut word),
                        other => word.push(other),
                    }
                }
            }
            '$' => {
                in_word = true;
                expand(&mut chars, &mut word);
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// Every (expected status, curl line) of the document's `sh` blocks.
fn examples(doc: &str) -> Vec<(Option<u16>, String)> {
    let (mut out, mut in_sh, mut expect) = (Vec::new(), false, None);
    for line in doc.lines() {
        let line = line.trim();
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(code) = line.strip_prefix("# answers ") {
            expect = code.trim().parse().ok();
        } else if line.starts_with("curl ") {
            out.push((expect.take(), line.to_owned()));
        }
    }
    out
}

#[tokio::test]
async fn the_curl_examples_of_the_api_guide_answer_as_it_says() {
    let app = TestApp::new(TestDb::sqlite()).await;
    let (worker, sender, case, service) = {
        let conn = &mut app.db.conn();
        let sender = fixtures::tenant(conn, "Association");
        let receiver = fixtures::tenant(conn, "Incubateur");
        let worker = fixtures::member(conn, &sender, "a@association.example", TenantRole::Caseworker);
        let (person, case) = fixtures::person_with_case(conn, &sender, &worker, "open");
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
                consents::given_on.eq(now.date()),
                consents::created_at.eq(now),
            ))
            .execute(conn)
            .expect("consent");
        (worker, sender, case, service)
    };
    let token = app.api_token(&worker, &sender, TenantRole::Caseworker).await;
    let mut client = app.api();
    client.token = Some(token.clone());
    let draft = client
        .post(
            &format!("/api/v1/cases/{case}/referrals"),
            &serde_json::json!({ "service_id": service, "fields": ["given_names"] }),
        )
        .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    let referral = draft.json()["id"].as_str().expect("id").to_owned();
    let vars: HashMap<&str, String> = [
        ("RELAIS", "http://relais.test".to_owned()),
        ("TOKEN", token),
        ("CASE", case),
        ("SERVICE", service),
        ("REFERRAL", referral),
    ]
    .into_iter()
    .collect();

    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md")).expect("docs/api.md");
    let runs = examples(&doc);
    assert!(runs.len() >= 8, "the guide shows its examples: {runs:?}");
    let anonymous = app.api();
    for (expected, line) in runs {
        let args = words(&line, &vars);
        let (mut method, mut headers, mut body, mut url) = ("GET".to_owned(), Vec::new(), None, None);
        let mut it = args.iter().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "-s" | "-i" => {}
                "-X" => method = it.next().cloned().expect("a method"),
                "-H" => {
                    let header = it.next().expect("a header");
                    let (name, value) = header.split_once(':').expect("name: value");
                    headers.push((name.trim().to_lowercase(), value.trim().to_owned()));
                }
                "-d" => body = it.next().cloned(),
                other => url = Some(other.to_owned()),
            }
        }
        let path = url.expect("a URL").replace("http://relais.test", "");
        // The token travels in the example's own header.
        let header_refs: Vec<(&str, &str)> =
            headers.iter().filter(|(n, _)| n != "content-type").map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let answer = anonymous.send(&method, &path, body.as_deref(), &header_refs).await;
        match expected {
            Some(code) => assert_eq!(answer.status.as_u16(), code, "{line}\n{}", answer.body),
            None => assert!(answer.status.is_success(), "{line}\n{} {}", answer.status, answer.body),
        }
    }
}
