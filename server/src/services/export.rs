//! The data archives of issue 15 (DATA-1 access and portability, GTCS 9): everything the product
//! holds about one person (`my_data`), and everything a Company needs to leave with
//! (`company_data`), each as a ZIP archive built in memory with a `README.txt` documenting every
//! file and field. Never in them: password hashes, two-factor secrets, session or link tokens.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serialize;
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::db::Database;
use crate::error::ApiError;
use crate::proof_key::ProofKey;
use crate::store::export::{self, CallRow, MessageRow};
use crate::store::{company, invoices, licences, numbers, orders, stamp, two_factor, users};

/// A ZIP archive being written in memory, every file deflated and dated `at`.
struct Archive {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    options: SimpleFileOptions,
}

fn broken(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("writing the archive: {error}"))
}

impl Archive {
    fn new(at: DateTime<Utc>) -> Self {
        let modified = zip::DateTime::from_date_and_time(
            u16::try_from(at.year()).unwrap_or(1980),
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .unwrap_or_default();
        Archive {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            options: SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(modified),
        }
    }

    fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
        self.zip.start_file(name, self.options).map_err(broken)?;
        self.zip.write_all(bytes).map_err(broken)
    }

    fn json(&mut self, name: &str, value: &impl Serialize) -> Result<(), ApiError> {
        let text = serde_json::to_vec_pretty(value).map_err(broken)?;
        self.file(name, &text)
    }

    fn finish(self) -> Result<Vec<u8>, ApiError> {
        Ok(self.zip.finish().map_err(broken)?.into_inner())
    }
}

/// A CSV file (RFC 4180: comma-separated, CRLF line ends, fields quoted when they must be).
struct Csv(String);

impl Csv {
    fn new(header: &[&str]) -> Self {
        let mut csv = Csv(String::new());
        csv.row(header.iter().map(|name| name.to_string()));
        csv
    }

    fn row(&mut self, fields: impl IntoIterator<Item = String>) {
        let fields: Vec<String> = fields.into_iter().map(|field| quoted(&field)).collect();
        self.0.push_str(&fields.join(","));
        self.0.push_str("\r\n");
    }
}

fn quoted(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn text(value: Option<impl ToString>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// The file extension for a stored content type (`audio/webm` → `webm`).
fn extension(content_type: &str) -> &'static str {
    match content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "audio/webm" => "webm",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/mp4" => "m4a",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "bin",
    }
}

/// The archive's file name: `{prefix}-YYYY-MM-DD.zip`.
pub fn file_name(prefix: &str, today: NaiveDate) -> String {
    format!("{prefix}-{today}.zip")
}

const MY_DATA_README: &str = "\
YOUR DATA
=========

This archive holds everything the phone-number console keeps about you (GTCS article 9, rights
of access and portability). It was written at the instant given in person.json (exported_at).
Instants are UTC, RFC 3339 (2026-12-07T09:30:00.000000Z); dates are ISO (2026-12-07); amounts
are EUR with two decimals. CSV files are comma-separated, UTF-8, with a header line; a field
holding a comma, a quote or a line break is quoted, quotes doubled (RFC 4180). Never in this
archive: your password (only a hash of it is kept, and not even that is exported), your
two-factor secret and recovery codes, the tokens of your sessions and emailed links.

README.txt       this file.

person.json      your account:
  format           the layout's name and version.
  exported_at      when this archive was written.
  account          id, first_name, last_name, email, mobile (E.164, the operator line the
                   Manager recorded), role (manager or user), residence_country and stable_links
                   (ISO country codes: where you may hold Numbers, NUM-2), status (active or
                   deactivated), created_at, deleted_at (null unless the account was deleted).
  company          id and legal_name of the Company Account you belong to.
  acceptances      each version of the terms you accepted (ACCEPT-1): document (GTCS, GCU or
                   privacy notice), version, accepted_at, occasion (signup, order, webapp...).
  numbers          the Numbers you hold or held: e164, held_from, held_until (null: you hold it
                   now), from the record of assignments; holds_now.
  sessions_open    how many sessions (signed-in browsers) are open now.
  two_factor       enabled: whether two-factor authentication is on; required: whether your
                   Company requires it of you.

messages.csv     every message of yours, one line per message as your side keeps it:
  id               the message's id.
  time             when it was sent or received.
  direction        sent or received.
  number           your Number it went through.
  correspondent    the other party's number.
  body             the text.
  parts            how many SMS parts it took (MSG-1); encoding: gsm7 or ucs2.
  status           queued, sent, delivered, failed (sent messages) or received.
  credits_eur      Credits it cost (SMS abroad), 0.00 otherwise.
  attachment       the file of its MMS image in this archive (attachments/), empty if none.

attachments/     the MMS images you sent, received or uploaded: {id}.{extension}, the id being
                 the one messages.csv names.

calls.csv        every call you placed or received, one line per side:
  id               the call's id.
  time             when it started ringing; answered_at, ended_at (empty if it never was).
  direction        placed or received.
  number           your Number.
  other_party      the number you called, or the Number that called you.
  status           ringing, connected, ended, missed, declined or failed.
  duration_seconds how long it lasted once answered (empty if not answered).
  billed_minutes   started minutes billed to your side; credits_eur: Credits it cost.

voicemails.csv   the voicemails left for you (side received) and those you left (side left):
  id, call_id      the voicemail and its call (calls.csv).
  side             received or left.
  from, to         the caller's Number and the Number called.
  recorded_at      when it was left; duration_seconds; listened_at (empty if never played).
  content_type     the audio format; file: its file in this archive.

voicemails/      the audio of each voicemail: {id}.webm or {id}.ogg.

activity.json    the proof-log entries (PROOF-1) you authored, oldest first: seq (the entry's
                 number in your Company's log), at, action (e.g. user.create, number.assign),
                 subject (what it was done to, e.g. user:42).
";

/// Everything the product holds about the signed-in person `user_id` (DATA-1), as a ZIP.
pub async fn my_data(db: &Database, user_id: i64, now: DateTime<Utc>) -> Result<Vec<u8>, ApiError> {
    let person = export::person(db, user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let mut archive = Archive::new(now);
    archive.file("README.txt", MY_DATA_README.as_bytes())?;

    let held_now = export::numbers_held(db, user_id).await?;
    let mut periods: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for change in export::holder_changes(db, person.company_id).await? {
        let was_theirs = change.from_user == Some(user_id);
        let is_theirs = change.to_user == Some(user_id);
        if is_theirs && !was_theirs {
            periods.push((change.e164, Some(change.at), None));
        } else if was_theirs
            && !is_theirs
            && let Some(open) = periods
                .iter_mut()
                .rev()
                .find(|(e164, _, until)| *e164 == change.e164 && until.is_none())
        {
            open.2 = Some(change.at);
        }
    }
    for e164 in &held_now {
        if !periods
            .iter()
            .any(|(held, _, until)| held == e164 && until.is_none())
        {
            periods.push((e164.clone(), None, None));
        }
    }
    let numbers: Vec<_> = periods
        .iter()
        .map(|(e164, from, until)| {
            json!({
                "e164": e164,
                "held_from": from,
                "held_until": until,
                "holds_now": until.is_none() && held_now.contains(e164),
            })
        })
        .collect();
    let acceptances: Vec<_> = export::acceptances(db, user_id)
        .await?
        .into_iter()
        .map(|acceptance| {
            json!({
                "document": acceptance.document,
                "version": acceptance.version,
                "accepted_at": acceptance.accepted_at,
                "occasion": acceptance.occasion,
            })
        })
        .collect();
    let factor = two_factor::status(db, user_id).await?;
    archive.json(
        "person.json",
        &json!({
            "format": "phone-console personal data, version 1",
            "exported_at": stamp(now),
            "account": {
                "id": person.id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "mobile": person.mobile,
                "role": person.role,
                "residence_country": person.residence_country,
                "stable_links": export::stable_links(db, user_id).await?,
                "status": person.status,
                "created_at": person.created_at,
                "deleted_at": person.deleted_at,
            },
            "company": {"id": person.company_id, "legal_name": person.company_name},
            "acceptances": acceptances,
            "numbers": numbers,
            "sessions_open": export::open_sessions(db, user_id, now).await?,
            "two_factor": {"enabled": factor.enabled, "required": factor.required},
        }),
    )?;

    let mut attachment_files = BTreeMap::new();
    for attachment in export::attachments_of(db, user_id).await? {
        let name = format!(
            "attachments/{}.{}",
            attachment.id,
            extension(&attachment.content_type)
        );
        archive.file(&name, &attachment.bytes)?;
        attachment_files.insert(attachment.id, name);
    }
    let mut messages = Csv::new(&[
        "id",
        "time",
        "direction",
        "number",
        "correspondent",
        "body",
        "parts",
        "encoding",
        "status",
        "credits_eur",
        "attachment",
    ]);
    for message in export::messages_of(db, user_id).await? {
        let attachment = message
            .attachment_id
            .and_then(|id| attachment_files.get(&id).cloned());
        messages.row([
            message.id.to_string(),
            message.sent_at,
            side(&message.direction, "sent", "received"),
            message.number,
            message.correspondent,
            message.body,
            message.segments.to_string(),
            message.encoding,
            message.status,
            message.credits.to_string(),
            attachment.unwrap_or_default(),
        ]);
    }
    archive.file("messages.csv", messages.0.as_bytes())?;

    let mut calls = Csv::new(&[
        "id",
        "time",
        "answered_at",
        "ended_at",
        "direction",
        "number",
        "other_party",
        "status",
        "duration_seconds",
        "billed_minutes",
        "credits_eur",
    ]);
    for call in export::calls_of(db, user_id).await? {
        calls.row(call_fields(call, "placed", "received", false));
    }
    archive.file("calls.csv", calls.0.as_bytes())?;

    let mut voicemails = Csv::new(&[
        "id",
        "call_id",
        "side",
        "from",
        "to",
        "recorded_at",
        "duration_seconds",
        "listened_at",
        "content_type",
        "file",
    ]);
    for voicemail in export::voicemails_of(db, user_id).await? {
        let name = format!(
            "voicemails/{}.{}",
            voicemail.id,
            extension(&voicemail.content_type)
        );
        archive.file(&name, &voicemail.bytes)?;
        voicemails.row([
            voicemail.id.to_string(),
            voicemail.call_id.to_string(),
            voicemail.side,
            voicemail.from_number,
            voicemail.to_number,
            voicemail.created_at,
            voicemail.duration_seconds.to_string(),
            text(voicemail.listened_at),
            voicemail.content_type,
            name,
        ]);
    }
    archive.file("voicemails.csv", voicemails.0.as_bytes())?;

    let activity: Vec<_> = export::activity_of(db, person.company_id, user_id)
        .await?
        .into_iter()
        .map(|entry| {
            json!({
                "seq": entry.seq,
                "at": entry.at,
                "action": entry.action,
                "subject": entry.subject,
            })
        })
        .collect();
    archive.json("activity.json", &activity)?;
    archive.finish()
}

/// `outgoing` / `incoming` as the archive's words for them.
fn side(direction: &str, outgoing: &str, incoming: &str) -> String {
    match direction {
        "outgoing" => outgoing,
        _ => incoming,
    }
    .to_owned()
}

/// A calls.csv line; with the name of the person on that side when `with_user`.
fn call_fields(call: CallRow, outgoing: &str, incoming: &str, with_user: bool) -> Vec<String> {
    let mut fields = vec![
        call.id.to_string(),
        call.started_at,
        text(call.answered_at),
        text(call.ended_at),
        side(&call.direction, outgoing, incoming),
        call.number,
    ];
    if with_user {
        fields.push(call.user_name.unwrap_or_default());
    }
    fields.extend([
        call.other_party,
        call.status,
        text(call.duration_seconds),
        call.billed_minutes.to_string(),
        call.credits.to_string(),
    ]);
    fields
}

/// A Company messages.csv line: the metadata of the exchange, never its text (a message's
/// content is its User's, which the Manager does not read in the console either).
fn company_message_fields(message: MessageRow) -> Vec<String> {
    vec![
        message.id.to_string(),
        message.sent_at,
        side(&message.direction, "sent", "received"),
        message.number,
        message.user_name.unwrap_or_default(),
        message.correspondent,
        if message.attachment_id.is_some() {
            "mms"
        } else {
            "sms"
        }
        .to_owned(),
        message.segments.to_string(),
        message.status,
        message.credits.to_string(),
    ]
}

const COMPANY_README: &str = "\
THE COMPANY'S DATA
==================

This archive holds the Company Account's data (GTCS article 9, portability), so that the
Company can leave with everything. It was written at the instant given in company.json
(exported_at). Instants are UTC, RFC 3339; dates are ISO (2026-12-07); amounts are EUR decimal
strings (\"120.00\") unless a field says cents. CSV files are comma-separated, UTF-8, with a
header line, quoted as RFC 4180. The JSON files use the field names of the console's API.

README.txt         this file.

company.json       format, exported_at, and:
  company            id, created_at, details (legal_name, registration_number, billing_country,
                     vat_number, address_line1, address_line2, postal_code, city), settings
                     (promo_opt_out: PROMO-1; managers_need_two_factor).
  payment_methods    the methods on file: id and method (kind card or sepa, label, last4,
                     valid_until). Only these labels are stored: no card number, no IBAN.

users.json         every User Account: id, first_name, last_name, email, mobile,
                   residence_country, stable_links, is_manager, active, has_password (whether
                   the invitation was accepted). users.csv: the same, stable_links joined by
                   spaces. Never any password hash or secret.

numbers.json       the Company's Numbers: id, e164, country, plan (Call Plan name), licence_id,
                   user_id and user_name (who holds it, null if nobody).

licences.json      the Licences as the console shows them today: id, order_id, term (months),
                   anchor, status (active or ended), numbers (count), notice (of non-renewal,
                   NOTICE-1), schedule (current period, next renewal, last day to give notice),
                   trial (TRIAL-1).

orders.json        every Order (ACCEPT-2: irrevocable) with its lines, prices, VAT, total, who
                   placed it and the GTCS version accepted.

invoices.json      every invoice with its lines, VAT, totals, status, payments and refusals;
                   kind: order, renewal, credits_topup, penalty (the late-payment penalties
                   and recovery indemnity of a late invoice, LATE-1, LATE-2), termination
                   (what a termination for fault makes due, TERM-1) or usage (the minutes and
                   SMS of a month beyond the Call Plans, where they price them, PAY-1).
invoices/          each invoice as the PDF the console serves: invoice-{number}.pdf.

credit-notes.json  the credit notes (DISPUTE-2, DISPUTE-3): id, number, invoice_number (the
                   invoice disputed or claimed back), amount, remaining (not yet deducted),
                   issued_on, dispute_justification (the dispute's, or the claim for
                   restitution's reason), decision_reason. Credit notes have no PDF of their own
                   here: each appears as a line of the invoice it was deducted from.

proof-log.json     the Company's whole proof log (PROOF-1), as `GET /api/console/activity/export`
                   gives it: `entries` oldest first (id, company_id, seq 1, 2, 3..., at,
                   actor_user_id (null: the system), action, subject, before_json and after_json
                   (the values before and after, as JSON text), their digests, prev_hash, hash),
                   `checkpoints` (chain heads signed with the provider's Ed25519 key), the
                   `public_key` and, under `format`, how every hash and signature is computed,
                   so that the chain can be checked outside the console (`server verify-proof
                   --export proof-log.json`).

messages.csv       the messages of the Company's Numbers, one line per side kept by the Company:
                   id, time, direction (sent or received), number, user (who held the Number),
                   correspondent, kind (sms or mms), parts, status, credits_eur. The text of the
                   messages is not included: it belongs to each User, who downloads it from
                   their own account (Your account, Download my data).

calls.csv          the calls of the Company's Numbers, one line per side: id, time, answered_at,
                   ended_at, direction (placed or received), number, user, other_party, status,
                   duration_seconds, billed_minutes, credits_eur.
";

/// Everything a Company needs to leave with (DATA-1 portability), as a ZIP: its account,
/// Users, Numbers, Licences, Orders, invoices (JSON and PDF), credit notes, proof log, and the
/// communications of its Numbers.
pub async fn company_data(
    db: &Database,
    proof_key: &ProofKey,
    company_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    let record = company::record(db, company_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut archive = Archive::new(now);
    archive.file("README.txt", COMPANY_README.as_bytes())?;

    let methods: Vec<_> = company::payment_methods(db, company_id)
        .await?
        .into_iter()
        .map(|method| json!({"id": method.id, "method": method.method}))
        .collect();
    archive.json(
        "company.json",
        &json!({
            "format": "phone-console Company data, version 1",
            "exported_at": stamp(now),
            "company": {
                "id": company_id,
                "created_at": export::company_created_at(db, company_id).await?,
                "details": record.details,
                "settings": {
                    "promo_opt_out": record.promo_opt_out,
                    "managers_need_two_factor": record.managers_need_two_factor,
                },
            },
            "payment_methods": methods,
        }),
    )?;

    let people = users::list(db, company_id).await?;
    let mut users_csv = Csv::new(&[
        "id",
        "first_name",
        "last_name",
        "email",
        "mobile",
        "residence_country",
        "stable_links",
        "is_manager",
        "active",
        "has_password",
    ]);
    for user in &people {
        users_csv.row([
            user.id.to_string(),
            user.first_name.clone(),
            user.last_name.clone(),
            user.email.clone(),
            text(user.mobile.as_ref()),
            text(user.residence_country.as_ref()),
            user.stable_links.join(" "),
            user.is_manager.to_string(),
            user.active.to_string(),
            user.has_password.to_string(),
        ]);
    }
    archive.json("users.json", &people)?;
    archive.file("users.csv", users_csv.0.as_bytes())?;

    archive.json("numbers.json", &numbers::list(db, company_id).await?)?;

    let licences = licences::list(db, company_id)
        .await?
        .iter()
        .map(|record| super::licences::view(record, today))
        .collect::<Result<Vec<_>, _>>()?;
    archive.json("licences.json", &licences)?;

    let mut placed = Vec::new();
    for summary in orders::list(db, company_id).await?.into_iter().rev() {
        if let Some(order) = orders::one(db, company_id, summary.id).await? {
            placed.push(order);
        }
    }
    archive.json("orders.json", &placed)?;

    let mut issued = Vec::new();
    for summary in invoices::list(db, company_id).await?.into_iter().rev() {
        if let Some(invoice) = invoices::one(db, company_id, summary.id).await? {
            issued.push(invoice);
        }
        if let Some(pdf) = super::invoices::pdf(db, company_id, summary.id).await? {
            archive.file(&format!("invoices/invoice-{}.pdf", pdf.number), &pdf.bytes)?;
        }
    }
    archive.json("invoices.json", &issued)?;

    let credit_notes: Vec<_> = export::credit_notes(db, company_id)
        .await?
        .into_iter()
        .map(|note| {
            json!({
                "id": note.id,
                "number": note.number,
                "invoice_number": note.invoice_number,
                "amount": note.amount.to_string(),
                "remaining": note.remaining.to_string(),
                "issued_on": note.issued_on,
                "dispute_justification": note.dispute_justification,
                "decision_reason": note.decision_reason,
            })
        })
        .collect();
    archive.json("credit-notes.json", &credit_notes)?;

    let log = super::proof::export(db, proof_key, company_id, now).await?;
    archive.json("proof-log.json", &log)?;

    let mut messages = Csv::new(&[
        "id",
        "time",
        "direction",
        "number",
        "user",
        "correspondent",
        "kind",
        "parts",
        "status",
        "credits_eur",
    ]);
    for message in export::company_messages(db, company_id).await? {
        messages.row(company_message_fields(message));
    }
    archive.file("messages.csv", messages.0.as_bytes())?;

    let mut calls = Csv::new(&[
        "id",
        "time",
        "answered_at",
        "ended_at",
        "direction",
        "number",
        "user",
        "other_party",
        "status",
        "duration_seconds",
        "billed_minutes",
        "credits_eur",
    ]);
    for call in export::company_calls(db, company_id).await? {
        calls.row(call_fields(call, "placed", "received", true));
    }
    archive.file("calls.csv", calls.0.as_bytes())?;
    archive.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(["plain".to_owned(), "with, comma and \"quotes\"".to_owned()]);
        assert_eq!(csv.0, "a,b\r\nplain,\"with, comma and \"\"quotes\"\"\"\r\n");
    }

    #[test]
    fn content_types_name_their_extension() {
        assert_eq!(extension("audio/webm"), "webm");
        assert_eq!(extension("Audio/Ogg; codecs=opus"), "ogg");
        assert_eq!(extension("image/png"), "png");
        assert_eq!(extension("application/x-unknown"), "bin");
    }
}
