//! The demo's outreach (issue 12): each association's past information
//! sessions (self-employment, cooperatives, rights) and field campaigns
//! with the attendance of its own people (mostly present, some absent,
//! interests ticked) and head-count sheets (sex × age band), one session
//! co-organised with the incubator (which records its own attendees), a
//! cancelled campaign, and one upcoming session each; the coordinating
//! NGO's training of officials and network meeting with their participants
//! (fictitious officials of partner institutions) and attendance. All from
//! a fixed seed, dated relative to the demo's `today`, written with the
//! persistence functions and the system scope, as the rest of the demo.

use chrono::{Days, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::index;
use rand::{Rng, SeedableRng};
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{
    self, AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventStatus, EventTopic, TallyCell, TrainingAudience,
};
use relais_domain::{EmailAddress, OrganisationId, Region, TenantId, TenantKind, TenantRole, UserId};
use relais_persistence::models::events::{self, Event, EventFields, EventLinks, attendance, tallies};
use relais_persistence::models::participants::{self, Institution, ParticipantFields};
use relais_persistence::models::{beneficiaries, directory, memberships, tenants};
use relais_persistence::{DbConnection, TenantScope, write_tx};

/// What was written (for the demo's summary and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outreach {
    /// Events of every tenant.
    pub events: usize,
    /// Registered attendances.
    pub attendances: usize,
    /// Tally sheets.
    pub tallies: usize,
    /// Participants' attendances.
    pub participant_attendances: usize,
}

/// An information session of an association: days ago, title, topics.
const SESSIONS: &[(u64, &str, &[EventTopic])] = &[
    (290, "Devenir auto-entrepreneur : le statut pas à pas", &[EventTopic::SelfEmployment]),
    (
        215,
        "Créer une activité à plusieurs : coopératives et projets de groupe",
        &[EventTopic::Cooperatives, EventTopic::SelfEmployment],
    ),
    (150, "Vos droits : séjour, travail et couverture sociale", &[EventTopic::Rights]),
    (80, "Auto-entrepreneur : déclarer, facturer, cotiser", &[EventTopic::SelfEmployment]),
    (30, "Du projet au premier client : séance ouverte", &[EventTopic::SelfEmployment, EventTopic::Other]),
];

/// A field campaign: days ago, title, tally sheet labels.
const CAMPAIGNS: &[(u64, &str, &[&str])] = &[
    (180, "Campagne de sensibilisation au souk hebdomadaire", &["Souk, matin", "Souk, après-midi"]),
    (60, "Porte-à-porte auprès des femmes au foyer et des artisans", &["Quartier nord", "Ateliers d'artisans"]),
];

/// Fictitious officials: name, sex, function, institution (by kind of tenant, or named).
const OFFICIALS: &[(&str, Sex, &str, Place)] = &[
    ("Khalid Benjelloun", Sex::Male, "Chef de l'antenne", Place::Tenant(TenantKind::PublicService, 0)),
    ("Samira Ouahbi", Sex::Female, "Conseillère emploi", Place::Tenant(TenantKind::PublicService, 0)),
    ("Rachid Lamrani", Sex::Male, "Conseiller emploi", Place::Tenant(TenantKind::PublicService, 0)),
    ("Houda Skalli", Sex::Female, "Déléguée", Place::Tenant(TenantKind::PublicService, 1)),
    ("Abdelilah Zerouali", Sex::Male, "Agent de développement coopératif", Place::Tenant(TenantKind::PublicService, 1)),
    ("Meryem Tahiri", Sex::Female, "Chargée d'accompagnement", Place::Tenant(TenantKind::Incubator, 0)),
    ("Driss Filali", Sex::Male, "Conseiller d'agence", Place::Organisation),
    ("Naima Kettani", Sex::Female, "Chef de service des affaires sociales", Place::Named(0)),
    ("Hicham Bouzidi", Sex::Male, "Agent d'accueil", Place::Named(0)),
    ("Latifa Mouline", Sex::Female, "Assistante sociale", Place::Named(1)),
    ("Younes Cherkaoui", Sex::Male, "Chargé de l'investissement", Place::Named(2)),
    ("Zineb Hajji", Sex::Female, "Animatrice", Place::Named(3)),
    ("Mustapha Rami", Sex::Male, "Coordinateur", Place::Named(3)),
    ("Soukaina El Fassi", Sex::Female, "Juriste", Place::Named(1)),
];

/// Institutions of the network without a tenant or directory entry (fictitious).
const INSTITUTIONS: &[&str] = &[
    "Commune urbaine – division des affaires sociales",
    "Délégation préfectorale de l'action sociale",
    "Centre régional d'investissement (service d'accueil)",
    "Association de quartier Al Amal",
];

#[derive(Debug, Clone, Copy)]
enum Place {
    /// The n-th tenant of a kind.
    Tenant(TenantKind, usize),
    /// The first organisation of the directory.
    Organisation,
    /// One of [`INSTITUTIONS`].
    Named(usize),
}

/// A tenant's scope and members.
struct Staff {
    scope: TenantScope,
    region: Region,
    city: &'static str,
    /// Volunteers first, then caseworkers and administrators.
    recorders: Vec<UserId>,
}

fn staff(conn: &mut DbConnection, tenant: &tenants::Tenant) -> anyhow::Result<Staff> {
    let scope = TenantScope::for_system(tenant.tenant_id()?);
    let members = memberships::list(conn, &scope)?;
    let by_role = |role: TenantRole| -> anyhow::Result<Vec<UserId>> {
        members.iter().filter(|m| m.role == role.as_str()).map(|m| Ok(m.user_id.parse()?)).collect()
    };
    let mut recorders = by_role(TenantRole::Volunteer)?;
    recorders.extend(by_role(TenantRole::Caseworker)?);
    recorders.extend(by_role(TenantRole::TenantAdmin)?);
    let region: Region = tenant.region;
    let city = match region {
        Region::TangerTetouanAlHoceima => "Tanger",
        Region::FesMeknes => "Fès",
        _ => "Rabat",
    };
    Ok(Staff { scope, region, city, recorders })
}

/// The tenant's people, by name.
fn people(conn: &mut DbConnection, scope: &TenantScope) -> anyhow::Result<Vec<beneficiaries::Beneficiary>> {
    let mut all = Vec::new();
    let mut query = beneficiaries::ListQuery::default();
    loop {
        let page = beneficiaries::list(conn, scope, &query)?;
        all.extend(page.rows);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(all),
        }
    }
}

/// When a sheet dated `day` was typed in: two days later, in the evening,
/// and never after now.
fn typed_in(day: NaiveDate) -> NaiveDateTime {
    let at = (day + Days::new(2)).and_hms_opt(18, 30, 0).unwrap_or_default();
    at.min(relais_persistence::now())
}

#[allow(clippy::too_many_arguments)]
fn event(
    conn: &mut DbConnection,
    s: &Staff,
    title: &str,
    kind: EventKind,
    topics: &[EventTopic],
    start: NaiveDate,
    status: EventStatus,
    links: EventLinks,
    audience: Option<TrainingAudience>,
    end: Option<NaiveDate>,
) -> anyhow::Result<Event> {
    let fields = EventFields {
        title: title.to_owned(),
        kind,
        topics: topics.to_vec(),
        audience,
        start_date: start,
        end_date: end,
        city: Some(s.city.to_owned()),
        region: s.region,
        languages: vec!["français".to_owned(), "darija".to_owned()],
        notes: None,
    };
    let at = if status == EventStatus::Planned { relais_persistence::now() } else { typed_in(start) };
    let by = s.recorders.first().copied();
    Ok(events::create(conn, &s.scope, &fields, status, &links, by, at)?)
}

/// Marks `n` of `people` (drawn at random) at `event`: most present, what
/// they asked for ticked at sessions. Returns how many were written.
fn mark(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    s: &Staff,
    event: &Event,
    people: &[beneficiaries::Beneficiary],
    n: usize,
) -> anyhow::Result<usize> {
    let n = n.min(people.len());
    let at = typed_in(event.start_date);
    let by = s.recorders.first().copied();
    let self_employment = event.topics.0.contains(&EventTopic::SelfEmployment);
    let cooperatives = event.topics.0.contains(&EventTopic::Cooperatives);
    for k in index::sample(rng, people.len(), n) {
        let present = rng.random_range(0..100) < 85;
        let mut interests = Vec::new();
        if present && event.kind == EventKind::InformationSession {
            let chances = [
                (AttendeeInterest::AutoEntrepreneur, if self_employment { 45 } else { 10 }),
                (AttendeeInterest::GroupProject, if cooperatives { 40 } else { 8 }),
                (AttendeeInterest::Employment, 15),
                (AttendeeInterest::Training, 10),
            ];
            for (interest, chance) in chances {
                if rng.random_range(0..100) < chance {
                    interests.push(interest);
                }
            }
        }
        let status = if present { AttendanceStatus::Present } else { AttendanceStatus::Absent };
        attendance::record(conn, &s.scope, event, people[k].id, status, &interests, by, at)?;
    }
    Ok(n)
}

/// A head-count sheet: women and men in every age band (a few bands empty),
/// by nationality when asked.
fn tally(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    s: &Staff,
    event: &Event,
    label: &str,
    by_nationality: bool,
) -> anyhow::Result<()> {
    let mut cells = Vec::new();
    let nationalities: &[Option<&str>] = if by_nationality { &[Some("SN"), Some("CI"), Some("GN")] } else { &[None] };
    for nationality in nationalities {
        for sex in [Sex::Female, Sex::Male] {
            for band in AgeBand::ALL {
                let count = match band {
                    AgeBand::Under18 => rng.random_range(0..4),
                    AgeBand::Unknown => rng.random_range(0..3),
                    AgeBand::From45 => rng.random_range(0..8),
                    _ => rng.random_range(2..18),
                };
                if count > 0 {
                    cells.push(TallyCell { sex, age_band: *band, nationality: nationality.map(str::to_owned), count });
                }
            }
        }
    }
    let cells = outreach::check_tally(&cells).map_err(|e| anyhow::anyhow!("demo tally: {e}"))?;
    let at = typed_in(event.start_date);
    tallies::record(conn, &s.scope, event, Some(label), &cells, s.recorders.first().copied(), at)?;
    Ok(())
}

/// Writes the outreach of every tenant of the demo network (built with its
/// people and the directory).
pub fn build(conn: &mut DbConnection, today: NaiveDate) -> anyhow::Result<Outreach> {
    let mut rng = StdRng::seed_from_u64(12_2026);
    let mut done = Outreach::default();
    let all = tenants::list(conn)?;
    let of_kind = |kind: TenantKind| all.iter().filter(move |t| t.kind == kind);
    let associations: Vec<&tenants::Tenant> = of_kind(TenantKind::Association).collect();
    let incubator = of_kind(TenantKind::Incubator).next();
    let ago = |days: u64| today - Days::new(days);

    for (a, tenant) in associations.iter().enumerate() {
        let s = staff(conn, tenant)?;
        let mine = people(conn, &s.scope)?;
        for (i, (days, title, topics)) in SESSIONS.iter().enumerate() {
            let start = ago(days + rng.random_range(0..7));
            // The first association's self-employment session of the autumn is co-organised with the incubator.
            let with_incubator = a == 0 && i == 3;
            let co_tenants = match (with_incubator, incubator) {
                (true, Some(hub)) => vec![hub.tenant_id()?],
                _ => Vec::new(),
            };
            let links = EventLinks {
                co_tenants,
                facilitators: s.recorders.iter().take(2).copied().collect(),
                ..EventLinks::default()
            };
            write_tx(conn, |conn| -> anyhow::Result<()> {
                let e = event(
                    conn,
                    &s,
                    title,
                    EventKind::InformationSession,
                    topics,
                    start,
                    EventStatus::Held,
                    links,
                    None,
                    None,
                )?;
                done.events += 1;
                let n = rng.random_range(18..31);
                done.attendances += mark(conn, &mut rng, &s, &e, &mine, n)?;
                if with_incubator && let Some(hub) = incubator {
                    let h = staff(conn, hub)?;
                    let theirs = people(conn, &h.scope)?;
                    // The incubator records its own attendees, through its organiser row.
                    let seen = events::find(conn, &h.scope, e.id)?;
                    done.attendances += mark(conn, &mut rng, &h, &seen, &theirs, 8)?;
                }
                Ok(())
            })?;
        }
        for (c, (days, title, labels)) in CAMPAIGNS.iter().enumerate() {
            let start = ago(days + rng.random_range(0..7));
            let links =
                EventLinks { facilitators: s.recorders.iter().take(1).copied().collect(), ..EventLinks::default() };
            write_tx(conn, |conn| -> anyhow::Result<()> {
                let e = event(
                    conn,
                    &s,
                    title,
                    EventKind::FieldCampaign,
                    &[EventTopic::SelfEmployment, EventTopic::Rights],
                    start,
                    EventStatus::Held,
                    links,
                    None,
                    None,
                )?;
                done.events += 1;
                let n = rng.random_range(6..13);
                done.attendances += mark(conn, &mut rng, &s, &e, &mine, n)?;
                for (l, label) in labels.iter().enumerate() {
                    tally(conn, &mut rng, &s, &e, label, c == 1 && l == 1)?;
                    done.tallies += 1;
                }
                Ok(())
            })?;
        }
        write_tx(conn, |conn| -> anyhow::Result<()> {
            // Planned, then called off: it counts nothing.
            if a == 0 {
                let e = event(
                    conn,
                    &s,
                    "Campagne au marché de gros",
                    EventKind::FieldCampaign,
                    &[EventTopic::Rights],
                    ago(20),
                    EventStatus::Planned,
                    EventLinks::default(),
                    None,
                    None,
                )?;
                let to = outreach::transition(e.status, EventStatus::Cancelled, e.start_date, today)
                    .map_err(|err| anyhow::anyhow!("demo event: {err}"))?;
                events::change_status(conn, &s.scope, &e, to, relais_persistence::now())?;
                done.events += 1;
            }
            let start = today + Days::new(12 + 5 * a as u64);
            event(
                conn,
                &s,
                "Séance d'information : devenir auto-entrepreneur",
                EventKind::InformationSession,
                &[EventTopic::SelfEmployment],
                start,
                EventStatus::Planned,
                EventLinks { facilitators: s.recorders.iter().take(1).copied().collect(), ..EventLinks::default() },
                None,
                None,
            )?;
            done.events += 1;
            Ok(())
        })?;
    }

    if let Some(ngo) = of_kind(TenantKind::Coordination).next() {
        let s = staff(conn, ngo)?;
        let tenant_of = |kind: TenantKind, n: usize| -> anyhow::Result<Option<TenantId>> {
            of_kind(kind).nth(n).map(|t| Ok(t.tenant_id()?)).transpose()
        };
        let organisation: Option<OrganisationId> = directory::list_organisations(conn)?.first().map(|o| o.id);
        let associations_ids: Vec<TenantId> = associations.iter().map(|t| t.tenant_id()).collect::<Result<_, _>>()?;
        write_tx(conn, |conn| -> anyhow::Result<()> {
            let mut officials = Vec::new();
            for (name, sex, function, place) in OFFICIALS {
                let institution = match *place {
                    Place::Tenant(kind, n) => tenant_of(kind, n)?.map_or(Institution::None, Institution::Tenant),
                    Place::Organisation => organisation.map_or(Institution::None, Institution::Organisation),
                    Place::Named(n) => Institution::Named(INSTITUTIONS[n].to_owned()),
                };
                let email = relais_domain::names::plain_words(name).join(".");
                let fields = ParticipantFields {
                    full_name: (*name).to_owned(),
                    institution,
                    job_title: Some((*function).to_owned()),
                    sex: *sex,
                    email: Some(EmailAddress::parse(&format!("{email}@demo.relais.invalid"))?)
                        .filter(|_| rng.random_bool(0.6)),
                    phone: None,
                };
                let by = s.recorders.first().copied();
                officials.push(participants::create(conn, &s.scope, &fields, by, typed_in(ago(140)))?.id);
            }
            // A two-day training of officials, then a network meeting with the partners.
            let start = ago(125);
            let training = event(
                conn,
                &s,
                "Formation des agents publics : accueil et orientation des personnes migrantes",
                EventKind::Training,
                &[EventTopic::Rights, EventTopic::SelfEmployment],
                start,
                EventStatus::Held,
                EventLinks { facilitators: s.recorders.iter().take(2).copied().collect(), ..EventLinks::default() },
                Some(TrainingAudience::Officials),
                Some(start + Days::new(1)),
            )?;
            let meeting = event(
                conn,
                &s,
                "Réunion du réseau : orientation vers l'auto-emploi",
                EventKind::NetworkMeeting,
                &[EventTopic::SelfEmployment, EventTopic::Cooperatives],
                ago(40),
                EventStatus::Held,
                EventLinks {
                    co_tenants: associations_ids.clone(),
                    organisations: organisation.into_iter().collect(),
                    facilitators: s.recorders.iter().take(1).copied().collect(),
                },
                None,
                None,
            )?;
            done.events += 2;
            let by = s.recorders.first().copied();
            for (k, official) in officials.iter().enumerate() {
                // Twelve invited to the training (one absent), ten to the meeting (one absent).
                if k < 12 {
                    let status = if k == 4 { AttendanceStatus::Absent } else { AttendanceStatus::Present };
                    participants::record_attendance(
                        conn,
                        &s.scope,
                        &training,
                        *official,
                        status,
                        by,
                        typed_in(training.start_date),
                    )?;
                    done.participant_attendances += 1;
                }
                if k % 3 != 1 || k == 13 {
                    let status = if k == 9 { AttendanceStatus::Absent } else { AttendanceStatus::Present };
                    participants::record_attendance(
                        conn,
                        &s.scope,
                        &meeting,
                        *official,
                        status,
                        by,
                        typed_in(meeting.start_date),
                    )?;
                    done.participant_attendances += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use chrono::Days;
    use diesel::prelude::*;
    use relais_domain::TenantKind;
    use relais_persistence::TenantScope;
    use relais_persistence::models::events::figures::{self, Period};
    use relais_persistence::models::tenants;
    use relais_persistence::schema::{
        event_attendances, event_tallies, event_tally_counts, events, participant_attendances,
    };

    #[test]
    fn the_demo_has_events_of_every_kind_with_attendance_tallies_and_officials() {
        let db = relais_test_support::TestDb::sqlite();
        let today = relais_persistence::now().date();
        let started = Instant::now();
        crate::demo_network::build(&db.db).expect("network");
        // The people builder writes the outreach last.
        crate::demo_people::build(&db.db, today).expect("people and outreach");
        let took = started.elapsed();
        let mut conn = db.conn();
        let kinds: Vec<String> = events::table.select(events::kind).distinct().load(&mut conn).expect("kinds");
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        let attendances: i64 = event_attendances::table.count().get_result(&mut conn).expect("count");
        assert!((200..=500).contains(&attendances), "a few hundred attendances: {attendances}");
        let absent: i64 = event_attendances::table
            .filter(event_attendances::status.eq("absent"))
            .count()
            .get_result(&mut conn)
            .expect("absent");
        assert!(absent > 0 && absent * 4 < attendances, "mostly present: {absent} of {attendances} absent");
        let ticked: i64 = event_attendances::table
            .filter(event_attendances::interests.ne(""))
            .count()
            .get_result(&mut conn)
            .expect("interests");
        assert!(ticked > 20, "interests ticked: {ticked}");
        let sheets: i64 = event_tallies::table.count().get_result(&mut conn).expect("tallies");
        let cells: i64 = event_tally_counts::table.count().get_result(&mut conn).expect("cells");
        assert!(sheets >= 4 && cells > sheets, "{sheets} sheets, {cells} cells");
        let officials: i64 = participant_attendances::table.count().get_result(&mut conn).expect("officials");
        assert!(officials >= 20, "{officials}");
        let upcoming: i64 = events::table
            .filter(events::status.eq("planned"))
            .filter(events::start_date.gt(today))
            .count()
            .get_result(&mut conn)
            .expect("upcoming");
        assert_eq!(upcoming, 2, "one upcoming session per association");

        // The figures of the past year, as the events list shows them.
        let period = Period { from: today - Days::new(365), to: today };
        let all = tenants::list(&mut conn).expect("tenants");
        let scope_of = |kind: TenantKind| {
            let t = all.iter().find(|t| t.kind == kind).expect("a tenant of the kind");
            TenantScope::for_system(t.tenant_id().expect("id"))
        };
        let association = figures::figures(&mut conn, &scope_of(TenantKind::Association), period).expect("figures");
        assert!(association.people_informed >= 30, "{association:?}");
        assert!(association.headcount > 50, "{association:?}");
        let ngo = figures::figures(&mut conn, &scope_of(TenantKind::Coordination), period).expect("figures");
        assert_eq!(ngo.officials_trained, 11, "{ngo:?}");
        assert!(ngo.officials_engaged > ngo.officials_trained, "{ngo:?}");
        let hub = figures::figures(&mut conn, &scope_of(TenantKind::Incubator), period).expect("figures");
        assert!(
            (1..=8).contains(&hub.people_informed),
            "the incubator's own attendees present at the co-organised session: {hub:?}"
        );

        // Not a benchmark: a bound far above the time it takes, to catch a demo
        // that would make `relais demo` wait (say, a query per row gone quadratic).
        eprintln!(
            "demo network, people and outreach built in {took:?}: {attendances} attendances, {sheets} tally sheets, \
             {officials} officials' attendances"
        );
        assert!(took.as_secs() < 60, "the demo took {took:?}");
    }
}
