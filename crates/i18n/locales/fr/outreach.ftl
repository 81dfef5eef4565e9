# Outreach and capacity building (issue 12): events, attendance, tallies, participants.

event-error-topics = Cochez au moins un thème pour une séance d'information.
event-error-end-before-start = La date de fin est antérieure à la date de début.
event-error-held-in-future = Un évènement qui n'a pas encore commencé ne peut pas être marqué comme tenu.
event-error-co-organiser-records = Cette structure co-organisatrice a déjà saisi des présences ou des comptages pour cet évènement : elle ne peut pas être retirée.
event-error-period = La fin de la période est antérieure à son début.
event-error-tally-empty = Un comptage doit compter au moins une personne.
event-error-tally-count = Chaque nombre doit être un entier entre 0 et 100 000.
event-error-tally-repeated = La même case (sexe, tranche d'âge, nationalité) apparaît deux fois.
event-error-one-institution = Indiquez une seule institution : une structure du réseau, une organisation de l'annuaire ou un nom.
event-error-in-future = Cet évènement n'a pas encore eu lieu : les présences et les comptages se saisissent à partir de sa date.
event-error-cancelled = Cet évènement est annulé : il ne prend ni présences ni comptages.
event-error-transition = Ce changement de statut n'est pas possible depuis le statut actuel.
