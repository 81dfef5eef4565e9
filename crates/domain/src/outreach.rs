//! Outreach and capacity building (issue 12): events (information
//! sessions, field campaigns, trainings, network meetings), their status
//! machine, registered attendance, anonymous head-counts (tallies) and the
//! officials and other participants who are not beneficiaries.
//!
//! Everything here is pure: the application layer's outreach commands
//! apply these rules to the stored records inside their transactions.
//!
//! Dates are the event's, not the entry's: a paper sign-in sheet typed in
//! days later carries the date the session took place. An event "has
//! happened" once its start date is today or earlier; attendance, tallies
//! and the `held` status are refused before that, and a cancelled event
//! takes nothing and counts nothing.

use chrono::NaiveDate;
use thiserror::Error;

use crate::beneficiary::Sex;
use crate::case_file::Pathway;
use crate::codes::{UnknownCode, code_enum};

code_enum!(
    /// What kind of event.
    EventKind, "event kind" {
        /// An information session (self-employment, cooperatives, rights …).
        InformationSession => "information_session",
        /// A field awareness campaign (markets, doorsteps …), often counted by head.
        FieldCampaign => "field_campaign",
        /// A training, for officials or for beneficiaries.
        Training => "training",
        /// A meeting of the network's partners.
        NetworkMeeting => "network_meeting",
    }
);

code_enum!(
    /// What an event is about (an event has one or several).
    EventTopic, "event topic" {
        /// Self-employment and the auto-entrepreneur status.
        SelfEmployment => "self_employment",
        /// Cooperatives and group enterprises.
        Cooperatives => "cooperatives",
        /// Rights (residence, work, social cover …).
        Rights => "rights",
        /// Any other topic.
        Other => "other",
    }
);

code_enum!(
    /// Where an event stands.
    EventStatus, "event status" {
        /// Announced, or not yet confirmed as held.
        Planned => "planned",
        /// It took place: it counts in the figures.
        Held => "held",
        /// It did not take place: it takes no attendance and counts nothing.
        Cancelled => "cancelled",
    }
);

code_enum!(
    /// Whom a training is for.
    TrainingAudience, "training audience" {
        /// Officials of public institutions and associations (OS2 / R4).
        Officials => "officials",
        /// Beneficiaries.
        Beneficiaries => "beneficiaries",
    }
);

code_enum!(
    /// Whether a registered person came.
    AttendanceStatus, "attendance status" {
        /// The person came.
        Present => "present",
        /// The person had registered but did not come.
        Absent => "absent",
    }
);

code_enum!(
    /// What an attendee asked for at an event.
    AttendeeInterest, "attendee interest" {
        /// Becoming an auto-entrepreneur.
        AutoEntrepreneur => "auto_entrepreneur",
        /// Joining a group project or cooperative.
        GroupProject => "group_project",
        /// Salaried employment.
        Employment => "employment",
        /// Vocational training.
        Training => "training",
        /// Something else.
        Other => "other",
    }
);

code_enum!(
    /// Age bands of the head-counts and of the indicators' disaggregation.
    AgeBand, "age band" {
        /// Under 18.
        Under18 => "under_18",
        /// 18 to 24.
        From18To24 => "18_24",
        /// 25 to 34.
        From25To34 => "25_34",
        /// 35 to 44.
        From35To44 => "35_44",
        /// 45 and over.
        From45 => "45_plus",
        /// Not known.
        Unknown => "unknown",
    }
);

code_enum!(
    /// Why an event refuses attendance, a tally or the `held` status.
    EventRefusal, "event refusal" {
        /// The event has not happened yet (its start date is after today).
        InFuture => "event_in_future",
        /// The event was cancelled.
        Cancelled => "event_cancelled",
    }
);

impl AttendeeInterest {
    /// The case pathway matching this interest, for a follow-up case.
    pub fn pathway(&self) -> Option<Pathway> {
        match self {
            AttendeeInterest::AutoEntrepreneur => Some(Pathway::AutoEntrepreneur),
            AttendeeInterest::GroupProject => Some(Pathway::GroupEnterprise),
            AttendeeInterest::Employment => Some(Pathway::Employment),
            AttendeeInterest::Training => Some(Pathway::Training),
            AttendeeInterest::Other => None,
        }
    }
}

impl AgeBand {
    /// The band of an age in whole years.
    pub fn of_age(years: i32) -> AgeBand {
        match years {
            i32::MIN..=17 => AgeBand::Under18,
            18..=24 => AgeBand::From18To24,
            25..=34 => AgeBand::From25To34,
            35..=44 => AgeBand::From35To44,
            _ => AgeBand::From45,
        }
    }
}

/// Longest event title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest city name, in characters.
pub const CITY_MAX: usize = 100;
/// Longest event notes, in characters.
pub const NOTES_MAX: usize = 4000;
/// Longest language name, in characters.
pub const LANGUAGE_MAX: usize = 40;
/// Most languages of one event.
pub const LANGUAGES_MAX: usize = 10;
/// Longest tally label ("Souk de Takaddoum"), in characters.
pub const TALLY_LABEL_MAX: usize = 200;
/// Largest count of one tally cell.
pub const TALLY_COUNT_MAX: i64 = 100_000;
/// Most cells in one tally.
pub const TALLY_CELLS_MAX: usize = 200;
/// Longest participant name, institution or function, in characters.
pub const PARTICIPANT_TEXT_MAX: usize = 200;

/// A text field refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TextError {
    /// Required and empty (or only spaces).
    #[error("required")]
    Required,
    /// Longer than allowed.
    #[error("too long")]
    TooLong,
}

/// Trims a text and checks it is given (when `required`) and at most
/// `max_chars` characters long.
pub fn check_text(value: &str, max_chars: usize, required: bool) -> Result<String, TextError> {
    let value = value.trim();
    if required && value.is_empty() {
        Err(TextError::Required)
    } else if value.chars().count() > max_chars {
        Err(TextError::TooLong)
    } else {
        Ok(value.to_owned())
    }
}

/// The title of an event: required, at most [`TITLE_MAX`] characters.
pub fn check_title(title: &str) -> Result<String, TextError> {
    check_text(title, TITLE_MAX, true)
}

/// An end date before the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the end date is before the start date")]
pub struct EndBeforeStart;

/// Checks an event's dates: the end date (multi-day trainings), when
/// given, is the start date or later. Dates may be in the past (events are
/// typed in after the fact) or in the future (planned events).
pub fn check_dates(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), EndBeforeStart> {
    match end {
        Some(end) if end < start => Err(EndBeforeStart),
        _ => Ok(()),
    }
}

/// Whether an event takes attendance and tallies on `today`: it must have
/// started (start date today or earlier) and not be cancelled. A planned
/// event whose date has passed takes them (sheets are often typed in
/// before the status is set to held).
pub fn check_open_for_attendance(status: EventStatus, start: NaiveDate, today: NaiveDate) -> Result<(), EventRefusal> {
    if status == EventStatus::Cancelled {
        Err(EventRefusal::Cancelled)
    } else if start > today {
        Err(EventRefusal::InFuture)
    } else {
        Ok(())
    }
}

/// The statuses an event may be created with: planned, or held when it
/// has already happened (typed in after the fact).
pub fn check_initial_status(status: EventStatus, start: NaiveDate, today: NaiveDate) -> Result<(), TransitionError> {
    match status {
        EventStatus::Planned => Ok(()),
        EventStatus::Held if start > today => Err(TransitionError::Refused(EventRefusal::InFuture)),
        EventStatus::Held => Ok(()),
        EventStatus::Cancelled => {
            Err(TransitionError::NotAllowed { from: EventStatus::Planned, to: EventStatus::Cancelled })
        }
    }
}

/// Why a status change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TransitionError {
    /// The event already has this status, or the move is not allowed from it.
    #[error("an event cannot go from {from} to {to}")]
    NotAllowed {
        /// The current status.
        from: EventStatus,
        /// The status asked for.
        to: EventStatus,
    },
    /// The move is allowed, but not for this event now (held before it happened).
    #[error("{0}")]
    Refused(EventRefusal),
}

/// Checks a status change on `today`: planned → held (once the event has
/// started) or cancelled; held → planned (a correction: it is no longer
/// counted); cancelled → planned (the event is back on).
pub fn transition(
    from: EventStatus,
    to: EventStatus,
    start: NaiveDate,
    today: NaiveDate,
) -> Result<EventStatus, TransitionError> {
    use EventStatus::{Cancelled, Held, Planned};
    match (from, to) {
        (Planned, Held) if start > today => Err(TransitionError::Refused(EventRefusal::InFuture)),
        (Planned, Held) | (Planned, Cancelled) | (Held, Planned) | (Cancelled, Planned) => Ok(to),
        (Planned, Planned) | (Held, Held) | (Cancelled, Cancelled) | (Held, Cancelled) | (Cancelled, Held) => {
            Err(TransitionError::NotAllowed { from, to })
        }
    }
}

/// The statuses an event may move to from `from` on `today` (for the status form).
pub fn next_statuses(from: EventStatus, start: NaiveDate, today: NaiveDate) -> Vec<EventStatus> {
    EventStatus::ALL.iter().copied().filter(|to| transition(from, *to, start, today).is_ok()).collect()
}

/// Stores a set of codes as one text: the codes in their list's order,
/// without repeats, comma separated (`self_employment,rights`).
pub fn codes_text<T: Copy + PartialEq + std::fmt::Display>(all: &[T], chosen: &[T]) -> String {
    all.iter().filter(|c| chosen.contains(c)).map(ToString::to_string).collect::<Vec<_>>().join(",")
}

/// Reads a text written by [`codes_text`]; an unknown code is an error.
pub fn parse_codes<T: std::str::FromStr<Err = UnknownCode>>(text: &str) -> Result<Vec<T>, UnknownCode> {
    text.split(',').filter(|c| !c.is_empty()).map(str::parse).collect()
}

/// A set of event topics as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Topics(pub Vec<EventTopic>);

impl std::fmt::Display for Topics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&codes_text(EventTopic::ALL, &self.0))
    }
}

impl std::str::FromStr for Topics {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_codes(s).map(Topics)
    }
}

/// A set of attendee interests as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Interests(pub Vec<AttendeeInterest>);

impl std::fmt::Display for Interests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&codes_text(AttendeeInterest::ALL, &self.0))
    }
}

impl std::str::FromStr for Interests {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_codes(s).map(Interests)
    }
}

/// One cell of a head-count: how many people of a sex and an age band
/// (optionally of one nationality, ISO 3166-1 alpha-2) were reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyCell {
    /// Sex.
    pub sex: Sex,
    /// Age band.
    pub age_band: AgeBand,
    /// Nationality (ISO 3166-1 alpha-2, upper-case), when counted by nationality.
    pub nationality: Option<String>,
    /// How many people (0 to [`TALLY_COUNT_MAX`]).
    pub count: i64,
}

/// Why a tally is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TallyError {
    /// No cell, or every count is zero.
    #[error("a tally counts at least one person")]
    Empty,
    /// More cells than [`TALLY_CELLS_MAX`].
    #[error("too many cells")]
    TooManyCells,
    /// A count below zero or above [`TALLY_COUNT_MAX`] (cell index).
    #[error("count of cell {0} is out of range")]
    CountOutOfRange(usize),
    /// The same (sex, age band, nationality) twice (index of the second).
    #[error("cell {0} repeats another cell")]
    RepeatedCell(usize),
    /// A nationality that is not an ISO 3166-1 alpha-2 code (cell index).
    #[error("cell {0} has an unknown nationality")]
    UnknownNationality(usize),
}

/// Checks the cells of a tally and normalises their nationalities
/// (upper-case codes): counts are whole numbers from 0 to
/// [`TALLY_COUNT_MAX`], no cell repeats another, and the total is positive.
pub fn check_tally(cells: &[TallyCell]) -> Result<Vec<TallyCell>, TallyError> {
    if cells.len() > TALLY_CELLS_MAX {
        return Err(TallyError::TooManyCells);
    }
    let mut checked: Vec<TallyCell> = Vec::with_capacity(cells.len());
    for (index, cell) in cells.iter().enumerate() {
        if !(0..=TALLY_COUNT_MAX).contains(&cell.count) {
            return Err(TallyError::CountOutOfRange(index));
        }
        let nationality = match cell.nationality.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(text) => {
                Some(crate::beneficiary::country_code(text).ok_or(TallyError::UnknownNationality(index))?.to_owned())
            }
        };
        let cell = TallyCell { nationality, ..cell.clone() };
        if checked.iter().any(|c| c.sex == cell.sex && c.age_band == cell.age_band && c.nationality == cell.nationality)
        {
            return Err(TallyError::RepeatedCell(index));
        }
        checked.push(cell);
    }
    if checked.iter().all(|c| c.count == 0) {
        return Err(TallyError::Empty);
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("a date")
    }

    #[test]
    fn every_status_to_every_status() {
        use EventStatus::{Cancelled, Held, Planned};
        let allowed = [(Planned, Held), (Planned, Cancelled), (Held, Planned), (Cancelled, Planned)];
        let today = day(10);
        for from in EventStatus::ALL {
            for to in EventStatus::ALL {
                let past = transition(*from, *to, day(9), today);
                let same_day = transition(*from, *to, day(10), today);
                let future = transition(*from, *to, day(11), today);
                if allowed.contains(&(*from, *to)) {
                    assert_eq!(past, Ok(*to), "{from} → {to}");
                    assert_eq!(same_day, Ok(*to), "{from} → {to} on the day");
                    if (*from, *to) == (Planned, Held) {
                        assert_eq!(future, Err(TransitionError::Refused(EventRefusal::InFuture)));
                    } else {
                        assert_eq!(future, Ok(*to), "{from} → {to} before the day");
                    }
                } else {
                    for result in [past, same_day, future] {
                        assert_eq!(result, Err(TransitionError::NotAllowed { from: *from, to: *to }));
                    }
                }
            }
        }
    }

    #[test]
    fn next_statuses_follow_the_machine() {
        use EventStatus::{Cancelled, Held, Planned};
        assert_eq!(next_statuses(Planned, day(9), day(10)), vec![Held, Cancelled]);
        assert_eq!(next_statuses(Planned, day(11), day(10)), vec![Cancelled]);
        assert_eq!(next_statuses(Held, day(9), day(10)), vec![Planned]);
        assert_eq!(next_statuses(Cancelled, day(9), day(10)), vec![Planned]);
    }

    #[test]
    fn an_event_is_created_planned_or_held_once_it_happened() {
        assert_eq!(check_initial_status(EventStatus::Planned, day(11), day(10)), Ok(()));
        assert_eq!(check_initial_status(EventStatus::Held, day(10), day(10)), Ok(()));
        assert_eq!(
            check_initial_status(EventStatus::Held, day(11), day(10)),
            Err(TransitionError::Refused(EventRefusal::InFuture))
        );
        assert!(matches!(
            check_initial_status(EventStatus::Cancelled, day(9), day(10)),
            Err(TransitionError::NotAllowed { .. })
        ));
    }

    #[test]
    fn attendance_only_for_events_that_started_and_are_not_cancelled() {
        let today = day(10);
        for status in [EventStatus::Planned, EventStatus::Held] {
            assert_eq!(check_open_for_attendance(status, day(9), today), Ok(()));
            assert_eq!(check_open_for_attendance(status, day(10), today), Ok(()), "on the day itself");
            assert_eq!(check_open_for_attendance(status, day(11), today), Err(EventRefusal::InFuture));
        }
        assert_eq!(check_open_for_attendance(EventStatus::Cancelled, day(9), today), Err(EventRefusal::Cancelled));
        assert_eq!(check_open_for_attendance(EventStatus::Cancelled, day(11), today), Err(EventRefusal::Cancelled));
    }

    #[test]
    fn titles_and_dates() {
        assert_eq!(check_title("  Session AE  "), Ok("Session AE".to_owned()));
        assert_eq!(check_title("   "), Err(TextError::Required));
        assert_eq!(check_title(&"é".repeat(TITLE_MAX)).map(|t| t.chars().count()), Ok(TITLE_MAX));
        assert_eq!(check_title(&"é".repeat(TITLE_MAX + 1)), Err(TextError::TooLong));
        assert_eq!(check_text("", 10, false), Ok(String::new()));
        assert_eq!(check_dates(day(10), None), Ok(()));
        assert_eq!(check_dates(day(10), Some(day(10))), Ok(()));
        assert_eq!(check_dates(day(10), Some(day(12))), Ok(()));
        assert_eq!(check_dates(day(10), Some(day(9))), Err(EndBeforeStart));
    }

    fn cell(sex: Sex, age_band: AgeBand, nationality: Option<&str>, count: i64) -> TallyCell {
        TallyCell { sex, age_band, nationality: nationality.map(str::to_owned), count }
    }

    #[test]
    fn tallies_are_non_negative_distinct_and_not_empty() {
        let ok = check_tally(&[
            cell(Sex::Female, AgeBand::From18To24, Some(" sn "), 12),
            cell(Sex::Female, AgeBand::From18To24, None, 0),
            cell(Sex::Male, AgeBand::Unknown, Some("SN"), 3),
        ])
        .expect("valid");
        assert_eq!(ok[0].nationality.as_deref(), Some("SN"));
        assert_eq!(ok[1].nationality, None);
        assert_eq!(check_tally(&[cell(Sex::Male, AgeBand::Under18, None, -1)]), Err(TallyError::CountOutOfRange(0)));
        assert_eq!(
            check_tally(&[
                cell(Sex::Male, AgeBand::Under18, None, 1),
                cell(Sex::Male, AgeBand::Under18, None, TALLY_COUNT_MAX + 1)
            ]),
            Err(TallyError::CountOutOfRange(1))
        );
        assert!(check_tally(&[cell(Sex::Male, AgeBand::Under18, None, TALLY_COUNT_MAX)]).is_ok());
        assert_eq!(
            check_tally(&[
                cell(Sex::Male, AgeBand::Under18, Some("sn"), 1),
                cell(Sex::Male, AgeBand::Under18, Some("SN"), 2)
            ]),
            Err(TallyError::RepeatedCell(1))
        );
        assert_eq!(
            check_tally(&[cell(Sex::Male, AgeBand::Under18, Some("XX"), 1)]),
            Err(TallyError::UnknownNationality(0))
        );
        assert_eq!(check_tally(&[]), Err(TallyError::Empty));
        assert_eq!(check_tally(&[cell(Sex::Male, AgeBand::Under18, None, 0)]), Err(TallyError::Empty));
    }

    #[test]
    fn code_sets_round_trip_in_list_order() {
        let topics = Topics(vec![EventTopic::Rights, EventTopic::SelfEmployment, EventTopic::Rights]);
        assert_eq!(topics.to_string(), "self_employment,rights");
        assert_eq!(
            "self_employment,rights".parse::<Topics>(),
            Ok(Topics(vec![EventTopic::SelfEmployment, EventTopic::Rights]))
        );
        assert_eq!("".parse::<Topics>(), Ok(Topics(vec![])));
        assert!("self_employment,cooking".parse::<Topics>().is_err());
        let interests = Interests(vec![AttendeeInterest::Other, AttendeeInterest::AutoEntrepreneur]);
        assert_eq!(
            interests.to_string().parse::<Interests>(),
            Ok(Interests(vec![AttendeeInterest::AutoEntrepreneur, AttendeeInterest::Other]))
        );
    }

    #[test]
    fn no_topic_code_is_part_of_another() {
        // Persistence filters the stored set with `LIKE '%code%'`.
        for a in EventTopic::ALL {
            for b in EventTopic::ALL.iter().filter(|b| *b != a) {
                assert!(!b.as_str().contains(a.as_str()), "{a} is inside {b}");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        fn round_trip<T: Copy + PartialEq + std::fmt::Debug + std::str::FromStr>(
            all: &[T],
            code: fn(&T) -> &'static str,
        ) {
            for v in all {
                assert_eq!(code(v).parse::<T>().ok(), Some(*v));
            }
        }
        round_trip(EventKind::ALL, EventKind::as_str);
        round_trip(EventTopic::ALL, EventTopic::as_str);
        round_trip(EventStatus::ALL, EventStatus::as_str);
        round_trip(TrainingAudience::ALL, TrainingAudience::as_str);
        round_trip(AttendanceStatus::ALL, AttendanceStatus::as_str);
        round_trip(AttendeeInterest::ALL, AttendeeInterest::as_str);
        round_trip(AgeBand::ALL, AgeBand::as_str);
        round_trip(EventRefusal::ALL, EventRefusal::as_str);
        assert!("postponed".parse::<EventStatus>().is_err());
    }

    #[test]
    fn interests_open_the_matching_pathway_and_ages_fall_in_bands() {
        assert_eq!(AttendeeInterest::AutoEntrepreneur.pathway(), Some(Pathway::AutoEntrepreneur));
        assert_eq!(AttendeeInterest::GroupProject.pathway(), Some(Pathway::GroupEnterprise));
        assert_eq!(AttendeeInterest::Other.pathway(), None);
        let bands: Vec<AgeBand> = [17, 18, 24, 25, 34, 35, 44, 45, 90].into_iter().map(AgeBand::of_age).collect();
        use AgeBand::*;
        assert_eq!(
            bands,
            vec![Under18, From18To24, From18To24, From25To34, From25To34, From35To44, From35To44, From45, From45]
        );
    }
}
