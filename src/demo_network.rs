//! The demo network (DESIGN §5): fictitious organisations — no real names —
//! and their staff in every role. Names come from a fixed seed, so two
//! builds give the same network; passwords are generated for each database
//! and printed once.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_domain::{EmailAddress, Language, MembershipStatus, NetworkRole, Region, TenantKind, TenantRole};
use relais_persistence::models::{audit, memberships, role_assignments, tenants, users};
use relais_persistence::{Db, PersistenceError, TenantScope, write_tx};

/// One sign-in printed for the person trying the demo.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// What the account is (role and organisation).
    pub label: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Generated password.
    pub password: String,
}

struct DemoTenant {
    slug: &'static str,
    name: &'static str,
    kind: TenantKind,
    region: Region,
    lang: Language,
}

const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        slug: "passerelles",
        name: "Réseau Passerelles (ONG coordinatrice)",
        kind: TenantKind::Coordination,
        region: Region::RabatSaleKenitra,
        lang: Language::Fr,
    },
    DemoTenant {
        slug: "entraide-rabat",
        name: "Association Entraide Sahel – Rabat",
        kind: TenantKind::Association,
        region: Region::RabatSaleKenitra,
        lang: Language::Fr,
    },
    DemoTenant {
        slug: "horizons-tanger",
        name: "Association Horizons – Tanger",
        kind: TenantKind::Association,
        region: Region::TangerTetouanAlHoceima,
        lang: Language::Ar,
    },
    DemoTenant {
        slug: "hub",
        name: "Hub Innov'Action (incubateur)",
        kind: TenantKind::Incubator,
        region: Region::RabatSaleKenitra,
        lang: Language::Fr,
    },
    DemoTenant {
        slug: "emploi-sale",
        name: "Agence publique de l'emploi – antenne de Salé",
        kind: TenantKind::PublicService,
        region: Region::RabatSaleKenitra,
        lang: Language::Fr,
    },
    DemoTenant {
        slug: "coop-fes",
        name: "Office de développement coopératif – délégation de Fès",
        kind: TenantKind::PublicService,
        region: Region::FesMeknes,
        lang: Language::Fr,
    },
];

const GIVEN: &[&str] =
    &["Salma", "Youssef", "Nadia", "Karim", "Imane", "Hamza", "Leila", "Mehdi", "Sara", "Omar", "Fatima Zahra", "Anas"];
const FAMILY: &[&str] =
    &["Bennani", "El Idrissi", "Alaoui", "Tazi", "Berrada", "Chraibi", "Lahlou", "Amrani", "Sefrioui", "Ouazzani"];

/// A random password of 20 characters from an alphabet without look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20).map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())])).collect()
}

/// Builds the network in an empty database; returns one sign-in per role.
pub fn build(db: &Db) -> anyhow::Result<Vec<DemoLogin>> {
    let mut names = StdRng::seed_from_u64(2026);
    let mut logins = Vec::new();
    let mut conn = db.get()?;
    // Only the accounts whose sign-in is printed get a password (hashing is the slow part).
    let mut account =
        |conn: &mut relais_persistence::DbConnection, email: &str, printed: Option<&str>| -> anyhow::Result<String> {
            let given = GIVEN[names.random_range(0..GIVEN.len())];
            let family = FAMILY[names.random_range(0..FAMILY.len())];
            let (hash, password) = match printed {
                Some(_) => {
                    let password = generate_password();
                    (Some(relais_authorization::password::hash(&password)?), Some(password))
                }
                None => (None, None),
            };
            let address = EmailAddress::parse(email)?;
            let user = users::create(
                conn,
                &users::NewUser {
                    email: &address,
                    display_name: &format!("{given} {family}"),
                    password_hash: hash.as_deref(),
                    preferred_language: None,
                },
                relais_persistence::now(),
            )?;
            if let (Some(label), Some(password)) = (printed, password) {
                logins.push(DemoLogin { label: label.to_owned(), email: email.to_owned(), password });
            }
            Ok(user.id)
        };
    let admin = account(&mut conn, "admin@demo.relais.invalid", Some("network administrator"))?;
    role_assignments::grant_network_role(&mut conn, &admin, NetworkRole::NetworkAdmin)?;
    let donor = account(&mut conn, "bailleur@demo.relais.invalid", Some("network viewer (donor, M&E)"))?;
    role_assignments::grant_network_role(&mut conn, &donor, NetworkRole::NetworkViewer)?;

    for t in TENANTS {
        let tenant = write_tx(&mut conn, |conn| {
            tenants::create(
                conn,
                &tenants::NewTenant {
                    name: t.name.to_owned(),
                    kind: t.kind,
                    region: t.region,
                    default_language: t.lang,
                    contact_email: EmailAddress::parse(&format!("contact@{}.demo.relais.invalid", t.slug))
                        .map_err(|e| PersistenceError::Config(e.to_string()))?,
                },
                relais_persistence::now(),
            )
        })?;
        let scope = TenantScope::for_system(tenant.tenant_id()?);
        let printed = |role: &str| match (t.slug, role) {
            ("entraide-rabat", "tenant_admin") => Some(format!("tenant admin — {}", t.name)),
            ("entraide-rabat", "caseworker") => Some(format!("caseworker — {}", t.name)),
            ("entraide-rabat", "volunteer") => Some(format!("volunteer — {}", t.name)),
            ("entraide-rabat", "viewer") => Some(format!("viewer (M&E) — {}", t.name)),
            ("hub", "caseworker") => Some(format!("incubator caseworker — {}", t.name)),
            _ => None,
        };
        let mut roles =
            vec![TenantRole::TenantAdmin, TenantRole::Caseworker, TenantRole::Caseworker, TenantRole::Viewer];
        if t.kind == TenantKind::Association {
            roles.push(TenantRole::Volunteer);
            roles.push(TenantRole::Volunteer);
        }
        let mut seen = std::collections::HashSet::new();
        for (i, role) in roles.into_iter().enumerate() {
            let label = if seen.insert(role) { printed(role.as_str()) } else { None };
            let email = format!("{}.{}@{}.demo.relais.invalid", role.as_str().replace('_', "-"), i + 1, t.slug);
            let user = account(&mut conn, &email, label.as_deref())?;
            memberships::create(&mut conn, &scope, &user, role, MembershipStatus::Active, relais_persistence::now())?;
        }
        audit::record(
            &mut conn,
            &audit::NewAuditEvent {
                tenant: Some(&scope),
                actor_user_id: admin.parse().ok(),
                actor_kind: relais_domain::ActorKind::System,
                action: relais_domain::AuditAction::TenantCreated,
                target_id: Some(tenant.id.clone()),
                details: serde_json::json!({ "via": "demo" }),
                request_id: None,
                at: relais_persistence::now(),
            },
        )?;
    }
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use relais_domain::EmailAddress;
    use relais_persistence::models::{memberships, tenants, users};

    #[test]
    fn the_demo_network_has_every_role_and_working_sign_ins() {
        let db = relais_test_support::TestDb::sqlite();
        let logins = super::build(&db.db).expect("demo built");
        let labels: Vec<&str> = logins.iter().map(|l| l.label.as_str()).collect();
        for role in ["network administrator", "network viewer", "tenant admin", "caseworker", "volunteer", "viewer"] {
            assert!(labels.iter().any(|l| l.contains(role)), "{role} missing from {labels:?}");
        }
        let mut conn = db.conn();
        let all = tenants::list(&mut conn).expect("tenants");
        assert_eq!(all.len(), 6);
        assert!(all.iter().all(|t| !t.name.is_empty()));
        for login in &logins {
            let user = users::find_by_email(&mut conn, &EmailAddress::parse(&login.email).expect("e"))
                .expect("q")
                .expect("user");
            let hash = user.password_hash.expect("printed accounts have a password");
            assert!(relais_authorization::password::verify(&login.password, &hash), "{}", login.label);
        }
        let scope = relais_persistence::TenantScope::for_system(all[0].tenant_id().expect("id"));
        assert!(!memberships::list(&mut conn, &scope).expect("members").is_empty());
        // Passwords differ from one build to the next; names do not.
        let again = relais_test_support::TestDb::sqlite();
        let second = super::build(&again.db).expect("second build");
        assert_ne!(logins[0].password, second[0].password);
    }
}
