//! Names as people write them, folded for search and duplicate detection.
//!
//! The same person is registered as "Fatoumata Camara", "CAMARA Fatoumata"
//! or "Fatoumata Kamara" depending on who types and from which document.
//! [`name_key`] folds given and family names into one order-independent key
//! (stored in `beneficiaries.name_key`); [`fold_token`] is the per-word fold
//! and [`similarity`] ranks candidates whose keys differ.
//!
//! The fold is deliberately coarse — it serves to *find candidates*, and a
//! person always decides. Each step is a spelling rule, not a list of names:
//!
//! 1. lower-case, strip diacritics (a fold table for Latin letters), keep
//!    letters and digits; spaces, hyphens and apostrophes separate words;
//! 2. consonant spellings: `ph`→`f`, `dj`→`j`, `ch`→`sh`, `kh`→`k`,
//!    `gh`→`g`, `th`→`t`, `ck`/`q`/hard `c`→`k`, soft `c`→`s`, `w`→`u`,
//!    `y`→`i`, an initial `di` before a vowel→`j` (Diallo/Jallow);
//! 3. vowels folded to the three of Arabic: `ou`/`oo`/`o`→`u`, `ee`→`i`,
//!    `e`→`a`;
//! 4. doubled letters collapsed, `h` between vowels and at the end dropped,
//!    a cluster of vowels reduced to its last vowel, a final vowel dropped.
//!
//! With these rules Mohamed, Mohammed, Muhammad and Mamadou all fold to
//! `mamad`, Camara and Kamara to `kamar`, Ousmane and Usman to `usman`.

/// Folds one Latin letter with a diacritic to its base letters (lower-case).
/// Letters without a diacritic, and any other character, give `None`.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => {
            "e"
        }
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
        'ĥ' | 'ħ' | 'Ĥ' | 'Ħ' | 'ḥ' | 'Ḥ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => {
            "i"
        }
        'ĵ' | 'Ĵ' => "j",
        'ķ' | 'Ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'ŋ' | 'Ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' | 'Ŕ' | 'Ŗ' | 'Ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' | 'ṣ' | 'Ṣ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' | 'Ţ' | 'Ť' | 'Ŧ' | 'Ț' | 'ṭ' | 'Ṭ' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů'
        | 'Ű' | 'Ų' => "u",
        'ŵ' | 'Ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ÿ' | 'Ŷ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' | 'ẓ' | 'Ẓ' => "z",
        _ => return None,
    })
}

/// Lower-cases, strips diacritics and splits into plain words of `a-z0-9`.
/// Anything that is not a letter or digit separates words, so hyphens,
/// apostrophes (straight or curly) and dots split "Ould-Ahmed" or "N'Diaye".
/// Letters of other scripts are dropped (the Arabic-script name is kept
/// apart, as written, and not folded).
pub fn plain_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if let Some(folded) = fold_char(c) {
            current.push_str(folded);
        } else if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Folds one plain word (see [`plain_words`]) with the spelling rules of the
/// module documentation. The result is never empty for a non-empty word.
pub fn fold_token(word: &str) -> String {
    let w = word.as_bytes();
    // Step 2: consonant spellings.
    let mut s: Vec<u8> = Vec::with_capacity(w.len());
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let next = w.get(i + 1).copied();
        match (c, next) {
            (b'p', Some(b'h')) => {
                s.push(b'f');
                i += 2;
            }
            (b'd', Some(b'j')) => {
                s.push(b'j');
                i += 2;
            }
            (b'c', Some(b'h')) => {
                s.extend_from_slice(b"sh");
                i += 2;
            }
            (b'k' | b'g' | b't', Some(b'h')) => {
                s.push(c);
                i += 2;
            }
            (b'c', Some(b'k')) => {
                s.push(b'k');
                i += 2;
            }
            (b'c', Some(b'e' | b'i' | b'y')) => {
                s.push(b's');
                i += 1;
            }
            (b'c' | b'q', _) => {
                s.push(b'k');
                i += 1;
            }
            (b'w', _) => {
                s.push(b'u');
                i += 1;
            }
            (b'y', _) => {
                s.push(b'i');
                i += 1;
            }
            _ => {
                s.push(c);
                i += 1;
            }
        }
    }
    if s.len() > 2 && s[0] == b'd' && s[1] == b'i' && is_vowel(s[2]) {
        s.splice(0..2, [b'j']);
    }
    // Step 3: vowels.
    let mut v: Vec<u8> = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1).copied()) {
            (b'o', Some(b'u' | b'o')) => {
                v.push(b'u');
                i += 2;
            }
            (b'e', Some(b'e')) => {
                v.push(b'i');
                i += 2;
            }
            (b'o', _) => {
                v.push(b'u');
                i += 1;
            }
            (b'e', _) => {
                v.push(b'a');
                i += 1;
            }
            (c, _) => {
                v.push(c);
                i += 1;
            }
        }
    }
    // Step 4: doubles, h, vowel clusters, final vowel.
    v.dedup();
    let mut h: Vec<u8> = Vec::with_capacity(v.len());
    for (i, &c) in v.iter().enumerate() {
        let between_vowels = i > 0 && i + 1 < v.len() && is_vowel(v[i - 1]) && is_vowel(v[i + 1]);
        let last = i + 1 == v.len() && i > 0;
        if c == b'h' && (between_vowels || last) {
            continue;
        }
        h.push(c);
    }
    let mut out: Vec<u8> = Vec::with_capacity(h.len());
    for (i, &c) in h.iter().enumerate() {
        if is_vowel(c) && h.get(i + 1).is_some_and(|n| is_vowel(*n)) && i > 0 {
            continue; // keep the cluster's last vowel (a word-initial vowel stays)
        }
        out.push(c);
    }
    if out.len() > 2 && out.last().is_some_and(|c| is_vowel(*c)) {
        out.pop();
    }
    out.dedup();
    if out.is_empty() {
        return word.to_owned();
    }
    String::from_utf8(out).unwrap_or_else(|_| word.to_owned())
}

/// The folded words of a text, in order (duplicates kept).
pub fn fold_words(text: &str) -> Vec<String> {
    plain_words(text).iter().map(|w| fold_token(w)).collect()
}

/// The search and duplicate key of a person: the folded words of the given
/// and family names, sorted (so the order of the names does not matter),
/// without repeats, joined by one space.
pub fn name_key(given: &str, family: &str) -> String {
    let mut tokens = fold_words(given);
    tokens.extend(fold_words(family));
    tokens.sort_unstable();
    tokens.dedup();
    tokens.join(" ")
}

/// The folded tokens of a search query, for prefix matching against the
/// tokens of a [`name_key`] (sorted, without repeats).
pub fn query_tokens(query: &str) -> Vec<String> {
    let mut tokens = fold_words(query);
    tokens.sort_unstable();
    tokens.dedup();
    tokens
}

/// Whether two folded tokens are close enough to count as the same name:
/// equal, one a prefix of the other (at least four letters), or one edit
/// apart when both have at least five letters.
fn tokens_match(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() >= 4 && long.starts_with(short) {
        return true;
    }
    short.len() >= 5 && edit_distance(a, b) <= 1
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// How alike two name keys are, from 0.0 (nothing in common) to 1.0 (every
/// token of each matches a token of the other): matched tokens over the
/// larger token count. Used to rank duplicate candidates.
pub fn similarity(key_a: &str, key_b: &str) -> f32 {
    let a: Vec<&str> = key_a.split_whitespace().collect();
    let b: Vec<&str> = key_b.split_whitespace().collect();
    let larger = a.len().max(b.len());
    if larger == 0 {
        return 0.0;
    }
    let mut used = vec![false; b.len()];
    let mut matched = 0usize;
    for ta in &a {
        if let Some(j) = b.iter().enumerate().position(|(j, tb)| !used[j] && tokens_match(ta, tb)) {
            used[j] = true;
            matched += 1;
        }
    }
    matched as f32 / larger as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_case_accents_and_transliteration_share_a_key() {
        let key = name_key("Fatoumata", "Camara");
        assert_eq!(key, name_key("CAMARA", "Fatoumata"));
        assert_eq!(key, name_key("Fatoumata", "Kamara"));
        assert_eq!(key, name_key("Fatoumata  ", "  camara"));
        assert_eq!(name_key("Aïssatou", "N'Diaye"), name_key("Aissatou", "N Diaye"));
        assert_eq!(name_key("Jérôme", "Kaboré"), name_key("jerome", "KABORE"));
    }

    #[test]
    fn the_muhammad_family_folds_together() {
        let k = fold_token("muhammad");
        for v in ["mohamed", "mohammed", "muhamad", "mamadou", "mouhamed", "mohamad"] {
            assert_eq!(fold_token(v), k, "{v}");
        }
    }

    #[test]
    fn common_spelling_variants_fold_together() {
        let pairs = [
            ("ousmane", "usman"),
            ("moussa", "musa"),
            ("ibrahima", "ibrahim"),
            ("djibril", "jibril"),
            ("diallo", "jallow"),
            ("khadija", "kadija"),
            ("youssef", "yusef"),
            ("sharif", "cherif"),
            ("abdellah", "abdallah"),
            ("seydou", "seidou"),
            ("aminata", "aminatou"),
            ("philippe", "filip"),
            ("qasim", "kasim"),
        ];
        for (a, b) in pairs {
            assert_eq!(fold_token(a), fold_token(b), "{a} / {b}");
        }
        assert_ne!(fold_token("fatoumata"), fold_token("fatima"));
        assert_ne!(fold_token("ali"), fold_token("omar"));
    }

    #[test]
    fn separators_split_and_other_scripts_are_dropped() {
        assert_eq!(plain_words("Ould-Ahmed  O’Brien"), vec!["ould", "ahmed", "o", "brien"]);
        assert_eq!(plain_words("فاطمة Sow"), vec!["sow"]);
        assert!(name_key("", "").is_empty());
    }

    #[test]
    fn search_tokens_are_prefixes_of_the_key_tokens() {
        let key = name_key("Fatoumata", "Camara");
        for q in ["fatou", "Fatoum", "kama", "CAM", "camara fatoumata"] {
            for t in query_tokens(q) {
                assert!(key.split(' ').any(|k| k.starts_with(&t)), "{q}: {t} in {key}");
            }
        }
    }

    #[test]
    fn similarity_ranks_overlap() {
        let a = name_key("Fatoumata", "Camara");
        assert!((similarity(&a, &name_key("Camara", "Fatoumata")) - 1.0).abs() < f32::EPSILON);
        let partial = similarity(&a, &name_key("Fatoumata Binta", "Kamara"));
        assert!(partial > 0.6 && partial < 1.0, "{partial}");
        assert!(similarity(&a, &name_key("Moussa", "Traoré")) < 0.01);
        assert!(similarity("", "") < 0.01);
    }
}
