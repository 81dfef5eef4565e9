//! The demo's people, case files and directory: about 250 fictitious
//! beneficiaries whose nationalities, sexes (~40 % women), ages and regions
//! resemble the programme's population, with consents (one missing, one
//! withdrawn), residence cards (some expiring soon, one expired), cases on
//! every pathway and in every status, notes, tasks, and the partners'
//! services — all from a fixed seed.

use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_domain::beneficiary::{ConsentChannel, ConsentPurpose, DocumentType, EducationLevel, Sex};
use relais_domain::case_file::{self, CaseStatus, CloseReason, NoteVisibility, Pathway};
use relais_domain::directory::ServiceCategory;
use relais_domain::{EmailAddress, Language, Region, TenantKind, TenantRole, UserId};
use relais_persistence::models::{
    beneficiaries, case_notes, cases, consents, directory, identity_documents, memberships, referrals, tasks, tenants,
};
use relais_persistence::{Db, DbConnection, TenantScope, write_tx};

/// Country code, weight, women's given names, men's given names, family names.
type Origin = (&'static str, u32, &'static [&'static str], &'static [&'static str], &'static [&'static str]);

const ORIGINS: &[Origin] = &[
    (
        "SN",
        22,
        &["Fatou", "Awa", "Mariama", "Aminata", "Khady"],
        &["Moussa", "Ibrahima", "Cheikh", "Mamadou", "Ousmane"],
        &["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Sarr"],
    ),
    (
        "CI",
        18,
        &["Adjoua", "Aya", "Mariam", "Affoué"],
        &["Kouassi", "Yao", "Koffi", "Drissa"],
        &["Kouamé", "Koné", "Traoré", "Bamba", "Yao"],
    ),
    (
        "CM",
        14,
        &["Chantal", "Brigitte", "Nadège"],
        &["Jean-Paul", "Serge", "Patrice"],
        &["Mbarga", "Nkoulou", "Fotso", "Tchamba"],
    ),
    (
        "GN",
        14,
        &["Fatoumata", "Kadiatou", "Hawa"],
        &["Alpha", "Mamadou", "Sékou"],
        &["Camara", "Diallo", "Bah", "Sylla", "Barry"],
    ),
    (
        "ML",
        10,
        &["Oumou", "Rokia", "Assitan"],
        &["Bakary", "Seydou", "Modibo"],
        &["Keïta", "Coulibaly", "Traoré", "Diarra"],
    ),
    (
        "CD",
        10,
        &["Grâce", "Divine", "Nadine"],
        &["Christian", "Patrick", "Junior"],
        &["Mukendi", "Kabila", "Tshisekedi", "Ilunga"],
    ),
    (
        "NG",
        7,
        &["Blessing", "Chioma", "Ngozi"],
        &["Emeka", "Chinedu", "Tunde"],
        &["Okafor", "Adeyemi", "Eze", "Okonkwo"],
    ),
    ("SD", 5, &["Amal", "Hiba"], &["Mohamed", "Osman"], &["Abdelrahman", "Elhassan", "Osman"]),
];

/// Regions weighted centre-north first, as the programme is.
const REGIONS: &[(Region, u32, &[&str])] = &[
    (Region::RabatSaleKenitra, 35, &["Rabat", "Salé", "Témara", "Kénitra"]),
    (Region::TangerTetouanAlHoceima, 25, &["Tanger", "Tétouan"]),
    (Region::CasablancaSettat, 20, &["Casablanca", "Mohammedia"]),
    (Region::FesMeknes, 12, &["Fès", "Meknès"]),
    (Region::Oriental, 5, &["Oujda", "Nador"]),
    (Region::SoussMassa, 3, &["Agadir"]),
];

const OCCUPATIONS: &[&str] = &[
    "couturière",
    "coiffeuse",
    "commerçant",
    "mécanicien",
    "cuisinière",
    "maçon",
    "informaticien",
    "vendeuse",
    "électricien",
    "agriculteur",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (item, weight) in items {
        if n < *weight {
            return item;
        }
        n -= weight;
    }
    &items[0].0
}

/// What the people builder needs from the network.
struct Workers {
    scope: TenantScope,
    caseworkers: Vec<String>,
    volunteer: Option<String>,
    /// Associations' people consent to be referred to the incubator.
    referral_partner: Option<String>,
    /// Where associations refer: the incubator's first service, its scope and a caseworker there.
    referral_target: Option<(String, TenantScope, String)>,
}

fn workers(conn: &mut DbConnection, scope: TenantScope) -> anyhow::Result<Workers> {
    let members = memberships::list(conn, &scope)?;
    let caseworkers = members
        .iter()
        .filter(|m| m.role == TenantRole::Caseworker.as_str() || m.role == TenantRole::TenantAdmin.as_str())
        .map(|m| m.user_id.clone())
        .collect();
    let volunteer = members.iter().find(|m| m.role == TenantRole::Volunteer.as_str()).map(|m| m.user_id.clone());
    Ok(Workers { scope, caseworkers, volunteer, referral_partner: None, referral_target: None })
}

/// Fills the demo network with people, cases and services.
pub fn build(db: &Db, today: NaiveDate) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(7_2026);
    let mut conn = db.get()?;
    let all = tenants::list(&mut conn)?;
    let mut people = 0;
    let mut special_consents_done = false;
    let incubator = all.iter().find(|t| t.kind == TenantKind::Incubator.as_str()).map(|t| t.id.clone());
    // Services first, so that associations can refer to the incubator's.
    for tenant in &all {
        publish_services(&mut conn, &TenantScope::for_system(tenant.tenant_id()?), tenant.kind, &tenant.name)?;
    }
    let target = match all.iter().find(|t| t.kind == TenantKind::Incubator.as_str()) {
        Some(t) => {
            let scope = TenantScope::for_system(t.tenant_id()?);
            let service =
                directory::services_of_tenant(&mut conn, &scope)?.into_iter().next().map(|s| s.id.to_string());
            let worker = workers(&mut conn, scope)?.caseworkers.into_iter().next();
            service.zip(worker).map(|(service, worker)| (service, scope, worker))
        }
        None => None,
    };
    for tenant in &all {
        let kind: TenantKind = tenant.kind;
        let count = match kind {
            TenantKind::Association => 80,
            TenantKind::Incubator => 40,
            TenantKind::PublicService => 20,
            _ => 10,
        };
        let mut w = workers(&mut conn, TenantScope::for_system(tenant.tenant_id()?))?;
        if kind == TenantKind::Association {
            w.referral_partner = incubator.clone();
            w.referral_target = target.clone();
        }
        for i in 0..count {
            let special = if special_consents_done { None } else { Some(i) };
            write_tx(&mut conn, |conn| one_person(conn, &mut rng, &w, today, special))?;
            people += 1;
        }
        special_consents_done = true;
    }
    external_organisations(&mut conn)?;
    crate::demo_outreach::build(&mut conn, today)?;
    Ok(people)
}

fn one_person(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    w: &Workers,
    today: NaiveDate,
    special: Option<usize>,
) -> anyhow::Result<()> {
    let origin = pick(rng, &ORIGINS.iter().map(|o| (o, o.1)).collect::<Vec<_>>()).to_owned();
    let (country, _, women, men, families) = *origin;
    let woman = rng.random_range(0..100) < 40;
    let given = if woman { women[rng.random_range(0..women.len())] } else { men[rng.random_range(0..men.len())] };
    let family = families[rng.random_range(0..families.len())];
    let (region, _, cities) = REGIONS[{
        let weights: Vec<(usize, u32)> = REGIONS.iter().enumerate().map(|(i, r)| (i, r.1)).collect();
        *pick(rng, &weights)
    }];
    let age = rng.random_range(19..52);
    let fields = beneficiaries::BeneficiaryFields {
        given_names: given.to_owned(),
        family_names: family.to_owned(),
        arabic_name: None,
        sex: if woman { Sex::Female } else { Sex::Male },
        birth_date: None,
        birth_year: Some(today.year() - age),
        nationalities: vec![country.to_owned()],
        languages: vec!["français".to_owned()],
        phone: relais_domain::phone::PhoneNumber::parse(&format!(
            "+2126{:08}",
            rng.random_range(10_000_000..99_999_999)
        ))
        .ok(),
        whatsapp: None,
        email: None,
        city: Some(cities[rng.random_range(0..cities.len())].to_owned()),
        region: Some(region),
        household_size_morocco: Some(rng.random_range(1..6)),
        household_size_origin: Some(rng.random_range(2..10)),
        education_level: Some(
            [EducationLevel::Primary, EducationLevel::Secondary, EducationLevel::Vocational, EducationLevel::Higher]
                [rng.random_range(0..4)],
        ),
        previous_occupation: Some(OCCUPATIONS[rng.random_range(0..OCCUPATIONS.len())].to_owned()),
        skills: None,
        regularisation_year: Some([2014, 2017, 2018, 2019, 2021][rng.random_range(0..5)]),
    };
    let registered_by: Option<UserId> =
        w.volunteer.as_deref().or(w.caseworkers.first().map(String::as_str)).map(str::parse).transpose()?;
    let at = relais_persistence::now();
    let mut referral_consent = false;
    let person = beneficiaries::create(conn, &w.scope, &fields, registered_by, at)?;
    // Consents: the first person of the first tenant has none, the second withdrew hers.
    if special != Some(0) {
        let consent = consents::record(
            conn,
            &w.scope,
            person.id,
            &consents::NewConsent {
                purpose: ConsentPurpose::CaseManagement,
                partner_tenant_id: None,
                service_ref: None,
                channel: if rng.random_bool(0.7) { ConsentChannel::Written } else { ConsentChannel::OralWitnessed },
                language: Language::Fr,
                given_on: today - Days::new(rng.random_range(10..400)),
                expires_on: None,
                witness: None,
            },
            registered_by,
            at,
        )?;
        if special == Some(1)
            && let Some(by) = w.caseworkers.first()
        {
            consents::withdraw(conn, &w.scope, person.id, consent.id, by.parse()?, today - Days::new(3))?;
        } else if let Some(partner) = &w.referral_partner
            && rng.random_bool(0.5)
        {
            referral_consent = true;
            consents::record(
                conn,
                &w.scope,
                person.id,
                &consents::NewConsent {
                    purpose: ConsentPurpose::Referral,
                    partner_tenant_id: Some(partner.parse()?),
                    service_ref: None,
                    channel: ConsentChannel::Written,
                    language: Language::Fr,
                    given_on: today - Days::new(rng.random_range(1..60)),
                    expires_on: None,
                    witness: None,
                },
                registered_by,
                at,
            )?;
        }
    }
    // Residence cards: a few expire soon, one has expired.
    let expires = match rng.random_range(0..100) {
        0..=9 => today + Days::new(rng.random_range(5..60)),
        10 if special.is_some() => today - Days::new(12),
        _ => today + Days::new(rng.random_range(90..900)),
    };
    identity_documents::add(
        conn,
        &w.scope,
        person.id,
        &identity_documents::NewDocument {
            doc_type: DocumentType::ResidenceCard,
            number: format!("RC{:07}", rng.random_range(1_000_000..9_999_999)),
            issued_on: Some(expires - Days::new(365 * 3)),
            expires_on: Some(expires),
        },
        at,
    )?;
    // Most people have a case, on every pathway and in every status.
    if w.caseworkers.is_empty() || rng.random_range(0..100) >= 85 {
        return Ok(());
    }
    let worker = &w.caseworkers[rng.random_range(0..w.caseworkers.len())];
    let by: UserId = worker.parse()?;
    let at = relais_persistence::now();
    let pathway = Pathway::ALL[rng.random_range(0..Pathway::ALL.len())];
    let case = cases::create(
        conn,
        &w.scope,
        &cases::NewCase {
            beneficiary_id: person.id,
            pathway,
            intake_date: today - Days::new(rng.random_range(5..300)),
            referral_source: Some("Campagne d'information"),
            goals: Some("Obtenir le statut d'auto-entrepreneur et démarrer l'activité"),
            created_by: by,
        },
        at,
    )?;
    cases::assign(conn, &w.scope, case.id, by, by, at).map_err(|e| anyhow::anyhow!("{e}"))?;
    let note = |visibility, body| case_notes::NewNote { author_id: by, visibility, body };
    case_notes::create(
        conn,
        &w.scope,
        case.id,
        &note(NoteVisibility::Normal, "Premier entretien : projet clarifié, documents vérifiés."),
        at,
    )?;
    if rng.random_bool(0.2) {
        case_notes::create(
            conn,
            &w.scope,
            case.id,
            &note(NoteVisibility::Confidential, "Situation familiale difficile ; à suivre avec prudence."),
            at,
        )?;
    }
    let due = today + Days::new(rng.random_range(1..30)) - Days::new(rng.random_range(0..20));
    tasks::create(
        conn,
        &w.scope,
        case.id,
        &tasks::NewTask { title: "Préparer le dossier d'inscription", due_on: Some(due), assignee_id: Some(by) },
        by,
        at,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let status = match rng.random_range(0..10) {
        0 => Some((CaseStatus::OnHold, None)),
        1 | 2 => Some((CaseStatus::Closed, Some(CloseReason::GoalReached))),
        3 => Some((CaseStatus::Closed, Some(CloseReason::NoLongerReachable))),
        _ => None,
    };
    if let Some((to, reason)) = status {
        let before = cases::find(conn, &w.scope, case.id)?;
        let done = case_file::transition(before.status, to, reason)?;
        cases::change_status(conn, &w.scope, &before, done, by, at)?;
    } else if referral_consent && let Some(target) = &w.referral_target {
        refer(conn, rng, w, target, &case.id.to_string(), worker, today)?;
    }
    Ok(())
}

/// A referral from an association to the incubator, taken to a random state
/// (draft, sent — some overdue —, accepted, declined, withdrawn, expired, in
/// progress, completed, not completed).
fn refer(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    w: &Workers,
    (service, incubator, coach): &(String, TenantScope, String),
    case_id: &str,
    worker: &str,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use relais_domain::referral::{DeclineReason, NotCompletedReason, ReferralAction, ReferralOutcome};
    let fail = |e: referrals::ReferralError| anyhow::anyhow!("demo referral: {e}");
    fn id<T: std::str::FromStr>(text: &str) -> anyhow::Result<T> {
        text.parse().map_err(|_| anyhow::anyhow!("demo referral: malformed id {text}"))
    }
    let (worker_id, coach_id): (relais_domain::UserId, relais_domain::UserId) = (id(worker)?, id(coach)?);
    let days_ago = rng.random_range(1..40);
    let at = (today - Days::new(days_ago)).and_hms_opt(9, 30, 0).unwrap_or_default();
    let draft = referrals::create_draft(
        conn,
        &w.scope,
        &referrals::NewReferral {
            case_id: id(case_id)?,
            service_id: id(service)?,
            fields: &referrals::MINIMAL_PACKET,
            message: Some("Projet d'activité bien avancé ; besoin d'un accompagnement à la création."),
            override_reason: None,
            created_by: worker_id,
            today,
            at,
        },
    )
    .map_err(fail)?;
    let stage = rng.random_range(0..9);
    if stage == 0 {
        return Ok(());
    }
    referrals::send(conn, &draft, worker_id, at).map_err(fail)?;
    let later = at + chrono::Duration::days(2);
    let theirs = referrals::for_receiver(conn, incubator, draft.id())?;
    let receiver =
        |conn: &mut DbConnection, action| referrals::apply(conn, &theirs, action, Some(coach_id), later, None);
    let accept = |conn: &mut DbConnection| {
        let link = referrals::AcceptLink::New;
        referrals::accept(conn, incubator, &theirs, &link, Pathway::AutoEntrepreneur, coach_id, later)
    };
    match stage {
        1 => {}
        2 => {
            accept(conn).map_err(fail)?;
        }
        3 => {
            receiver(conn, ReferralAction::Decline(DeclineReason::NoCapacity)).map_err(fail)?;
        }
        4 => {
            referrals::apply(conn, &draft, ReferralAction::Withdraw, Some(worker_id), later, None).map_err(fail)?;
        }
        5 => {
            // The demo is built as of past days: the platform's expiry, as the deadline job would.
            let platform = referrals::for_platform(conn, draft.id())?;
            referrals::apply(conn, &platform, ReferralAction::Expire, None, later, None).map_err(fail)?;
        }
        _ => {
            accept(conn).map_err(fail)?;
            receiver(conn, ReferralAction::Start).map_err(fail)?;
            match stage {
                7 => {
                    receiver(conn, ReferralAction::Complete(ReferralOutcome::EnterpriseCreated)).map_err(fail)?;
                }
                8 => {
                    receiver(conn, ReferralAction::NotComplete(NotCompletedReason::NoLongerInterested))
                        .map_err(fail)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn service(
    name_fr: &str,
    name_ar: &str,
    name_en: &str,
    category: ServiceCategory,
    email: &str,
    days: i32,
    regions: Vec<Region>,
) -> anyhow::Result<directory::ServiceFields> {
    Ok(directory::ServiceFields {
        name_fr: name_fr.to_owned(),
        name_ar: Some(name_ar.to_owned()),
        name_en: Some(name_en.to_owned()),
        description_fr: format!("{name_fr} pour les personnes accompagnées par le réseau."),
        category: Some(category),
        languages: vec![Language::Fr, Language::Ar, Language::En],
        regions,
        focal_point_email: Some(EmailAddress::parse(email)?),
        response_days: days,
        intake_open: true,
        ..directory::ServiceFields::default()
    })
}

fn publish_services(
    conn: &mut DbConnection,
    scope: &TenantScope,
    kind: TenantKind,
    tenant_name: &str,
) -> anyhow::Result<()> {
    let slug: String =
        tenant_name.chars().filter(char::is_ascii_alphanumeric).take(12).collect::<String>().to_lowercase();
    let email = format!("services@{slug}.demo.relais.invalid");
    let list = match kind {
        TenantKind::Incubator => vec![
            service(
                "Pré-incubation",
                "ما قبل الاحتضان",
                "Pre-incubation",
                ServiceCategory::Incubation,
                &email,
                7,
                vec![Region::RabatSaleKenitra, Region::CasablancaSettat],
            )?,
            service(
                "Formation à l'entrepreneuriat",
                "التكوين في المقاولة",
                "Entrepreneurship training",
                ServiceCategory::EntrepreneurshipTraining,
                &email,
                10,
                vec![Region::RabatSaleKenitra],
            )?,
        ],
        TenantKind::Association => vec![service(
            "Accompagnement au statut d'auto-entrepreneur",
            "المواكبة للحصول على صفة المقاول الذاتي",
            "Auto-entrepreneur registration support",
            ServiceCategory::AutoEntrepreneurSupport,
            &email,
            5,
            vec![Region::RabatSaleKenitra, Region::TangerTetouanAlHoceima],
        )?],
        TenantKind::PublicService => vec![service(
            "Création de coopérative",
            "إنشاء تعاونية",
            "Cooperative creation",
            ServiceCategory::CooperativeCreation,
            &email,
            15,
            vec![Region::FesMeknes, Region::RabatSaleKenitra],
        )?],
        _ => Vec::new(),
    };
    for fields in list {
        let at = relais_persistence::now();
        write_tx(conn, |conn| directory::create_service(conn, directory::Owner::Tenant(scope), &fields, at))?;
    }
    Ok(())
}

fn external_organisations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let org = directory::create_organisation(
        conn,
        &directory::OrganisationFields {
            name: "Agence publique de l'emploi – agence de Kénitra (hors plateforme)".into(),
            kind: TenantKind::PublicService,
            region: Region::RabatSaleKenitra,
            contact_email: EmailAddress::parse("kenitra@emploi.demo.relais.invalid")?,
            website: None,
        },
        relais_persistence::now(),
    )?;
    let fields = service(
        "Placement en emploi salarié",
        "الإدماج في الشغل المأجور",
        "Salaried job placement",
        ServiceCategory::JobPlacement,
        "placement@emploi.demo.relais.invalid",
        10,
        vec![Region::RabatSaleKenitra],
    )?;
    directory::create_service(conn, directory::Owner::Organisation(org.id), &fields, relais_persistence::now())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use relais_persistence::schema::{beneficiaries, cases, consents};

    #[test]
    fn the_demo_people_cover_every_pathway_and_status() {
        let db = relais_test_support::TestDb::sqlite();
        crate::demo_network::build(&db.db).expect("network");
        let today = relais_persistence::now().date();
        let people = super::build(&db.db, today).expect("people");
        assert!((200..=300).contains(&people), "{people}");
        let mut conn = db.conn();
        let women: i64 =
            beneficiaries::table.filter(beneficiaries::sex.eq("female")).count().get_result(&mut conn).expect("count");
        let share = women as f64 / people as f64;
        assert!((0.3..0.5).contains(&share), "{share}");
        let pathways: Vec<String> = cases::table.select(cases::pathway).distinct().load(&mut conn).expect("pathways");
        assert_eq!(pathways.len(), 5);
        let statuses: Vec<String> = cases::table.select(cases::status).distinct().load(&mut conn).expect("statuses");
        assert_eq!(statuses.len(), 3);
        let withdrawn: i64 = consents::table
            .filter(consents::withdrawn_on.is_not_null())
            .count()
            .get_result(&mut conn)
            .expect("withdrawn");
        assert_eq!(withdrawn, 1);
        let referral_states: Vec<String> = relais_persistence::schema::referrals::table
            .select(relais_persistence::schema::referrals::status)
            .distinct()
            .load(&mut conn)
            .expect("referral states");
        assert!(referral_states.len() >= 7, "referrals in most states: {referral_states:?}");
        // Same seed, same people.
        let again = relais_test_support::TestDb::sqlite();
        crate::demo_network::build(&again.db).expect("network");
        super::build(&again.db, today).expect("people");
        let names = |c: &mut relais_persistence::PooledConnection| -> Vec<String> {
            beneficiaries::table.order(beneficiaries::name_key).select(beneficiaries::name_key).load(c).expect("names")
        };
        assert_eq!(names(&mut conn), names(&mut again.conn()));
    }
}
