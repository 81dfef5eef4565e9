# Service directory — English
dir-title = Service directory
dir-search = Search
dir-search-button = Search
dir-any = — All —
dir-open-only = Only services accepting new referrals
dir-empty = No service matches this search.
dir-count = { $count ->
    [one] 1 service
   *[other] { $count } services
}
dir-service = Service
dir-organisation = Organisation
dir-external = outside the platform
dir-category = Category
dir-intake = Intake
dir-intake-open = Open
dir-intake-closed = Closed
dir-intake-open-label = The service accepts new referrals
dir-response-days = Expected response time (days)
dir-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
dir-eligibility = Eligibility
dir-languages = Languages spoken
dir-regions = Regions served
dir-cities = Cities
dir-address = Address
dir-opening-hours = Opening hours
dir-focal-point = Focal point's e-mail
dir-last-verified = Last verified
dir-website = Website
dir-service-form-title = Service
dir-name-fr = Name (French)
dir-name-ar = Name (Arabic)
dir-name-en = Name (English)
dir-description-fr = Description (French)
dir-description-ar = Description (Arabic)
dir-description-en = Description (English)
dir-own-title = Our services
dir-own-empty = No service published yet.
dir-new-service = New service
dir-organisations-title = External organisations
dir-organisations-intro = Partner organisations without a Relais account: their services are in the directory and receive referrals by e-mail.
dir-new-organisation = Add an organisation
dir-services-of = The organisation's services
dir-error-languages = Tick at least one language.
dir-error-regions = Tick at least one region.
dir-error-response-days = Give a number of days from 1 to 90.
dir-error-verified-date = Give a past date as YYYY-MM-DD.
dir-error-website = The address must start with https:// or http://.
dir-category-auto_entrepreneur_support = Auto-entrepreneur registration support
dir-category-entrepreneurship_training = Entrepreneurship training
dir-category-incubation = Incubation
dir-category-cooperative_creation = Cooperative creation
dir-category-job_placement = Job placement
dir-category-vocational_training = Vocational training
dir-category-social_assistance = Social assistance
dir-category-legal_aid = Legal aid
dir-category-language_courses = Language courses
dir-category-financing = Financing
dir-category-health_cover = Health cover
dir-category-other = Other
