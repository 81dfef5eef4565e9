#![doc = include_str!("../README.md")]

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use relais_domain::Language;
use thiserror::Error;

/// The embedded Fluent sources: (language, file name, content).
const SOURCES: &[(Language, &str, &str)] = &[
    (Language::Fr, "web.ftl", include_str!("../locales/fr/web.ftl")),
    (Language::Fr, "email.ftl", include_str!("../locales/fr/email.ftl")),
    (Language::Fr, "beneficiaries.ftl", include_str!("../locales/fr/beneficiaries.ftl")),
    (Language::Fr, "cases.ftl", include_str!("../locales/fr/cases.ftl")),
    (Language::Fr, "directory.ftl", include_str!("../locales/fr/directory.ftl")),
    (Language::Fr, "referrals.ftl", include_str!("../locales/fr/referrals.ftl")),
    (Language::Fr, "api.ftl", include_str!("../locales/fr/api.ftl")),
    (Language::Fr, "outreach.ftl", include_str!("../locales/fr/outreach.ftl")),
    (Language::Fr, "events.ftl", include_str!("../locales/fr/events.ftl")),
    (Language::Ar, "web.ftl", include_str!("../locales/ar/web.ftl")),
    (Language::Ar, "email.ftl", include_str!("../locales/ar/email.ftl")),
    (Language::Ar, "beneficiaries.ftl", include_str!("../locales/ar/beneficiaries.ftl")),
    (Language::Ar, "cases.ftl", include_str!("../locales/ar/cases.ftl")),
    (Language::Ar, "directory.ftl", include_str!("../locales/ar/directory.ftl")),
    (Language::Ar, "referrals.ftl", include_str!("../locales/ar/referrals.ftl")),
    (Language::Ar, "api.ftl", include_str!("../locales/ar/api.ftl")),
    (Language::Ar, "outreach.ftl", include_str!("../locales/ar/outreach.ftl")),
    (Language::Ar, "events.ftl", include_str!("../locales/ar/events.ftl")),
    (Language::En, "web.ftl", include_str!("../locales/en/web.ftl")),
    (Language::En, "email.ftl", include_str!("../locales/en/email.ftl")),
    (Language::En, "beneficiaries.ftl", include_str!("../locales/en/beneficiaries.ftl")),
    (Language::En, "cases.ftl", include_str!("../locales/en/cases.ftl")),
    (Language::En, "directory.ftl", include_str!("../locales/en/directory.ftl")),
    (Language::En, "referrals.ftl", include_str!("../locales/en/referrals.ftl")),
    (Language::En, "api.ftl", include_str!("../locales/en/api.ftl")),
    (Language::En, "outreach.ftl", include_str!("../locales/en/outreach.ftl")),
    (Language::En, "events.ftl", include_str!("../locales/en/events.ftl")),
];

/// A catalogue that could not be built.
#[derive(Debug, Error)]
pub enum I18nError {
    /// A Fluent file has a syntax error.
    #[error("{lang}/{file}: Fluent syntax error: {detail}")]
    Syntax {
        /// Language of the file.
        lang: &'static str,
        /// File name.
        file: String,
        /// What the parser said.
        detail: String,
    },
    /// A message is defined twice.
    #[error("{lang}/{file}: {detail}")]
    Duplicate {
        /// Language of the file.
        lang: &'static str,
        /// File name.
        file: String,
        /// Which message.
        detail: String,
    },
}

/// Translations for every language.
pub struct Catalog {
    bundles: HashMap<Language, FluentBundle<FluentResource>>,
    keys: HashMap<Language, BTreeSet<String>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("languages", &self.bundles.len()).finish()
    }
}

impl Catalog {
    /// Builds a catalogue from Fluent sources.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (Language, &'a str, &'a str)>,
    ) -> Result<Self, I18nError> {
        let mut bundles: HashMap<Language, FluentBundle<FluentResource>> = HashMap::new();
        let mut keys: HashMap<Language, BTreeSet<String>> = HashMap::new();
        for (lang, file, source) in sources {
            let resource = FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| I18nError::Syntax {
                lang: lang.as_str(),
                file: file.to_owned(),
                detail: errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
            })?;
            let ids: Vec<String> = resource
                .entries()
                .filter_map(|entry| match entry {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                    _ => None,
                })
                .collect();
            let bundle = bundles.entry(lang).or_insert_with(|| {
                let tag: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![tag]);
                bundle.set_use_isolating(false);
                bundle
            });
            bundle.add_resource(resource).map_err(|errors| I18nError::Duplicate {
                lang: lang.as_str(),
                file: file.to_owned(),
                detail: errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
            })?;
            keys.entry(lang).or_default().extend(ids);
        }
        Ok(Self { bundles, keys })
    }

    /// The catalogue embedded in the binary. Its sources are checked by
    /// tests, so failing to build it here is a programming error.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::from_sources(SOURCES.iter().copied()) {
            Ok(catalog) => catalog,
            Err(err) => panic!("the embedded translations are broken: {err}"),
        })
    }

    /// The message `key` in `lang` with arguments, or `None` if it is missing.
    pub fn lookup(&self, lang: Language, key: &str, args: &[(&str, String)]) -> Option<String> {
        let bundle = self.bundles.get(&lang)?;
        let message = bundle.get_message(key)?;
        let pattern = message.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, fluent_value(value));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, lang = lang.as_str(), "translation formatting problem: {errors:?}");
        }
        Some(text.into_owned())
    }

    /// The message `key` in `lang`; a missing key falls back to French,
    /// then to the key itself (and is logged).
    pub fn text(&self, lang: Language, key: &str, args: &[(&str, String)]) -> String {
        self.lookup(lang, key, args)
            .or_else(|| {
                tracing::warn!(key, lang = lang.as_str(), "missing translation");
                self.lookup(Language::Fr, key, args)
            })
            .unwrap_or_else(|| key.to_owned())
    }

    /// Every message id defined for a language.
    pub fn keys(&self, lang: Language) -> BTreeSet<String> {
        self.keys.get(&lang).cloned().unwrap_or_default()
    }

    /// Whether `key` exists in every language.
    pub fn has_everywhere(&self, key: &str) -> bool {
        Language::ALL.iter().all(|lang| self.keys.get(lang).is_some_and(|k| k.contains(key)))
    }
}

fn fluent_value(value: &str) -> FluentValue<'static> {
    match value.parse::<f64>() {
        Ok(number) if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.') => {
            FluentValue::from(number)
        }
        _ => FluentValue::from(value.to_owned()),
    }
}

/// Registers `t(key="…", …)` on a Tera instance. The language is the
/// template variable `lang` (a language code); other keyword arguments are
/// passed to Fluent as message arguments. The result is escaped like any
/// other value.
pub fn register_tera_function(tera: &mut tera::Tera, catalog: &'static Catalog) {
    tera.register_function("t", move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<String> {
        let key: String = kwargs.must_get::<&str>("key")?.to_owned();
        let lang = state.get::<String>("lang")?.and_then(|code| code.parse::<Language>().ok()).unwrap_or_default();
        let args: Vec<(String, String)> = kwargs
            .iter()
            .filter_map(|(name, value)| name.as_str().map(|n| (n.to_owned(), value_text(value))))
            .filter(|(name, _)| name != "key")
            .collect();
        let borrowed: Vec<(&str, String)> = args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        Ok(catalog.text(lang, &key, &borrowed))
    });
}

fn value_text(value: &tera::Value) -> String {
    value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_defines_the_same_keys() {
        let catalog = Catalog::embedded();
        let french = catalog.keys(Language::Fr);
        assert!(!french.is_empty());
        for lang in Language::ALL {
            let keys = catalog.keys(*lang);
            let missing: Vec<_> = french.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&french).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{lang}: missing {missing:?}, not in French {extra:?}");
        }
    }

    #[test]
    fn arguments_are_substituted_and_missing_keys_fall_back() {
        let catalog = Catalog::from_sources([
            (Language::Fr, "t.ftl", "hello = Bonjour { $name }\nonly-fr = Seulement\n"),
            (Language::En, "t.ftl", "hello = Hello { $name }\n"),
        ])
        .expect("valid");
        assert_eq!(catalog.text(Language::En, "hello", &[("name", "Awa".into())]), "Hello Awa");
        assert_eq!(catalog.text(Language::En, "only-fr", &[]), "Seulement");
        assert_eq!(catalog.text(Language::En, "nowhere", &[]), "nowhere");
        assert!(Catalog::from_sources([(Language::Fr, "bad.ftl", "= nope")]).is_err());
    }

    #[test]
    fn the_tera_function_uses_the_template_language() {
        let mut tera = tera::Tera::new();
        register_tera_function(&mut tera, Catalog::embedded());
        tera.add_raw_template("x", "{{ t(key=\"app-name\") }}").expect("template");
        let mut ctx = tera::Context::new();
        ctx.insert("lang", "ar");
        assert_eq!(tera.render("x", &ctx).expect("render"), "ريلي");
    }
}
