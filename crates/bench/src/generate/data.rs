//! Word lists the synthetic people are drawn from: origins weighted like
//! the programme's population (West and Central Africa first), plausible
//! given and family names per origin, Morocco's regions weighted centre-north
//! first with their cities, occupations and staff names. Fictitious
//! combinations only; no list comes from a real register.

use relais_domain::Region;

/// One country of origin.
pub(crate) struct Origin {
    /// ISO 3166-1 alpha-2 code.
    pub(crate) country: &'static str,
    /// Relative weight.
    pub(crate) weight: u32,
    /// Women's given names.
    pub(crate) women: &'static [&'static str],
    /// Men's given names.
    pub(crate) men: &'static [&'static str],
    /// Family names.
    pub(crate) families: &'static [&'static str],
    /// Languages commonly spoken besides French (as people write them).
    pub(crate) languages: &'static [&'static str],
    /// Whether some people give their name in Arabic script too.
    pub(crate) arabic: bool,
}

#[rustfmt::skip]
pub(crate) const ORIGINS: &[Origin] = &[
    Origin {
        country: "SN", weight: 22, arabic: false,
        women: &["Fatou", "Awa", "Mariama", "Aminata", "Khady", "Ndeye", "Coumba", "Astou", "Bineta", "Rokhaya",
            "Dieynaba", "Seynabou", "Maimouna", "Adama", "Sokhna", "Ramatoulaye"],
        men: &["Moussa", "Ibrahima", "Cheikh", "Mamadou", "Ousmane", "Abdoulaye", "Modou", "Pape", "Serigne",
            "Alioune", "Lamine", "Babacar", "Assane", "Saliou", "Omar", "Malick"],
        families: &["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Sarr", "Faye", "Diallo", "Mbaye", "Seck",
            "Cissé", "Thiam", "Ba", "Kane", "Ndour", "Diouf", "Mboup", "Sy", "Touré", "Camara", "Niang",
            "Dieng"],
        languages: &["wolof", "pulaar", "sérère"],
    },
    Origin {
        country: "CI", weight: 18, arabic: false,
        women: &["Adjoua", "Aya", "Mariam", "Affoué", "Amenan", "Akissi", "Ahou", "Rokia", "Salimata", "Nadège",
            "Fanta", "Awa", "Clarisse", "Prisca", "Murielle", "Adjara"],
        men: &["Kouassi", "Yao", "Koffi", "Drissa", "Konan", "Lassina", "Yacouba", "Serge", "Arsène", "Brice",
            "Moussa", "Ange", "Didier", "Franck", "Souleymane", "Ibrahim"],
        families: &["Kouamé", "Koné", "Traoré", "Bamba", "Yao", "Kouadio", "Ouattara", "Coulibaly", "N'Guessan",
            "Kra", "Konan", "Diabaté", "Gbagbo", "Tanoh", "Soro", "Kouakou", "Dosso", "Cissé", "Doumbia", "Aka"],
        languages: &["baoulé", "dioula", "bété"],
    },
    Origin {
        country: "CM", weight: 14, arabic: false,
        women: &["Chantal", "Brigitte", "Nadège", "Solange", "Estelle", "Carine", "Vanessa", "Josiane",
            "Mireille", "Sandrine", "Christelle", "Aïcha", "Ornella", "Laure"],
        men: &["Jean-Paul", "Serge", "Patrice", "Hervé", "Blaise", "Arnaud", "Landry", "Franck", "Rodrigue",
            "Thierry", "Stéphane", "Boris", "Yannick", "Alain"],
        families: &["Mbarga", "Nkoulou", "Fotso", "Tchamba", "Ngono", "Essomba", "Kamga", "Nana", "Tchoumi",
            "Biya", "Atangana", "Mvondo", "Ndongo", "Fouda", "Eto'o", "Tchakounté", "Manga", "Owona", "Abena",
            "Djomo"],
        languages: &["anglais", "ewondo", "bassa"],
    },
    Origin {
        country: "GN", weight: 14, arabic: false,
        women: &["Fatoumata", "Kadiatou", "Hawa", "Mariama", "Aïssatou", "Oumou", "Djenabou", "Binta",
            "Mariame", "Nènè", "Kadidiatou", "Saran", "Hadja", "Fatou"],
        men: &["Alpha", "Mamadou", "Sékou", "Amadou", "Thierno", "Lansana", "Boubacar", "Ibrahima", "Ousmane",
            "Mohamed", "Abdoulaye", "Sidiki", "Cellou", "Alseny"],
        families: &["Camara", "Diallo", "Bah", "Sylla", "Barry", "Soumah", "Condé", "Keita", "Touré", "Baldé",
            "Bangoura", "Cissé", "Kaba", "Doumbouya", "Sow", "Kouyaté", "Fofana", "Conté", "Sacko", "Tounkara"],
        languages: &["pular", "soussou", "malinké"],
    },
    Origin {
        country: "ML", weight: 10, arabic: false,
        women: &["Oumou", "Rokia", "Assitan", "Fanta", "Mariam", "Kadidia", "Nana", "Djeneba", "Aminata",
            "Kadiatou", "Bintou", "Salimata", "Mariétou", "Oumou Kalsoum"],
        men: &["Bakary", "Seydou", "Modibo", "Souleymane", "Adama", "Boubacar", "Issa", "Moussa", "Mamadou",
            "Ibrahim", "Cheick", "Oumar", "Tiémoko", "Hamidou"],
        families: &["Keïta", "Coulibaly", "Traoré", "Diarra", "Dembélé", "Sangaré", "Konaté", "Maïga", "Sidibé",
            "Cissé", "Touré", "Sissoko", "Doumbia", "Kanté", "Samaké", "Guindo", "Togola", "Dicko", "Haïdara"],
        languages: &["bambara", "soninké", "songhaï"],
    },
    Origin {
        country: "CD", weight: 10, arabic: false,
        women: &["Grâce", "Divine", "Nadine", "Merveille", "Plamedi", "Ruth", "Esther", "Gloria", "Béatrice",
            "Chancelle", "Dorcas", "Exaucée", "Nathalie", "Rebecca"],
        men: &["Christian", "Patrick", "Junior", "Glody", "Héritier", "Fiston", "Cédric", "Dieudonné",
            "Jonathan", "Trésor", "Emmanuel", "Jérémie", "Guelor", "Blaise"],
        families: &["Mukendi", "Kabila", "Tshisekedi", "Ilunga", "Kabongo", "Mbuyi", "Lukusa", "Nzuzi",
            "Makiese", "Kalonji", "Mutombo", "Ngoy", "Kasongo", "Mwamba", "Tshibangu", "Lumbala", "Mbala",
            "Kanku", "Nsimba"],
        languages: &["lingala", "swahili", "tshiluba"],
    },
    Origin {
        country: "NG", weight: 7, arabic: false,
        women: &["Blessing", "Chioma", "Ngozi", "Funmi", "Aisha", "Precious", "Joy", "Amaka", "Ifeoma", "Bisi",
            "Halima", "Esther", "Kemi"],
        men: &["Emeka", "Chinedu", "Tunde", "Ifeanyi", "Segun", "Musa", "Samuel", "Uche", "Babatunde", "Yusuf",
            "Daniel", "Obinna", "Kelechi"],
        families: &["Okafor", "Adeyemi", "Eze", "Okonkwo", "Balogun", "Nwosu", "Ibrahim", "Bello", "Ogunleye",
            "Chukwu", "Abubakar", "Obi", "Ojo", "Umeh", "Danjuma", "Ekwueme"],
        languages: &["anglais", "igbo", "yoruba", "haoussa"],
    },
    Origin {
        country: "SD", weight: 5, arabic: true,
        women: &["Amal", "Hiba", "Safa", "Rania", "Fatima", "Nour", "Mariam", "Samah", "Eman", "Tasneem"],
        men: &["Mohamed", "Osman", "Ahmed", "Abdallah", "Hassan", "Yasir", "Ali", "Mustafa", "Khalid",
            "Ibrahim"],
        families: &["Abdelrahman", "Elhassan", "Osman", "Ibrahim", "Elnour", "Adam", "Mustafa", "Abdelaziz",
            "Babiker", "Hamid", "Suleiman", "Yousif"],
        languages: &["arabe", "anglais"],
    },
    Origin {
        country: "SY", weight: 4, arabic: true,
        women: &["Rima", "Lina", "Hala", "Yasmine", "Dima", "Rasha", "Maya", "Nisreen", "Aya"],
        men: &["Omar", "Khaled", "Bilal", "Samer", "Wael", "Ahmad", "Mahmoud", "Hussam", "Fadi"],
        families: &["Al Hamwi", "Haddad", "Khoury", "Al Ali", "Darwish", "Kassab", "Al Masri", "Haj Ali",
            "Sabbagh", "Qassem"],
        languages: &["arabe"],
    },
    Origin {
        country: "BF", weight: 3, arabic: false,
        women: &["Awa", "Salamata", "Rasmata", "Alimata", "Aminata", "Mariam", "Safiatou", "Pauline"],
        men: &["Issouf", "Boukary", "Harouna", "Salif", "Adama", "Ousmane", "Moumouni", "Jean-Baptiste"],
        families: &["Ouédraogo", "Sawadogo", "Kaboré", "Zongo", "Compaoré", "Ilboudo", "Traoré", "Zoungrana",
            "Nikiéma", "Tapsoba"],
        languages: &["mooré", "dioula"],
    },
];

/// Arabic-script names given by some people of Arabic-speaking origins.
pub(crate) const ARABIC_NAMES: &[&str] =
    &["محمد عثمان", "أمل حسن", "هبة إبراهيم", "عمر الحداد", "خالد درويش", "لينا الخوري", "أحمد مصطفى", "نور آدم"];

/// Morocco's regions where the programme works, weighted, with their cities.
pub(crate) const REGIONS: &[(Region, u32, &[&str])] = &[
    (Region::RabatSaleKenitra, 30, &["Rabat", "Salé", "Témara", "Kénitra", "Skhirat"]),
    (Region::TangerTetouanAlHoceima, 20, &["Tanger", "Tétouan", "Larache"]),
    (Region::CasablancaSettat, 22, &["Casablanca", "Mohammedia", "El Jadida", "Settat"]),
    (Region::FesMeknes, 10, &["Fès", "Meknès"]),
    (Region::Oriental, 7, &["Oujda", "Nador", "Berkane"]),
    (Region::MarrakechSafi, 5, &["Marrakech", "Safi"]),
    (Region::SoussMassa, 4, &["Agadir", "Inezgane"]),
    (Region::BeniMellalKhenifra, 2, &["Béni Mellal", "Khouribga"]),
];

pub(crate) const OCCUPATIONS: &[&str] = &[
    "couturière",
    "coiffeuse",
    "commerçant",
    "mécanicien",
    "cuisinière",
    "maçon",
    "informaticien",
    "vendeuse",
    "électricien",
    "agriculteur",
    "chauffeur",
    "enseignant",
    "menuisier",
    "esthéticienne",
    "plombier",
    "peintre en bâtiment",
];

pub(crate) const SKILLS: &[&str] = &[
    "couture, broderie",
    "tressage, coiffure",
    "cuisine traiteur",
    "réparation de téléphones",
    "soudure",
    "comptabilité de base",
    "vente, négociation",
    "informatique bureautique",
    "pâtisserie",
    "carrelage",
];

/// Staff names (the tenants' members).
pub(crate) const STAFF_GIVEN: &[&str] = &[
    "Salma",
    "Youssef",
    "Nadia",
    "Karim",
    "Imane",
    "Hamza",
    "Leila",
    "Mehdi",
    "Sara",
    "Omar",
    "Fatima Zahra",
    "Anas",
    "Khadija",
    "Reda",
    "Meryem",
    "Amine",
    "Hind",
    "Soufiane",
    "Zineb",
    "Yassine",
    "Ghita",
    "Othmane",
    "Aïcha",
    "Adil",
    "Awa",
    "Moussa",
    "Chantal",
    "Ibrahima",
    "Mariam",
    "Jean-Paul",
];
pub(crate) const STAFF_FAMILY: &[&str] = &[
    "Bennani",
    "El Idrissi",
    "Alaoui",
    "Tazi",
    "Berrada",
    "Chraibi",
    "Lahlou",
    "Amrani",
    "Sefrioui",
    "Ouazzani",
    "Benjelloun",
    "El Fassi",
    "Kettani",
    "Naciri",
    "Bouzidi",
    "Haddaoui",
    "Ziani",
    "Tahiri",
    "Diop",
    "Koné",
    "Mbarga",
    "Camara",
    "El Amrani",
    "Rahmouni",
];

/// What people were sent by (the case's referral source).
pub(crate) const SOURCES: &[&str] = &[
    "Campagne d'information",
    "Bouche-à-oreille",
    "Permanence juridique",
    "Salon de l'emploi",
    "Réseau Passerelles",
    "Paroisse du quartier",
    "Centre d'accueil",
];

pub(crate) const GOALS: &[&str] = &[
    "Obtenir le statut d'auto-entrepreneur et démarrer l'activité",
    "Trouver un emploi salarié stable",
    "Suivre une formation qualifiante",
    "Créer une coopérative avec d'autres personnes du quartier",
    "Être informé des droits et démarches",
    "Ouvrir un compte bancaire et obtenir un microcrédit",
];

pub(crate) const NOTES: &[&str] = &[
    "Premier entretien : projet clarifié, documents vérifiés.",
    "Appel de suivi : la personne a déposé son dossier.",
    "Rendez-vous manqué ; nouveau rendez-vous fixé.",
    "Atelier de préparation au statut suivi avec assiduité.",
    "Besoin d'un accompagnement pour la déclaration trimestrielle.",
];

pub(crate) const CONFIDENTIAL_NOTES: &[&str] =
    &["Situation familiale difficile ; à suivre avec prudence.", "Problème de santé signalé ; orienter si nécessaire."];

pub(crate) const TASKS: &[&str] = &[
    "Préparer le dossier d'inscription",
    "Vérifier la carte de séjour",
    "Relancer pour les pièces manquantes",
    "Inscrire à l'atelier de gestion",
    "Accompagner au guichet de l'auto-entrepreneur",
    "Préparer l'entretien d'embauche",
];

pub(crate) const WITNESSES: &[&str] = &["Khadija Tahiri", "Reda Naciri", "Awa Ndiaye", "Youssef Bennani"];
