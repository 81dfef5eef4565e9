//! End-to-end journeys in a real browser: the `relais` binary serves a demo
//! network (`relais demo` on a temporary database) and headless Chromium,
//! driven through chromedriver, uses it as people do.
//!
//! Needs Debian's `chromium` and `chromium-driver` (or `RELAIS_CHROMEDRIVER`,
//! `RELAIS_CHROMIUM`); without chromedriver the journeys are skipped with a
//! note, except under CI where that is an error. A failing journey leaves a
//! screenshot and the page's HTML in `target/browser-artifacts/`.
//!
//! `scripts/screenshots.sh` runs the ignored `screenshots` test, which writes
//! the pictures in `docs/screenshots/`.

#[path = "browser/support.rs"]
mod support;

use anyhow::{Context, bail, ensure};
use support::{Browser, Person, add_note, journey, open_case, register_person, submit_person};

#[tokio::test]
async fn sign_in_and_out() {
    journey("sign_in_and_out", |env, b| async move {
        let caseworker = env.login("caseworker")?;
        b.sign_in(caseworker).await?;
        ensure!(b.path().await? == "/home", "signing in leads home, not to {}", b.path().await?);
        let nav = b.find("nav.main-nav").await?.text().await?;
        ensure!(nav.contains("Mon travail") || b.has("nav.main-nav a[href='/my-work']").await?, "{nav}");
        b.sign_out().await?;
        // Signed out, a private page leads back to the sign-in form.
        b.goto("/my-work").await?;
        b.find("#f-password").await?;
        ensure!(!b.has("form.sign-out").await?, "still signed in");
        // A wrong password is refused with a message, not a sign-in.
        b.goto("/login").await?;
        b.fill("email", &caseworker.email).await?;
        b.fill("password", "not the password at all").await?;
        b.click("main form[action='/login'] button[type=submit]").await?;
        b.find("main .form-error[role=alert]").await?;
        ensure!(!b.has("form.sign-out").await?, "a wrong password signed in");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn register_a_person_with_consent_and_residence_card() {
    journey("register_a_person", |env, b| async move {
        b.sign_in(env.login("caseworker")?).await?;
        let person = Person {
            given: "Mariama",
            family: "Navigatrice-Essai",
            birth: "1991-06-14",
            residence_card: Some("RC-BT-481516"),
            consent: true,
        };
        let id = register_person(&b, &person).await?;
        ensure!(b.has("main .flash[role=status]").await?, "no confirmation after registering");
        let documents = b.wait_text("#documents", "RC-BT-481516").await?;
        ensure!(documents.contains("Carte de séjour"), "the card's type is not shown: {documents}");
        let consents = b.find("#consents").await?.text().await?;
        ensure!(b.has("#consents table tbody tr").await?, "no consent listed: {consents}");
        // The person is found by name in the list.
        b.goto("/beneficiaries?q=Navigatrice").await?;
        b.find(&format!("main a[href='/beneficiaries/{id}']")).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_second_registration_of_the_same_person_is_warned() {
    journey("duplicate_warning", |env, b| async move {
        b.sign_in(env.login("caseworker")?).await?;
        let person =
            Person { given: "Ousmane", family: "Doublon-Essai", birth: "1988", residence_card: None, consent: false };
        let first = register_person(&b, &person).await?;
        submit_person(&b, &Person { given: "OUSMANE", family: "Doublon Essai", ..person }).await?;
        let warning = b.find("section[aria-labelledby=duplicates-title]").await?;
        ensure!(warning.text().await?.contains("déjà enregistrée"), "{}", warning.text().await?);
        b.find(&format!("section[aria-labelledby=duplicates-title] a[href='/beneficiaries/{first}']")).await?;
        ensure!(b.path().await? == "/beneficiaries", "the warning is on the form, not {}", b.path().await?);
        // "Create anyway" is a deliberate second step.
        b.click("button[name=confirm_duplicate][value='1']").await?;
        let second = b.wait_path("/beneficiaries/").await?;
        ensure!(!second.contains(&first), "create anyway led back to the first person");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn open_a_case_add_a_confidential_note_and_a_task() {
    journey("case_note_task", |env, b| async move {
        b.sign_in(env.login("caseworker")?).await?;
        let person = Person {
            given: "Koffi",
            family: "Dossier-Essai",
            birth: "1995-01-20",
            residence_card: None,
            consent: true,
        };
        let person_id = register_person(&b, &person).await?;
        let case_id = open_case(&b, &person_id).await?;
        b.wait_text("main", "Koffi Dossier-Essai").await?;
        add_note(&b, "Entretien confidentiel : situation familiale difficile.", "confidential").await?;
        let note = b.find("#case-notes article.note").await?.text().await?;
        ensure!(note.contains("Confidentielle"), "the note is not marked confidential: {note}");
        b.fill("title", "Déposer le dossier auto-entrepreneur").await?;
        b.set_value("due_on", "2099-12-31").await?;
        b.click("#case-tasks > form button[type=submit]").await?;
        b.wait_text("#case-tasks table", "Déposer le dossier auto-entrepreneur").await?;
        b.wait_text("#case-tasks table", "2099-12-31").await?;
        // The case is on the list of cases.
        b.goto("/cases").await?;
        b.find(&format!("main a[href='/cases/{case_id}']")).await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_volunteer_sees_neither_residence_card_nor_confidential_note() {
    journey("volunteer_limits", |env, b| async move {
        let (caseworker, volunteer) = (env.login("caseworker")?, env.login("volunteer")?);
        b.sign_in(caseworker).await?;
        let person = Person {
            given: "Fatou",
            family: "Benevole-Essai",
            birth: "1993-09-02",
            residence_card: Some("RC-VOL-778899"),
            consent: true,
        };
        let person_id = register_person(&b, &person).await?;
        b.wait_text("#documents", "RC-VOL-778899").await?;
        let case_id = open_case(&b, &person_id).await?;
        let secret = "Note confidentielle réservée aux travailleurs sociaux.";
        add_note(&b, secret, "confidential").await?;
        b.sign_out().await?;

        b.sign_in(volunteer).await?;
        b.goto(&format!("/beneficiaries/{person_id}")).await?;
        b.wait_text("main h1", "Fatou").await?;
        ensure!(!b.has("#documents").await?, "a volunteer sees the documents section");
        let html = b.html().await?;
        ensure!(!html.contains("RC-VOL-778899"), "a volunteer sees the residence card number");
        b.goto(&format!("/cases/{case_id}")).await?;
        b.find("main").await?;
        let html = b.html().await?;
        ensure!(!html.contains(secret), "a volunteer sees the confidential note");
        ensure!(!b.has("#case-notes").await?, "a volunteer sees the case notes");
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_arabic_interface_is_right_to_left() {
    journey("arabic_rtl", |env, b| async move {
        b.goto("/login").await?;
        let ltr = b.eval("return getComputedStyle(document.body).direction;").await?;
        ensure!(ltr == "ltr", "French is left-to-right, got {ltr}");
        // The language form sets a cookie for this browser only (no one's preference changes).
        b.switch_language("ar").await?;
        b.sign_in(env.login("caseworker")?).await?;
        b.goto("/my-work").await?;
        let lang = b.eval("return document.documentElement.lang;").await?;
        ensure!(lang.as_str().is_some_and(|l| l.starts_with("ar")), "the page is in {lang}");
        let direction = b.eval("return getComputedStyle(document.body).direction;").await?;
        ensure!(direction == "rtl", "the body's computed direction is {direction}");
        // Laid out from the right: the brand is right of the header's tools,
        // and the page title hugs the right edge.
        let boxes = b
            .eval(
                "const r = e => document.querySelector(e).getBoundingClientRect();
                 return { brand: r('.brand').right, tools: r('.header-tools').left,
                          h1: r('main h1').right, main: r('main').right,
                          h1left: r('main h1').left, width: document.documentElement.clientWidth };",
            )
            .await?;
        let n = |k: &str| boxes[k].as_f64().unwrap_or(f64::NAN);
        ensure!(n("brand") > n("tools"), "the brand is not right of the header tools: {boxes}");
        ensure!(n("h1") > n("width") / 2.0, "the title is not on the right: {boxes}");
        b.sign_out().await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn bad_input_shows_the_field_messages() {
    journey("field_messages", |env, b| async move {
        b.sign_in(env.login("caseworker")?).await?;
        let person =
            Person { given: "Awa", family: "Erreur-Essai", birth: "2099-01-01", residence_card: None, consent: false };
        submit_person(&b, &person).await?;
        let message = b.find("#e-birth.field-error").await?.text().await?;
        ensure!(message.contains("futur"), "the birth date's message reads {message:?}");
        let invalid = b.find("#f-birth").await?.attr("aria-invalid").await?;
        ensure!(invalid.as_deref() == Some("true"), "the birth field is not marked invalid");
        let described = b.find("#f-birth").await?.attr("aria-describedby").await?.unwrap_or_default();
        ensure!(described.contains("e-birth"), "the message is not tied to the field: {described}");
        // What was typed is kept.
        let kept = b.find("#f-family_names").await?.prop("value").await?.unwrap_or_default();
        ensure!(kept == "Erreur-Essai", "the form lost the family name: {kept:?}");
        // A missing required name has its own message.
        b.fill("given_names", " ").await?;
        b.fill("birth", "1990").await?;
        b.click("main form.panel p.actions button[type=submit]").await?;
        b.find("#e-given_names.field-error").await?;
        if b.has("#e-birth").await? {
            bail!("a valid birth year is still flagged");
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_referral_is_sent_accepted_completed_and_its_outcome_reaches_the_sender() {
    journey("referral_round_trip", |env, b| async move {
        let (sender, receiver) = (env.login("caseworker")?, env.login("incubator caseworker")?);
        b.sign_in(sender).await?;
        let person = Person {
            given: "Aminata",
            family: "Orientation-Essai",
            birth: "1990-04-11",
            residence_card: None,
            consent: true,
        };
        let person_id = register_person(&b, &person).await?;
        // The person agrees to be referred to the incubator.
        record_referral_consent(&b, "Hub Innov").await?;
        let case_id = open_case(&b, &person_id).await?;
        b.click("#case-referrals a.button").await?;
        b.wait_path(&format!("/cases/{case_id}/referrals/new")).await?;
        let service = option_value(&b, "#f-choose-service", "Hub Innov").await?;
        b.choose("choose-service", &service).await?;
        b.click("form[method=get] button[type=submit]").await?;
        b.wait_text("#h-gate", "").await?;
        let gate = b.find("main").await?.text().await?;
        ensure!(b.has("section[aria-labelledby=h-gate] .badge.ok").await?, "the consent does not cover it: {gate}");
        b.fill("message", "Projet de couture : besoin d'un accompagnement à la création.").await?;
        b.click("button[name=intent][value=send]").await?;
        let referral = b.wait_path("/referrals/").await?;
        let referral_id = referral.trim_start_matches("/referrals/").to_owned();
        b.wait_text("main .flash[role=status]", "Orientation envoyée").await?;
        let reference = b.find("main h1").await?.text().await?;
        let reference = reference.split_whitespace().find(|w| w.contains('-')).unwrap_or_default().to_owned();
        ensure!(!reference.is_empty(), "no reference in the referral's title");
        b.sign_out().await?;

        // The incubator finds it in its inbox, accepts it, starts and completes it.
        b.sign_in(receiver).await?;
        b.goto("/referrals").await?;
        b.click(&format!("main a[href='/referrals/{referral_id}']")).await?;
        b.wait_text("main", "Projet de couture").await?;
        b.click("#f-link-new").await?;
        b.click("form[action$='/accept'] button[type=submit]").await?;
        b.wait_text("main .flash[role=status]", "Orientation mise à jour").await?;
        b.click("form[action$='/start'] button[type=submit]").await?;
        b.find("#f-outcome").await?;
        let outcome = option_value(&b, "#f-outcome", "Entreprise créée").await?;
        b.choose("outcome", &outcome).await?;
        b.click("form[action$='/complete'] button[type=submit]").await?;
        b.wait_text("main", "Terminée").await?;
        b.sign_out().await?;

        // The sender sees the outcome on the case, and the e-mails went out.
        b.sign_in(sender).await?;
        b.goto(&format!("/cases/{case_id}")).await?;
        let section = b.wait_text("#case-referrals", "Terminée").await?;
        ensure!(section.contains("Entreprise créée"), "the sender does not see the outcome: {section}");
        b.goto("/dev/mail").await?;
        let mail = b.wait_text("main table", &format!("Orientation {reference} terminée")).await?;
        ensure!(mail.contains(&format!("Nouvelle orientation {reference}")), "the incubator was not told: {mail}");
        ensure!(mail.contains(&receiver.email), "no e-mail to the incubator's caseworker: {mail}");
        ensure!(mail.contains(&sender.email), "no e-mail to the sender: {mail}");
        ensure!(!mail.contains("Aminata") && !mail.contains("Orientation-Essai"), "an e-mail names the person: {mail}");
        Ok(())
    })
    .await;
}

/// Records, on the open person page, a referral consent to the partner whose name contains `partner`.
/// A volunteer at the door of an information session, on a phone: plans the
/// session after the fact, registers two people in one step each, finds a
/// third already registered (the duplicate check offers her), marks her
/// present, and adds a head-count.
#[tokio::test]
async fn a_volunteer_records_a_session_at_the_door_on_a_phone() {
    journey("session_at_the_door", |env, b| async move {
        b.viewport(390, 844).await?;
        b.sign_in(env.login("volunteer")?).await?;
        // Someone the association registered earlier.
        let known =
            Person { given: "Khady", family: "Seance-Essai", birth: "1994", residence_card: None, consent: false };
        let known_id = register_person(&b, &known).await?;

        b.goto("/events/new").await?;
        b.fill("title", "Séance statut auto-entrepreneur").await?;
        b.choose("kind", "information_session").await?;
        b.click("input[name='topic-self_employment']").await?;
        b.set_value("start_date", "2026-11-20").await?;
        b.fill("city", "Salé").await?;
        b.choose("region", "rabat_sale_kenitra").await?;
        b.click("input[name=status][value=held]").await?;
        b.click("main form[action='/events'] button[type=submit]").await?;
        b.find("#attendance").await.context("the event was not recorded")?;

        for (given, family, sex) in [("Aïssatou", "Porte-Essai", "female"), ("Mamadou", "Porte-Essai", "male")] {
            b.fill("given_names", given).await?;
            b.fill("family_names", family).await?;
            b.click(&format!("form.door-form input[name=sex][value={sex}]")).await?;
            b.click("form.door-form input[name=consent]").await?;
            b.click("form.door-form button[type=submit]").await?;
            b.wait_text("#attendance", given).await?;
        }
        // The third is already registered: the door form offers her.
        b.fill("given_names", "KHADY").await?;
        b.fill("family_names", "Seance Essai").await?;
        b.click("form.door-form input[name=sex][value=female]").await?;
        b.click("form.door-form input[name=consent]").await?;
        b.click("form.door-form button[type=submit]").await?;
        b.find(".duplicates").await?;
        b.click(&format!(".duplicates form:has(input[value='{known_id}']) button[type=submit]")).await?;
        let attendance = b.wait_text("#attendance", "Khady").await?;
        for name in ["Aïssatou", "Mamadou", "Khady"] {
            ensure!(attendance.contains(name), "{name} is not listed present: {attendance}");
        }
        let listed = b.eval("return document.querySelectorAll('#attendance li.attendee').length").await?;
        ensure!(listed == serde_json::json!(3), "three attendees, once each: {attendance}");

        // A head-count of people who gave no name.
        b.click("#tallies details summary").await?;
        let cell = b.find("#tallies input[type=number]").await?;
        cell.clear().await?;
        cell.send_keys("12").await?;
        b.click("#tallies form button[type=submit]").await?;
        b.wait_text("#tallies", "12").await?;
        // Nothing overflows the phone's width.
        let overflow = b.eval("return document.documentElement.scrollWidth > window.innerWidth + 1").await?;
        ensure!(overflow == serde_json::json!(false), "the event page is wider than the phone");
        Ok(())
    })
    .await;
}

async fn record_referral_consent(b: &Browser, partner: &str) -> anyhow::Result<()> {
    b.choose("consent_purpose", "referral").await?;
    let value = option_value(b, "#f-consent_partner", partner).await?;
    b.choose("consent_partner", &value).await?;
    b.choose("consent_channel", "written").await?;
    b.click("form[action$='/consents'] button[type=submit]").await?;
    b.wait_text("#consents table", "Orientation").await?;
    Ok(())
}

/// The value of the first option of `select` whose text contains `text`.
async fn option_value(b: &Browser, select: &str, text: &str) -> anyhow::Result<String> {
    let options = b.find(select).await?.find_all(fantoccini::Locator::Css("option")).await?;
    for option in options {
        if option.text().await?.contains(text) {
            return Ok(option.attr("value").await?.unwrap_or_default());
        }
    }
    bail!("no option of {select} reads {text:?}")
}

/// Writes the README's and user guide's pictures: `scripts/screenshots.sh`.
#[tokio::test]
#[ignore = "writes docs/screenshots/; run by scripts/screenshots.sh"]
async fn screenshots() {
    let Some(env) = support::env() else { panic!("screenshots need chromedriver") };
    let out = std::env::var_os("RELAIS_SCREENSHOTS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"));
    std::fs::create_dir_all(&out).expect("screenshots folder");
    for (device, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        for lang in ["fr", "ar"] {
            let b = Browser::start(env, width, height).await.expect("browser");
            let name = format!("screenshots-{lang}-{device}");
            if let Err(e) = take(&b, env, &out, lang, device).await {
                let dir = b.save_artifacts(&name).await;
                let _ = b.client.close().await;
                panic!("{name}: {e:#} (last page saved in {})", dir.display());
            }
            let _ = b.client.close().await;
        }
    }
}

async fn take(b: &Browser, env: &support::Env, out: &std::path::Path, lang: &str, device: &str) -> anyhow::Result<()> {
    let save = |page: &'static str, png: Vec<u8>| {
        let path = out.join(format!("{page}-{lang}-{device}.png"));
        std::fs::write(&path, png).map(|()| eprintln!("wrote {}", path.display()))
    };
    b.goto("/login").await?;
    if lang != "fr" {
        b.switch_language(lang).await?;
        b.goto("/login").await?;
    }
    b.find("#f-email").await?;
    save("sign-in", b.screenshot().await?)?;
    b.sign_in(env.login("caseworker")?).await?;

    b.goto("/my-work").await?;
    b.find("main h1").await?;
    save("my-work", b.screenshot().await?)?;

    b.goto("/beneficiaries").await?;
    let person = b.find("main table tbody a[href^='/beneficiaries/']").await?.attr("href").await?;
    b.goto(&person.unwrap_or_default()).await?;
    b.find("main h1").await?;
    save("person", b.screenshot().await?)?;

    b.goto("/cases").await?;
    let case = b.find("main table tbody a[href^='/cases/']").await?.attr("href").await?;
    b.goto(&case.unwrap_or_default()).await?;
    b.find("#case-notes").await?;
    save("case", b.screenshot().await?)?;

    b.goto("/directory").await?;
    b.find("main h1").await?;
    save("directory", b.screenshot().await?)?;

    // The incubator receives the associations' referrals.
    b.sign_out().await?;
    b.sign_in(env.login("incubator caseworker")?).await?;
    b.goto("/referrals").await?;
    b.find("main table tbody a[href^='/referrals/']").await?;
    save("referral-inbox", b.screenshot().await?)?;
    b.sign_out().await?;

    // An association's volunteer: the events, and a past session's page with the door form.
    b.sign_in(env.login("volunteer")?).await?;
    b.goto("/events?when=past&kind=information_session").await?;
    let event = b.find("main a[href^='/events/']:not([href='/events/new'])").await?.attr("href").await?;
    save("events", b.screenshot().await?)?;
    b.goto(&event.unwrap_or_default()).await?;
    b.find("#attendance").await?;
    save("event", b.screenshot().await?)?;
    b.sign_out().await?;
    Ok(())
}
