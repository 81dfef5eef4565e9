//! Importing a sign-in sheet (issue 12, decision 0028): a CSV or XLSX file
//! with one row per attendee is read into a [`Sheet`], its columns are
//! mapped to fields ([`ColumnMapping`], guessed from the headers in
//! French, English and Arabic), [`preview_import`] shows each row's values,
//! problems and duplicate candidates without writing anything, and
//! [`commit_import`] registers the new people and marks everyone in one
//! transaction — all or nothing: a bad row writes nothing and the error
//! names its line and column.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Seek};
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDate;
use relais_domain::beneficiary::{self as rules, Birth, FieldError, Sex};
use relais_domain::outreach::{AttendanceStatus, AttendeeInterest};
use relais_domain::phone::PhoneNumber;
use relais_domain::{AuditAction, BeneficiaryId, EmailAddress, EventId, Permission, names};
use relais_persistence::TenantScope;
use relais_persistence::models::beneficiaries::{
    self, BeneficiaryFields, DuplicateCandidate, DuplicateProbe, DuplicateReason,
};
use relais_persistence::models::events::Event;
use relais_persistence::models::events::attendance::{self, Marked};
use serde_json::json;

use super::open_event;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::{Actor, App, Tx};

/// The largest file accepted, in bytes.
pub const MAX_SHEET_BYTES: usize = 2 * 1024 * 1024;
/// The most attendee rows a sheet may hold.
pub const MAX_ROWS: usize = 10_000;
/// The most columns a sheet may hold.
pub const MAX_COLUMNS: usize = 40;
/// The most bytes an XLSX file may expand to (its parts, as declared).
const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;

/// A sheet as read: the header row and the attendee rows (blank rows left
/// out), every cell as text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sheet {
    /// The first row's cells.
    pub headers: Vec<String>,
    /// The other rows that hold something.
    pub rows: Vec<SheetRow>,
}

/// One attendee row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SheetRow {
    /// Its line in the file (the header is line 1), as the user sees it in
    /// a spreadsheet.
    pub line: u32,
    /// Its cells, as many as the headers.
    pub cells: Vec<String>,
}

/// What a column of a sheet may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// Given names (required).
    GivenNames,
    /// Family names (required).
    FamilyNames,
    /// The name in Arabic script.
    ArabicName,
    /// Sex (F/M/…; empty is unknown).
    Sex,
    /// Birth year or date.
    Birth,
    /// Nationalities (ISO codes).
    Nationalities,
    /// Phone.
    Phone,
    /// E-mail.
    Email,
    /// City.
    City,
    /// Present yes/no (empty is present: it is a sign-in sheet).
    Present,
    /// What the person asked for (codes or words, comma separated).
    Interests,
}

impl ImportField {
    /// Every field, in form order.
    pub const ALL: &'static [ImportField] = &[
        ImportField::GivenNames,
        ImportField::FamilyNames,
        ImportField::ArabicName,
        ImportField::Sex,
        ImportField::Birth,
        ImportField::Nationalities,
        ImportField::Phone,
        ImportField::Email,
        ImportField::City,
        ImportField::Present,
        ImportField::Interests,
    ];

    /// Its code (form values, error keys, message keys `import-field-…`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ImportField::GivenNames => "given_names",
            ImportField::FamilyNames => "family_names",
            ImportField::ArabicName => "arabic_name",
            ImportField::Sex => "sex",
            ImportField::Birth => "birth",
            ImportField::Nationalities => "nationalities",
            ImportField::Phone => "phone",
            ImportField::Email => "email",
            ImportField::City => "city",
            ImportField::Present => "present",
            ImportField::Interests => "interests",
        }
    }

    /// The field of a code.
    pub fn parse(code: &str) -> Option<ImportField> {
        ImportField::ALL.iter().copied().find(|f| f.as_str() == code)
    }

    /// Header names this field is recognised by, folded (see [`fold`]).
    fn synonyms(&self) -> &'static [&'static str] {
        match self {
            ImportField::GivenNames => &[
                "prenom",
                "prenoms",
                "given name",
                "given names",
                "first name",
                "firstname",
                "forename",
                "الاسم الشخصي",
                "الاسم",
            ],
            ImportField::FamilyNames => &[
                "nom",
                "nom de famille",
                "noms",
                "family name",
                "family names",
                "last name",
                "lastname",
                "surname",
                "name",
                "النسب",
                "اسم العائلة",
                "العائلة",
                "الاسم العائلي",
            ],
            ImportField::ArabicName => &["nom en arabe", "nom arabe", "arabic name", "name in arabic", "الاسم بالعربية"],
            ImportField::Sex => &["sexe", "genre", "sex", "gender", "h f", "f m", "m f", "الجنس", "النوع"],
            ImportField::Birth => &[
                "annee de naissance",
                "date de naissance",
                "naissance",
                "ne e en",
                "ne en",
                "birth year",
                "year of birth",
                "date of birth",
                "birth date",
                "birthdate",
                "birth",
                "dob",
                "سنة الازدياد",
                "تاريخ الازدياد",
                "سنة الميلاد",
                "تاريخ الميلاد",
            ],
            ImportField::Nationalities => &[
                "nationalite",
                "nationalites",
                "nationality",
                "nationalities",
                "pays",
                "pays d origine",
                "country",
                "الجنسية",
            ],
            ImportField::Phone => &[
                "telephone",
                "tel",
                "numero de telephone",
                "portable",
                "gsm",
                "mobile",
                "phone",
                "phone number",
                "الهاتف",
                "رقم الهاتف",
            ],
            ImportField::Email => &["email", "e mail", "courriel", "mail", "adresse e mail", "البريد الالكتروني"],
            ImportField::City => &["ville", "city", "town", "المدينة"],
            ImportField::Present => &[
                "present",
                "presente",
                "present e",
                "presence",
                "emargement",
                "signature",
                "attended",
                "attendance",
                "الحضور",
                "حاضر",
            ],
            ImportField::Interests => &[
                "interets",
                "interet",
                "centres d interet",
                "souhaits",
                "souhait",
                "demande",
                "demandes",
                "interests",
                "interest",
                "wishes",
                "الاهتمامات",
                "الاهتمام",
            ],
        }
    }
}

/// Which field each column of a sheet holds (`None`: ignored), one entry
/// per column.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ColumnMapping {
    /// Per column, in order.
    pub columns: Vec<Option<ImportField>>,
}

impl ColumnMapping {
    /// A guess from the header names (French, English, Arabic; case,
    /// accents and punctuation ignored); each field is given to the first
    /// column that names it.
    pub fn guess(headers: &[String]) -> ColumnMapping {
        let mut taken: HashSet<ImportField> = HashSet::new();
        let columns = headers
            .iter()
            .map(|header| {
                let folded = fold(header);
                let field = ImportField::ALL
                    .iter()
                    .copied()
                    .find(|f| !taken.contains(f) && f.synonyms().contains(&folded.as_str()));
                if let Some(f) = field {
                    taken.insert(f);
                }
                field
            })
            .collect();
        ColumnMapping { columns }
    }

    /// The column holding a field.
    pub fn column_of(&self, field: ImportField) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// Checks the mapping against a sheet: as many entries as columns, no
    /// field twice, given and family names mapped. Problems are on `mapping`.
    pub fn check(&self, sheet: &Sheet) -> AppResult<()> {
        if self.columns.len() != sheet.headers.len() {
            return Err(FieldErrors::one("mapping", "error-choose"));
        }
        let mut seen = HashSet::new();
        if self.columns.iter().flatten().any(|f| !seen.insert(*f)) {
            return Err(FieldErrors::one("mapping", "import-error-mapping-twice"));
        }
        if self.column_of(ImportField::GivenNames).is_none() || self.column_of(ImportField::FamilyNames).is_none() {
            return Err(FieldErrors::one("mapping", "import-error-mapping-names"));
        }
        Ok(())
    }
}

/// Folds a header or a value for comparison: lower case, Latin accents
/// off, Arabic hamza forms on a bare alif, anything but letters and digits
/// as one space.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' | 'Í' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' | 'Ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
            'ç' | 'Ç' => 'c',
            'أ' | 'إ' | 'آ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            other => other,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Reads a sheet: CSV (`,`, `;` or tab, detected from the header line;
/// UTF-8 with or without a byte-order mark, else Windows-1252, what Excel
/// saves in French) or XLSX (its first worksheet), by the file name's
/// extension or the content. Problems are on `file`: empty, too large, not
/// CSV or XLSX, unreadable, too many rows or columns, no attendee row.
pub fn parse_sheet(bytes: &[u8], filename: &str) -> AppResult<Sheet> {
    if bytes.is_empty() {
        return Err(FieldErrors::one("file", "import-error-file-empty"));
    }
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(FieldErrors::one("file", "import-error-file-too-large"));
    }
    let lower = filename.trim().to_lowercase();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let table = if lower.ends_with(".xlsx") || (is_zip && !lower.ends_with(".csv")) {
        read_xlsx(bytes)?
    } else if lower.ends_with(".xls") || lower.ends_with(".ods") || is_zip || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(FieldErrors::one("file", "import-error-file-format"));
    } else {
        read_csv(bytes)?
    };
    into_sheet(table)
}

/// Rows as read (line number, cells), the header first.
type Table = Vec<(u32, Vec<String>)>;

fn into_sheet(table: Table) -> AppResult<Sheet> {
    let mut rows = table.into_iter();
    let Some((_, mut headers)) = rows.next() else {
        return Err(FieldErrors::one("file", "import-error-no-rows"));
    };
    let mut body: Vec<SheetRow> = Vec::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if body.len() == MAX_ROWS {
            return Err(FieldErrors::one("file", "import-error-too-many-rows"));
        }
        body.push(SheetRow { line, cells });
    }
    // As many columns as the widest row, trailing blank cells left out.
    let width = body.iter().map(|r| trimmed_len(&r.cells)).chain([trimmed_len(&headers)]).max().unwrap_or(0);
    if width > MAX_COLUMNS {
        return Err(FieldErrors::one("file", "import-error-too-many-columns"));
    }
    headers.resize(width, String::new());
    for h in &mut headers {
        *h = h.trim().to_owned();
    }
    for row in &mut body {
        row.cells.resize(width, String::new());
    }
    if body.is_empty() {
        return Err(FieldErrors::one("file", "import-error-no-rows"));
    }
    Ok(Sheet { headers, rows: body })
}

/// How many cells of a row count (trailing blanks left out).
fn trimmed_len(cells: &[String]) -> usize {
    cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1)
}

fn unreadable<E>(_: E) -> AppError {
    FieldErrors::one("file", "import-error-file-unreadable")
}

fn read_csv(bytes: &[u8]) -> AppResult<Table> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => std::borrow::Cow::Owned(windows_1252(bytes)),
    };
    if text.contains('\0') {
        return Err(FieldErrors::one("file", "import-error-file-format"));
    }
    let first_line = text.lines().next().unwrap_or("");
    let delimiter =
        [b';', b',', b'\t'].into_iter().max_by_key(|d| first_line.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let newlines: Vec<usize> = text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect();
    let mut table = Vec::new();
    for record in reader.records() {
        let record = record.map_err(unreadable)?;
        // The line a record starts on (quoted cells may hold line breaks).
        let mut start = record.position().map_or(0, |p| p.byte()) as usize;
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = newlines.partition_point(|&at| at < start) as u32 + 1;
        if table.len() > MAX_ROWS + 1 {
            return Err(FieldErrors::one("file", "import-error-too-many-rows"));
        }
        table.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(table)
}

/// Decodes Windows-1252 (Latin-1 with typographic signs in 0x80–0x9F).
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes.iter().map(|&b| if (0x80..0xA0).contains(&b) { HIGH[usize::from(b - 0x80)] } else { char::from(b) }).collect()
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Table> {
    use calamine::{Data, Reader, Xlsx};

    check_unzipped_size(Cursor::new(bytes))?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = match workbook.worksheet_range_at(0) {
        Some(range) => range.map_err(unreadable)?,
        None => return Err(FieldErrors::one("file", "import-error-no-rows")),
    };
    let (top, _) = range.start().unwrap_or((0, 0));
    let (height, width) = range.get_size();
    if height > MAX_ROWS + 1 + 1000 {
        return Err(FieldErrors::one("file", "import-error-too-many-rows"));
    }
    if width > MAX_COLUMNS * 4 {
        return Err(FieldErrors::one("file", "import-error-too-many-columns"));
    }
    let mut table = Vec::with_capacity(height);
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|cell| match cell {
                Data::Empty | Data::Error(_) => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) => number_text(*f),
                Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                Data::DateTime(d) if d.is_datetime() => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                        .map_or_else(|| number_text(d.as_f64()), |date| date.format("%Y-%m-%d").to_string())
                }
                Data::DateTime(d) => number_text(d.as_f64()),
            })
            .collect();
        table.push((top + i as u32 + 1, cells));
    }
    Ok(table)
}

/// A number as typed: whole numbers without decimals (years, phone numbers).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

/// Refuses an XLSX whose parts declare more than [`MAX_UNZIPPED_BYTES`]
/// (a small file that would expand into a very large one).
fn check_unzipped_size<R: std::io::Read + Seek>(reader: R) -> AppResult<()> {
    let mut archive = zip::ZipArchive::new(reader).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(unreadable)?;
        total = total.saturating_add(file.size());
    }
    if total > MAX_UNZIPPED_BYTES {
        return Err(FieldErrors::one("file", "import-error-file-too-large"));
    }
    Ok(())
}

/// One row's values, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowValues {
    fields: BeneficiaryFields,
    status: AttendanceStatus,
    interests: Vec<AttendeeInterest>,
}

/// A problem with one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// The field (its column in the mapping).
    pub field: ImportField,
    /// The message key.
    pub message: &'static str,
}

fn birth_message(err: FieldError) -> &'static str {
    match err {
        FieldError::InFuture => "ben-error-future",
        FieldError::TooOld => "ben-error-too-old",
        _ => "ben-error-date",
    }
}

fn parse_sex(value: &str) -> Option<Sex> {
    Some(match fold(value).as_str() {
        "" | "inconnu" | "unknown" | "nc" | "غير معروف" => Sex::Unknown,
        "f" | "femme" | "feminin" | "female" | "woman" | "w" | "انثي" | "امراه" => Sex::Female,
        "m" | "h" | "homme" | "masculin" | "male" | "man" | "ذكر" | "رجل" => Sex::Male,
        "autre" | "other" | "اخر" => Sex::Other,
        code => return code.parse::<Sex>().ok(),
    })
}

fn parse_present(value: &str) -> Option<AttendanceStatus> {
    Some(match fold(value).as_str() {
        "" | "oui" | "o" | "yes" | "y" | "x" | "1" | "vrai" | "true" | "present" | "presente" | "نعم" | "حاضر" => {
            AttendanceStatus::Present
        }
        "non" | "n" | "no" | "0" | "faux" | "false" | "absent" | "absente" | "لا" | "غائب" => {
            AttendanceStatus::Absent
        }
        _ => return None,
    })
}

fn parse_interest(value: &str) -> Option<AttendeeInterest> {
    let folded = fold(value);
    if let Ok(code) = value.trim().parse::<AttendeeInterest>() {
        return Some(code);
    }
    Some(match folded.as_str() {
        "auto entrepreneur"
        | "autoentrepreneur"
        | "ae"
        | "auto entreprenariat"
        | "self employment"
        | "مقاول ذاتي"
        | "المقاول الذاتي" => AttendeeInterest::AutoEntrepreneur,
        "projet collectif" | "projet de groupe" | "cooperative" | "group project" | "مشروع جماعي" | "تعاونيه" => {
            AttendeeInterest::GroupProject
        }
        "emploi" | "travail" | "employment" | "job" | "work" | "شغل" | "عمل" | "تشغيل" => {
            AttendeeInterest::Employment
        }
        "formation" | "training" | "تكوين" => AttendeeInterest::Training,
        "autre" | "other" | "اخري" | "اخر" => AttendeeInterest::Other,
        _ => return None,
    })
}

/// A phone number; nine digits starting 5–8 are a Moroccan number whose
/// leading zero a spreadsheet dropped (the cell held a number).
fn phone(value: &str) -> Result<PhoneNumber, relais_domain::phone::PhoneError> {
    PhoneNumber::parse(value).or_else(|err| {
        let bytes = value.as_bytes();
        if bytes.len() == 9 && bytes.iter().all(u8::is_ascii_digit) && (b'5'..=b'8').contains(&bytes[0]) {
            PhoneNumber::parse(&format!("0{value}"))
        } else {
            Err(err)
        }
    })
}

/// Checks one row's cells as mapped; every problem is reported.
fn check_row(row: &SheetRow, mapping: &ColumnMapping, today: NaiveDate) -> Result<RowValues, Vec<CellError>> {
    let mut errors: Vec<CellError> = Vec::new();
    let mut fail = |field: ImportField, message: &'static str| errors.push(CellError { field, message });
    let cell = |field: ImportField| -> &str {
        mapping.column_of(field).and_then(|i| row.cells.get(i)).map_or("", |c| c.trim())
    };
    let mut text = |field: ImportField, max: usize, required: bool| -> String {
        let value = cell(field);
        if required && value.is_empty() {
            fail(field, "error-required");
        } else if value.chars().count() > max {
            fail(field, "error-too-long");
        }
        value.to_owned()
    };
    let given_names = text(ImportField::GivenNames, 120, true);
    let family_names = text(ImportField::FamilyNames, 120, true);
    let arabic_name = Some(text(ImportField::ArabicName, 120, false)).filter(|t| !t.is_empty());
    let city = Some(text(ImportField::City, 120, false)).filter(|t| !t.is_empty());
    let mut fail = |field: ImportField, message: &'static str| errors.push(CellError { field, message });
    let sex = parse_sex(cell(ImportField::Sex)).unwrap_or_else(|| {
        fail(ImportField::Sex, "import-error-sex");
        Sex::Unknown
    });
    let birth = match cell(ImportField::Birth) {
        "" => None,
        value => Birth::parse(value, today).map_err(|e| fail(ImportField::Birth, birth_message(e))).ok(),
    };
    let nationalities = rules::parse_nationalities(cell(ImportField::Nationalities))
        .map_err(|_| fail(ImportField::Nationalities, "ben-error-country"))
        .unwrap_or_default();
    let phone = match cell(ImportField::Phone) {
        "" => None,
        value => phone(value).map_err(|_| fail(ImportField::Phone, "ben-error-phone")).ok(),
    };
    let email = match cell(ImportField::Email) {
        "" => None,
        value => EmailAddress::parse(value).map_err(|_| fail(ImportField::Email, "error-email")).ok(),
    };
    let status = parse_present(cell(ImportField::Present)).unwrap_or_else(|| {
        fail(ImportField::Present, "import-error-yes-no");
        AttendanceStatus::Present
    });
    let mut interests: Vec<AttendeeInterest> = Vec::new();
    for part in cell(ImportField::Interests).split([',', ';', '/', '+', '\n', '،']).filter(|p| !p.trim().is_empty()) {
        match parse_interest(part) {
            Some(i) if !interests.contains(&i) => interests.push(i),
            Some(_) => {}
            None => fail(ImportField::Interests, "import-error-interest"),
        }
    }
    if !errors.is_empty() {
        errors.dedup();
        return Err(errors);
    }
    Ok(RowValues {
        fields: BeneficiaryFields {
            given_names,
            family_names,
            arabic_name,
            sex,
            birth_date: birth.and_then(|b| b.date()),
            birth_year: birth.map(|b| b.year()),
            nationalities: nationalities.into_iter().map(str::to_owned).collect(),
            languages: Vec::new(),
            phone,
            whatsapp: None,
            email,
            city,
            region: None,
            household_size_morocco: None,
            household_size_origin: None,
            education_level: None,
            previous_occupation: None,
            skills: None,
            regularisation_year: None,
        },
        status,
        interests,
    })
}

/// The key of a problem in a row's cell, `"<line>:<field>"` (`12:birth`),
/// as [`FieldErrors`] keys are: the keys are kept once per process (at
/// most [`MAX_ROWS`] lines × the fields, and only those that had a problem).
pub fn cell_key(line: u32, field: &str) -> &'static str {
    static KEYS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let key = format!("{line}:{field}");
    let mut keys = KEYS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = keys.get(key.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(key.into_boxed_str());
    keys.insert(leaked);
    leaked
}

/// Splits a [`cell_key`] into its line and field code.
pub fn split_cell_key(key: &str) -> Option<(u32, &str)> {
    let (line, field) = key.split_once(':')?;
    Some((line.parse().ok()?, field))
}

/// The field of the decision about a row's duplicates in errors
/// ([`cell_key`]`(line, PERSON)`).
pub const PERSON: &str = "person";

/// One row of a preview.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PreviewRow {
    /// Its line in the file.
    pub line: u32,
    /// Its cells as mapped (field, text), in the mapping's order.
    pub values: Vec<(ImportField, String)>,
    /// Problems, by field (empty: the row can be imported).
    pub errors: Vec<CellError>,
    /// People of the tenant who may be this person, best first: the row
    /// needs a decision ([`RowDecision`]).
    pub candidates: Vec<Candidate>,
    /// An earlier line of the sheet with the same name (and birth year).
    pub same_as_line: Option<u32>,
}

/// A person of the tenant who may be the one on a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// The person.
    pub id: BeneficiaryId,
    /// Given names.
    pub given_names: String,
    /// Family names.
    pub family_names: String,
    /// Birth year, if known.
    pub birth_year: Option<i32>,
    /// City, if known.
    pub city: Option<String>,
    /// Why they were found.
    pub reasons: Vec<DuplicateReason>,
}

impl From<DuplicateCandidate> for Candidate {
    fn from(c: DuplicateCandidate) -> Self {
        let b = c.beneficiary;
        Candidate {
            id: b.id,
            given_names: b.given_names,
            family_names: b.family_names,
            birth_year: b.birth_year,
            city: b.city,
            reasons: c.reasons,
        }
    }
}

/// What a preview found; nothing was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    /// Every attendee row.
    pub rows: Vec<PreviewRow>,
    /// Rows with a problem.
    pub with_errors: usize,
    /// Rows with duplicate candidates.
    pub with_candidates: usize,
}

impl Preview {
    /// Whether every row can be imported (after the duplicates are decided).
    pub fn is_clean(&self) -> bool {
        self.with_errors == 0
    }
}

/// What to do with a row that has duplicate candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowDecision {
    /// The row is this existing person (one of the candidates): mark them.
    Existing(BeneficiaryId),
    /// The row is someone else: register them anyway.
    New,
}

/// The decisions about the rows with candidates, by line.
pub type Decisions = HashMap<u32, RowDecision>;

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    /// Rows imported.
    pub rows: usize,
    /// People registered.
    pub registered: usize,
    /// Existing people marked.
    pub existing: usize,
    /// Marked present.
    pub present: usize,
    /// Marked absent.
    pub absent: usize,
    /// Marks already there (nothing written for them).
    pub unchanged: usize,
}

/// A row's values as checked, or its problems.
type RowCheck = Result<RowValues, Vec<CellError>>;

/// The rows checked against the mapping and the tenant's people: line,
/// values or problems, candidates.
struct Checked {
    rows: Vec<(u32, RowCheck, Vec<DuplicateCandidate>)>,
}

fn check_sheet(
    tx_conn: &mut relais_persistence::DbConnection,
    scope: &TenantScope,
    sheet: &Sheet,
    mapping: &ColumnMapping,
    today: NaiveDate,
) -> AppResult<Checked> {
    mapping.check(sheet)?;
    let checked: Vec<(u32, RowCheck)> =
        sheet.rows.iter().map(|row| (row.line, check_row(row, mapping, today))).collect();
    let probes: Vec<DuplicateProbe> = checked
        .iter()
        .map(|(_, values)| match values {
            Ok(v) => DuplicateProbe {
                name_key: names::name_key(&v.fields.given_names, &v.fields.family_names),
                birth_year: v.fields.birth_year,
                ..DuplicateProbe::default()
            },
            Err(_) => DuplicateProbe::default(),
        })
        .collect();
    let candidates = beneficiaries::duplicates_many(tx_conn, scope, &probes)?;
    Ok(Checked { rows: checked.into_iter().zip(candidates).map(|((line, v), c)| (line, v, c)).collect() })
}

fn require(actor: &Actor) -> AppResult<TenantScope> {
    let member = actor.as_member()?;
    member.require(Permission::EventRecord)?;
    member.require(Permission::BeneficiaryCreate)?;
    Ok(member.scope)
}

/// Checks every row of a sheet as mapped and looks for each person among
/// the tenant's people (the people registration's duplicate check, for
/// all rows at once); writes nothing. Needs `event:record` and
/// `beneficiary:create`; an event that takes no attendance today is
/// refused as [`commit_import`] would refuse it; a bad mapping is a
/// validation error on `mapping`.
pub async fn preview_import(
    app: &App,
    actor: &Actor,
    event: EventId,
    sheet: Sheet,
    mapping: ColumnMapping,
) -> AppResult<Preview> {
    let scope = require(actor)?;
    let today = app.now().date();
    app.read(move |conn| {
        open_event(conn, &scope, event, today)?;
        let checked = check_sheet(conn, &scope, &sheet, &mapping, today)?;
        let mut seen: HashMap<(String, Option<i32>), u32> = HashMap::new();
        let mut rows = Vec::with_capacity(checked.rows.len());
        for ((line, values, candidates), row) in checked.rows.into_iter().zip(&sheet.rows) {
            let same_as_line = match &values {
                Ok(v) => {
                    let key = (names::name_key(&v.fields.given_names, &v.fields.family_names), v.fields.birth_year);
                    match seen.get(&key) {
                        Some(first) => Some(*first),
                        None => {
                            seen.insert(key, line);
                            None
                        }
                    }
                }
                Err(_) => None,
            };
            let shown = mapping
                .columns
                .iter()
                .zip(&row.cells)
                .filter_map(|(field, cell)| field.map(|f| (f, cell.trim().to_owned())))
                .collect();
            rows.push(PreviewRow {
                line,
                values: shown,
                errors: values.err().unwrap_or_default(),
                candidates: candidates.into_iter().map(Candidate::from).collect(),
                same_as_line,
            });
        }
        let with_errors = rows.iter().filter(|r| !r.errors.is_empty()).count();
        let with_candidates = rows.iter().filter(|r| !r.candidates.is_empty()).count();
        Ok(Preview { rows, with_errors, with_candidates })
    })
    .await
}

/// Imports a sheet at an event, all or nothing, in one transaction: every
/// row is checked (a problem is a validation error keyed
/// [`cell_key`]`(line, field)`, and nothing is written), each row with
/// duplicate candidates needs a decision (`cell_key(line, "person")`:
/// `import-error-decide` without one, `error-choose` for a person who is
/// not a candidate); then the new people are registered (audited as the
/// people registration audits them, `beneficiary.created` or
/// `beneficiary.created_despite_duplicates`), everyone is marked
/// (`attendance.recorded` for each new or changed mark, as a mark is
/// audited) and the import itself is audited once (`attendance.imported`,
/// counts only). Needs `event:record` and `beneficiary:create`; an event
/// that has not started or was cancelled refuses before anything is read.
pub async fn commit_import(
    app: &App,
    actor: &Actor,
    event: EventId,
    sheet: Sheet,
    mapping: ColumnMapping,
    decisions: Decisions,
) -> AppResult<ImportOutcome> {
    let scope = require(actor)?;
    app.write(actor, move |tx| {
        let today = tx.today();
        let event = open_event(tx.conn(), &scope, event, today)?;
        let checked = check_sheet(tx.conn(), &scope, &sheet, &mapping, today)?;
        let mut errors = FieldErrors::new();
        let mut plan: Vec<(RowValues, Option<BeneficiaryId>, Vec<BeneficiaryId>)> = Vec::new();
        for (line, values, candidates) in checked.rows {
            let values = match values {
                Ok(values) => values,
                Err(cells) => {
                    for cell in cells {
                        errors.add(cell_key(line, cell.field.as_str()), cell.message);
                    }
                    continue;
                }
            };
            let ids: Vec<BeneficiaryId> = candidates.iter().map(|c| c.beneficiary.id).collect();
            let existing = match (ids.is_empty(), decisions.get(&line)) {
                (true, _) | (false, Some(RowDecision::New)) => None,
                (false, Some(RowDecision::Existing(id))) if ids.contains(id) => Some(*id),
                (false, Some(RowDecision::Existing(_))) => {
                    errors.add(cell_key(line, PERSON), "error-choose");
                    continue;
                }
                (false, None) => {
                    errors.add(cell_key(line, PERSON), "import-error-decide");
                    continue;
                }
            };
            plan.push((values, existing, ids));
        }
        errors.into_result()?;
        let mut outcome =
            ImportOutcome { rows: plan.len(), registered: 0, existing: 0, present: 0, absent: 0, unchanged: 0 };
        for (values, existing, candidates) in plan {
            let person = match existing {
                Some(id) => {
                    outcome.existing += 1;
                    id
                }
                None => {
                    outcome.registered += 1;
                    register(tx, &scope, &values.fields, &candidates)?
                }
            };
            match values.status {
                AttendanceStatus::Present => outcome.present += 1,
                AttendanceStatus::Absent => outcome.absent += 1,
            }
            if !mark(tx, &scope, &event, person, values.status, &values.interests)? {
                outcome.unchanged += 1;
            }
        }
        tx.audit(
            Some(&scope),
            AuditAction::AttendanceImported,
            event.id,
            json!({
                "rows": outcome.rows, "registered": outcome.registered, "existing": outcome.existing,
                "present": outcome.present, "absent": outcome.absent, "unchanged": outcome.unchanged,
            }),
        )?;
        Ok(outcome)
    })
    .await
}

/// Registers a person as the people registration does, without its
/// duplicate check (the import ran it for every row and asked).
fn register(
    tx: &mut Tx<'_>,
    scope: &TenantScope,
    fields: &BeneficiaryFields,
    candidates: &[BeneficiaryId],
) -> AppResult<BeneficiaryId> {
    let (by, at) = (tx.actor().user_id(), tx.at());
    let person = beneficiaries::create(tx.conn(), scope, fields, by, at)?.id;
    if candidates.is_empty() {
        tx.audit(Some(scope), AuditAction::BeneficiaryCreated, person, json!({}))?;
    } else {
        tx.audit(
            Some(scope),
            AuditAction::BeneficiaryCreatedDespiteDuplicates,
            person,
            json!({ "candidates": candidates }),
        )?;
    }
    Ok(person)
}

/// Marks a person as a mark is recorded and audited; `false` when the same
/// mark was already there (nothing written).
fn mark(
    tx: &mut Tx<'_>,
    scope: &TenantScope,
    event: &Event,
    person: BeneficiaryId,
    status: AttendanceStatus,
    interests: &[AttendeeInterest],
) -> AppResult<bool> {
    let (by, at) = (tx.actor().user_id(), tx.at());
    let marked = attendance::record(tx.conn(), scope, event, person, status, interests, by, at)?;
    let previous = match &marked {
        Marked::Created(_) => None,
        Marked::Changed { before, .. } => Some(before.status),
        Marked::Unchanged(_) => return Ok(false),
    };
    let now = marked.attendance();
    tx.audit(
        Some(scope),
        AuditAction::AttendanceRecorded,
        event.id,
        json!({
            "attendance_id": now.id, "beneficiary_id": now.beneficiary_id, "status": now.status,
            "interests": now.interests, "previous_status": previous,
        }),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_three_languages() {
        let headers: Vec<String> =
            ["Prénom", "NOM", "Sexe", "Téléphone", "Année de naissance", "Nationalité", "Présent(e)", "Intérêts"]
                .map(String::from)
                .to_vec();
        let mapping = ColumnMapping::guess(&headers);
        assert_eq!(
            mapping.columns,
            vec![
                Some(ImportField::GivenNames),
                Some(ImportField::FamilyNames),
                Some(ImportField::Sex),
                Some(ImportField::Phone),
                Some(ImportField::Birth),
                Some(ImportField::Nationalities),
                Some(ImportField::Present),
                Some(ImportField::Interests),
            ]
        );
        let en = ColumnMapping::guess(&["First name", "Last name", "Gender", "Remarks"].map(String::from));
        assert_eq!(
            en.columns[..3],
            [Some(ImportField::GivenNames), Some(ImportField::FamilyNames), Some(ImportField::Sex)]
        );
        assert_eq!(en.columns[3], None);
        let ar = ColumnMapping::guess(&["الاسم الشخصي", "النسب", "الجنس", "رقم الهاتف"].map(String::from));
        assert_eq!(
            ar.columns,
            vec![
                Some(ImportField::GivenNames),
                Some(ImportField::FamilyNames),
                Some(ImportField::Sex),
                Some(ImportField::Phone)
            ]
        );
    }

    #[test]
    fn csv_separators_bom_and_windows_1252() {
        let sheet = parse_sheet("\u{feff}Prénom;Nom\r\nAwa;Diop\r\n\r\n;\r\nMoussa;Traoré\r\n".as_bytes(), "a.csv")
            .expect("a sheet");
        assert_eq!(sheet.headers, ["Prénom", "Nom"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[1].line, 5);
        assert_eq!(sheet.rows[1].cells, ["Moussa", "Traoré"]);
        let latin = parse_sheet(b"Pr\xe9nom,Nom\nA\xefcha,N\x92Diaye\n", "b.csv").expect("a sheet");
        assert_eq!(latin.headers[0], "Prénom");
        assert_eq!(latin.rows[0].cells, ["Aïcha", "N’Diaye"]);
        let err = parse_sheet(b"", "c.csv").expect_err("empty");
        assert!(matches!(err, AppError::Validation(e) if e.get("file") == Some("import-error-file-empty")));
        let err = parse_sheet(b"Nom\n", "c.csv").expect_err("no rows");
        assert!(matches!(err, AppError::Validation(e) if e.get("file") == Some("import-error-no-rows")));
        let err = parse_sheet(b"\xD0\xCF\x11\xE0rest", "old.xls").expect_err("xls");
        assert!(matches!(err, AppError::Validation(e) if e.get("file") == Some("import-error-file-format")));
    }

    #[test]
    fn values_in_three_languages() {
        assert_eq!(parse_sex("Femme"), Some(Sex::Female));
        assert_eq!(parse_sex("H"), Some(Sex::Male));
        assert_eq!(parse_sex("ذكر"), Some(Sex::Male));
        assert_eq!(parse_sex("أنثى"), Some(Sex::Female));
        assert_eq!(parse_sex("?"), Some(Sex::Unknown));
        assert_eq!(parse_sex("peut-être"), None);
        assert_eq!(parse_present("Non"), Some(AttendanceStatus::Absent));
        assert_eq!(parse_present(""), Some(AttendanceStatus::Present));
        assert_eq!(parse_present("peut-être"), None);
        assert_eq!(parse_interest("Auto-entrepreneur"), Some(AttendeeInterest::AutoEntrepreneur));
        assert_eq!(parse_interest("group_project"), Some(AttendeeInterest::GroupProject));
        assert_eq!(parse_interest("تكوين"), Some(AttendeeInterest::Training));
        assert_eq!(split_cell_key(cell_key(12, "birth")), Some((12, "birth")));
        assert!(std::ptr::eq(cell_key(12, "birth"), cell_key(12, "birth")));
    }
}
