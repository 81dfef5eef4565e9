//! Closed lists of values stored as short text codes (`"public_service"`,
//! `"caseworker"` …). One macro gives each list the same behaviour: a stable
//! code, parsing with a clear error, and the list of every value.

use thiserror::Error;

/// A text that is not one of the codes of a closed list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {list} \"{value}\"; expected one of: {expected}")]
pub struct UnknownCode {
    /// Which list was asked (e.g. `tenant kind`).
    pub list: &'static str,
    /// The text that was given.
    pub value: String,
    /// The accepted codes, comma separated.
    pub expected: String,
}

/// Declares an enum whose variants are stored as text codes.
macro_rules! code_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $list:literal {
            $( $(#[$vdoc:meta])* $variant:ident => $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable text code stored in the database and used in URLs.
            pub fn as_str(&self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// A value equals its code (`status == "sent"`).
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        /// Serialised as its code (the stored text), in pages, JSON and e-mails alike.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Read from its code; anything else is an error that lists the codes.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::codes::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $code => Ok($name::$variant), )+
                    other => Err($crate::codes::UnknownCode {
                        list: $list,
                        value: other.to_owned(),
                        expected: [$( $code ),+].join(", "),
                    }),
                }
            }
        }
    };
}

pub(crate) use code_enum;
