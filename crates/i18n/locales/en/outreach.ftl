# Outreach and capacity building (issue 12): events, attendance, tallies, participants.

event-error-topics = Tick at least one topic for an information session.
event-error-end-before-start = The end date is before the start date.
event-error-held-in-future = An event that has not started yet cannot be marked as held.
event-error-co-organiser-records = This co-organising organisation has already recorded attendance or head-counts at this event: it cannot be removed.
event-error-period = The end of the period is before its start.
event-error-tally-empty = A head-count must count at least one person.
event-error-tally-count = Each number must be a whole number from 0 to 100,000.
event-error-tally-repeated = The same cell (sex, age band, nationality) appears twice.
event-error-one-institution = Give one institution only: a network organisation, a directory organisation or a name.
event-error-in-future = This event has not taken place yet: attendance and head-counts can be recorded from its date.
event-error-cancelled = This event is cancelled: it takes no attendance or head-counts.
event-error-transition = This status change is not possible from the current status.
