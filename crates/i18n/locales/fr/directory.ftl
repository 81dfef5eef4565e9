# Annuaire des services — français
dir-title = Annuaire des services
dir-search = Rechercher
dir-search-button = Rechercher
dir-any = — Tous —
dir-open-only = Seulement les services qui acceptent de nouvelles orientations
dir-empty = Aucun service ne correspond à cette recherche.
dir-count = { $count ->
    [one] 1 service
   *[other] { $count } services
}
dir-service = Service
dir-organisation = Organisation
dir-external = hors plateforme
dir-category = Catégorie
dir-intake = Accueil
dir-intake-open = Ouvert
dir-intake-closed = Fermé
dir-intake-open-label = Le service accepte de nouvelles orientations
dir-response-days = Délai de réponse attendu (jours)
dir-days = { $count ->
    [one] 1 jour
   *[other] { $count } jours
}
dir-eligibility = Conditions d'accès
dir-languages = Langues parlées
dir-regions = Régions desservies
dir-cities = Villes
dir-address = Adresse
dir-opening-hours = Horaires
dir-focal-point = E-mail du point focal
dir-last-verified = Dernière vérification
dir-website = Site web
dir-service-form-title = Service
dir-name-fr = Nom (français)
dir-name-ar = Nom (arabe)
dir-name-en = Nom (anglais)
dir-description-fr = Description (français)
dir-description-ar = Description (arabe)
dir-description-en = Description (anglais)
dir-own-title = Nos services
dir-own-empty = Aucun service publié pour le moment.
dir-new-service = Nouveau service
dir-organisations-title = Organisations externes
dir-organisations-intro = Organisations partenaires qui n'ont pas de compte sur Relais : leurs services figurent dans l'annuaire et reçoivent les orientations par e-mail.
dir-new-organisation = Ajouter une organisation
dir-services-of = Services de l'organisation
dir-error-languages = Cochez au moins une langue.
dir-error-regions = Cochez au moins une région.
dir-error-response-days = Indiquez un nombre de jours entre 1 et 90.
dir-error-verified-date = Indiquez une date passée au format AAAA-MM-JJ.
dir-error-website = L'adresse doit commencer par https:// ou http://.
dir-category-auto_entrepreneur_support = Accompagnement au statut d'auto-entrepreneur
dir-category-entrepreneurship_training = Formation à l'entrepreneuriat
dir-category-incubation = Incubation
dir-category-cooperative_creation = Création de coopérative
dir-category-job_placement = Placement en emploi
dir-category-vocational_training = Formation professionnelle
dir-category-social_assistance = Assistance sociale
dir-category-legal_aid = Aide juridique
dir-category-language_courses = Cours de langue
dir-category-financing = Financement
dir-category-health_cover = Couverture santé
dir-category-other = Autre
