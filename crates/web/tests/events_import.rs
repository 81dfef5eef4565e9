//! Importing a sign-in sheet through the real router on both backends: a
//! volunteer uploads a CSV with `;`, the preview lists the rows and a
//! duplicate (nothing written), a confirmation without a decision names the
//! line, one with the decision marks everyone (the attendees are on the
//! event page); a sheet with a bad row answers 422 naming the line and the
//! column in French and writes nothing; the upload routes take a body
//! larger than `server.max_body_bytes`; a POST without the CSRF part is
//! refused (403), and a viewer may not import (403).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::{PASSWORD, TestApp};
use diesel::prelude::*;
use relais_domain::TenantRole;
use relais_domain::beneficiary::Sex;
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{self, BeneficiaryFields};
use relais_persistence::schema::{beneficiaries as people_table, event_attendances};
use relais_test_support::backend_tests_async;
use tower::ServiceExt;

/// A person of a tenant with a birth year.
fn person(app: &TestApp, scope: &TenantScope, given: &str, family: &str, year: i32) -> String {
    let mut conn = app.db.conn();
    let fields = BeneficiaryFields {
        given_names: given.into(),
        family_names: family.into(),
        arabic_name: None,
        sex: Sex::Female,
        birth_date: None,
        birth_year: Some(year),
        nationalities: vec!["SN".into()],
        languages: Vec::new(),
        phone: None,
        whatsapp: None,
        email: None,
        city: Some("Rabat".into()),
        region: None,
        household_size_morocco: None,
        household_size_origin: None,
        education_level: None,
        previous_occupation: None,
        skills: None,
        regularisation_year: None,
    };
    beneficiaries::create(&mut conn, scope, &fields, None, relais_persistence::now()).expect("person").id.to_string()
}

async fn signed_in(app: &TestApp, email: &str) -> common::Client {
    let mut client = app.client();
    client.lang = Some("fr");
    assert_eq!(client.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// A session held five days ago; its page's path.
async fn session(app: &TestApp, client: &mut common::Client) -> String {
    let day = (app.clock.now().date() - chrono::Duration::days(5)).format("%Y-%m-%d").to_string();
    let created = client
        .post(
            "/events",
            &[
                ("title", "Séance AE Hay Nahda"),
                ("kind", "information_session"),
                ("topic-self_employment", "on"),
                ("start_date", day.as_str()),
                ("city", "Rabat"),
                ("region", "rabat_sale_kenitra"),
                ("status", "held"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().expect("a redirect");
    format!("/events/{}", location.trim_start_matches("/events/").split('#').next().expect("id"))
}

/// One part of a form: name, file name (for a file), content.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

const BOUNDARY: &str = "----relais-test-7d3f9a";

/// A `multipart/form-data` body, as a browser builds it.
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        if let Some(filename) = filename {
            body.extend_from_slice(format!("; filename=\"{filename}\"\r\nContent-Type: text/csv").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart form with the client's cookies (the parts as given:
/// the CSRF part is the caller's).
async fn post_multipart(
    app: &TestApp,
    client: &mut common::Client,
    path: &str,
    parts: &[Part<'_>],
) -> common::Response {
    let cookie = client.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, "fr")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(multipart(parts)))
        .expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    for value in headers.get_all(header::SET_COOKIE) {
        let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
        if let Some((name, value)) = pair.split_once('=') {
            client.cookies.insert(name.to_owned(), value.to_owned());
        }
    }
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    common::Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn marks(app: &TestApp) -> i64 {
    let mut conn = app.db.conn();
    event_attendances::table.count().get_result(&mut conn).expect("count")
}

fn people(app: &TestApp) -> i64 {
    let mut conn = app.db.conn();
    people_table::table.count().get_result(&mut conn).expect("count")
}

/// A page's text with apostrophes unescaped (`&#39;`, `&#x27;`).
fn plain(html: &str) -> String {
    html.replace("&#39;", "'").replace("&#x27;", "'")
}

/// "Line 3, column “Birth year”: …" in French.
fn french_at(line: u32, field: &str, message: &str) -> String {
    let catalog = relais_i18n::Catalog::embedded();
    let lang = relais_domain::Language::Fr;
    let column = catalog.text(lang, &format!("import-field-{field}"), &[]);
    catalog.text(
        lang,
        "import-error-at",
        &[("line", line.to_string()), ("column", column), ("message", catalog.text(lang, message, &[]))],
    )
}

/// What the preview posts back: the CSRF token, the file in base64, the
/// field of each column, and more fields.
fn reposted(token: &str, sheet: &str, columns: &[&str], more: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    let mut all = vec![
        ("_csrf".to_owned(), token.as_bytes().to_vec()),
        ("filename".to_owned(), b"emargement.csv".to_vec()),
        ("sheet".to_owned(), BASE64.encode(sheet).into_bytes()),
    ];
    all.extend(columns.iter().enumerate().map(|(i, code)| (format!("col-{i}"), code.as_bytes().to_vec())));
    all.extend(more.iter().map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec())));
    all
}

fn parts(fields: &[(String, Vec<u8>)]) -> Vec<Part<'_>> {
    fields.iter().map(|(k, v)| (k.as_str(), None, v.as_slice())).collect()
}

const SHEET: &str = "Prénom;Nom;Année de naissance;Sexe;Téléphone;Présent(e)\r\n\
                     Awa;Diop;1990;F;0612345678;oui\r\n\
                     Moussa;Traoré;1985;H;;oui\r\n\
                     Fatima;Zahra;2001;F;;non\r\n";

backend_tests_async! {
    async fn a_volunteer_imports_a_sheet_after_choosing_for_a_duplicate(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let (_, volunteer) = app.member(&tenant, "benevole@espoir.org", TenantRole::Volunteer);
        let awa = person(&app, &tenant, "Awa", "Diop", 1990);
        let mut client = signed_in(&app, &volunteer).await;
        let page = session(&app, &mut client).await;

        // The event page links to the import; the upload form explains the columns.
        let shown = client.get(&page).await;
        assert!(shown.body.contains(&format!("href=\"{page}/import\"")), "{}", shown.body);
        let form = client.get(&format!("{page}/import")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("enctype=\"multipart/form-data\"") && form.body.contains("accept=\".csv,.xlsx"));
        assert!(form.body.contains("Année de naissance") && form.body.contains("Prénom(s)"));

        // The preview: the rows, the columns guessed, Awa Diop found; nothing written.
        let (people_before, marks_before) = (people(&app), marks(&app));
        let token = client.csrf().await;
        let preview = post_multipart(&app, &mut client, &format!("{page}/import"), &[
            ("_csrf", None, token.as_bytes()),
            ("file", Some("emargement.csv"), SHEET.as_bytes()),
        ]).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert!(preview.body.contains("Moussa") && preview.body.contains("Traoré") && preview.body.contains("Fatima"));
        assert!(preview.body.contains("3 ligne(s) ; 0 avec une erreur ; 1 avec des doublons possibles."), "{}", preview.body);
        assert!(preview.body.contains("<option value=\"given_names\" selected>"));
        assert!(preview.body.contains("<option value=\"birth\" selected>"));
        assert!(preview.body.contains(&format!("name=\"decision-2\" value=\"{awa}\"")), "{}", preview.body);
        assert!(plain(&preview.body).contains("C'est Awa Diop (1990) · Rabat"), "{}", preview.body);
        assert!(preview.body.contains("name=\"decision-2\" value=\"new\""));
        assert!(!preview.body.contains("name=\"decision-3\""), "no candidate for Moussa");
        assert_eq!((people(&app), marks(&app)), (people_before, marks_before), "a preview writes nothing");

        // The file travels back with the choices; a field chosen twice is refused.
        let columns = ["given_names", "family_names", "birth", "sex", "phone", "present"];
        let twice = ["given_names", "given_names", "birth", "sex", "phone", "present"];
        let remap = reposted(&token, SHEET, &twice, &[]);
        let remapped = post_multipart(&app, &mut client, &format!("{page}/import"), &parts(&remap)).await;
        assert_eq!(remapped.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", remapped.body);
        assert!(remapped.body.contains("Une même information est choisie pour deux colonnes."), "{}", remapped.body);

        // Confirmed without deciding about Awa: the line is named, nothing written.
        let undecided = reposted(&token, SHEET, &columns, &[]);
        let refused = post_multipart(&app, &mut client, &format!("{page}/import/confirm"), &parts(&undecided)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(plain(&refused.body).contains(&french_at(2, "person", "import-error-decide")), "{}", refused.body);
        assert_eq!((people(&app), marks(&app)), (people_before, marks_before), "nothing written");

        // "This is Awa Diop": everyone is marked, two new people registered.
        let decided = reposted(&token, SHEET, &columns, &[("decision-2", awa.as_str())]);
        let done = post_multipart(&app, &mut client, &format!("{page}/import/confirm"), &parts(&decided)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), Some(format!("{page}#attendance").as_str()));
        assert_eq!((people(&app), marks(&app)), (people_before + 2, marks_before + 3));
        let shown = client.get(&page).await;
        assert!(plain(&shown.body).contains("La feuille d'émargement a été importée."), "{}", shown.body);
        assert!(shown.body.contains("2 personnes présentes"), "{}", shown.body);
        assert!(shown.body.contains(&format!("/beneficiaries/{awa}")));
        assert!(shown.body.contains("Moussa") && shown.body.contains("Fatima"));
    }

    async fn a_sheet_with_a_bad_row_names_it_and_writes_nothing(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let (_, volunteer) = app.member(&tenant, "benevole@espoir.org", TenantRole::Volunteer);
        let mut client = signed_in(&app, &volunteer).await;
        let page = session(&app, &mut client).await;
        let sheet = "Prénom,Nom,Année de naissance\nKhadija,Bennani,1990\nIbrahima,Sarr,1850\n";
        let token = client.csrf().await;
        let (people_before, marks_before) = (people(&app), marks(&app));

        // The preview already names the line and the column, and offers no confirmation.
        let preview = post_multipart(&app, &mut client, &format!("{page}/import"), &[
            ("_csrf", None, token.as_bytes()),
            ("file", Some("feuille.csv"), sheet.as_bytes()),
        ]).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        let named = french_at(3, "birth", "ben-error-too-old");
        assert!(named.starts_with("Ligne 3, colonne « Année de naissance » : La date doit être postérieure à 1900"), "{named}");
        assert!(plain(&preview.body).contains(&named), "{}", preview.body);
        assert!(!preview.body.contains("Importer 2 ligne(s)"));

        // Confirmed anyway: 422 with the report, nothing written.
        let encoded = BASE64.encode(sheet);
        let refused = post_multipart(&app, &mut client, &format!("{page}/import/confirm"), &[
            ("_csrf", None, token.as_bytes()),
            ("filename", None, b"feuille.csv"),
            ("sheet", None, encoded.as_bytes()),
            ("col-0", None, b"given_names"),
            ("col-1", None, b"family_names"),
            ("col-2", None, b"birth"),
        ]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("id=\"import-report\"") && plain(&refused.body).contains(&named), "{}", refused.body);
        assert_eq!((people(&app), marks(&app)), (people_before, marks_before), "nothing written");

        // A file that is not a sheet: the upload form again, with the reason.
        let empty = post_multipart(&app, &mut client, &format!("{page}/import"), &[
            ("_csrf", None, token.as_bytes()),
            ("file", Some("vide.csv"), b"Nom\n"),
        ]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Le fichier ne contient aucune ligne de participant"), "{}", empty.body);
    }

    async fn the_upload_routes_take_a_large_sheet_and_check_the_csrf_part(db: TestDb) {
        let app = TestApp::new(db).await;
        let tenant = app.tenant("Association Espoir");
        let (_, volunteer) = app.member(&tenant, "benevole@espoir.org", TenantRole::Volunteer);
        let (_, viewer) = app.member(&tenant, "suivi@espoir.org", TenantRole::Viewer);
        let mut client = signed_in(&app, &volunteer).await;
        let page = session(&app, &mut client).await;
        let token = client.csrf().await;

        // 2,500 rows (about 100 KiB): above the test's 64 KiB body limit, within the upload routes'.
        let mut sheet = String::from("Prénom;Nom;Ville\n");
        for i in 0..2_500 {
            sheet.push_str(&format!("Prénom{i};Nom de famille {i};Casablanca Hay Mohammadi\n"));
        }
        assert!(sheet.len() > 64 * 1024);
        let large = post_multipart(&app, &mut client, &format!("{page}/import"), &[
            ("_csrf", None, token.as_bytes()),
            ("file", Some("grande.csv"), sheet.as_bytes()),
        ]).await;
        assert_eq!(large.status, StatusCode::OK, "{}", &large.body[..large.body.len().min(2000)]);
        assert!(large.body.contains("2500 ligne(s)") || large.body.contains("2 500 ligne(s)") || large.body.contains("2 500 ligne(s)"));
        // Other page routes keep the configured limit.
        let padding = "x".repeat(70 * 1024);
        let other = client.post(&format!("{page}/tallies"), &[("label", padding.as_str())]).await;
        assert_eq!(other.status, StatusCode::PAYLOAD_TOO_LARGE);

        // No CSRF part, or a wrong one: refused before anything is read.
        let file = ("file", Some("a.csv"), SHEET.as_bytes());
        let without = post_multipart(&app, &mut client, &format!("{page}/import"), &[file]).await;
        assert_eq!(without.status, StatusCode::FORBIDDEN);
        let wrong = post_multipart(&app, &mut client, &format!("{page}/import/confirm"), &[("_csrf", None, b"not-the-token"), file]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        // The CSRF part may come after the file (a form's order is the browser's).
        let after = post_multipart(&app, &mut client, &format!("{page}/import"), &[file, ("_csrf", None, token.as_bytes())]).await;
        assert_eq!(after.status, StatusCode::OK);
        assert_eq!(marks(&app), 0);

        // A viewer sees figures only: no import.
        let mut viewer = signed_in(&app, &viewer).await;
        assert_eq!(viewer.get(&format!("{page}/import")).await.status, StatusCode::FORBIDDEN);
        let viewer_token = viewer.csrf().await;
        let refused = post_multipart(&app, &mut viewer, &format!("{page}/import"), &[("_csrf", None, viewer_token.as_bytes()), file]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let refused = post_multipart(&app, &mut viewer, &format!("{page}/import/confirm"), &[("_csrf", None, viewer_token.as_bytes()), file]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(marks(&app), 0);
    }
}
