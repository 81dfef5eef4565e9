//! Interface languages.

use crate::codes::code_enum;

code_enum!(
    /// An interface and e-mail language. French is the default.
    #[derive(Default)]
    Language, "language" {
        /// French (default).
        #[default]
        Fr => "fr",
        /// Arabic (Morocco), written right to left.
        Ar => "ar",
        /// English.
        En => "en",
    }
);

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
