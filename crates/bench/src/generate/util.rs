//! Determinism helpers: one random stream per purpose derived from the seed,
//! a fixed reference date instead of the wall clock, and UUIDv7 ids whose
//! time part is the row's own creation time and whose random part comes from
//! the stream.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The generated world's "now": every time lies before it. A constant (not
/// the wall clock), so two runs give identical data.
pub(crate) fn reference_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default()
}

/// How far back the data goes.
pub(crate) const HISTORY_DAYS: i64 = 3 * 365;

/// The first instant of the generated history.
pub(crate) fn history_start() -> NaiveDateTime {
    reference_time() - Duration::days(HISTORY_DAYS)
}

/// A random stream for one purpose (`label`) and one index (a tenant…),
/// independent of how much the other streams drew.
pub(crate) fn stream(seed: u64, label: &str, index: u64) -> StdRng {
    // FNV-1a over the label, then splitmix64 over everything.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut z = seed ^ h.rotate_left(17) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    StdRng::seed_from_u64(z ^ (z >> 31))
}

/// A UUIDv7 (hyphenated text) whose timestamp is `at` and whose other bits
/// come from the stream.
pub(crate) fn uuid_at(rng: &mut StdRng, at: NaiveDateTime) -> String {
    uuid7(rng, at).hyphenated().to_string()
}

/// [`uuid_at`] as a UUID (16 bytes, for ids kept in memory).
pub(crate) fn uuid7(rng: &mut StdRng, at: NaiveDateTime) -> uuid::Uuid {
    let millis = u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0);
    let bytes: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid()
}

/// A random (version 4 layout) UUID from the stream, for request ids.
pub(crate) fn uuid_random(rng: &mut StdRng) -> String {
    let bytes: [u8; 16] = rng.random();
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string()
}

/// A time uniformly between `from` and `to` (microsecond precision, as stored).
pub(crate) fn between(rng: &mut StdRng, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
    let span = (to - from).num_microseconds().unwrap_or(0);
    if span <= 0 {
        return from;
    }
    from + Duration::microseconds(rng.random_range(0..span))
}

/// A time `min..max` minutes after `at`, kept before the reference time (the
/// range shrinks near it, so late rows do not pile up on one instant).
pub(crate) fn later(rng: &mut StdRng, at: NaiveDateTime, min_minutes: i64, max_minutes: i64) -> NaiveDateTime {
    let end = reference_time() - Duration::seconds(1);
    let to = (at + Duration::minutes(max_minutes)).min(end);
    let from = (at + Duration::minutes(min_minutes)).min(to);
    between(rng, from, to)
}

/// Draws one item by weight.
pub(crate) fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if n < *weight {
            return *item;
        }
        n -= weight;
    }
    items[0].0
}

/// One element of a non-empty slice.
pub(crate) fn one<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One word of a static list.
pub(crate) fn word(rng: &mut StdRng, words: &'static [&'static str]) -> &'static str {
    words[rng.random_range(0..words.len())]
}

/// Lower-case ASCII words joined by `sep` (for e-mail local parts and slugs).
pub(crate) fn ascii_words(text: &str, sep: &str) -> String {
    relais_domain::names::plain_words(text).join(sep)
}

/// The directory's search form of a text (as `models::directory` folds it):
/// Latin words without accents, plus other scripts' words lower-cased.
pub(crate) fn search_fold(text: &str) -> String {
    let mut parts = relais_domain::names::plain_words(text);
    parts.extend(text.to_lowercase().split_whitespace().filter(|w| !w.is_ascii()).map(str::to_owned));
    parts.join(" ")
}

/// Formats a count with thin separators (1 000 000).
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(42, "people", 1).random();
        assert_eq!(a, stream(42, "people", 1).random::<u64>());
        assert_ne!(a, stream(42, "people", 2).random::<u64>());
        assert_ne!(a, stream(43, "people", 1).random::<u64>());
        assert_ne!(a, stream(42, "cases", 1).random::<u64>());
    }

    #[test]
    fn ids_are_v7_and_carry_the_row_time() {
        let mut rng = stream(1, "ids", 0);
        let at = history_start() + Duration::days(100);
        let id: uuid::Uuid = uuid_at(&mut rng, at).parse().expect("a uuid");
        assert_eq!(id.get_version_num(), 7);
        let (secs, _) = id.get_timestamp().expect("a timestamp").to_unix();
        assert_eq!(i64::try_from(secs).ok(), Some(at.and_utc().timestamp()));
        let random: uuid::Uuid = uuid_random(&mut rng).parse().expect("a uuid");
        assert_eq!(random.get_version_num(), 4);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(1_000_000), "1 000 000");
        assert_eq!(count(950), "950");
    }
}
