//! Interface languages.

use crate::codes::code_enum;

code_enum!(
    /// An interface and e-mail language. French is the default.
    Language, "language" {
        /// French (default).
        Fr => "fr",
        /// Arabic (Morocco), written right to left.
        Ar => "ar",
        /// English.
        En => "en",
    }
);

impl Default for Language {
    fn default() -> Self {
        Language::Fr
    }
}

impl Language {
    /// Whether pages in this language are laid out right to left.
    pub fn is_rtl(&self) -> bool {
        matches!(self, Language::Ar)
    }

    /// The language tag for `lang=` attributes.
    pub fn tag(&self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::Ar => "ar-MA",
            Language::En => "en",
        }
    }
}
