//! The service directory: each tenant's services (by kind, as in the demo)
//! and a few organisations without an account with theirs.

use chrono::{Datelike, Duration};
use rand::Rng;
use relais_domain::directory::ServiceCategory;
use relais_domain::{Region, TenantKind};

use super::network::{ServiceRef, TenantPlan, uuid_time};
use super::rows::{OrganisationRow, ServiceRow};
use super::util::{between, reference_time, search_fold, stream, uuid_at};

struct Offer {
    fr: &'static str,
    ar: &'static str,
    en: &'static str,
    category: ServiceCategory,
    days: i32,
}

const fn offer(fr: &'static str, ar: &'static str, en: &'static str, category: ServiceCategory, days: i32) -> Offer {
    Offer { fr, ar, en, category, days }
}

const INCUBATOR: &[Offer] = &[
    offer("Pré-incubation", "ما قبل الاحتضان", "Pre-incubation", ServiceCategory::Incubation, 7),
    offer(
        "Formation à l'entrepreneuriat",
        "التكوين في المقاولة",
        "Entrepreneurship training",
        ServiceCategory::EntrepreneurshipTraining,
        10,
    ),
];
const PUBLIC: &[Offer] = &[
    offer("Création de coopérative", "إنشاء تعاونية", "Cooperative creation", ServiceCategory::CooperativeCreation, 15),
    offer(
        "Placement en emploi salarié",
        "الإدماج في الشغل المأجور",
        "Salaried job placement",
        ServiceCategory::JobPlacement,
        10,
    ),
];
const ASSOCIATION: &[Offer] = &[offer(
    "Accompagnement au statut d'auto-entrepreneur",
    "المواكبة للحصول على صفة المقاول الذاتي",
    "Auto-entrepreneur registration support",
    ServiceCategory::AutoEntrepreneurSupport,
    5,
)];
const COORDINATION: &[Offer] =
    &[offer("Permanence juridique", "الاستشارة القانونية", "Legal aid desk", ServiceCategory::LegalAid, 10)];
const EXTERNAL: &[(&str, TenantKind, Region, Offer)] = &[
    (
        "Agence publique de l'emploi – agence de Kénitra (hors plateforme)",
        TenantKind::PublicService,
        Region::RabatSaleKenitra,
        offer(
            "Ateliers de recherche d'emploi",
            "ورشات البحث عن عمل",
            "Job search workshops",
            ServiceCategory::JobPlacement,
            10,
        ),
    ),
    (
        "Association de microcrédit Al Amal (hors plateforme)",
        TenantKind::Other,
        Region::CasablancaSettat,
        offer("Microcrédit de démarrage", "قرض صغير للانطلاق", "Start-up microcredit", ServiceCategory::Financing, 20),
    ),
    (
        "Centre de langues Passerelle (hors plateforme)",
        TenantKind::Association,
        Region::TangerTetouanAlHoceima,
        offer(
            "Cours de darija et de français",
            "دروس الدارجة والفرنسية",
            "Darija and French courses",
            ServiceCategory::LanguageCourses,
            14,
        ),
    ),
];

fn service(
    rng: &mut rand::rngs::StdRng,
    owner: (Option<String>, Option<String>),
    o: &Offer,
    slug: &str,
    regions: &[Region],
    since: chrono::NaiveDateTime,
) -> ServiceRow {
    let created = between(rng, since, since + Duration::days(60));
    let parts = [o.fr, o.ar, o.en, o.category.as_str()];
    let verified = reference_time() - Duration::days(rng.random_range(5..300));
    ServiceRow {
        id: uuid_at(rng, created),
        owner_tenant_id: owner.0,
        owner_organisation_id: owner.1,
        name_fr: o.fr.to_owned(),
        name_ar: Some(o.ar.to_owned()),
        name_en: Some(o.en.to_owned()),
        description_fr: format!("{} pour les personnes accompagnées par le réseau.", o.fr),
        description_ar: None,
        description_en: Some(format!("{} for the people the network accompanies.", o.en)),
        category: o.category.as_str(),
        eligibility: Some("Personnes régularisées résidant dans la région".to_owned()),
        languages: "fr,ar,en".to_owned(),
        regions: regions.iter().map(Region::as_str).collect::<Vec<_>>().join(","),
        cities: None,
        address: None,
        opening_hours: Some("Lundi–vendredi, 9 h – 16 h".to_owned()),
        focal_point_email: format!("services@{slug}.bench.relais.invalid"),
        response_days: o.days,
        intake_open: true,
        last_verified_on: Some(verified.date()).filter(|d| d.year() > 2000),
        search_key: parts.iter().map(|p| search_fold(p)).collect::<Vec<_>>().join(" "),
        created_at: created,
        updated_at: created,
    }
}

/// Every service and external organisation; fills each tenant's `services`.
pub(crate) fn build(seed: u64, plans: &mut [TenantPlan]) -> (Vec<OrganisationRow>, Vec<ServiceRow>) {
    let mut rng = stream(seed, "directory", 0);
    let mut services = Vec::new();
    for p in plans.iter_mut() {
        let offers = match p.kind {
            TenantKind::Incubator => INCUBATOR,
            TenantKind::PublicService => &PUBLIC[p.index % PUBLIC.len()..=p.index % PUBLIC.len()],
            TenantKind::Coordination => COORDINATION,
            _ => ASSOCIATION,
        };
        for o in offers {
            let regions = [p.region, Region::RabatSaleKenitra];
            let regions = if p.region == Region::RabatSaleKenitra { &regions[..1] } else { &regions[..] };
            let row = service(&mut rng, (Some(p.id.clone()), None), o, &p.slug, regions, uuid_time(&p.id));
            p.services.push(ServiceRef { id: row.id.clone(), response_days: row.response_days });
            services.push(row);
        }
    }
    let mut organisations = Vec::new();
    for (i, (name, kind, region, o)) in EXTERNAL.iter().enumerate() {
        let created = between(&mut rng, super::util::history_start(), reference_time() - Duration::days(200));
        let id = uuid_at(&mut rng, created);
        let slug = format!("org{i}");
        organisations.push(OrganisationRow {
            id: id.clone(),
            name: (*name).to_owned(),
            kind: kind.as_str(),
            region: region.as_str(),
            contact_email: format!("contact@{slug}.bench.relais.invalid"),
            website: None,
            active: true,
            created_at: created,
            updated_at: created,
        });
        services.push(service(&mut rng, (None, Some(id)), o, &slug, &[*region], created));
    }
    (organisations, services)
}
