# Outreach pages (issue 12): events list and figures, event form and page, capture at the door, participants.

event-error-date = Saisissez une date au format AAAA-MM-JJ.
event-error-stale = Quelqu'un a modifié cet enregistrement entre-temps. Rechargez la page pour voir la dernière version.
event-error-consent = Cochez le consentement de la personne pour l'enregistrer.
event-error-erased = Les données de cette personne ont été effacées.

event-error-no-pathway = Cette demande ne correspond à aucun parcours : ouvrez le dossier depuis la fiche de la personne.
event-follow-up = Ouvrir un dossier

nav-events = Évènements

# Events list and figures
event-list-title = Évènements
event-new = Nouvel évènement
event-list-empty = Aucun évènement ne correspond à ces critères.
event-all = Tous
event-when = Période
event-when-all = Tous
event-when-upcoming = À venir
event-when-past = Passés
event-period-from = Du
event-period-to = Au
event-filter-button = Filtrer
event-first-page = Première page
event-more = Voir plus
event-co-organised = Co-organisé
event-present-count = { $count ->
    [0] Aucune personne présente
    [one] 1 personne présente
   *[other] { $count } personnes présentes
}
event-counted-count = { $count ->
    [one] 1 personne comptée
   *[other] { $count } personnes comptées
}
event-figures-title = Chiffres de la structure
event-figures-period = Évènements tenus du { $from } au { $to } (dates incluses).
event-figures-detail = Détail par type, sexe et tranche d'âge
event-figure-events-held = Évènements tenus
event-figure-people-informed = Personnes informées (séances d'information)
event-figure-people-present = Personnes présentes (tous évènements)
event-figure-headcount = Personnes comptées (comptages anonymes)
event-figure-officials-trained = Responsables formés
event-figure-officials-engaged = Responsables mobilisés (formations et réunions de réseau)

# Codes
event-kind-information_session = Séance d'information
event-kind-field_campaign = Campagne de sensibilisation
event-kind-training = Formation
event-kind-network_meeting = Réunion de réseau
event-topic-self_employment = Auto-entrepreneuriat
event-topic-cooperatives = Coopératives
event-topic-rights = Droits
event-topic-other = Autre thème
event-status-planned = Prévu
event-status-held = Tenu
event-status-cancelled = Annulé
event-status-to-planned = Repasser en « prévu »
event-status-to-held = Marquer comme tenu
event-status-to-cancelled = Annuler l'évènement
event-audience-officials = Responsables d'institutions et d'associations
event-audience-beneficiaries = Bénéficiaires
event-attendance-present = Présent·e
event-attendance-absent = Absent·e
event-interest-auto_entrepreneur = Devenir auto-entrepreneur
event-interest-group_project = Rejoindre un projet collectif
event-interest-employment = Emploi salarié
event-interest-training = Formation professionnelle
event-interest-other = Autre demande
event-age-under_18 = Moins de 18 ans
event-age-18_24 = 18–24 ans
event-age-25_34 = 25–34 ans
event-age-35_44 = 35–44 ans
event-age-45_plus = 45 ans et plus
event-age-unknown = Âge inconnu
event-age-band = Tranche d'âge

# Event form
event-new-title = Nouvel évènement
event-edit-title = Modifier l'évènement
event-back = Retour
event-field-title = Titre
event-field-kind = Type
event-field-topics = Thèmes
event-topics-help = Au moins un thème pour une séance d'information.
event-field-audience = Public de la formation
event-audience-help = Pour une formation uniquement.
event-field-start-date = Date
event-field-end-date = Date de fin (formation sur plusieurs jours)
event-field-city = Ville
event-field-region = Région
event-field-place = Lieu
event-field-languages = Langues (séparées par des virgules)
event-field-facilitators = Animateurs et animatrices
event-field-co-tenants = Structures co-organisatrices
event-field-organisations = Organisations partenaires de l'annuaire
event-field-organiser = Organisé par
event-field-notes = Notes
event-status-help = Un évènement déjà passé peut être saisi directement comme « tenu ».

# Event page
event-back-to-list = Tous les évènements
event-details = Détails
event-status-change = Statut
event-attendance = Présences
event-attendance-own-only = Seules les personnes de votre structure sont listées.
event-attendance-none = Aucune présence enregistrée.
event-attendance-status = Présence
event-attendance-remove = Retirer de la liste
event-interests = Demandes exprimées
event-tallies = Comptages anonymes
event-tallies-none = Aucun comptage.
event-tally-add = Ajouter un comptage
event-tally-label = Lieu ou moment (facultatif)
event-tally-nationality = Nationalité (code pays, facultatif)
event-tally-grid = Nombre de personnes par sexe et tranche d'âge
event-tally-save = Enregistrer le comptage
event-tally-unnamed = Comptage
event-participants = Participants et participantes
event-participants-none = Aucun participant ou participante.
event-participant-mark = Participant ou participante
event-participants-manage = Gérer la liste des participants

# At the door
event-door-title = Accueil à l'entrée
event-door-search = Rechercher une personne déjà inscrite
event-door-search-button = Rechercher
event-door-no-match = Personne ne correspond : inscrivez la personne ci-dessous.
event-door-mark-present = Présent·e
event-door-duplicates-intro = Cette personne est peut-être déjà inscrite. Choisissez-la, ou inscrivez-la quand même.
event-door-this-person = C'est cette personne
event-door-new = Inscrire une nouvelle personne
event-door-consent = Consentement
event-door-consent-tick = La personne accepte que ses données soient enregistrées pour son accompagnement.
event-door-consent-witness = Témoin (consentement oral)
event-door-register = Inscrire et marquer présent·e
event-door-register-anyway = Inscrire quand même

# Participants
event-participants-title = Participants (responsables et partenaires)
event-participants-search = Rechercher par nom
event-participant-new = Ajouter un participant ou une participante
event-participant-name = Nom complet
event-participant-institution = Institution
event-participant-institution-help = Une seule : une structure du réseau, une organisation de l'annuaire ou un nom.
event-participant-institution-tenant = Structure du réseau
event-participant-institution-organisation = Organisation de l'annuaire
event-participant-institution-name = Autre institution
event-participant-job-title = Fonction
event-participant-email = Adresse e-mail
event-attended = Évènements suivis
event-attended-none = Aucun évènement.

# Flash messages
event-flash-saved = L'évènement est enregistré.
event-flash-status = Le statut de l'évènement a été changé.
event-flash-marked = Présence enregistrée.
event-flash-registered = Personne inscrite et marquée présente.
event-flash-removed = La présence a été retirée.
event-flash-tally = Comptage enregistré.
event-flash-participant-saved = Participant ou participante enregistré·e.
event-flash-participant-marked = Présence du participant ou de la participante enregistrée.
