//! Orders (PRICE-1, PRICE-2, ACCEPT-1, ACCEPT-2). Placing one is a single transaction: the
//! quote is recomputed with the domain's code from the price list in force today, the Numbers
//! are claimed, and the Order, its lines and Numbers, its Licence, the GTCS acceptance and the
//! proof-log entry are written together, or nothing is. Orders are only ever inserted: the
//! database refuses to update or delete them.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Money;
use domain::catalogue::Billing;
use domain::country::CountryCode;
use domain::order::{
    ChosenNumber, LineRequest, OrderError, OrderForm, OrderQuote, cents, check_sold_in,
    explain_change, quote_order,
};
use domain::payment_default::price_list_for;
use protocol::orders::{OrderLicence, OrderLineView, OrderSummary, OrderView};
use sqlx::{AnyConnection, Row};

use super::codec::{corrupt, parsed};
use super::{audit, catalogue, invoices, stamp, trials};
use crate::db::{Database, is_unique_violation};

/// Why an Order was not placed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// PAY-2: no payment method valid today.
    #[error("no valid payment method")]
    NoPaymentMethod,
    /// The order cannot be priced or names what does not exist (a sentence for the Manager).
    #[error("{0}")]
    Impossible(String),
    /// These Numbers (E.164) belong to a Company already.
    #[error("numbers taken: {0:?}")]
    NumbersTaken(Vec<String>),
    /// The recomputed total differs from the one the Manager saw; says what changed.
    #[error("{0}")]
    QuoteChanged(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A placed Order: the one this request created, as the Company reads it (built from what was
/// written, not read again), or the id of the one its idempotency key had already placed.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    Created(OrderView),
    Existing(i64),
}

/// Who places the Order, when, and what they know.
#[derive(Debug, Clone, Copy)]
pub struct Placing<'a> {
    pub company_id: i64,
    pub user_id: i64,
    pub gtcs_version: &'a str,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// PAY-2, checked by the caller with `store::company::has_valid_payment_method`.
    pub has_valid_payment_method: bool,
}

/// `$first, $first+1, …` for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|index| format!("${index}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds at most this many ids per statement.
const CHUNK: usize = 500;

async fn existing(
    connection: &mut AnyConnection,
    company_id: i64,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM orders WHERE company_id = $1 AND idempotency_key = $2")
        .bind(company_id)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await
}

/// In one statement: the Order the Company already placed with this idempotency key, if any,
/// and the name of who places this one (first and last name, as [`one`] shows it).
async fn existing_and_placer(
    connection: &mut AnyConnection,
    placing: &Placing<'_>,
    key: &str,
) -> Result<(Option<i64>, String), sqlx::Error> {
    let (existing, placer): (Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT (SELECT id FROM orders WHERE company_id = $1 AND idempotency_key = $2),
                (SELECT first_name || ' ' || last_name FROM users WHERE id = $3)",
    )
    .bind(placing.company_id)
    .bind(key)
    .bind(placing.user_id)
    .fetch_one(&mut *connection)
    .await?;
    Ok((existing, placer.ok_or(sqlx::Error::RowNotFound)?))
}

/// The Numbers with these ids: (id → e164, country, holding company).
async fn numbers_by_id(
    connection: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, (String, String, Option<i64>)>, sqlx::Error> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, e164, country, company_id FROM numbers WHERE id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *connection).await? {
            found.insert(
                row.try_get("id")?,
                (
                    row.try_get("e164")?,
                    row.try_get("country")?,
                    row.try_get("company_id")?,
                ),
            );
        }
    }
    Ok(found)
}

/// PRICE-1, PRICE-2, ACCEPT-1, ACCEPT-2: places the Order `form` (already validated by
/// `domain::order::validate_order_form`) for the Company, or refuses it saying why.
pub async fn place(
    db: &Database,
    placing: Placing<'_>,
    form: &OrderForm,
) -> Result<Placed, PlaceError> {
    let key = form.idempotency_key.trim();
    let mut tx = db.write().await?;
    invoices::lock_numbering(&mut tx, placing.today.year()).await?;
    // One Order of a Company at a time: this locks the Company's row (PostgreSQL; SQLite's
    // write transaction already excludes other writers), so a concurrent request with the same
    // key waits here, then finds the Order the first one placed.
    super::lock_company(&mut tx, placing.company_id).await?;
    let (existing_order, placed_by) = existing_and_placer(&mut tx, &placing, key).await?;
    if let Some(order_id) = existing_order {
        return Ok(Placed::Existing(order_id));
    }
    if !placing.has_valid_payment_method {
        return Err(PlaceError::NoPaymentMethod);
    }
    // TRIAL-1: a trial Order takes the trial the provider offered the Company.
    let trial = if form.trial {
        Some(
            trials::open_offer_in(&mut tx, placing.company_id, placing.today)
                .await?
                .ok_or_else(|| {
                    PlaceError::Impossible(
                        "No trial is offered to the Company today: place the Order without a trial."
                            .into(),
                    )
                })?,
        )
    } else {
        None
    };
    // TRIAL-1: a trial's Licence starts (its anchor) the day after the trial's end.
    let anchor = match trial {
        Some(offer) => offer.trial_end.succ_opt().ok_or_else(|| {
            PlaceError::Impossible("The trial ends too late in the calendar.".into())
        })?,
        None => placing.today,
    };
    let (vat, standing) = catalogue::order_terms_in(&mut tx, placing.company_id)
        .await?
        .ok_or_else(|| PlaceError::Impossible("The Company Account no longer exists.".into()))?;
    // LATE-3: while a payment default withholds them, Orders get no discount.
    let list = price_list_for(&catalogue::price_list_in(&mut tx).await?, &standing);

    // The Numbers: they exist, no Company holds them, and their plan is sold in their country.
    let ids: Vec<i64> = form
        .lines
        .iter()
        .flat_map(|line| line.number_ids.iter().copied())
        .collect();
    let found = numbers_by_id(&mut tx, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !found.contains_key(id)) {
        return Err(PlaceError::Impossible(format!(
            "Number {missing} does not exist: search the available Numbers again."
        )));
    }
    let mut taken: Vec<String> = found
        .values()
        .filter(|(_, _, holder)| holder.is_some())
        .map(|(e164, _, _)| e164.clone())
        .collect();
    if !taken.is_empty() {
        taken.sort();
        return Err(PlaceError::NumbersTaken(taken));
    }
    let mut chosen = Vec::with_capacity(form.lines.len());
    for line in &form.lines {
        let mut numbers = Vec::with_capacity(line.number_ids.len());
        for id in &line.number_ids {
            let (e164, country, _) = &found[id];
            let country: CountryCode = country.parse().map_err(|_| {
                sqlx::Error::Decode(format!("number {id} has an invalid country {country}").into())
            })?;
            numbers.push(ChosenNumber {
                id: *id,
                e164: e164.clone(),
                country,
            });
        }
        chosen.push((line.plan_id, numbers));
    }
    check_sold_in(&list, &chosen).map_err(impossible)?;

    // The quote, recomputed with today's prices: it must be the one the Manager accepted.
    let requests: Vec<LineRequest> = form
        .lines
        .iter()
        .map(|line| LineRequest {
            plan_id: line.plan_id,
            quantity: line.number_ids.len() as u32,
        })
        .collect();
    let quote =
        quote_order(&list, form.billing, &requests, placing.today, vat).map_err(impossible)?;
    if quote.total != form.expected_total {
        let before = form
            .priced_on
            .filter(|day| *day != placing.today)
            .and_then(|day| quote_order(&list, form.billing, &requests, day, vat).ok());
        return Err(PlaceError::QuoteChanged(explain_change(
            form.expected_total,
            &quote,
            before.as_ref(),
        )));
    }

    // The Order first: a concurrent request with the same key stops here, on the unique key.
    let order_id = match insert_order(&mut tx, &placing, form, key, &quote).await {
        Ok(order_id) => order_id,
        Err(error) if is_unique_violation(&error) => {
            drop(tx);
            let mut connection = db.pool.acquire().await?;
            return match existing(&mut connection, placing.company_id, key).await? {
                Some(order_id) => Ok(Placed::Existing(order_id)),
                None => Err(error.into()),
            };
        }
        Err(error) => return Err(error.into()),
    };
    let licence_id: i64 = sqlx::query_scalar(
        "INSERT INTO licences (company_id, order_id, term_months, anchor, status, trial_end,
                               trial_auto_commit)
         VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id",
    )
    .bind(placing.company_id)
    .bind(order_id)
    .bind(i64::from(form.billing.term_months()))
    .bind(anchor.to_string())
    .bind(trial.map(|offer| offer.trial_end.to_string()))
    .bind(i64::from(trial.is_none_or(|offer| offer.auto_commit)))
    .fetch_one(&mut *tx)
    .await?;
    let mut lines = Vec::with_capacity(chosen.len());
    for ((plan_id, numbers), line) in chosen.iter().zip(&quote.lines) {
        let line_id = insert_line(&mut tx, order_id, form.billing, line).await?;
        claim_numbers(&mut tx, &placing, licence_id, *plan_id, line_id, numbers).await?;
        let mut e164s: Vec<String> = numbers.iter().map(|number| number.e164.clone()).collect();
        e164s.sort();
        lines.push(OrderLineView {
            plan_id: line.plan_id,
            description: line.description(form.billing),
            quantity: line.quantity,
            unit_price: stored_money(line.unit_price)?,
            discount_pct: parsed("discount", &line.discount.to_string())?,
            net: stored_money(line.net)?,
            numbers: e164s,
        });
    }
    sqlx::query(
        "INSERT INTO gtcs_acceptances (company_id, user_id, gtcs_version, accepted_at, occasion)
         VALUES ($1, $2, $3, $4, 'order')",
    )
    .bind(placing.company_id)
    .bind(placing.user_id)
    .bind(placing.gtcs_version)
    .bind(stamp(placing.now))
    .execute(&mut *tx)
    .await?;
    let record = serde_json::json!({
        "billing": form.billing,
        "lines": quote.lines.iter().zip(&chosen).map(|(line, (_, numbers))| serde_json::json!({
            "plan": line.plan_name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount,
            "net": line.net,
            "numbers": numbers.iter().map(|number| number.e164.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "vat_rate": quote.vat_rate,
        "subtotal": quote.subtotal,
        "vat": quote.vat,
        "total": quote.total,
        "accepted_gtcs_version": placing.gtcs_version,
        "licence": {"id": licence_id, "term_months": form.billing.term_months(), "anchor": anchor},
        "trial": trial.map(|offer| serde_json::json!({
            "trial_end": offer.trial_end,
            "auto_commit": offer.auto_commit,
        })),
    });
    let change = audit::Change::new(
        placing.company_id,
        Some(placing.user_id),
        "order.place",
        format!("order:{order_id}"),
    )
    .after(&record);
    audit::record(&mut tx, change, placing.now).await?;
    match trial {
        // TRIAL-1: no invoice now; the scheduler issues the first one if the trial converts.
        Some(offer) => trials::take_offer_in(&mut tx, offer.id, order_id).await?,
        None => {
            invoices::issue_for_order(&mut tx, &placing, order_id, licence_id, &quote).await?;
        }
    }
    tx.commit().await?;
    // What `one` would read back: every value as stored.
    Ok(Placed::Created(OrderView {
        id: order_id,
        placed_at: stamp(placing.now),
        placed_by,
        billing: form.billing,
        vat_rate: parsed("VAT rate", &quote.vat_rate.to_string())?,
        subtotal: stored_money(quote.subtotal)?,
        vat: stored_money(quote.vat)?,
        total: stored_money(quote.total)?,
        gtcs_version: placing.gtcs_version.to_owned(),
        licence: OrderLicence {
            id: licence_id,
            term_months: form.billing.term_months(),
            anchor,
        },
        lines,
    }))
}

/// An amount as stored (whole cents) and read back.
fn stored_money(amount: Money) -> Result<Money, sqlx::Error> {
    whole_cents(amount).map(Money::from_cents)
}

fn impossible(error: OrderError) -> PlaceError {
    // The domain's messages start with the rule ID; the Manager reads the sentence after it.
    let message = error.to_string();
    let sentence = message
        .split_once(": ")
        .map_or(message.as_str(), |(_, rest)| rest);
    let mut sentence = sentence.to_owned();
    if let Some(first) = sentence.get(..1) {
        sentence.replace_range(..1, &first.to_uppercase());
    }
    PlaceError::Impossible(sentence)
}

fn whole_cents(amount: Money) -> Result<i64, sqlx::Error> {
    cents(amount)
        .ok_or_else(|| sqlx::Error::Protocol(format!("{amount} is not a whole number of cents")))
}

async fn insert_order(
    connection: &mut AnyConnection,
    placing: &Placing<'_>,
    form: &OrderForm,
    key: &str,
    quote: &OrderQuote,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO orders (company_id, placed_by, placed_at, idempotency_key, billing, vat_rate,
                             subtotal_cents, vat_cents, total_cents, gtcs_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(placing.company_id)
    .bind(placing.user_id)
    .bind(stamp(placing.now))
    .bind(key)
    .bind(form.billing.as_str())
    .bind(quote.vat_rate.to_string())
    .bind(whole_cents(quote.subtotal)?)
    .bind(whole_cents(quote.vat)?)
    .bind(whole_cents(quote.total)?)
    .bind(placing.gtcs_version)
    .fetch_one(&mut *connection)
    .await
}

async fn insert_line(
    connection: &mut AnyConnection,
    order_id: i64,
    billing: Billing,
    line: &domain::order::QuotedLine,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO order_lines (order_id, plan_id, description, quantity, unit_price_cents, discount_pct, net_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(order_id)
    .bind(line.plan_id)
    .bind(line.description(billing))
    .bind(i64::from(line.quantity))
    .bind(whole_cents(line.unit_price)?)
    .bind(line.discount.to_string())
    .bind(whole_cents(line.net)?)
    .fetch_one(&mut *connection)
    .await
}

/// Gives the Numbers to the Company under the Licence and plan, and records them on the line.
/// A Number another transaction claimed meanwhile fails the whole Order.
async fn claim_numbers(
    connection: &mut AnyConnection,
    placing: &Placing<'_>,
    licence_id: i64,
    plan_id: i64,
    line_id: i64,
    numbers: &[ChosenNumber],
) -> Result<(), PlaceError> {
    for chunk in numbers.chunks(CHUNK) {
        let sql = format!(
            "UPDATE numbers SET company_id = $1, licence_id = $2, plan_id = $3
             WHERE company_id IS NULL AND id IN ({})",
            placeholders(4, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(placing.company_id)
            .bind(licence_id)
            .bind(plan_id);
        for number in chunk {
            query = query.bind(number.id);
        }
        let claimed = query.execute(&mut *connection).await?.rows_affected();
        if claimed != chunk.len() as u64 {
            let ids: Vec<i64> = chunk.iter().map(|number| number.id).collect();
            let now = numbers_by_id(connection, &ids).await?;
            let mut taken: Vec<String> = now
                .values()
                .filter(|(_, _, holder)| *holder != Some(placing.company_id))
                .map(|(e164, _, _)| e164.clone())
                .collect();
            taken.sort();
            return Err(PlaceError::NumbersTaken(taken));
        }
        let sql = format!(
            "INSERT INTO order_line_numbers (order_line_id, number_id, e164) VALUES {}",
            super::values_rows(chunk.len(), 3)
        );
        let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
        for number in chunk {
            insert = insert.bind(line_id).bind(number.id).bind(&number.e164);
        }
        insert.execute(&mut *connection).await?;
    }
    Ok(())
}

/// The Company's Orders, newest first.
pub async fn list(db: &Database, company_id: i64) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.id, o.placed_at, o.billing, o.total_cents,
                CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS BIGINT) AS numbers
         FROM orders o WHERE o.company_id = $1 ORDER BY o.id DESC",
    )
    .bind(company_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let billing: String = row.try_get("billing")?;
            let numbers: i64 = row.try_get("numbers")?;
            Ok(OrderSummary {
                id: row.try_get("id")?,
                placed_at: row.try_get("placed_at")?,
                billing: billing.parse().map_err(|_| corrupt("billing", &billing))?,
                numbers: u32::try_from(numbers).map_err(|_| corrupt("quantity", numbers))?,
                total: Money::from_cents(row.try_get("total_cents")?),
            })
        })
        .collect()
}

/// One of the Company's Orders; `None` when it does not exist or belongs to another Company.
pub async fn one(
    db: &Database,
    company_id: i64,
    order_id: i64,
) -> Result<Option<OrderView>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT o.id, o.placed_at, o.billing, o.vat_rate, o.subtotal_cents, o.vat_cents, o.total_cents,
                o.gtcs_version, u.first_name, u.last_name
         FROM orders o JOIN users u ON u.id = o.placed_by
         WHERE o.id = $1 AND o.company_id = $2",
    )
    .bind(order_id)
    .bind(company_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let licence = sqlx::query(
        "SELECT id, term_months, anchor FROM licences WHERE order_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(order_id)
    .fetch_one(&db.pool)
    .await?;
    let term_months: i64 = licence.try_get("term_months")?;
    let anchor: String = licence.try_get("anchor")?;
    let numbers = sqlx::query(
        "SELECT n.order_line_id, n.e164 FROM order_line_numbers n
         JOIN order_lines l ON l.id = n.order_line_id
         WHERE l.order_id = $1 ORDER BY n.e164",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    let line_rows = sqlx::query(
        "SELECT id, plan_id, description, quantity, unit_price_cents, discount_pct, net_cents
         FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    let mut lines = Vec::with_capacity(line_rows.len());
    for line in &line_rows {
        let line_id: i64 = line.try_get("id")?;
        let quantity: i64 = line.try_get("quantity")?;
        let discount: String = line.try_get("discount_pct")?;
        let mut line_numbers = Vec::new();
        for number in &numbers {
            if number.try_get::<i64, _>("order_line_id")? == line_id {
                line_numbers.push(number.try_get("e164")?);
            }
        }
        lines.push(OrderLineView {
            plan_id: line.try_get("plan_id")?,
            description: line.try_get("description")?,
            quantity: u32::try_from(quantity).map_err(|_| corrupt("quantity", quantity))?,
            unit_price: Money::from_cents(line.try_get("unit_price_cents")?),
            discount_pct: discount
                .parse()
                .map_err(|_| corrupt("discount", &discount))?,
            net: Money::from_cents(line.try_get("net_cents")?),
            numbers: line_numbers,
        });
    }
    let billing: String = row.try_get("billing")?;
    let vat_rate: String = row.try_get("vat_rate")?;
    Ok(Some(OrderView {
        id: row.try_get("id")?,
        placed_at: row.try_get("placed_at")?,
        placed_by: format!(
            "{} {}",
            row.try_get::<String, _>("first_name")?,
            row.try_get::<String, _>("last_name")?
        ),
        billing: billing.parse().map_err(|_| corrupt("billing", &billing))?,
        vat_rate: vat_rate
            .parse()
            .map_err(|_| corrupt("VAT rate", &vat_rate))?,
        subtotal: Money::from_cents(row.try_get("subtotal_cents")?),
        vat: Money::from_cents(row.try_get("vat_cents")?),
        total: Money::from_cents(row.try_get("total_cents")?),
        gtcs_version: row.try_get("gtcs_version")?,
        licence: OrderLicence {
            id: licence.try_get("id")?,
            term_months: u32::try_from(term_months).map_err(|_| corrupt("term", term_months))?,
            anchor: anchor.parse().map_err(|_| corrupt("anchor", &anchor))?,
        },
        lines,
    }))
}
