//! User Accounts as the Manager creates, edits and imports them (ACCESS-2, ACCESS-3, NUM-2).
//!
//! The app calls [`validate_user`] before sending the form and [`ImportCheck`] on every row of a
//! CSV file before importing it; the server calls both again.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::email::Email;
use crate::field::{Errors, FieldError, Problem};
use crate::phone::E164;
use crate::signup::person_name;

/// The user form as typed, field names as on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The operator mobile number, in international form.
    pub mobile: String,
    /// ISO code of the country of residence.
    pub residence_country: String,
    /// ISO codes of the countries where the User has stable links (may be empty).
    #[serde(default)]
    pub stable_links: Vec<String>,
}

/// A user whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidUser {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub mobile: E164,
    pub residence_country: CountryCode,
    /// Sorted, without duplicates, never the country of residence.
    pub stable_links: Vec<CountryCode>,
}

/// ACCESS-3 (GTCS 3.3, 6): a User Account needs a real first and last name, a valid email and a
/// valid operator mobile number (E.164); NUM-2 (GTCS 3.2) needs the country of residence and the
/// countries of stable links. Checks every field of `form`, returning all the problems at once.
pub fn validate_user(form: &UserForm) -> Result<ValidUser, Vec<FieldError>> {
    let mut errors = Errors::default();
    let first_name = errors.check("first_name", person_name(&form.first_name));
    let last_name = errors.check("last_name", person_name(&form.last_name));
    let email = errors.check("email", Email::parse(&form.email));
    let mobile = errors.check("mobile", mobile(&form.mobile));
    let residence_country = errors.check("residence_country", residence(&form.residence_country));
    let stable_links = errors.check(
        "stable_links",
        stable_links(&form.stable_links, residence_country),
    );
    errors.into_result(|| {
        Some(ValidUser {
            first_name: first_name?,
            last_name: last_name?,
            email: email?,
            mobile: mobile?,
            residence_country: residence_country?,
            stable_links: stable_links?,
        })
    })
}

/// The part of a User Account its holder may correct themselves (DATA-1, rectification), as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub first_name: String,
    pub last_name: String,
    pub mobile: String,
}

/// A profile whose every field is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidProfile {
    pub first_name: String,
    pub last_name: String,
    pub mobile: E164,
}

/// ACCESS-3 (GTCS 3.3), DATA-1: a corrected profile holds to the same rules as the Manager's
/// form: real names and an operator mobile number in E.164 form.
pub fn validate_profile(form: &ProfileForm) -> Result<ValidProfile, Vec<FieldError>> {
    let mut errors = Errors::default();
    let first_name = errors.check("first_name", person_name(&form.first_name));
    let last_name = errors.check("last_name", person_name(&form.last_name));
    let mobile = errors.check("mobile", mobile(&form.mobile));
    errors.into_result(|| {
        Some(ValidProfile {
            first_name: first_name?,
            last_name: last_name?,
            mobile: mobile?,
        })
    })
}

/// ACCESS-3 (GTCS 3.3): the operator mobile number in E.164 form.
fn mobile(raw: &str) -> Result<E164, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    E164::parse(raw).map_err(Problem::from)
}

fn residence(raw: &str) -> Result<CountryCode, Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::Required);
    }
    raw.parse()
        .map_err(|_| Problem::Invalid("Choose a country from the list."))
}

/// NUM-2 (GTCS 3.2): the other countries where the User can show stable links.
fn stable_links(
    raw: &[String],
    residence: Option<CountryCode>,
) -> Result<Vec<CountryCode>, Problem> {
    let mut links = Vec::with_capacity(raw.len());
    for code in raw.iter().filter(|code| !code.trim().is_empty()) {
        let country: CountryCode = code.parse().map_err(|_| {
            Problem::Invalid("Use two-letter country codes, like DE or ES, for stable links.")
        })?;
        if links.contains(&country) {
            return Err(Problem::Invalid(
                "Name each country of stable links only once.",
            ));
        }
        if Some(country) == residence {
            return Err(Problem::Invalid(
                "The country of residence is not also a country of stable links: remove it.",
            ));
        }
        links.push(country);
    }
    links.sort_unstable();
    Ok(links)
}

/// Splits a typed list of country codes on commas, semicolons and spaces: "DE; es, IT" gives
/// `["DE", "es", "IT"]` (validation happens in [`validate_user`]).
pub fn split_country_list(raw: &str) -> Vec<String> {
    raw.split([',', ';', ' ', '\t', '\u{a0}'])
        .filter(|code| !code.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How a field is named to a person, in import reports.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "first_name" => "First name",
        "last_name" => "Last name",
        "email" => "Email",
        "mobile" => "Mobile number",
        "residence_country" => "Country of residence",
        "stable_links" => "Countries of stable links",
        _ => "Row",
    }
}

/// One problem as a sentence that names its field, e.g. "Email: This field is required."
pub fn describe(error: &FieldError) -> String {
    format!("{}: {}", field_label(error.field), error.problem)
}

// ---- CSV import ------------------------------------------------------------------------------

/// The columns of an import file, in the order of its header line.
pub const CSV_COLUMNS: [&str; 6] = [
    "first_name",
    "last_name",
    "email",
    "mobile",
    "residence_country",
    "stable_links",
];

/// One data row of an import file: its row number in the file (the header is row 1) and its
/// values. `malformed` says why the row could not be read as one user, if it could not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub row: usize,
    pub form: UserForm,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malformed: Option<String>,
}

/// Why a file cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("The file is empty.")]
    Empty,
    #[error(
        "The first line must name the columns first_name, last_name, email, mobile, residence_country and stable_links (the last one may be left out); {0}"
    )]
    Header(String),
    #[error("A quoted value that starts on row {0} is never closed.")]
    UnclosedQuote(usize),
}

/// Splits CSV text into records of fields: comma-separated, fields optionally in double quotes
/// (a doubled quote inside stands for one; quoted fields may hold commas and line breaks), CRLF
/// or LF line ends, an optional UTF-8 byte order mark. Blank lines are skipped. Each record comes
/// with its row number (1-based, counting records as a spreadsheet counts rows).
pub fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut row = 1;
    let mut quote_row = 0;
    let mut finish = |fields: &mut Vec<String>, field: &mut String, row: &mut usize| {
        fields.push(std::mem::take(field));
        let record = std::mem::take(fields);
        if !(record.len() == 1 && record[0].trim().is_empty()) {
            records.push((*row, record));
            *row += 1;
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quote_row = row;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => finish(&mut fields, &mut field, &mut row),
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote(quote_row));
    }
    if !field.is_empty() || !fields.is_empty() {
        finish(&mut fields, &mut field, &mut row);
    }
    Ok(records)
}

/// Reads an import file into rows (see [`CSV_COLUMNS`]; columns in any order, names in any case).
/// Stable links are separated by `;` or spaces inside their field.
pub fn parse_csv(text: &str) -> Result<Vec<ImportRow>, CsvError> {
    let mut records = csv_records(text)?.into_iter();
    let (_, header) = records.next().ok_or(CsvError::Empty)?;
    let header: Vec<String> = header
        .iter()
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    let position = |name: &str| header.iter().position(|column| column == name);
    let mut columns = [None; 6];
    let mut missing = Vec::new();
    for (index, name) in CSV_COLUMNS.iter().enumerate() {
        columns[index] = position(name);
        if columns[index].is_none() && *name != "stable_links" {
            missing.push(*name);
        }
    }
    if !missing.is_empty() {
        return Err(CsvError::Header(format!(
            "missing: {}.",
            missing.join(", ")
        )));
    }
    if let Some(unknown) = header
        .iter()
        .find(|name| !CSV_COLUMNS.contains(&name.as_str()))
    {
        return Err(CsvError::Header(format!("unknown column “{unknown}”.")));
    }
    Ok(records
        .map(|(row, values)| {
            let value = |index: usize| {
                columns[index]
                    .and_then(|column| values.get(column))
                    .map(|value| value.trim().to_owned())
                    .unwrap_or_default()
            };
            let malformed = (values.len() != header.len()).then(|| {
                format!(
                    "Row: this row has {} values, but the header names {} columns.",
                    values.len(),
                    header.len()
                )
            });
            ImportRow {
                row,
                form: UserForm {
                    first_name: value(0),
                    last_name: value(1),
                    email: value(2),
                    mobile: value(3),
                    residence_country: value(4),
                    stable_links: split_country_list(&value(5)),
                },
                malformed,
            }
        })
        .collect())
}

/// A row that cannot be imported, and every reason why, each a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub row: usize,
    pub reasons: Vec<String>,
}

/// Checks the rows of one import file, one after the other: each row on its own (ACCESS-3, as
/// [`validate_user`]), and its email against the accounts that already exist and the rows
/// before it in the file. Keeps what it has seen, so a large file can be checked in chunks.
#[derive(Debug, Default)]
pub struct ImportCheck {
    existing: HashSet<String>,
    /// Each email seen in the file, and the first row that had it.
    seen: HashMap<String, usize>,
}

impl ImportCheck {
    /// `existing`: the (lower-case) emails already used by accounts.
    pub fn new(existing: impl IntoIterator<Item = String>) -> Self {
        ImportCheck {
            existing: existing.into_iter().collect(),
            seen: HashMap::new(),
        }
    }

    pub fn check(&mut self, row: &ImportRow) -> Result<ValidUser, RejectedRow> {
        let mut reasons: Vec<String> = row.malformed.iter().cloned().collect();
        let valid = match validate_user(&row.form) {
            Ok(user) => Some(user),
            Err(errors) => {
                reasons.extend(errors.iter().map(describe));
                None
            }
        };
        if let Ok(email) = Email::parse(&row.form.email) {
            let email = email.as_str().to_owned();
            if self.existing.contains(&email) {
                reasons.push(format!("Email: an account already uses {email}."));
            } else if let Some(first) = self.seen.get(&email) {
                reasons.push(format!("Email: {email} is also on row {first}."));
            } else {
                self.seen.insert(email, row.row);
            }
        }
        match valid {
            Some(user) if reasons.is_empty() => Ok(user),
            _ => Err(RejectedRow {
                row: row.row,
                reasons,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_form() -> UserForm {
        UserForm {
            first_name: "Louis".into(),
            last_name: "Dupont".into(),
            email: "Louis.Dupont@Martin.fr".into(),
            mobile: "+33 6 12 34 56 78".into(),
            residence_country: "fr".into(),
            stable_links: vec!["ES".into(), "de".into()],
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<&'static str> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_form_is_valid_and_normalised() {
        let user = validate_user(&valid_form()).unwrap();
        assert_eq!(user.email.as_str(), "louis.dupont@martin.fr");
        assert_eq!(user.mobile.as_str(), "+33612345678");
        assert_eq!(user.residence_country, CountryCode::FRANCE);
        let links: Vec<&str> = user.stable_links.iter().map(|c| c.as_str()).collect();
        assert_eq!(links, ["DE", "ES"]);
    }

    #[test]
    fn data_1_a_corrected_profile_holds_to_access_3() {
        let profile = validate_profile(&ProfileForm {
            first_name: " Louise ".into(),
            last_name: "Dupont".into(),
            mobile: "+33 6 12 34 56 79".into(),
        })
        .unwrap();
        assert_eq!(profile.first_name, "Louise");
        assert_eq!(profile.mobile.as_str(), "+33612345679");
        let errors = validate_profile(&ProfileForm {
            first_name: String::new(),
            last_name: "Dupont".into(),
            mobile: "12".into(),
        })
        .unwrap_err();
        assert_eq!(fields(errors), ["first_name", "mobile"]);
    }

    #[test]
    fn access_3_an_empty_form_reports_every_required_field() {
        let errors = validate_user(&UserForm::default()).unwrap_err();
        assert_eq!(
            fields(errors.clone()),
            [
                "first_name",
                "last_name",
                "email",
                "mobile",
                "residence_country"
            ]
        );
        assert!(errors.iter().all(|e| e.problem == Problem::Required));
    }

    #[test]
    fn access_3_the_mobile_number_must_be_e164() {
        let form = UserForm {
            mobile: "06 12 34 56 78".into(),
            ..valid_form()
        };
        let errors = validate_user(&form).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "mobile");
        assert!(errors[0].to_string().contains("international format"));
    }

    #[test]
    fn num_2_stable_links_are_distinct_known_countries_other_than_residence() {
        for links in [vec!["DE", "de"], vec!["FR"], vec!["XX"], vec!["Germany"]] {
            let form = UserForm {
                stable_links: links.iter().map(|c| c.to_string()).collect(),
                ..valid_form()
            };
            assert_eq!(
                fields(validate_user(&form).unwrap_err()),
                ["stable_links"],
                "{links:?}"
            );
        }
        let none = UserForm {
            stable_links: vec![],
            ..valid_form()
        };
        assert!(validate_user(&none).unwrap().stable_links.is_empty());
    }

    #[test]
    fn fake_names_and_unknown_residence_are_refused() {
        let form = UserForm {
            first_name: "R2D2".into(),
            residence_country: "France".into(),
            ..valid_form()
        };
        assert_eq!(
            fields(validate_user(&form).unwrap_err()),
            ["first_name", "residence_country"]
        );
    }

    #[test]
    fn typed_country_lists_split_on_commas_semicolons_and_spaces() {
        assert_eq!(
            split_country_list("DE; es,IT  PT"),
            ["DE", "es", "IT", "PT"]
        );
        assert!(split_country_list(" ; , ").is_empty());
    }

    const HEADER: &str = "first_name,last_name,email,mobile,residence_country,stable_links";

    #[test]
    fn csv_reads_quotes_bom_crlf_and_link_lists() {
        let text = format!(
            "\u{feff}{HEADER}\r\n\"Dupont, Jr\",\"O'\"\"Brien\",a@b.fr,+33612345678,FR,DE;ES\r\n\r\nAnne,\"Multi\nLine\",c@d.fr,+33612345679,BE,NL LU"
        );
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].form.first_name, "Dupont, Jr");
        assert_eq!(rows[0].form.last_name, "O'\"Brien");
        assert_eq!(rows[0].form.stable_links, ["DE", "ES"]);
        assert_eq!(rows[1].row, 3);
        assert_eq!(rows[1].form.last_name, "Multi\nLine");
        assert_eq!(rows[1].form.stable_links, ["NL", "LU"]);
        assert!(rows.iter().all(|row| row.malformed.is_none()));
    }

    #[test]
    fn csv_columns_may_come_in_any_order_and_links_may_be_left_out() {
        let text = "Email,First_Name,last_name,mobile,residence_country\na@b.fr,Anne,Martin,+33612345678,FR\n";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows[0].form.email, "a@b.fr");
        assert_eq!(rows[0].form.first_name, "Anne");
        assert!(rows[0].form.stable_links.is_empty());
    }

    #[test]
    fn csv_refuses_a_bad_header_an_empty_file_and_an_open_quote() {
        assert_eq!(parse_csv(""), Err(CsvError::Empty));
        assert_eq!(parse_csv("\u{feff}\n\n"), Err(CsvError::Empty));
        assert!(matches!(
            parse_csv("first_name,last_name,email\n"),
            Err(CsvError::Header(missing)) if missing.contains("mobile, residence_country")
        ));
        assert!(matches!(
            parse_csv(&format!("{HEADER},age\n")),
            Err(CsvError::Header(unknown)) if unknown.contains("age")
        ));
        assert_eq!(
            parse_csv(&format!("{HEADER}\nA,B,\"c@d.fr,+3361,FR,\n")),
            Err(CsvError::UnclosedQuote(2))
        );
    }

    #[test]
    fn a_row_with_the_wrong_number_of_values_is_malformed() {
        let rows = parse_csv(&format!("{HEADER}\nAnne,Martin,a@b.fr\n")).unwrap();
        let reason = rows[0].malformed.as_deref().unwrap();
        assert!(
            reason.contains("3 values") && reason.contains("6 columns"),
            "{reason}"
        );
    }

    #[test]
    fn import_check_reports_every_problem_of_a_row_as_sentences() {
        let rows = parse_csv(&format!(
            "{HEADER}\n1234,,not-an-email,0612,ZZ,\nAnne,Martin,anne@x.fr,+33612345678,FR,\n"
        ))
        .unwrap();
        let mut check = ImportCheck::default();
        let rejected = check.check(&rows[0]).unwrap_err();
        assert_eq!(rejected.row, 2);
        assert_eq!(
            rejected.reasons,
            [
                "First name: Enter a name made of letters.",
                "Last name: This field is required.",
                "Email: Enter an email address like name@company.com.",
                "Mobile number: Enter the number in international format, starting with + and the country code.",
                "Country of residence: Choose a country from the list.",
            ]
        );
        assert!(check.check(&rows[1]).is_ok());
    }

    #[test]
    fn import_check_finds_emails_taken_or_repeated_in_the_file() {
        let rows = parse_csv(&format!(
            "{HEADER}\nAnne,Martin,anne@x.fr,+33612345678,FR,\nAnne,Martin,ANNE@x.fr,+33612345678,FR,\nBob,Martin,bob@x.fr,+33612345678,FR,\n"
        ))
        .unwrap();
        let mut check = ImportCheck::new(["bob@x.fr".to_owned()]);
        assert!(check.check(&rows[0]).is_ok());
        assert_eq!(
            check.check(&rows[1]).unwrap_err().reasons,
            ["Email: anne@x.fr is also on row 2."]
        );
        assert_eq!(
            check.check(&rows[2]).unwrap_err().reasons,
            ["Email: an account already uses bob@x.fr."]
        );
    }
}
