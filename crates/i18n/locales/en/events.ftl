# Outreach pages (issue 12): events list and figures, event form and page, capture at the door, participants.

event-error-date = Enter a date as YYYY-MM-DD.
event-error-stale = Someone changed this record in the meantime. Reload the page to see the latest version.
event-error-consent = Tick the person's consent to register them.
event-error-erased = This person's data was erased.

event-error-no-pathway = This request matches no pathway: open the case from the person's page.
event-follow-up = Open a case

nav-events = Events

# Events list and figures
event-list-title = Events
event-new = New event
event-list-empty = No event matches these filters.
event-all = All
event-when = Period
event-when-all = All
event-when-upcoming = Upcoming
event-when-past = Past
event-period-from = From
event-period-to = To
event-filter-button = Filter
event-first-page = First page
event-more = More
event-co-organised = Co-organised
event-present-count = { $count ->
    [0] Nobody present
    [one] 1 person present
   *[other] { $count } people present
}
event-counted-count = { $count ->
    [one] 1 person counted
   *[other] { $count } people counted
}
event-figures-title = Your organisation's figures
event-figures-period = Events held from { $from } to { $to } (both included).
event-figures-detail = By kind, sex and age band
event-figure-events-held = Events held
event-figure-people-informed = People informed (information sessions)
event-figure-people-present = People present (all events)
event-figure-headcount = People counted (anonymous head-counts)
event-figure-officials-trained = Officials trained
event-figure-officials-engaged = Officials engaged (trainings and network meetings)

# Codes
event-kind-information_session = Information session
event-kind-field_campaign = Field awareness campaign
event-kind-training = Training
event-kind-network_meeting = Network meeting
event-topic-self_employment = Self-employment
event-topic-cooperatives = Cooperatives
event-topic-rights = Rights
event-topic-other = Other topic
event-status-planned = Planned
event-status-held = Held
event-status-cancelled = Cancelled
event-status-to-planned = Back to planned
event-status-to-held = Mark as held
event-status-to-cancelled = Cancel the event
event-audience-officials = Officials of institutions and associations
event-audience-beneficiaries = Beneficiaries
event-attendance-present = Present
event-attendance-absent = Absent
event-interest-auto_entrepreneur = Becoming an auto-entrepreneur
event-interest-group_project = Joining a group project
event-interest-employment = Salaried employment
event-interest-training = Vocational training
event-interest-other = Something else
event-age-under_18 = Under 18
event-age-18_24 = 18–24
event-age-25_34 = 25–34
event-age-35_44 = 35–44
event-age-45_plus = 45 and over
event-age-unknown = Age unknown
event-age-band = Age band

# Event form
event-new-title = New event
event-edit-title = Edit the event
event-back = Back
event-field-title = Title
event-field-kind = Kind
event-field-topics = Topics
event-topics-help = At least one topic for an information session.
event-field-audience = Training audience
event-audience-help = For a training only.
event-field-start-date = Date
event-field-end-date = End date (multi-day training)
event-field-city = City
event-field-region = Region
event-field-place = Place
event-field-languages = Languages (comma separated)
event-field-facilitators = Facilitators
event-field-co-tenants = Co-organising organisations
event-field-organisations = Partner organisations of the directory
event-field-organiser = Organised by
event-field-notes = Notes
event-status-help = An event that already took place can be entered as "held" directly.

# Event page
event-back-to-list = All events
event-details = Details
event-status-change = Status
event-attendance = Attendance
event-attendance-own-only = Only people of your organisation are listed.
event-attendance-none = No attendance recorded.
event-attendance-status = Attendance
event-attendance-remove = Remove from the list
event-interests = What the person asked for
event-tallies = Anonymous head-counts
event-tallies-none = No head-count.
event-tally-add = Add a head-count
event-tally-label = Place or time (optional)
event-tally-nationality = Nationality (country code, optional)
event-tally-grid = People by sex and age band
event-tally-save = Save the head-count
event-tally-unnamed = Head-count
event-participants = Participants
event-participants-none = No participant.
event-participant-mark = Participant
event-participants-manage = Manage the participants

# At the door
event-door-title = At the door
event-door-search = Search a person already registered
event-door-search-button = Search
event-door-no-match = Nobody matches: register the person below.
event-door-mark-present = Present
event-door-duplicates-intro = This person may already be registered. Choose them, or register anyway.
event-door-this-person = This is the person
event-door-new = Register a new person
event-door-consent = Consent
event-door-consent-tick = The person agrees that their data is recorded for their support.
event-door-consent-witness = Witness (oral consent)
event-door-register = Register and mark present
event-door-register-anyway = Register anyway

# Participants
event-participants-title = Participants (officials and partners)
event-participants-search = Search by name
event-participant-new = Add a participant
event-participant-name = Full name
event-participant-institution = Institution
event-participant-institution-help = One only: a network organisation, a directory organisation or a name.
event-participant-institution-tenant = Network organisation
event-participant-institution-organisation = Directory organisation
event-participant-institution-name = Other institution
event-participant-job-title = Function
event-participant-email = E-mail address
event-attended = Events attended
event-attended-none = No event.

# Flash messages
event-flash-saved = The event is saved.
event-flash-status = The event's status was changed.
event-flash-marked = Attendance recorded.
event-flash-registered = Person registered and marked present.
event-flash-removed = The attendance was removed.
event-flash-tally = Head-count saved.
event-flash-participant-saved = Participant saved.
event-flash-participant-marked = Participant's attendance recorded.
