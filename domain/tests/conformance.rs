//! Runs every worked case of the rule vectors through the real rule functions, one thin JSON
//! adapter per calculator. The vectors are `tests/vectors/rules.json`, the repository's copy of
//! the shared `shared/vectors/rules.json` (kept equal to it by a test whenever that folder sits
//! beside the repository); `RULE_VECTORS` names another file to run instead.
//!
//! The runner fails on an unknown calculator, on a missing or extra output field and on any
//! mismatch, and prints every failing case before failing. Decimal strings compare as decimals
//! (`"12.10"` equals `"12.1"`).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;
use domain::country::CountryCode;
use domain::late::{PenaltyRates, late_penalty};
use domain::liability::{Payment, liability_cap};
use domain::licence::{Licence, licence_period};
use domain::notice::{Termination, customer_termination, provider_termination};
use domain::number::{UserTerritory, check_assignable};
use domain::price_change::{PriceChangeKind, PriceIndex, apply_indexation, validate_price_change};
use domain::pricing::{Quote, QuoteLine, quote, renewal_invoice};
use domain::sms::{SmsEncoding, sms_size};
use domain::{Money, Percent, Term};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

type Adapter = fn(&Value) -> Result<Value, String>;

/// The adapter of calculator `calc`, or `None` for a calculator this project does not know.
fn adapter(calc: &str) -> Option<Adapter> {
    Some(match calc {
        "licence.period" => licence_period_case,
        "termination.customer" => termination_customer_case,
        "termination.provider" => termination_provider_case,
        "service.discontinuation" => service_discontinuation_case,
        "price_change.validate" => price_change_case,
        "indexation.apply" => indexation_case,
        "invoice.windows" => invoice_windows_case,
        "late.penalty" => late_penalty_case,
        "formal_notice.deadline" => formal_notice_case,
        "termination.fault_amount" => fault_amount_case,
        "complaint.answer_due" => complaint_case,
        "liability.cap" => liability_case,
        "pricing.quote" => quote_case,
        "renewal.invoice" => renewal_case,
        "number.assignable" => number_case,
        "dial.classify" => dial_case,
        "sms.segments" => sms_case,
        "trial.outcome" => trial_case,
        _ => return None,
    })
}

// ---- Adapters: parse the input, call the rule, build the output. ----

fn parse<T: DeserializeOwned>(input: &Value) -> Result<T, String> {
    serde_json::from_value(input.clone()).map_err(|error| format!("bad input: {error}"))
}

fn failed(error: impl std::fmt::Display) -> String {
    format!("the rule refused its input: {error}")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodInput {
    anchor: NaiveDate,
    term_months: Term,
    on: NaiveDate,
}

fn licence_period_case(input: &Value) -> Result<Value, String> {
    let PeriodInput {
        anchor,
        term_months,
        on,
    } = parse(input)?;
    let period = licence_period(anchor, term_months, on).map_err(failed)?;
    Ok(
        json!({ "first_day": period.first_day().to_string(), "last_day": period.last_day().to_string() }),
    )
}

fn termination_json(termination: Termination) -> Value {
    json!({
        "period_last_day": termination.period_last_day.to_string(),
        "notice_last_day": termination.notice_last_day.to_string(),
        "on_time": termination.on_time,
        "service_last_day": termination.service_last_day.to_string(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerTerminationInput {
    anchor: NaiveDate,
    term_months: Term,
    received: NaiveDate,
}

fn termination_customer_case(input: &Value) -> Result<Value, String> {
    let CustomerTerminationInput {
        anchor,
        term_months,
        received,
    } = parse(input)?;
    customer_termination(&Licence::new(anchor, term_months), received)
        .map(termination_json)
        .map_err(failed)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderTerminationInput {
    anchor: NaiveDate,
    term_months: Term,
    notified: NaiveDate,
}

fn termination_provider_case(input: &Value) -> Result<Value, String> {
    let ProviderTerminationInput {
        anchor,
        term_months,
        notified,
    } = parse(input)?;
    provider_termination(&Licence::new(anchor, term_months), notified)
        .map(termination_json)
        .map_err(failed)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiscontinuationInput {
    notified: NaiveDate,
    effective: NaiveDate,
}

fn service_discontinuation_case(input: &Value) -> Result<Value, String> {
    let DiscontinuationInput {
        notified,
        effective,
    } = parse(input)?;
    let check = domain::service::discontinuation(notified, effective).map_err(failed)?;
    Ok(json!({ "earliest_effective": check.earliest_effective.to_string(), "valid": check.valid }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceChangeInput {
    kind: String,
    informed: NaiveDate,
    effective: NaiveDate,
    #[serde(default)]
    previous_indexation: Option<NaiveDate>,
}

fn price_change_case(input: &Value) -> Result<Value, String> {
    let PriceChangeInput {
        kind,
        informed,
        effective,
        previous_indexation,
    } = parse(input)?;
    let kind = match (kind.as_str(), previous_indexation) {
        ("indexed", previous_indexation) => PriceChangeKind::Indexed {
            previous_indexation,
        },
        ("non_indexed", None) => PriceChangeKind::NonIndexed,
        ("non_indexed", Some(_)) => {
            return Err("bad input: previous_indexation is for indexed changes".into());
        }
        (other, _) => return Err(format!("bad input: unknown kind {other:?}")),
    };
    let check = validate_price_change(kind, informed, effective).map_err(failed)?;
    Ok(json!({
        "valid": check.valid,
        "min_effective": check.min_effective.to_string(),
        "termination_right": check.termination_right,
        "termination_notice_last_day": check.termination_notice_last_day.map(|day| day.to_string()),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexationInput {
    price: Money,
    index_base: PriceIndex,
    index_new: PriceIndex,
}

fn indexation_case(input: &Value) -> Result<Value, String> {
    let IndexationInput {
        price,
        index_base,
        index_new,
    } = parse(input)?;
    let price = apply_indexation(price, index_base, index_new).map_err(failed)?;
    Ok(json!({ "price": price.to_string() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvoiceInput {
    invoice_date: NaiveDate,
    payment_date: Option<NaiveDate>,
}

fn invoice_windows_case(input: &Value) -> Result<Value, String> {
    let InvoiceInput {
        invoice_date,
        payment_date,
    } = parse(input)?;
    let windows = domain::invoice::invoice_windows(invoice_date, payment_date).map_err(failed)?;
    Ok(json!({
        "dispute_last_day": windows.dispute_last_day.to_string(),
        "statement_available_until": windows.statement_available_until.to_string(),
        "restitution_last_day": windows.restitution_last_day.map(|day| day.to_string()),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LateInput {
    amount_ttc: Money,
    due_date: NaiveDate,
    as_of: NaiveDate,
    ecb_rate: Percent,
    legal_rate: Percent,
}

fn late_penalty_case(input: &Value) -> Result<Value, String> {
    let LateInput {
        amount_ttc,
        due_date,
        as_of,
        ecb_rate,
        legal_rate,
    } = parse(input)?;
    let late = late_penalty(
        amount_ttc,
        due_date,
        as_of,
        &PenaltyRates {
            ecb_rate,
            legal_rate,
        },
    )
    .map_err(failed)?;
    Ok(json!({
        "days_late": late.days_late,
        "rate": late.rate.to_string(),
        "penalty": late.penalty.to_string(),
        "indemnity": late.indemnity.to_string(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormalNoticeInput {
    sent: NaiveDate,
}

fn formal_notice_case(input: &Value) -> Result<Value, String> {
    let FormalNoticeInput { sent } = parse(input)?;
    let last_day = domain::formal_notice::formal_notice_deadline(sent).map_err(failed)?;
    Ok(json!({ "last_day_to_pay": last_day.to_string() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultInput {
    monthly_instalment: Money,
    remaining_instalments: u32,
    discounts_granted: Money,
}

fn fault_amount_case(input: &Value) -> Result<Value, String> {
    let FaultInput {
        monthly_instalment,
        remaining_instalments,
        discounts_granted,
    } = parse(input)?;
    let due =
        domain::fault::fault_amount(monthly_instalment, remaining_instalments, discounts_granted)
            .map_err(failed)?;
    Ok(json!({
        "accelerated_instalments": due.accelerated_instalments.to_string(),
        "discounts_reimbursed": due.discounts_reimbursed.to_string(),
        "total": due.total.to_string(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplaintInput {
    received: NaiveDate,
}

fn complaint_case(input: &Value) -> Result<Value, String> {
    let ComplaintInput { received } = parse(input)?;
    let due = domain::working_days::complaint_answer_due(received).map_err(failed)?;
    Ok(json!({ "due": due.to_string() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LiabilityInput {
    loss_date: NaiveDate,
    payments: Vec<Payment>,
}

fn liability_case(input: &Value) -> Result<Value, String> {
    let LiabilityInput {
        loss_date,
        payments,
    } = parse(input)?;
    let cap = liability_cap(loss_date, &payments).map_err(failed)?;
    Ok(json!({ "cap": cap.to_string() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteInput {
    vat_rate: Percent,
    lines: Vec<QuoteLine>,
}

fn quote_json(quote: Quote) -> Value {
    json!({
        "lines": quote.lines.iter().map(|line| json!({ "net": line.net.to_string() })).collect::<Vec<_>>(),
        "subtotal": quote.subtotal.to_string(),
        "vat": quote.vat.to_string(),
        "total": quote.total.to_string(),
    })
}

fn quote_case(input: &Value) -> Result<Value, String> {
    let QuoteInput { vat_rate, lines } = parse(input)?;
    quote(vat_rate, &lines).map(quote_json).map_err(failed)
}

fn renewal_case(input: &Value) -> Result<Value, String> {
    let QuoteInput { vat_rate, lines } = parse(input)?;
    renewal_invoice(vat_rate, &lines)
        .map(quote_json)
        .map_err(failed)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberInput {
    number_country: CountryCode,
    user: UserTerritory,
}

fn number_case(input: &Value) -> Result<Value, String> {
    let NumberInput {
        number_country,
        user,
    } = parse(input)?;
    Ok(json!({ "ok": check_assignable(number_country, &user).is_ok() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DialInput {
    home: CountryCode,
    dialed: String,
}

fn dial_case(input: &Value) -> Result<Value, String> {
    let DialInput { home, dialed } = parse(input)?;
    let class = domain::dial::classify(home, &dialed).map_err(failed)?;
    Ok(
        json!({ "class": class.as_str(), "allowed_without_credits": class.allowed_without_credits() }),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmsInput {
    text: String,
}

fn sms_case(input: &Value) -> Result<Value, String> {
    let SmsInput { text } = parse(input)?;
    let size = sms_size(&text);
    let encoding = match size.encoding {
        SmsEncoding::Gsm7 => "gsm7",
        SmsEncoding::Ucs2 => "ucs2",
    };
    Ok(json!({ "encoding": encoding, "units": size.units, "segments": size.segments }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrialInput {
    trial_end: NaiveDate,
    cancel_received: Option<NaiveDate>,
    auto_commit: bool,
}

fn trial_case(input: &Value) -> Result<Value, String> {
    let TrialInput {
        trial_end,
        cancel_received,
        auto_commit,
    } = parse(input)?;
    Ok(
        json!({ "converts": domain::trial::trial_converts(trial_end, cancel_received, auto_commit) }),
    )
}

// ---- The runner. ----

/// One case that did not pass, with everything needed to see why.
#[derive(Debug)]
struct Failure {
    calc: String,
    case: String,
    problems: Vec<String>,
    expected: Value,
    actual: Option<Value>,
}

#[derive(Debug, Default)]
struct Report {
    passed: usize,
    failures: Vec<Failure>,
}

impl Report {
    fn render(&self) -> String {
        let mut out = String::new();
        for failure in &self.failures {
            let _ = writeln!(out, "FAIL {} — {}", failure.calc, failure.case);
            for problem in &failure.problems {
                let _ = writeln!(out, "    {problem}");
            }
            let _ = writeln!(out, "    expected: {}", failure.expected);
            match &failure.actual {
                Some(actual) => {
                    let _ = writeln!(out, "    actual:   {actual}");
                }
                None => {
                    let _ = writeln!(out, "    actual:   (none)");
                }
            }
        }
        out
    }

    /// Prints every failure, then panics if there was any.
    fn assert_all_passed(&self) {
        let total = self.passed + self.failures.len();
        if !self.failures.is_empty() {
            eprintln!("{}", self.render());
            panic!(
                "{} of {total} rule vectors failed (see above)",
                self.failures.len()
            );
        }
        assert!(total > 0, "no rule vectors were run");
    }
}

/// Runs every case of `vectors` (the parsed `rules.json`).
fn run(vectors: &Value) -> Report {
    let mut report = Report::default();
    let Some(cases) = vectors.as_array() else {
        report.failures.push(Failure {
            calc: "-".into(),
            case: "-".into(),
            problems: vec!["the vector file is not a JSON array".into()],
            expected: Value::Null,
            actual: None,
        });
        return report;
    };
    for (index, case) in cases.iter().enumerate() {
        let text = |key: &str| case.get(key).and_then(Value::as_str).map(str::to_owned);
        let calc = text("calc").unwrap_or_else(|| "(no calc)".into());
        let name = text("case").unwrap_or_else(|| format!("(case #{index} has no name)"));
        let expected = case.get("expect").cloned().unwrap_or(Value::Null);
        let mut problems = Vec::new();
        let mut actual = None;
        let extra_keys: Vec<_> = case
            .as_object()
            .map(|object| {
                object
                    .keys()
                    .filter(|key| !["calc", "case", "input", "expect"].contains(&key.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !extra_keys.is_empty() {
            problems.push(format!("unknown keys in the case: {extra_keys:?}"));
        }
        match (adapter(&calc), case.get("input"), case.get("expect")) {
            (None, _, _) => problems.push(format!("unknown calc {calc:?}")),
            (_, None, _) | (_, _, None) => {
                problems.push("the case has no input or no expect".into())
            }
            (Some(adapter), Some(input), Some(expect)) => match adapter(input) {
                Err(error) => problems.push(error),
                Ok(output) => {
                    compare("", expect, &output, &mut problems);
                    actual = Some(output);
                }
            },
        }
        if problems.is_empty() {
            report.passed += 1;
        } else {
            report.failures.push(Failure {
                calc,
                case: name,
                problems,
                expected,
                actual,
            });
        }
    }
    report
}

/// Records in `problems` every difference between `expected` and `actual` below `path`.
fn compare(path: &str, expected: &Value, actual: &Value, problems: &mut Vec<String>) {
    let field = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, expected_value) in expected {
                match actual.get(key) {
                    None => problems.push(format!("missing output field `{}`", field(key))),
                    Some(actual_value) => {
                        compare(&field(key), expected_value, actual_value, problems)
                    }
                }
            }
            for key in actual.keys().filter(|key| !expected.contains_key(*key)) {
                problems.push(format!("extra output field `{}`", field(key)));
            }
        }
        (Value::Array(expected), Value::Array(actual)) => {
            if expected.len() != actual.len() {
                problems.push(format!(
                    "`{path}`: expected {} items, got {}",
                    expected.len(),
                    actual.len()
                ));
            }
            for (index, (expected, actual)) in expected.iter().zip(actual).enumerate() {
                compare(&format!("{path}[{index}]"), expected, actual, problems);
            }
        }
        (Value::String(expected_text), Value::String(actual_text)) => {
            let same = expected_text == actual_text
                || matches!(
                    (Decimal::from_str(expected_text), Decimal::from_str(actual_text)),
                    (Ok(expected), Ok(actual)) if expected == actual
                );
            if !same {
                problems.push(format!("`{path}`: expected {expected}, got {actual}"));
            }
        }
        (Value::Number(expected_number), Value::Number(actual_number)) => {
            let as_decimal =
                |number: &serde_json::Number| Decimal::from_str(&number.to_string()).ok();
            if expected_number != actual_number
                && as_decimal(expected_number) != as_decimal(actual_number)
            {
                problems.push(format!("`{path}`: expected {expected}, got {actual}"));
            }
        }
        _ if expected == actual => {}
        _ => problems.push(format!("`{path}`: expected {expected}, got {actual}")),
    }
}

/// The repository's copy of the vectors, which the tests use unless `RULE_VECTORS` says otherwise.
fn bundled_vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/rules.json")
}

/// The shared original, in the `shared/` folder beside the repository (when it is there).
fn shared_vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/rules.json")
}

fn vectors_path() -> PathBuf {
    match std::env::var_os("RULE_VECTORS") {
        Some(path) => PathBuf::from(path),
        None => bundled_vectors(),
    }
}

fn load_vectors() -> Value {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

#[test]
fn every_rule_vector_passes() {
    let vectors = load_vectors();
    let report = run(&vectors);
    report.assert_all_passed();
    println!("{} rule vectors passed", report.passed);
}

#[test]
fn the_bundled_copy_equals_the_shared_vectors() {
    let shared = shared_vectors();
    let bundled = bundled_vectors();
    let Ok(original) = std::fs::read(&shared) else {
        // No `shared/` beside the repository (a plain clone): the copy is all there is.
        println!(
            "{} not found: only the bundled copy is used",
            shared.display()
        );
        return;
    };
    let copy = std::fs::read(&bundled)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", bundled.display()));
    let shared = shared.canonicalize().unwrap_or(shared);
    assert!(
        copy == original,
        "the bundled rule vectors differ from the shared ones: copy {} to \
         domain/tests/vectors/rules.json (`cp {} domain/tests/vectors/rules.json` at the \
         repository's root) and commit it",
        shared.display(),
        shared.display()
    );
}

/// What a corrupted expectation says, unlike anything a rule answers.
const CORRUPTED: &str = "corrupted expected value";
/// An output field no calculator has.
const EXTRA_FIELD: &str = "corrupted_extra_field";

/// Indexes of `count` cases of `cases` that pass alone and expect at least one output field,
/// of as many different calculators as the file allows.
fn passing_cases(cases: &[Value], count: usize) -> Vec<usize> {
    let usable: Vec<usize> = (0..cases.len())
        .filter(|&index| {
            let case = &cases[index];
            case["expect"]
                .as_object()
                .is_some_and(|expect| !expect.is_empty())
                && run(&json!([case])).failures.is_empty()
        })
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    // First one per calculator, then any other passing case.
    for &index in &usable {
        let calc = &cases[index]["calc"];
        if chosen.len() < count && chosen.iter().all(|&other| cases[other]["calc"] != *calc) {
            chosen.push(index);
        }
    }
    for &index in &usable {
        if chosen.len() < count && !chosen.contains(&index) {
            chosen.push(index);
        }
    }
    assert_eq!(
        chosen.len(),
        count,
        "{} needs {count} passing cases with an expected output to corrupt",
        vectors_path().display()
    );
    chosen
}

#[test]
fn the_runner_fails_loudly_on_a_corrupted_vector() {
    let mut vectors = load_vectors();
    let clean = run(&vectors);
    let cases = vectors.as_array_mut().expect("an array");
    let [wrong, unknown, missing, extra] = passing_cases(cases, 4)[..] else {
        unreachable!("four cases were chosen")
    };
    let first_field = |case: &Value| {
        case["expect"]
            .as_object()
            .and_then(|expect| expect.keys().next().cloned())
            .expect("an expected field")
    };

    // A wrong expected value, a calculator nobody knows, an expected field the output lacks and
    // an output field the expectation lacks.
    let wrong_field = first_field(&cases[wrong]);
    cases[wrong]["expect"][&wrong_field] = json!(CORRUPTED);
    let unknown_calc = format!("{}.corrupted", cases[unknown]["calc"].as_str().unwrap());
    assert!(adapter(&unknown_calc).is_none());
    cases[unknown]["calc"] = json!(unknown_calc);
    let missing_field = first_field(&cases[missing]);
    cases[missing]["expect"]
        .as_object_mut()
        .unwrap()
        .remove(&missing_field);
    cases[extra]["expect"][EXTRA_FIELD] = json!(3);
    let corrupted: Vec<String> = [wrong, unknown, missing, extra]
        .iter()
        .map(|&index| cases[index]["case"].as_str().unwrap_or("").to_owned())
        .collect();

    let report = run(&vectors);
    assert_eq!(report.passed, clean.passed - 4, "{}", report.render());
    assert_eq!(
        report.failures.len(),
        clean.failures.len() + 4,
        "{}",
        report.render()
    );
    let rendered = report.render();
    for needle in [
        format!("`{wrong_field}`: expected \"{CORRUPTED}\", got "),
        format!("unknown calc \"{unknown_calc}\""),
        format!("extra output field `{missing_field}`"),
        format!("missing output field `{EXTRA_FIELD}`"),
    ] {
        assert!(
            rendered.contains(&needle),
            "{needle:?} not reported in:\n{rendered}"
        );
    }
    // Every failing case is named, with expected and actual values.
    for name in &corrupted {
        assert!(
            report.failures.iter().any(|failure| &failure.case == name),
            "{name:?} is not among the failures:\n{rendered}"
        );
    }
    for failure in &report.failures {
        assert!(rendered.contains(&failure.case));
    }
    assert_eq!(
        rendered.matches("expected: ").count(),
        report.failures.len()
    );

    let outcome = std::panic::catch_unwind(|| report.assert_all_passed());
    assert!(outcome.is_err(), "a failing vector must fail the test");
}

#[test]
fn decimals_compare_as_decimals_and_types_stay_strict() {
    let mut problems = Vec::new();
    compare(
        "",
        &json!({"a": "12.10", "b": [{"c": "1"}]}),
        &json!({"a": "12.1", "b": [{"c": "1.00"}]}),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    compare(
        "",
        &json!({"a": "12.10", "n": null}),
        &json!({"a": 12.1, "n": "2026-01-01"}),
        &mut problems,
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    problems.clear();
    compare("", &json!({"l": [1, 2]}), &json!({"l": [1]}), &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn malformed_cases_are_failures_too() {
    let report = run(
        &json!([{"calc": "formal_notice.deadline", "case": "no expect", "input": {"sent": "2026-01-01"}},
        {"calc": "formal_notice.deadline", "case": "bad input", "input": {"sent": "2026-13-01"}, "expect": {"last_day_to_pay": "2026-01-09"}},
        {"calc": "formal_notice.deadline", "case": "unknown input field", "input": {"sent": "2026-01-01", "by": "post"}, "expect": {"last_day_to_pay": "2026-01-09"}}]),
    );
    assert_eq!(
        (report.passed, report.failures.len()),
        (0, 3),
        "{}",
        report.render()
    );
}
