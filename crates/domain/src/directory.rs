//! The service directory's closed lists.

use crate::codes::code_enum;

code_enum!(
    /// What a service offers (a controlled list, so the directory can be filtered).
    ServiceCategory, "service category" {
        /// Help to register as auto-entrepreneur (law 114-13).
        AutoEntrepreneurSupport => "auto_entrepreneur_support",
        /// Entrepreneurship training.
        EntrepreneurshipTraining => "entrepreneurship_training",
        /// Incubation of micro-enterprises.
        Incubation => "incubation",
        /// Creating a cooperative.
        CooperativeCreation => "cooperative_creation",
        /// Job placement.
        JobPlacement => "job_placement",
        /// Vocational training.
        VocationalTraining => "vocational_training",
        /// Social assistance.
        SocialAssistance => "social_assistance",
        /// Legal aid.
        LegalAid => "legal_aid",
        /// Language courses.
        LanguageCourses => "language_courses",
        /// Financing (micro-credit, grants).
        Financing => "financing",
        /// Health cover.
        HealthCover => "health_cover",
        /// Anything else.
        Other => "other",
    }
);
