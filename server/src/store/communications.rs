//! The Company's communications (PAY-1, PAY-3): every call and message of its Numbers as one
//! list, filtered by period and paged by a cursor; the counting of included minutes and SMS per
//! Number and month (`domain::usage`), which says of each communication whether it is included,
//! charged beyond the plan or paid with Credits; and the usage invoice of a month, issued by the
//! scheduler on the first day of the next month with what it charges, communication by
//! communication (`usage_charges`: the statement of that invoice).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use domain::catalogue::PriceList;
use domain::money::Money;
use domain::order::VatBasis;
use domain::period::Period;
use domain::pricing::{QuoteLine, quote};
use domain::usage::{self, Settlement, Split, Unit};
use protocol::invoices::InvoiceKind;
use protocol::webapp::{CommunicationLine, Direction};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::codec::{Columns, corrupt};
use super::{audit, catalogue, invoices, stamp};
use crate::clock::paris_day;
use crate::db::Database;

/// The first instant of `day` in Europe/Paris.
pub fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(Paris)
        .earliest()
        .expect("Paris has a midnight every day")
        .with_timezone(&Utc)
}

/// The instants `[from, to)` of the days `first..=last` in Europe/Paris.
pub fn instants(first: NaiveDate, last: NaiveDate) -> (String, String) {
    let after = last.succ_opt().unwrap_or(last);
    (stamp(paris_midnight(first)), stamp(paris_midnight(after)))
}

/// Where a page starts: the line after this one, in the list's order (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: String,
    pub source: String,
    pub id: i64,
}

impl Cursor {
    /// `at~source~id`, as the API hands it out.
    pub fn encode(&self) -> String {
        format!("{}~{}~{}", self.at, self.source, self.id)
    }

    pub fn decode(raw: &str) -> Option<Cursor> {
        let mut parts = raw.splitn(3, '~');
        let at = parts.next()?.to_owned();
        let source = parts.next()?.to_owned();
        let id = parts.next()?.parse().ok()?;
        DateTime::parse_from_rfc3339(&at).ok()?;
        SOURCES
            .contains(&source.as_str())
            .then_some(Cursor { at, source, id })
    }
}

const SOURCES: [&str; 3] = ["call_in", "call_out", "message"];

/// Which communications of the Company a list holds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `[from, to)` as stamps; `None`: open.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only the Numbers of this Licence (an invoice's statement).
    pub licence_id: Option<i64>,
}

/// Sorts after every stamp (`2026-…Z`).
const AFTER_ALL: &str = "~";

impl Filter {
    /// The instants bound for `[from, to)`: open ends as values every stamp is within.
    fn bounds(&self) -> (String, String) {
        (
            self.from.clone().unwrap_or_default(),
            self.to.clone().unwrap_or_else(|| AFTER_ALL.to_owned()),
        )
    }
}

/// The Company's communications as one list: calls placed (`call_out`) and received
/// (`call_in`, a hosted call) by its Numbers, and its Numbers' messages (one row per side
/// already). Bound: `$1` the Company, `$2`/`$3` the instants (see [`Filter::bounds`]), `$4` a
/// Licence (0: any).
macro_rules! lines_sql {
    () => {
        "SELECT source, source_id, kind, number_id, number, user_id, first_name, last_name,
                correspondent, direction, at, duration_seconds, segments, units, unit,
                credits_cents, status
         FROM (
           SELECT 'call_out' AS source, c.id AS source_id, 'call' AS kind, n.id AS number_id,
                  n.e164 AS number, u.id AS user_id, u.first_name, u.last_name,
                  c.dialled AS correspondent, 'outgoing' AS direction, c.started_at AS at,
                  c.duration_seconds, CAST(NULL AS BIGINT) AS segments,
                  c.billed_minutes AS units,
                  CASE WHEN c.class = 'national' AND c.billed_minutes > 0 THEN 'minute' END AS unit,
                  c.credits_cents, c.status
           FROM calls c JOIN numbers n ON n.id = c.caller_number_id
           JOIN users u ON u.id = c.caller_user_id
           WHERE c.company_id = $1
           UNION ALL
           SELECT 'call_in', c.id, 'call', n.id, n.e164, u.id, u.first_name, u.last_name,
                  cn.e164, 'incoming', c.started_at, c.duration_seconds, CAST(NULL AS BIGINT),
                  CAST(0 AS BIGINT), CAST(NULL AS TEXT), CAST(0 AS BIGINT), c.status
           FROM calls c JOIN numbers n ON n.id = c.callee_number_id
           JOIN numbers cn ON cn.id = c.caller_number_id
           LEFT JOIN users u ON u.id = c.callee_user_id
           WHERE c.callee_company_id = $1
           UNION ALL
           SELECT 'message', m.id, CASE WHEN m.attachment_id IS NULL THEN 'sms' ELSE 'mms' END,
                  n.id, n.e164, u.id, u.first_name, u.last_name, m.correspondent, m.direction,
                  m.sent_at, CAST(NULL AS BIGINT), m.segments, m.segments,
                  CASE WHEN m.direction = 'outgoing' AND m.credits_cents = 0
                            AND m.status <> 'failed' AND m.segments > 0 THEN 'sms' END,
                  m.credits_cents, m.status
           FROM messages m JOIN numbers n ON n.id = m.number_id
           JOIN users u ON u.id = m.user_id
           WHERE m.company_id = $1
         ) lines
         WHERE at >= $2 AND at < $3
           AND ($4 = 0 OR number_id IN (
                 SELECT oln.number_id FROM licences l
                 JOIN order_lines ol ON ol.order_id = l.order_id
                 JOIN order_line_numbers oln ON oln.order_line_id = ol.id
                 WHERE l.id = $4 AND l.company_id = $1))"
    };
}

/// A communication as listed, before it is settled against its plan.
#[derive(Debug, Clone)]
struct Listed {
    source: String,
    id: i64,
    number_id: i64,
    at: String,
    counted: Option<(Unit, u32)>,
    line: CommunicationLine,
}

fn small(value: Option<i64>) -> Option<u32> {
    value.map(|value| u32::try_from(value.max(0)).unwrap_or(u32::MAX))
}

fn listed_from_row(row: &AnyRow) -> Result<Listed, sqlx::Error> {
    let direction: String = row.try_get("direction")?;
    let first: Option<String> = row.try_get("first_name")?;
    let last: Option<String> = row.try_get("last_name")?;
    let unit: Option<String> = row.try_get("unit")?;
    let units: Option<i64> = row.try_get("units")?;
    let counted = match unit.as_deref() {
        None => None,
        Some("minute") => Some((Unit::Minute, small(units).unwrap_or(0))),
        Some("sms") => Some((Unit::Sms, small(units).unwrap_or(0))),
        Some(other) => return Err(corrupt("unit", other)),
    };
    let credits_cents: i64 = row.try_get("credits_cents")?;
    let at: String = row.try_get("at")?;
    let settlement = if credits_cents > 0 {
        Settlement::Credits
    } else if counted.is_some() {
        // Settled against the month's count afterwards.
        Settlement::Included
    } else {
        Settlement::Free
    };
    Ok(Listed {
        source: row.try_get("source")?,
        id: row.try_get("source_id")?,
        number_id: row.try_get("number_id")?,
        counted,
        line: CommunicationLine {
            kind: row.try_get("kind")?,
            number: row.try_get("number")?,
            user_name: first
                .zip(last)
                .map(|(first, last)| format!("{first} {last}")),
            correspondent: row.try_get("correspondent")?,
            direction: match direction.as_str() {
                "incoming" => Direction::Incoming,
                _ => Direction::Outgoing,
            },
            at: at.clone(),
            duration_seconds: small(row.try_get("duration_seconds")?),
            segments: small(row.try_get("segments")?),
            credits: Money::from_cents(credits_cents),
            status: row.try_get("status")?,
            settlement,
            units_beyond: 0,
            amount: Money::ZERO,
        },
        at,
    })
}

/// A page of the Company's communications under `filter`, newest first, starting after
/// `before`: at most `limit` lines, each settled against its plan, and the cursor of the next
/// page when there is one.
pub async fn page(
    db: &Database,
    company_id: i64,
    filter: &Filter,
    before: Option<&Cursor>,
    limit: i64,
) -> Result<(Vec<CommunicationLine>, Option<Cursor>), sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let (from, to) = filter.bounds();
    // No cursor: before every line.
    let (at, source, id) = match before {
        Some(cursor) => (cursor.at.clone(), cursor.source.clone(), cursor.id),
        None => (AFTER_ALL.to_owned(), AFTER_ALL.to_owned(), 0),
    };
    let rows = sqlx::query(concat!(
        lines_sql!(),
        " AND (at < $5 OR (at = $5 AND source < $6) OR (at = $5 AND source = $6 AND source_id < $7))
          ORDER BY at DESC, source DESC, source_id DESC LIMIT $8"
    ))
    .bind(company_id)
    .bind(from)
    .bind(to)
    .bind(filter.licence_id.unwrap_or(0))
    .bind(at)
    .bind(source)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(&mut *connection)
    .await?;
    let mut listed = rows
        .iter()
        .map(listed_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = listed.len() as i64 > limit;
    listed.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        listed.last().map(|last| Cursor {
            at: last.at.clone(),
            source: last.source.clone(),
            id: last.id,
        })
    } else {
        None
    };
    settle_in(&mut connection, company_id, &mut listed).await?;
    Ok((listed.into_iter().map(|listed| listed.line).collect(), next))
}

/// Every communication of the Company under `filter`, oldest first, settled (a CSV export, an
/// invoice's statement).
pub async fn all(
    db: &Database,
    company_id: i64,
    filter: &Filter,
) -> Result<Vec<CommunicationLine>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let (from, to) = filter.bounds();
    let rows = sqlx::query(concat!(lines_sql!(), " ORDER BY at, source, source_id"))
        .bind(company_id)
        .bind(from)
        .bind(to)
        .bind(filter.licence_id.unwrap_or(0))
        .fetch_all(&mut *connection)
        .await?;
    let mut listed = rows
        .iter()
        .map(listed_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    settle_in(&mut connection, company_id, &mut listed).await?;
    Ok(listed.into_iter().map(|listed| listed.line).collect())
}

/// One communication counted against a Number's plan in a month.
#[derive(Debug, Clone)]
struct Counted {
    source: &'static str,
    id: i64,
    at: String,
    unit: Unit,
    units: u32,
}

/// The communications of `number_id` counted against its plan over `[from, to)` for the
/// Company, oldest first: national calls placed (per started minute) and national messages
/// sent (per part).
async fn counted_in(
    connection: &mut AnyConnection,
    company_id: i64,
    number_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<Counted>, sqlx::Error> {
    let rows: Vec<(String, i64, String, i64, String)> = sqlx::query_as(
        "SELECT source, source_id, at, units, unit FROM (
           SELECT 'call_out' AS source, id AS source_id, started_at AS at,
                  billed_minutes AS units, 'minute' AS unit
           FROM calls
           WHERE company_id = $1 AND caller_number_id = $2 AND class = 'national'
             AND billed_minutes > 0 AND started_at >= $3 AND started_at < $4
           UNION ALL
           SELECT 'message', id, sent_at, segments, 'sms'
           FROM messages
           WHERE company_id = $1 AND number_id = $2 AND direction = 'outgoing'
             AND credits_cents = 0 AND status <> 'failed' AND segments > 0
             AND sent_at >= $3 AND sent_at < $4
         ) counted ORDER BY at, source, source_id",
    )
    .bind(company_id)
    .bind(number_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *connection)
    .await?;
    rows.into_iter()
        .map(|(source, id, at, units, unit)| {
            Ok(Counted {
                source: if source == "message" {
                    "message"
                } else {
                    "call_out"
                },
                id,
                at,
                unit: if unit == "minute" {
                    Unit::Minute
                } else {
                    Unit::Sms
                },
                units: u32::try_from(units).map_err(|_| corrupt("units", units))?,
            })
        })
        .collect()
}

/// The Call Plan of `number_id` for the Company: the plan it was last ordered with (the Number
/// may since have been released), else the one it holds.
async fn plan_of_in(
    connection: &mut AnyConnection,
    company_id: i64,
    number_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let plan: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT COALESCE(
           (SELECT ol.plan_id FROM order_line_numbers oln
            JOIN order_lines ol ON ol.id = oln.order_line_id
            JOIN orders o ON o.id = ol.order_id
            WHERE oln.number_id = $2 AND o.company_id = $1
            ORDER BY ol.id DESC LIMIT 1),
           (SELECT plan_id FROM numbers WHERE id = $2 AND company_id = $1))",
    )
    .bind(company_id)
    .bind(number_id)
    .fetch_optional(&mut *connection)
    .await?;
    Ok(plan.flatten())
}

/// What the plan of a Number includes per month.
fn included_in(list: &PriceList, plan_id: Option<i64>) -> (Option<u32>, Option<u32>) {
    match plan_id.and_then(|plan_id| list.plan(plan_id)) {
        Some(plan) => (plan.included_minutes, plan.included_sms),
        // No plan known: nothing is counted beyond.
        None => (None, None),
    }
}

/// One Number's month, counted and settled: each counted communication with its split, its
/// settlement and amount.
#[derive(Debug, Clone)]
struct SettledMonth {
    plan_id: Option<i64>,
    included_minutes: Option<u32>,
    included_sms: Option<u32>,
    lines: Vec<(Counted, Split, Settlement, Option<Money>, Money)>,
}

/// PAY-1: counts `number_id`'s communications of the month starting `month_first` against its
/// plan, in the order they happened, and prices what went beyond at the price in force on each
/// communication's day (PRICE-6).
async fn settle_month_in(
    connection: &mut AnyConnection,
    list: &PriceList,
    company_id: i64,
    number_id: i64,
    month_first: NaiveDate,
) -> Result<SettledMonth, sqlx::Error> {
    let (first, next) = usage::month_of(month_first);
    let (from, to) = (stamp(paris_midnight(first)), stamp(paris_midnight(next)));
    let counted = counted_in(connection, company_id, number_id, &from, &to).await?;
    let plan_id = plan_of_in(connection, company_id, number_id).await?;
    let (included_minutes, included_sms) = included_in(list, plan_id);
    let mut lines = Vec::with_capacity(counted.len());
    for unit in [Unit::Minute, Unit::Sms] {
        let of_unit: Vec<&Counted> = counted.iter().filter(|c| c.unit == unit).collect();
        let included = match unit {
            Unit::Minute => included_minutes,
            Unit::Sms => included_sms,
        };
        let units: Vec<u32> = of_unit.iter().map(|c| c.units).collect();
        for (communication, split) in of_unit.into_iter().zip(usage::split(included, &units)) {
            let day = paris_day(super::codec::parsed::<DateTime<Utc>>(
                "at",
                &communication.at,
            )?);
            let price = plan_id.and_then(|plan_id| list.price_beyond(plan_id, unit, day));
            let (settlement, amount) = usage::settle(split, price)
                .ok_or_else(|| sqlx::Error::Protocol("usage amount overflow".into()))?;
            lines.push((communication.clone(), split, settlement, price, amount));
        }
    }
    lines.sort_by(|a, b| (&a.0.at, a.0.source, a.0.id).cmp(&(&b.0.at, b.0.source, b.0.id)));
    Ok(SettledMonth {
        plan_id,
        included_minutes,
        included_sms,
        lines,
    })
}

/// Settles each counted communication of `listed` against its Number's month.
async fn settle_in(
    connection: &mut AnyConnection,
    company_id: i64,
    listed: &mut [Listed],
) -> Result<(), sqlx::Error> {
    let mut months: BTreeMap<(i64, NaiveDate), ()> = BTreeMap::new();
    for line in listed.iter().filter(|line| line.counted.is_some()) {
        let day = paris_day(super::codec::parsed::<DateTime<Utc>>("at", &line.at)?);
        months.insert((line.number_id, usage::month_of(day).0), ());
    }
    if months.is_empty() {
        return Ok(());
    }
    let list = catalogue::price_list_in(connection).await?;
    let mut settled: HashMap<(&'static str, i64), (Split, Settlement, Money)> = HashMap::new();
    for (number_id, month_first) in months.into_keys() {
        let month = settle_month_in(connection, &list, company_id, number_id, month_first).await?;
        for (counted, split, settlement, _, amount) in month.lines {
            settled.insert((counted.source, counted.id), (split, settlement, amount));
        }
    }
    for line in listed.iter_mut().filter(|line| line.counted.is_some()) {
        let source = if line.source == "message" {
            "message"
        } else {
            "call_out"
        };
        if let Some((split, settlement, amount)) = settled.get(&(source, line.id)) {
            line.line.settlement = *settlement;
            line.line.units_beyond = split.beyond;
            line.line.amount = *amount;
        }
    }
    Ok(())
}

/// PAY-1: a Number's month so far: what its plan includes, what was used, what went beyond
/// and what it comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberMonth {
    pub plan_id: Option<i64>,
    pub included_minutes: Option<u32>,
    pub included_sms: Option<u32>,
    pub minutes_used: u32,
    pub sms_used: u32,
    pub minutes_beyond: u32,
    pub sms_beyond: u32,
    pub charged: Money,
}

/// PAY-1: `number_id`'s month of `day` for the Company, counted.
pub async fn number_month(
    db: &Database,
    company_id: i64,
    number_id: i64,
    day: NaiveDate,
) -> Result<(NumberMonth, PriceList), sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    let list = catalogue::price_list_in(&mut connection).await?;
    let month = settle_month_in(
        &mut connection,
        &list,
        company_id,
        number_id,
        usage::month_of(day).0,
    )
    .await?;
    let mut summary = NumberMonth {
        plan_id: month.plan_id,
        included_minutes: month.included_minutes,
        included_sms: month.included_sms,
        minutes_used: 0,
        sms_used: 0,
        minutes_beyond: 0,
        sms_beyond: 0,
        charged: Money::ZERO,
    };
    for (counted, split, _, _, amount) in &month.lines {
        let (used, beyond) = match counted.unit {
            Unit::Minute => (&mut summary.minutes_used, &mut summary.minutes_beyond),
            Unit::Sms => (&mut summary.sms_used, &mut summary.sms_beyond),
        };
        *used = used.saturating_add(counted.units);
        *beyond = beyond.saturating_add(split.beyond);
        summary.charged = summary
            .charged
            .checked_add(*amount)
            .unwrap_or(summary.charged);
    }
    Ok((summary, list))
}

/// What a usage invoice charges for one communication.
#[derive(Debug, Clone)]
struct Charge {
    line_no: usize,
    counted: Counted,
    split: Split,
    price: Money,
    amount: Money,
}

/// PAY-1 (house reading "Usage after the month"): on the first day of a month, inside the
/// scheduler's transaction for that day, one usage invoice per Company for the previous month,
/// listing per Number and unit (and price) the minutes and SMS beyond the plans where they are
/// priced; none when nothing is owed. A Company's month is invoiced once (a unique index), and
/// each communication charged once (`usage_charges`). The number of invoices issued.
pub async fn invoice_month_in(
    connection: &mut AnyConnection,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let Some((first, last)) = usage::month_invoiced_on(day) else {
        return Ok(0);
    };
    let (from, to) = instants(first, last);
    let counted: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT company_id, number_id FROM (
           SELECT company_id, caller_number_id AS number_id FROM calls
           WHERE class = 'national' AND billed_minutes > 0 AND started_at >= $1 AND started_at < $2
           UNION
           SELECT company_id, number_id FROM messages
           WHERE direction = 'outgoing' AND credits_cents = 0 AND status <> 'failed'
             AND segments > 0 AND sent_at >= $1 AND sent_at < $2
         ) counted
         WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.company_id = counted.company_id
                           AND i.kind = 'usage' AND i.period_first_day = $3)
         ORDER BY company_id, number_id",
    )
    .bind(&from)
    .bind(&to)
    .bind(first.to_string())
    .fetch_all(&mut *connection)
    .await?;
    if counted.is_empty() {
        return Ok(0);
    }
    let list = catalogue::price_list_in(connection).await?;
    let mut by_company: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (company_id, number_id) in counted {
        by_company.entry(company_id).or_default().push(number_id);
    }
    let period =
        Period::new(first, last).map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
    let mut issued = 0;
    for (company_id, numbers) in by_company {
        // (description, unit price) → quantity, in order of Number then unit.
        let mut lines: Vec<(String, Money, u32)> = Vec::new();
        let mut charges: Vec<Charge> = Vec::new();
        for number_id in numbers {
            let month = settle_month_in(connection, &list, company_id, number_id, first).await?;
            let e164: String = sqlx::query_scalar("SELECT e164 FROM numbers WHERE id = $1")
                .bind(number_id)
                .fetch_one(&mut *connection)
                .await?;
            let plan_name = month
                .plan_id
                .and_then(|plan_id| list.plan(plan_id))
                .map(|plan| plan.name.clone())
                .unwrap_or_default();
            for (counted, split, settlement, price, amount) in month.lines {
                let (Settlement::Charged, Some(price)) = (settlement, price) else {
                    continue;
                };
                let included = match counted.unit {
                    Unit::Minute => month.included_minutes,
                    Unit::Sms => month.included_sms,
                }
                .unwrap_or(0);
                let description = format!(
                    "{e164}, {plan_name} plan, {}: {} beyond the {included} included",
                    first.format("%B %Y"),
                    match counted.unit {
                        Unit::Minute => "minutes",
                        Unit::Sms => "SMS",
                    },
                );
                let line_no = match lines
                    .iter()
                    .position(|(text, unit_price, _)| *text == description && *unit_price == price)
                {
                    Some(at) => at,
                    None => {
                        lines.push((description, price, 0));
                        lines.len() - 1
                    }
                };
                lines[line_no].2 += split.beyond;
                charges.push(Charge {
                    line_no,
                    counted,
                    split,
                    price,
                    amount,
                });
            }
        }
        if charges.is_empty() {
            continue;
        }
        let vat: VatBasis = catalogue::vat_basis_in(connection, company_id)
            .await?
            .ok_or_else(|| sqlx::Error::Protocol(format!("company {company_id} is gone")))?;
        let to_price: Vec<QuoteLine> = lines
            .iter()
            .map(|(_, unit_price, quantity)| QuoteLine {
                unit_price: *unit_price,
                quantity: *quantity,
                discount: domain::pricing::Discount::NONE,
            })
            .collect();
        let quoted = quote(vat.rate(), &to_price)
            .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
        let priced = invoices::Priced {
            billing: None,
            vat_rate: vat.rate(),
            vat_reason: vat.reason(),
            lines: lines
                .iter()
                .zip(&quoted.lines)
                .map(
                    |((description, unit_price, quantity), line)| invoices::PricedLine {
                        description: description.clone(),
                        plan_id: None,
                        quantity: *quantity,
                        unit_price: *unit_price,
                        discount: domain::pricing::Discount::NONE,
                        net: line.net,
                    },
                )
                .collect(),
            subtotal: quoted.subtotal,
            vat: quoted.vat,
            total: quoted.total,
        };
        let invoice = invoices::issue(
            connection,
            invoices::NewInvoice {
                company_id,
                actor_user_id: None,
                kind: InvoiceKind::Usage,
                order_id: None,
                licence_id: None,
                period: Some(period),
                issue_date: day,
                priced: &priced,
            },
            now,
        )
        .await?;
        record_charges_in(connection, invoice.id, &charges).await?;
        let change = audit::Change::new(
            company_id,
            None,
            "usage.invoice",
            format!("invoice:{}", invoice.id),
        )
        .after(&serde_json::json!({
            "month": [first, last],
            "communications": charges.len(),
            "subtotal": priced.subtotal,
        }));
        audit::record(connection, change, now).await?;
        issued += 1;
    }
    Ok(issued)
}

/// Writes what `invoice_id` charged, one row per communication, with what a statement shows
/// of it as it stands now.
async fn record_charges_in(
    connection: &mut AnyConnection,
    invoice_id: i64,
    charges: &[Charge],
) -> Result<(), sqlx::Error> {
    for charge in charges {
        let sql = match charge.counted.source {
            "message" => {
                "INSERT INTO usage_charges (invoice_id, line_no, source, source_id, number_id, e164,
                     user_id, at, correspondent, kind, duration_seconds, parts, units_included,
                     units_beyond, unit_price_cents, amount_cents)
                 SELECT $1, $2, 'message', m.id, m.number_id, n.e164, m.user_id, m.sent_at,
                        m.correspondent,
                        CASE WHEN m.attachment_id IS NULL THEN 'sms' ELSE 'mms' END,
                        CAST(NULL AS BIGINT), m.segments, $4, $5, $6, $7
                 FROM messages m JOIN numbers n ON n.id = m.number_id WHERE m.id = $3"
            }
            _ => {
                "INSERT INTO usage_charges (invoice_id, line_no, source, source_id, number_id, e164,
                     user_id, at, correspondent, kind, duration_seconds, parts, units_included,
                     units_beyond, unit_price_cents, amount_cents)
                 SELECT $1, $2, 'call', c.id, c.caller_number_id, n.e164, c.caller_user_id,
                        c.started_at, c.dialled, 'call', c.duration_seconds, CAST(NULL AS BIGINT),
                        $4, $5, $6, $7
                 FROM calls c JOIN numbers n ON n.id = c.caller_number_id WHERE c.id = $3"
            }
        };
        sqlx::query(sql)
            .bind(invoice_id)
            .bind(charge.line_no as i64 + 1)
            .bind(charge.counted.id)
            .bind(i64::from(charge.split.included))
            .bind(i64::from(charge.split.beyond))
            .bind(invoices::whole_cents(charge.price)?)
            .bind(invoices::whole_cents(charge.amount)?)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// PAY-3: the communications a usage invoice charged, oldest first, as they stood when it was
/// issued (the User named as their row reads now).
pub async fn charged_by(
    db: &Database,
    invoice_id: i64,
) -> Result<Vec<CommunicationLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.kind, c.e164, u.first_name, u.last_name, c.correspondent, c.at,
                c.duration_seconds, c.parts, c.units_beyond, c.amount_cents
         FROM usage_charges c LEFT JOIN users u ON u.id = c.user_id
         WHERE c.invoice_id = $1 ORDER BY c.at, c.id",
    )
    .bind(invoice_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let first: Option<String> = row.try_get("first_name")?;
            let last: Option<String> = row.try_get("last_name")?;
            let kind: String = row.try_get("kind")?;
            Ok(CommunicationLine {
                status: if kind == "call" { "ended" } else { "sent" }.to_owned(),
                kind,
                number: row.try_get("e164")?,
                user_name: first
                    .zip(last)
                    .map(|(first, last)| format!("{first} {last}")),
                correspondent: row.try_get("correspondent")?,
                direction: Direction::Outgoing,
                at: row.try_get("at")?,
                duration_seconds: small(row.try_get("duration_seconds")?),
                segments: small(row.try_get("parts")?),
                credits: Money::ZERO,
                settlement: Settlement::Charged,
                units_beyond: small(Some(row.integer("units_beyond")?)).unwrap_or(0),
                amount: row.money("amount_cents")?,
            })
        })
        .collect()
}
