//! What an e-mail says: the kinds of e-mail, and their rendering from the
//! embedded Tera templates and Fluent messages in the recipient's language.

use std::fmt;
use std::sync::OnceLock;

use relais_domain::{Language, TenantRole};
use relais_i18n::Catalog;
use tera::{Context, Tera};

use crate::EmailError;

/// The embedded templates: `<kind>.txt` and `<kind>.html` for every kind,
/// the layouts they extend and the HTML components they use.
const TEMPLATES: &[(&str, &str)] = &[
    ("components.html", include_str!("../templates/components.html")),
    ("layout.html", include_str!("../templates/layout.html")),
    ("layout.txt", include_str!("../templates/layout.txt")),
    ("invitation.html", include_str!("../templates/invitation.html")),
    ("invitation.txt", include_str!("../templates/invitation.txt")),
    ("password_reset.html", include_str!("../templates/password_reset.html")),
    ("password_reset.txt", include_str!("../templates/password_reset.txt")),
    ("document_expiry_digest.html", include_str!("../templates/document_expiry_digest.html")),
    ("document_expiry_digest.txt", include_str!("../templates/document_expiry_digest.txt")),
    ("referral_notice.html", include_str!("../templates/referral_notice.html")),
    ("referral_notice.txt", include_str!("../templates/referral_notice.txt")),
    ("referral_digest.html", include_str!("../templates/referral_digest.html")),
    ("referral_digest.txt", include_str!("../templates/referral_digest.txt")),
];

/// What happened to a referral, for the e-mail that tells someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralNotice {
    /// To the receiver: a referral arrived.
    Received,
    /// To the sender: it was accepted.
    Accepted,
    /// To the sender: it was declined.
    Declined,
    /// To the receiver: the sender withdrew it.
    Withdrawn,
    /// To the sender: nobody answered in time.
    Expired,
    /// To the sender: the service started.
    Started,
    /// To the sender: the outcome was recorded.
    Completed,
    /// To the sender: it ended without the service.
    NotCompleted,
    /// To the receiver: the consent was withdrawn; the packet is no longer available.
    Revoked,
    /// To the receiver: the answer is due.
    Reminder,
    /// To the receiving tenant's administrators: the answer is overdue.
    Escalation,
    /// To the other side: a comment was added.
    Comment,
}

impl ReferralNotice {
    /// The Fluent key fragment (`email-referral-<code>-…`).
    pub fn code(&self) -> &'static str {
        match self {
            ReferralNotice::Received => "received",
            ReferralNotice::Accepted => "accepted",
            ReferralNotice::Declined => "declined",
            ReferralNotice::Withdrawn => "withdrawn",
            ReferralNotice::Expired => "expired",
            ReferralNotice::Started => "started",
            ReferralNotice::Completed => "completed",
            ReferralNotice::NotCompleted => "not-completed",
            ReferralNotice::Revoked => "revoked",
            ReferralNotice::Reminder => "reminder",
            ReferralNotice::Escalation => "escalation",
            ReferralNotice::Comment => "comment",
        }
    }

    /// Every notice (tests, translation checks).
    pub const ALL: [ReferralNotice; 12] = [
        ReferralNotice::Received,
        ReferralNotice::Accepted,
        ReferralNotice::Declined,
        ReferralNotice::Withdrawn,
        ReferralNotice::Expired,
        ReferralNotice::Started,
        ReferralNotice::Completed,
        ReferralNotice::NotCompleted,
        ReferralNotice::Revoked,
        ReferralNotice::Reminder,
        ReferralNotice::Escalation,
        ReferralNotice::Comment,
    ];
}

/// An e-mail Relais sends, with exactly the facts it needs.
///
/// No variant carries a person's name, phone number or document number:
/// an e-mail says what happened and gives a link (and, for records, a short
/// reference); the details are behind the link, after signing in. To add a
/// kind (referral notifications, digests…): add a variant, its
/// [`template`](Email::template) name, its subject and context below, the
/// two templates and the Fluent messages in the three languages, and a
/// snapshot test.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Email {
    /// An invitation to join a tenant with a role.
    Invitation {
        /// The inviting organisation's name.
        tenant_name: String,
        /// The role offered.
        role: TenantRole,
        /// Where to accept it (carries a one-time token).
        link: String,
        /// How long the link stays valid.
        expires_in_hours: u32,
    },
    /// A link to choose a new password.
    PasswordReset {
        /// Where to choose it (carries a one-time token).
        link: String,
        /// How long the link stays valid.
        expires_in_minutes: u32,
    },
    /// The daily digest of a caseworker: how many identity documents of the
    /// people they follow expire soon, and a link to the list. No names, no
    /// numbers.
    DocumentExpiryDigest {
        /// How many documents expire within the window.
        count: u32,
        /// The window, in days.
        within_days: u32,
        /// The list of those people (requires signing in).
        link: String,
    },
    /// Something happened to a referral. Carries the referral's short
    /// reference and the service's name — never the person's name, phone or
    /// document number.
    ReferralNotice {
        /// What happened.
        notice: ReferralNotice,
        /// The referral's short reference (R-7K2M9Q).
        reference: String,
        /// The service concerned (a public directory entry).
        service_name: String,
        /// Where to see it (requires signing in, or carries a signed token for an external organisation).
        link: String,
    },
    /// The daily digest of someone who chose one e-mail a day for referrals:
    /// how many updates, and a link to the referrals page.
    ReferralDigest {
        /// Updates since the last digest.
        count: u32,
        /// The referrals page.
        link: String,
    },
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Links carry tokens: never printed.
        match self {
            Email::Invitation { tenant_name, role, expires_in_hours, .. } => f
                .debug_struct("Invitation")
                .field("tenant_name", tenant_name)
                .field("role", role)
                .field("expires_in_hours", expires_in_hours)
                .finish_non_exhaustive(),
            Email::PasswordReset { expires_in_minutes, .. } => {
                f.debug_struct("PasswordReset").field("expires_in_minutes", expires_in_minutes).finish_non_exhaustive()
            }
            Email::DocumentExpiryDigest { count, within_days, .. } => f
                .debug_struct("DocumentExpiryDigest")
                .field("count", count)
                .field("within_days", within_days)
                .finish_non_exhaustive(),
            Email::ReferralNotice { notice, reference, .. } => f
                .debug_struct("ReferralNotice")
                .field("notice", notice)
                .field("reference", reference)
                .finish_non_exhaustive(),
            Email::ReferralDigest { count, .. } => {
                f.debug_struct("ReferralDigest").field("count", count).finish_non_exhaustive()
            }
        }
    }
}

impl Email {
    /// The template name (`templates/<name>.txt` and `.html`), also stored on
    /// the outbox row and used in logs.
    pub fn template(&self) -> &'static str {
        match self {
            Email::Invitation { .. } => "invitation",
            Email::PasswordReset { .. } => "password_reset",
            Email::DocumentExpiryDigest { .. } => "document_expiry_digest",
            Email::ReferralNotice { .. } => "referral_notice",
            Email::ReferralDigest { .. } => "referral_digest",
        }
    }

    fn subject(&self, catalog: &Catalog, lang: Language) -> String {
        match self {
            Email::Invitation { tenant_name, .. } => {
                catalog.text(lang, "email-invitation-subject", &[("tenant", tenant_name.clone())])
            }
            Email::PasswordReset { .. } => catalog.text(lang, "email-password-reset-subject", &[]),
            Email::DocumentExpiryDigest { count, .. } => {
                catalog.text(lang, "email-expiry-digest-subject", &[("count", count.to_string())])
            }
            Email::ReferralNotice { notice, reference, .. } => catalog.text(
                lang,
                &format!("email-referral-{}-subject", notice.code()),
                &[("reference", reference.clone())],
            ),
            Email::ReferralDigest { count, .. } => {
                catalog.text(lang, "email-referral-digest-subject", &[("count", count.to_string())])
            }
        }
    }

    fn fill(&self, context: &mut Context, catalog: &Catalog, lang: Language) {
        match self {
            Email::Invitation { tenant_name, role, link, expires_in_hours } => {
                context.insert("tenant_name", tenant_name);
                context.insert("role_name", &catalog.text(lang, &role_key(*role), &[]));
                context.insert("link", link);
                context.insert("expires_in_hours", expires_in_hours);
            }
            Email::PasswordReset { link, expires_in_minutes } => {
                context.insert("link", link);
                context.insert("expires_in_minutes", expires_in_minutes);
            }
            Email::DocumentExpiryDigest { count, within_days, link } => {
                context.insert("count", count);
                context.insert("within_days", within_days);
                context.insert("link", link);
            }
            Email::ReferralNotice { notice, reference, service_name, link } => {
                context.insert("intro_key", &format!("email-referral-{}-intro", notice.code()));
                context.insert("reference", reference);
                context.insert("service_name", service_name);
                context.insert("link", link);
            }
            Email::ReferralDigest { count, link } => {
                context.insert("count", count);
                context.insert("link", link);
            }
        }
    }
}

/// The Fluent key naming a role in e-mails: `email-role-<code>` with `_` as `-`.
pub fn role_key(role: TenantRole) -> String {
    format!("email-role-{}", role.as_str().replace('_', "-"))
}

/// An e-mail ready to queue: subject, plain-text body and HTML body, which
/// say the same thing.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// Subject line (one line).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body (a whole document).
    pub html: String,
}

impl fmt::Debug for RenderedEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderedEmail").field("subject", &self.subject).finish_non_exhaustive()
    }
}

/// Renders an e-mail in a language.
pub fn render(email: &Email, lang: Language) -> Result<RenderedEmail, EmailError> {
    let tera = engine()?;
    let catalog = Catalog::embedded();
    let subject = one_line(&email.subject(catalog, lang));
    let mut context = Context::new();
    // `lang` is what the `t()` function reads; `lang_tag` is for `lang=` attributes.
    context.insert("lang", lang.as_str());
    context.insert("lang_tag", lang.tag());
    context.insert("dir", if lang.is_rtl() { "rtl" } else { "ltr" });
    context.insert("align", if lang.is_rtl() { "right" } else { "left" });
    context.insert("subject", &subject);
    email.fill(&mut context, catalog, lang);
    let render = |suffix: &str| {
        let name = format!("{}.{suffix}", email.template());
        tera.render(&name, &context).map_err(|e| EmailError::Render { template: name, detail: describe(&e) })
    };
    let text = tidy(&render("txt")?);
    let html = tidy(&render("html")?);
    Ok(RenderedEmail { subject, text, html })
}

/// The Tera instance with every template and the `t()` function, built once.
fn engine() -> Result<&'static Tera, EmailError> {
    static ENGINE: OnceLock<Result<Tera, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut tera = Tera::new();
            relais_i18n::register_tera_function(&mut tera, Catalog::embedded());
            tera.add_raw_templates(TEMPLATES.iter().copied()).map_err(|e| describe(&e))?;
            Ok(tera)
        })
        .as_ref()
        .map_err(|detail| EmailError::Render { template: "(loading the templates)".to_owned(), detail: detail.clone() })
}

/// The embedded templates as (file name, source), for tests and tools.
pub fn template_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES.iter().copied()
}

fn describe(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A subject is one header line: no line breaks or other control characters.
fn one_line(text: &str) -> String {
    text.split(char::is_control).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ").trim().to_owned()
}

/// Template output made tidy: no trailing spaces (except in the `-- `
/// signature separator), no runs of blank lines, one final newline.
fn tidy(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut blank_run = 0;
    for line in rendered.lines() {
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_name_in_every_language() {
        let catalog = Catalog::embedded();
        for role in TenantRole::ALL {
            assert!(catalog.has_everywhere(&role_key(*role)), "{}", role_key(*role));
        }
    }

    #[test]
    fn subjects_are_one_line() {
        assert_eq!(one_line("Invitation à\r\nrejoindre\t« X »"), "Invitation à rejoindre « X »");
    }

    #[test]
    fn tidy_keeps_the_signature_separator_and_drops_blank_runs() {
        assert_eq!(tidy("\n\nBonjour,  \n\n\n\nTexte\n\n-- \nRelais\n\n"), "Bonjour,\n\nTexte\n\n-- \nRelais\n");
    }

    #[test]
    fn debug_output_hides_links() {
        let email =
            Email::PasswordReset { link: "https://relais.example.org/reset/SECRET".into(), expires_in_minutes: 30 };
        assert!(!format!("{email:?}").contains("SECRET"));
    }
}
