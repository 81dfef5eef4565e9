//! Templates (Tera 2, embedded), static assets with cache-busting names, and
//! the context every page shares (language, direction, navigation, tenant
//! switcher, CSRF token, flash message).

use std::collections::HashMap;

use axum::response::Html;
use relais_domain::Permission;
use relais_domain::role::NETWORK_DOMAIN;
use relais_i18n::Catalog;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::WebError;
use crate::state::App;
use crate::visitor::Visitor;

/// Every template, embedded: (name, source).
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("account.html", include_str!("../templates/account.html")),
    ("password_forgot.html", include_str!("../templates/password_forgot.html")),
    ("password_reset.html", include_str!("../templates/password_reset.html")),
    ("token_invalid.html", include_str!("../templates/token_invalid.html")),
    ("invitation.html", include_str!("../templates/invitation.html")),
    ("tenants.html", include_str!("../templates/tenants.html")),
    ("tenant_form.html", include_str!("../templates/tenant_form.html")),
    ("tenant.html", include_str!("../templates/tenant.html")),
    ("members.html", include_str!("../templates/members.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("dev_mail.html", include_str!("../templates/dev_mail.html")),
    ("dev_mail_message.html", include_str!("../templates/dev_mail_message.html")),
];

/// Static files, embedded: (logical name, content type, content).
const ASSETS: &[(&str, &str, &[u8])] = &[("app.css", "text/css; charset=utf-8", include_bytes!("../static/app.css"))];

/// Flash messages that may be shown (a cookie can only name one of these).
const FLASH_KEYS: &[&str] = &[
    "flash-signed-out",
    "flash-password-changed",
    "flash-language-changed",
    "flash-tenant-switched",
    "flash-tenant-created",
    "flash-tenant-updated",
    "flash-tenant-activated",
    "flash-tenant-deactivated",
    "flash-invitation-sent",
    "flash-invitation-accepted",
    "flash-invitation-accepted-sign-in",
    "flash-member-updated",
    "flash-notifications-changed",
    "flash-service-saved",
    "flash-organisation-saved",
    "flash-session-expired",
    "ref-flash-drafted",
    "ref-flash-sent",
    "ref-flash-updated",
    "ref-flash-unchanged",
    "ref-flash-commented",
    "flash-token-revoked",
];

/// Whether a flash cookie names a known message.
pub fn is_flash_key(key: &str) -> bool {
    FLASH_KEYS.contains(&key) || crate::handlers::events::FLASH_KEYS.contains(&key)
}

/// A static file served under a name that changes with its content.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Content type.
    pub content_type: &'static str,
    /// Content.
    pub bytes: &'static [u8],
}

/// Parsed templates and the static assets.
pub struct Templates {
    tera: tera::Tera,
    /// Logical name → URL path (`app.css` → `/static/app.3f2a9c1e.css`).
    asset_urls: HashMap<&'static str, String>,
    /// URL file name → asset.
    assets: HashMap<String, Asset>,
}

impl Templates {
    /// Parses every embedded template (a syntax error is a start-up error).
    pub fn load() -> Result<Self, tera::Error> {
        let mut tera = tera::Tera::new();
        relais_i18n::register_tera_function(&mut tera, Catalog::embedded());
        tera.add_raw_templates(Self::sources())?;
        let mut asset_urls = HashMap::new();
        let mut assets = HashMap::new();
        for (name, content_type, bytes) in ASSETS {
            let hash = hex::encode(&Sha256::digest(bytes)[..4]);
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let file = format!("{stem}.{hash}.{ext}");
            asset_urls.insert(*name, format!("/static/{file}"));
            assets.insert(file, Asset { content_type, bytes });
        }
        Ok(Self { tera, asset_urls, assets })
    }

    /// The asset served under this file name, if any.
    pub fn asset(&self, file: &str) -> Option<&Asset> {
        self.assets.get(file)
    }

    /// Every template: (name, source). Page areas keep their own lists.
    pub fn sources() -> Vec<(&'static str, &'static str)> {
        TEMPLATES
            .iter()
            .chain(crate::handlers::beneficiaries::TEMPLATES)
            .chain(crate::handlers::cases::TEMPLATES)
            .chain(crate::handlers::directory::TEMPLATES)
            .chain(crate::handlers::events::TEMPLATES)
            .chain(crate::handlers::referrals::TEMPLATES)
            .chain(crate::handlers::external::TEMPLATES)
            .chain(crate::handlers::api_tokens::TEMPLATES)
            .chain(crate::api::TEMPLATES)
            .copied()
            .collect()
    }

    /// Renders a page.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<Html<String>, WebError> {
        Ok(Html(self.tera.render(name, context)?))
    }

    /// The error page for a status.
    pub fn error_page(
        &self,
        app: &App,
        visitor: &Visitor,
        status: axum::http::StatusCode,
    ) -> Result<Html<String>, WebError> {
        let mut context = page_context(app, visitor);
        context.insert("status", &status.as_u16());
        let key = match status.as_u16() {
            403 | 404 | 409 | 413 | 503 => status.as_u16().to_string(),
            code if code >= 500 => "500".to_owned(),
            _ => "400".to_owned(),
        };
        context.insert("error_key", &key);
        self.render("error.html", &context)
    }
}

/// Renders a page from its typed model (a `#[derive(Serialize)]` struct
/// whose fields are the template's variables), on top of the context every
/// page shares.
pub fn render_page<P: Serialize>(
    app: &App,
    visitor: &Visitor,
    template: &str,
    page: &P,
) -> Result<Html<String>, WebError> {
    let mut context = page_context(app, visitor);
    context.extend(tera::Context::from_serialize(page)?);
    app.templates.render(template, &context)
}

/// One entry of the navigation.
#[derive(Debug, Serialize)]
struct NavItem {
    href: &'static str,
    key: &'static str,
}

/// The context every page starts from.
pub fn page_context(app: &App, visitor: &Visitor) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("lang", visitor.lang.as_str());
    context.insert("lang_tag", visitor.lang.tag());
    context.insert("dir", if visitor.lang.is_rtl() { "rtl" } else { "ltr" });
    context.insert("languages", &relais_domain::Language::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>());
    context.insert("csrf_token", &visitor.csrf_token);
    context.insert("request_id", &visitor.request_id);
    context.insert("flash", &visitor.flash);
    context.insert("css_url", app.templates.asset_urls.get("app.css").map(String::as_str).unwrap_or(""));
    context.insert("demo", &app.settings.demo_mailbox);
    match &visitor.signed_in {
        Some(s) => {
            let mut nav = vec![NavItem { href: "/home", key: "nav-home" }];
            if let Some((tenant_id, _, _)) = &s.active_tenant {
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::CaseRead) {
                    nav.push(NavItem { href: "/my-work", key: "nav-my-work" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::BeneficiaryRead) {
                    nav.push(NavItem { href: "/beneficiaries", key: "nav-beneficiaries" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::CaseRead) {
                    nav.push(NavItem { href: "/cases", key: "nav-cases" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::ReferralSend)
                    || app.authz.is_allowed(&s.user_id, tenant_id, Permission::ReferralReceive)
                {
                    nav.push(NavItem { href: "/referrals", key: "nav-referrals" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::EventRead)
                    || app.authz.is_allowed(&s.user_id, tenant_id, Permission::EventFigures)
                {
                    nav.push(NavItem { href: "/events", key: "nav-events" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::MemberRead) {
                    nav.push(NavItem { href: "/members", key: "nav-members" });
                }
                if app.authz.is_allowed(&s.user_id, tenant_id, Permission::AuditRead) {
                    nav.push(NavItem { href: "/audit", key: "nav-audit" });
                }
            }
            nav.push(NavItem { href: "/directory", key: "nav-directory" });
            if let Some((tenant_id, _, _)) = &s.active_tenant
                && app.authz.is_allowed(&s.user_id, tenant_id, Permission::ServiceManage)
            {
                nav.push(NavItem { href: "/services", key: "nav-services" });
            }
            if app.authz.is_allowed(&s.user_id, NETWORK_DOMAIN, Permission::TenantRead) {
                nav.push(NavItem { href: "/network/tenants", key: "nav-tenants" });
            }
            if app.authz.is_allowed(&s.user_id, NETWORK_DOMAIN, Permission::DirectoryManage) {
                nav.push(NavItem { href: "/network/organisations", key: "nav-organisations" });
            }
            if app.authz.is_allowed(&s.user_id, NETWORK_DOMAIN, Permission::AuditRead) {
                nav.push(NavItem { href: "/network/audit", key: "nav-network-audit" });
            }
            nav.push(NavItem { href: "/account", key: "nav-account" });
            context.insert("nav", &nav);
            context.insert("user_name", &s.display_name);
            context.insert("active_tenant_id", &s.active_tenant.as_ref().map(|t| t.0.clone()));
            context.insert("active_tenant_name", &s.active_tenant.as_ref().map(|t| t.1.clone()));
            let tenants: Vec<_> = s
                .tenants
                .iter()
                .map(|t| serde_json::json!({ "id": t.tenant_id, "name": t.tenant_name, "role": t.role }))
                .collect();
            context.insert("tenants", &tenants);
            context.insert("signed_in", &true);
        }
        None => {
            context.insert("nav", &Vec::<NavItem>::new());
            context.insert("user_name", &Option::<String>::None);
            context.insert("active_tenant_id", &Option::<String>::None);
            context.insert("active_tenant_name", &Option::<String>::None);
            context.insert("tenants", &Vec::<serde_json::Value>::new());
            context.insert("signed_in", &false);
        }
    }
    context
}
