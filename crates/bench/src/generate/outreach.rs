//! One tenant's outreach (issue 12, `--attendances-per-tenant`): events
//! of the four kinds over the three years of history (a few planned ahead
//! or cancelled), each with its organiser row and a facilitator; registered
//! attendance of the tenant's people at held events (mostly present,
//! interests ticked at information sessions); tally sheets (sex × age band)
//! at field campaigns; participants (officials) and their attendance at
//! trainings and network meetings — written as the persistence functions
//! write them (codes, `Interests` in list order), in batches.
//!
//! The tenant's first event is its biggest: a held information session
//! with up to 500 attendees (the event page benchmark reads it); the other
//! attendances are spread over the held events at random (about 50 each).

use chrono::{Duration, NaiveDateTime};
use rand::Rng;
use rand::seq::index;
use relais_domain::beneficiary::Sex;
use relais_domain::outreach::{
    AgeBand, AttendanceStatus, AttendeeInterest, EventKind, EventStatus, EventTopic, Interests, Topics,
    TrainingAudience,
};

use super::data::{REGIONS, STAFF_FAMILY, STAFF_GIVEN};
use super::network::TenantPlan;
use super::rows::{
    AttendanceRow, EventRow, FacilitatorRow, OrganiserRow, ParticipantAttendanceRow, ParticipantRow, TallyCountRow,
    TallyRow, Writer,
};
use super::tenant::Entry;
use super::util::{between, one, reference_time, stream, uuid_at, weighted};

/// Events per transaction (with their attendance and tallies).
const BATCH: usize = 500;
/// Attendees of the tenant's first (biggest) event.
pub(crate) const BIG_EVENT: usize = 500;
/// Attendances per event on average.
const PER_EVENT: usize = 50;

const SESSION_TITLES: &[&str] = &[
    "Devenir auto-entrepreneur : le statut pas à pas",
    "Créer une coopérative : démarches et financement",
    "Vos droits au travail et à la couverture sociale",
    "Séance d'information : la carte de séjour",
    "Lancer son activité : du projet au premier client",
];
const CAMPAIGN_LABELS: &[&str] = &["Souk, matin", "Souk, après-midi", "Porte-à-porte", "Mosquée, vendredi", "Gare"];
const JOB_TITLES: &[&str] =
    &["Chef de service", "Conseillère emploi", "Agent de développement social", "Chargé de mission", "Directrice"];
const INSTITUTIONS: &[&str] = &[
    "Commune urbaine – service social",
    "Délégation provinciale de l'emploi",
    "Centre régional d'investissement",
    "Association partenaire de quartier",
];

/// A generated event and what its rows need.
struct Planned {
    id: String,
    kind: EventKind,
    status: EventStatus,
    start: NaiveDateTime,
    attendees: usize,
}

/// The tenant's outreach, `attendances` registered attendances in all;
/// returns the id of its biggest event (none when nothing was generated).
pub(crate) fn tenant(
    w: &mut Writer<'_>,
    seed: u64,
    t: &TenantPlan,
    people: &[Entry],
    attendances: usize,
) -> anyhow::Result<Option<String>> {
    if attendances == 0 || people.is_empty() || t.staff.members.is_empty() {
        return Ok(None);
    }
    let index = t.index as u64;
    let mut rng = stream(seed, "outreach", index);
    let tenant = t.id.clone();
    let now = reference_time();
    let first_day = now - Duration::days(3 * 365);
    let cities: &[&str] = REGIONS.iter().find(|r| r.0 == t.region).map_or(&["Rabat"], |r| r.2);

    // The events: the big session first, then about one per 50 attendances
    // (a few more: some are planned ahead or cancelled and take none).
    let big = BIG_EVENT.min(people.len()).min(attendances);
    let others = (attendances - big).div_ceil(PER_EVENT);
    let mut plan: Vec<Planned> = Vec::with_capacity(others + others / 10 + 1);
    plan.push(Planned {
        id: uuid_at(&mut rng, now - Duration::days(10)),
        kind: EventKind::InformationSession,
        status: EventStatus::Held,
        start: now - Duration::days(10),
        attendees: big,
    });
    let extra = others / 10 + usize::from(others > 0);
    for _ in 0..others + extra {
        let kind = weighted(
            &mut rng,
            &[
                (EventKind::InformationSession, 50),
                (EventKind::FieldCampaign, 25),
                (EventKind::Training, 10),
                (EventKind::NetworkMeeting, 15),
            ],
        );
        let ahead = rng.random_bool(0.03);
        let start =
            if ahead { now + Duration::days(rng.random_range(1..60)) } else { between(&mut rng, first_day, now) };
        let status = if ahead {
            EventStatus::Planned
        } else {
            weighted(&mut rng, &[(EventStatus::Held, 90), (EventStatus::Planned, 3), (EventStatus::Cancelled, 7)])
        };
        let id = uuid_at(&mut rng, start.min(now));
        plan.push(Planned { id, kind, status, start, attendees: 0 });
    }
    // Spread the other attendances over the held events, at most one per person.
    let held: Vec<usize> = (1..plan.len()).filter(|i| plan[*i].status == EventStatus::Held).collect();
    if !held.is_empty() {
        for _ in 0..attendances - big {
            let i = *one(&mut rng, &held);
            if plan[i].attendees < people.len() {
                plan[i].attendees += 1;
            }
        }
    }

    // Participants (officials), written with the first batch.
    let n_participants = (attendances / 500).clamp(5, 2_000);
    let mut participants = Vec::with_capacity(n_participants);
    for _ in 0..n_participants {
        let created = between(&mut rng, first_day, now);
        let woman = rng.random_bool(0.45);
        let name = format!("{} {}", one(&mut rng, STAFF_GIVEN), one(&mut rng, STAFF_FAMILY));
        participants.push(ParticipantRow {
            tenant_id: tenant.clone(),
            id: uuid_at(&mut rng, created),
            full_name: name,
            institution_tenant_id: None,
            institution_organisation_id: None,
            institution_name: Some(*one(&mut rng, INSTITUTIONS)),
            job_title: Some(*one(&mut rng, JOB_TITLES)),
            sex: if woman { Sex::Female.as_str() } else { Sex::Male.as_str() },
            email: None,
            phone: None,
            created_by: Some(one(&mut rng, &t.staff.members).clone()),
            created_at: created,
            updated_at: created,
            version: 1,
        });
    }
    let participant_ids: Vec<String> = participants.iter().map(|p| p.id.clone()).collect();

    let mut biggest = None;
    for chunk in plan.chunks(BATCH) {
        let (mut events, mut organisers, mut facilitators) = (Vec::new(), Vec::new(), Vec::new());
        let (mut marks, mut tallies, mut cells, mut officials) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for e in chunk {
            let created = (e.start + Duration::days(rng.random_range(0..5))).min(now - Duration::seconds(1));
            let created = if e.start > now { between(&mut rng, now - Duration::days(20), now) } else { created };
            let topics = match e.kind {
                EventKind::InformationSession => {
                    let mut topics = vec![EventTopic::SelfEmployment];
                    if rng.random_bool(0.3) {
                        topics.push(EventTopic::Cooperatives);
                    }
                    if rng.random_bool(0.2) {
                        topics = vec![EventTopic::Rights];
                    }
                    topics
                }
                _ => Vec::new(),
            };
            let title = match e.kind {
                EventKind::InformationSession => (*one(&mut rng, SESSION_TITLES)).to_owned(),
                EventKind::FieldCampaign => format!("Campagne de sensibilisation – {}", one(&mut rng, cities)),
                EventKind::Training => "Formation : accueil et orientation des personnes migrantes".to_owned(),
                EventKind::NetworkMeeting => "Réunion du réseau local".to_owned(),
            };
            let facilitator = one(&mut rng, &t.staff.members).clone();
            events.push(EventRow {
                tenant_id: tenant.clone(),
                id: e.id.clone(),
                title,
                kind: e.kind.as_str(),
                topics: Topics(topics).to_string(),
                audience: (e.kind == EventKind::Training).then(|| {
                    let audience = if rng.random_bool(0.6) {
                        TrainingAudience::Officials
                    } else {
                        TrainingAudience::Beneficiaries
                    };
                    audience.as_str()
                }),
                start_date: e.start.date(),
                end_date: (e.kind == EventKind::Training && rng.random_bool(0.3))
                    .then(|| e.start.date() + Duration::days(1)),
                city: Some(*one(&mut rng, cities)),
                region: t.region.as_str(),
                languages: "français, darija",
                notes: None,
                status: e.status.as_str(),
                created_by: Some(facilitator.clone()),
                created_at: created,
                updated_at: created,
                version: 1,
            });
            organisers.push(OrganiserRow {
                tenant_id: tenant.clone(),
                event_id: e.id.clone(),
                organiser_tenant_id: tenant.clone(),
                created_at: created,
            });
            facilitators.push(FacilitatorRow {
                tenant_id: tenant.clone(),
                event_id: e.id.clone(),
                user_id: facilitator,
            });
            if e.status != EventStatus::Held {
                continue;
            }
            if biggest.is_none() {
                biggest = Some(e.id.clone());
            }
            for k in index::sample(&mut rng, people.len(), e.attendees) {
                let present = rng.random_bool(0.88);
                let mut interests = Vec::new();
                if present && e.kind == EventKind::InformationSession {
                    for (interest, p) in [
                        (AttendeeInterest::AutoEntrepreneur, 0.35),
                        (AttendeeInterest::GroupProject, 0.15),
                        (AttendeeInterest::Employment, 0.15),
                        (AttendeeInterest::Training, 0.1),
                    ] {
                        if rng.random_bool(p) {
                            interests.push(interest);
                        }
                    }
                }
                let at = between(&mut rng, created, (created + Duration::hours(2)).min(now));
                marks.push(AttendanceRow {
                    tenant_id: tenant.clone(),
                    id: uuid_at(&mut rng, at),
                    event_tenant_id: tenant.clone(),
                    event_id: e.id.clone(),
                    beneficiary_id: people[k].person.hyphenated().to_string(),
                    status: (if present { AttendanceStatus::Present } else { AttendanceStatus::Absent }).as_str(),
                    interests: Interests(interests).to_string(),
                    recorded_by: Some(t.staff.registrar(&mut rng).clone()),
                    created_at: at,
                    updated_at: at,
                });
            }
            if e.kind == EventKind::FieldCampaign {
                for _ in 0..rng.random_range(1..4) {
                    let id = uuid_at(&mut rng, created);
                    let mut line = 0;
                    for sex in [Sex::Female, Sex::Male] {
                        for band in AgeBand::ALL {
                            if !rng.random_bool(0.6) {
                                continue;
                            }
                            cells.push(TallyCountRow {
                                tenant_id: tenant.clone(),
                                tally_id: id.clone(),
                                line,
                                sex: sex.as_str(),
                                age_band: band.as_str(),
                                nationality: None,
                                headcount: rng.random_range(0..40),
                            });
                            line += 1;
                        }
                    }
                    tallies.push(TallyRow {
                        tenant_id: tenant.clone(),
                        id,
                        event_tenant_id: tenant.clone(),
                        event_id: e.id.clone(),
                        label: Some(*one(&mut rng, CAMPAIGN_LABELS)),
                        recorded_by: Some(t.staff.registrar(&mut rng).clone()),
                        created_at: created,
                    });
                }
            }
            if matches!(e.kind, EventKind::Training | EventKind::NetworkMeeting) {
                let n = rng.random_range(5..25).min(participant_ids.len());
                for k in index::sample(&mut rng, participant_ids.len(), n) {
                    officials.push(ParticipantAttendanceRow {
                        tenant_id: tenant.clone(),
                        event_tenant_id: tenant.clone(),
                        event_id: e.id.clone(),
                        participant_id: participant_ids[k].clone(),
                        status: (if rng.random_bool(0.9) {
                            AttendanceStatus::Present
                        } else {
                            AttendanceStatus::Absent
                        })
                        .as_str(),
                        recorded_by: Some(one(&mut rng, &t.staff.members).clone()),
                        created_at: created,
                        updated_at: created,
                    });
                }
            }
        }
        w.commit(|load| {
            load.put(&mut participants)?;
            load.put(&mut events)?;
            load.put(&mut organisers)?;
            load.put(&mut facilitators)?;
            load.put(&mut marks)?;
            load.put(&mut tallies)?;
            load.put(&mut cells)?;
            load.put(&mut officials)?;
            Ok(())
        })?;
    }
    Ok(biggest)
}
