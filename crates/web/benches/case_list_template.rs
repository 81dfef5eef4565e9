//! Rendering the case list page (layout, navigation, filters and 50 rows)
//! and its 50-row table alone (what the bare baseline renders), in French and
//! Arabic, from a context shaped like the one the handler builds.
//!
//!   cargo bench -p relais-web --bench case_list_template
//!
//! Under `cargo test --benches` criterion runs each benchmark once (smoke mode).
#![expect(missing_docs, reason = "criterion_group! generates an undocumented public function")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use relais_domain::case_file::{CaseStatus, Pathway};
use relais_web::Templates;
use serde_json::json;

const GIVEN: [&str; 5] = ["Aminata", "Ousmane", "Fatoumata", "Koffi", "Mariama"];
const FAMILY: [&str; 5] = ["Diallo", "Traoré", "Camara", "Mensah", "Ndiaye"];

fn statuses() -> Vec<&'static str> {
    CaseStatus::ALL.iter().map(|s| s.as_str()).collect()
}

fn pathways() -> Vec<&'static str> {
    Pathway::ALL.iter().map(|p| p.as_str()).collect()
}

fn rows() -> Vec<serde_json::Value> {
    let (statuses, pathways) = (statuses(), pathways());
    (0..50)
        .map(|i| {
            json!({
                "id": format!("0193a4c2-7b1e-7c3d-9e4f-{i:012}"),
                "reference": format!("D-2026-{:05}", 90_000 - i),
                "pathway": pathways[i % pathways.len()],
                "status": statuses[i % statuses.len()],
                "intake_date": "2025-03-14",
                "updated_at": format!("2026-11-{:02} 09:{:02}", 1 + i % 28, i % 60),
                "given_names": GIVEN[i % GIVEN.len()],
                "family_names": FAMILY[i % FAMILY.len()],
            })
        })
        .collect()
}

fn context(lang: &str) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("lang", lang);
    c.insert("lang_tag", lang);
    c.insert("dir", if lang == "ar" { "rtl" } else { "ltr" });
    c.insert("languages", &["fr", "ar", "en"]);
    c.insert("csrf_token", "x6WQ0c4lq6d0a7bJXy3vB1t2yQ9mP0sR8nK5fL4hZ2E");
    c.insert("request_id", "0193a4c2-7b1e-7c3d-9e4f-000000000000");
    c.insert("flash", &Option::<String>::None);
    c.insert("css_url", "/static/app.00000000.css");
    c.insert("demo", &false);
    let nav: Vec<_> = [
        ("/home", "nav-home"),
        ("/my-work", "nav-my-work"),
        ("/beneficiaries", "nav-beneficiaries"),
        ("/cases", "nav-cases"),
        ("/referrals", "nav-referrals"),
        ("/directory", "nav-directory"),
        ("/account", "nav-account"),
    ]
    .iter()
    .map(|(href, key)| json!({ "href": href, "key": key }))
    .collect();
    c.insert("nav", &nav);
    c.insert("user_name", "Leila Berrada");
    c.insert("active_tenant_id", "0193a4c2-0000-7000-8000-000000000001");
    c.insert("active_tenant_name", "Association Entraide Sahel – Rabat");
    c.insert(
        "tenants",
        &[json!({ "id": "0193a4c2-0000-7000-8000-000000000001", "name": "Association Entraide Sahel – Rabat", "role": "caseworker" })],
    );
    c.insert("signed_in", &true);
    c.insert("cases", &rows());
    c.insert("next_url", "/cases?after=20261101T090000.000000_0193a4c2-7b1e-7c3d-9e4f-000000000049");
    c.insert("filter", &json!({ "status": null, "pathway": null, "assignee": null, "mine": false, "paged": false }));
    c.insert("statuses", &statuses());
    c.insert("pathways", &pathways());
    let workers: Vec<_> = (0..12)
        .map(|i| json!({ "user_id": format!("0193a4c2-0000-7000-8000-{i:012}"), "name": format!("Caseworker {i}") }))
        .collect();
    c.insert("workers", &workers);
    c
}

fn bench(c: &mut Criterion) {
    let templates = Templates::load().expect("the templates parse");
    let mut group = c.benchmark_group("case_list_template");
    for lang in ["fr", "ar"] {
        let context = context(lang);
        let page = templates.render("cases/list.html", &context).expect("the page renders").0;
        assert_eq!(page.matches("<tr>").count(), 51, "a header row and 50 case rows");
        group.bench_function(format!("page_50_rows_{lang}"), |b| {
            b.iter(|| black_box(templates.render("cases/list.html", black_box(&context))))
        });
        group.bench_function(format!("table_50_rows_{lang}"), |b| {
            b.iter(|| black_box(templates.render("cases/list_table.html", black_box(&context))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
