//! Rendering: snapshots of every kind of e-mail in every language, and the
//! rules every e-mail keeps (no personal data, text and HTML agree, every
//! message exists in every language, right-to-left Arabic).

use relais_domain::{Language, TenantRole};
use relais_email::{Email, RenderedEmail, render, template_sources};
use relais_i18n::Catalog;

/// One example of every kind of e-mail.
fn examples() -> Vec<Email> {
    vec![
        Email::Invitation {
            tenant_name: "Association Horizons Solidaires".into(),
            role: TenantRole::Caseworker,
            link: "https://relais.example.org/invitations/accept?token=Zx81-tok_en".into(),
            expires_in_hours: 72,
        },
        Email::PasswordReset {
            link: "https://relais.example.org/password/reset?token=Qm93-tok_en".into(),
            expires_in_minutes: 30,
        },
        Email::ReferralDigest { count: 4, link: "https://relais.example.org/referrals".into() },
        Email::DocumentExpiryDigest {
            count: 3,
            within_days: 60,
            link: "https://relais.example.org/beneficiaries?expiring=60".into(),
        },
    ]
}

/// Every kind, with every referral notice.
fn all_examples() -> Vec<Email> {
    let mut all = examples();
    all.extend(relais_email::ReferralNotice::ALL.iter().map(|notice| Email::ReferralNotice {
        notice: *notice,
        reference: "R-7K2M9Q".into(),
        service_name: "Pré-incubation".into(),
        link: "https://relais.example.org/referrals/01900000-0000-7000-8000-000000000000".into(),
    }));
    all
}

/// A snapshot name per kind (and per notice for referral notices).
fn snapshot_name(email: &Email, lang: Language) -> String {
    match email {
        Email::ReferralNotice { notice, .. } => format!("{}_{}_{}", email.template(), notice.code(), lang),
        _ => format!("{}_{}", email.template(), lang),
    }
}

fn rendered(email: &Email, lang: Language) -> RenderedEmail {
    render(email, lang).unwrap_or_else(|e| panic!("{} in {lang} renders: {e}", email.template()))
}

#[test]
fn snapshots_of_every_kind_in_every_language() {
    for email in all_examples() {
        for lang in Language::ALL {
            let r = rendered(&email, *lang);
            let shown = format!(
                "Subject: {}\n\n---------------- text/plain ----------------\n{}\n---------------- text/html -----------------\n{}",
                r.subject, r.text, r.html
            );
            insta::assert_snapshot!(snapshot_name(&email, *lang), shown);
        }
    }
}

#[test]
fn no_personal_data_reaches_an_email() {
    // What a caseworker has on screen when an e-mail is sent about a person.
    // None of it is an input of any kind of e-mail, and none of it may appear.
    let person = ["Aminata", "Diallo", "+212 612 345 678", "612345678", "AB123456", "aminata.diallo@example.org"];
    for email in all_examples() {
        for lang in Language::ALL {
            let r = rendered(&email, *lang);
            for secret in person {
                for (part, text) in [("subject", &r.subject), ("text", &r.text), ("html", &r.html)] {
                    assert!(!text.contains(secret), "{secret} in the {part} of {} ({lang})", email.template());
                }
            }
            // The greeting is generic: the first line of the text is the catalogue's greeting.
            let greeting = Catalog::embedded().text(*lang, "email-greeting", &[]);
            assert_eq!(r.text.lines().next(), Some(greeting.as_str()), "{} ({lang})", email.template());
        }
    }
}

#[test]
fn text_and_html_say_the_same_thing() {
    for email in all_examples() {
        for lang in Language::ALL {
            let r = rendered(&email, *lang);
            let html = r.html.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
            for paragraph in r.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                let paragraph = paragraph.trim_start_matches("-- \n");
                assert!(html.contains(paragraph), "{} ({lang}): the HTML lacks \"{paragraph}\"", email.template());
            }
            assert!(html.contains(&format!("<title>{}</title>", r.subject)), "{} ({lang})", email.template());
        }
    }
}

#[test]
fn arabic_is_laid_out_right_to_left() {
    for email in all_examples() {
        let arabic = rendered(&email, Language::Ar).html;
        assert!(arabic.contains(r#"<html lang="ar-MA" dir="rtl">"#), "{}", email.template());
        assert!(arabic.contains("text-align:right"));
        let french = rendered(&email, Language::Fr).html;
        assert!(french.contains(r#"<html lang="fr" dir="ltr">"#), "{}", email.template());
        let english = rendered(&email, Language::En).html;
        assert!(english.contains(r#"<html lang="en" dir="ltr">"#), "{}", email.template());
    }
}

#[test]
fn every_message_a_template_uses_exists_in_every_language() {
    let catalog = Catalog::embedded();
    let mut used = 0;
    for (name, source) in template_sources() {
        for piece in source.split("t(key=\"").skip(1) {
            let key = piece.split('"').next().unwrap_or_default();
            assert!(catalog.has_everywhere(key), "{name} uses {key}, missing in some language");
            used += 1;
        }
    }
    assert!(used > 10);
    for role in TenantRole::ALL {
        assert!(catalog.has_everywhere(&relais_email::role_key(*role)), "{role}");
    }
}

#[test]
fn every_role_is_named_in_the_recipients_language() {
    for role in TenantRole::ALL {
        let email = Email::Invitation {
            tenant_name: "Coopérative Atlas".into(),
            role: *role,
            link: "https://relais.example.org/i".into(),
            expires_in_hours: 1,
        };
        for lang in Language::ALL {
            let text = rendered(&email, *lang).text;
            let name = Catalog::embedded().text(*lang, &relais_email::role_key(*role), &[]);
            assert!(text.contains(&name), "{role} ({lang}): {text}");
            assert!(!text.contains("email-role-") && !text.contains("tenant_admin"), "{role} ({lang}): {text}");
        }
    }
}

#[test]
fn values_are_escaped_in_html_and_subjects_are_one_line() {
    let email = Email::Invitation {
        tenant_name: "Tom & Jerry <b>\r\nBcc: x@example.org".into(),
        role: TenantRole::Volunteer,
        link: "https://relais.example.org/i?a=1&b=2".into(),
        expires_in_hours: 48,
    };
    let r = rendered(&email, Language::En);
    assert!(r.html.contains("Tom &amp; Jerry &lt;b&gt;"), "{}", r.html);
    assert!(!r.html.contains("<b>"));
    assert!(r.html.contains(r#"href="https://relais.example.org/i?a=1&amp;b=2""#));
    assert!(r.text.contains("Tom & Jerry <b>"));
    assert!(r.text.contains("https://relais.example.org/i?a=1&b=2"));
    assert!(!r.subject.contains(['\r', '\n']), "{:?}", r.subject);
}

#[test]
fn plurals_follow_each_language() {
    let reset =
        |minutes| Email::PasswordReset { link: "https://relais.example.org/r".into(), expires_in_minutes: minutes };
    let text = |minutes, lang| rendered(&reset(minutes), lang).text;
    assert!(text(1, Language::En).contains("valid for 1 minute."));
    assert!(text(45, Language::En).contains("valid for 45 minutes."));
    assert!(text(1, Language::Fr).contains("valable 1\u{a0}minute."));
    assert!(text(2, Language::Ar).contains("لمدة دقيقتين."));
    assert!(text(5, Language::Ar).contains("لمدة 5 دقائق."));
    assert!(text(30, Language::Ar).contains("لمدة 30 دقيقة."));
}

#[test]
fn every_referral_notice_renders_in_every_language_without_personal_data() {
    for notice in relais_email::ReferralNotice::ALL {
        let email = Email::ReferralNotice {
            notice,
            reference: "R-7K2M9Q".into(),
            service_name: "Pré-incubation".into(),
            link: "https://relais.example.org/referrals/x".into(),
        };
        for lang in Language::ALL {
            let r = rendered(&email, *lang);
            assert!(r.subject.contains("R-7K2M9Q"), "{notice:?} {lang}: {}", r.subject);
            assert!(r.text.contains("https://relais.example.org/referrals/x"));
            assert!(!r.text.contains("email-referral"), "{notice:?} {lang}: a key shows instead of a text");
        }
    }
}
