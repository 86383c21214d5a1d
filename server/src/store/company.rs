//! The Company Account: its details (ACCESS-4), its payment methods (PAY-2) and its opt-out of
//! promotional use (PROMO-1). Every change is recorded in the proof log in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use domain::company_account::{CompanyDetails, CompanyForm};
use domain::payment::{self, PaymentKind, PaymentMethod};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::two_factor::TwoFactorError;
use super::{audit, stamp};
use crate::db::Database;

/// The Company's details as stored, and its promotion opt-out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    pub details: CompanyForm,
    pub promo_opt_out: bool,
    /// Its Managers must use two-factor authentication.
    pub managers_need_two_factor: bool,
    /// DATA-1: the Company's Users may correct their own profile.
    pub users_correct_profile: bool,
}

/// A payment method on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethodRecord {
    pub id: i64,
    pub method: PaymentMethod,
}

#[derive(Debug, thiserror::Error)]
pub enum RemoveError {
    #[error("no such payment method")]
    NotFound,
    /// Issue 13: only a method valid today can become the default one.
    #[error("the payment method is not valid today")]
    NotValid,
    /// PAY-2: it is the last valid method of a Company that has placed an Order.
    #[error("the last valid payment method of a company with orders")]
    LastValidMethod,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

async fn record_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<CompanyRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT legal_name, registration_number, billing_country, vat_number, address_line1, address_line2,
                postal_code, city, promo_opt_out, managers_need_two_factor, users_correct_profile
         FROM companies WHERE id = $1",
    )
    .bind(company_id)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| {
        Ok(CompanyRecord {
            details: CompanyForm {
                legal_name: row.try_get("legal_name")?,
                registration_number: row.try_get("registration_number")?,
                billing_country: row.try_get("billing_country")?,
                vat_number: row
                    .try_get::<Option<String>, _>("vat_number")?
                    .unwrap_or_default(),
                address_line1: row.try_get("address_line1")?,
                address_line2: row.try_get("address_line2")?,
                postal_code: row.try_get("postal_code")?,
                city: row.try_get("city")?,
            },
            promo_opt_out: row.try_get::<i64, _>("promo_opt_out")? != 0,
            managers_need_two_factor: row.try_get::<i64, _>("managers_need_two_factor")? != 0,
            users_correct_profile: row.try_get::<i64, _>("users_correct_profile")? != 0,
        })
    })
    .transpose()
}

/// The Company's details, or `None` when it does not exist.
pub async fn record(db: &Database, company_id: i64) -> Result<Option<CompanyRecord>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    record_in(&mut connection, company_id).await
}

/// Replaces the Company's details with `details` (already validated) and records the change
/// with the values before and after. Recording nothing when nothing changed.
pub async fn update_details(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    details: &CompanyDetails,
    now: DateTime<Utc>,
) -> Result<CompanyForm, sqlx::Error> {
    let mut tx = db.write().await?;
    let before = record_in(&mut tx, company_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?
        .details;
    let after = details.to_form();
    if before != after {
        sqlx::query(
            "UPDATE companies SET legal_name = $1, registration_number = $2, billing_country = $3, vat_number = $4,
                    address_line1 = $5, address_line2 = $6, postal_code = $7, city = $8
             WHERE id = $9",
        )
        .bind(&after.legal_name)
        .bind(&after.registration_number)
        .bind(&after.billing_country)
        .bind(details.vat_number.as_ref().map(|number| number.as_str()))
        .bind(&after.address_line1)
        .bind(&after.address_line2)
        .bind(&after.postal_code)
        .bind(&after.city)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
        let change = audit::Change::new(
            company_id,
            Some(actor_user_id),
            "company.update",
            format!("company:{company_id}"),
        )
        .before(&before)
        .after(&after);
        audit::record(&mut tx, change, now).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// A yes-or-no setting of the Company Account: its column and its name in the proof log.
#[derive(Debug, Clone, Copy)]
enum Setting {
    PromoOptOut,
    ManagersNeedTwoFactor,
    UsersCorrectProfile,
}

impl Setting {
    fn of(self, record: &CompanyRecord) -> bool {
        match self {
            Setting::PromoOptOut => record.promo_opt_out,
            Setting::ManagersNeedTwoFactor => record.managers_need_two_factor,
            Setting::UsersCorrectProfile => record.users_correct_profile,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Setting::PromoOptOut => "promo_opt_out",
            Setting::ManagersNeedTwoFactor => "managers_need_two_factor",
            Setting::UsersCorrectProfile => "users_correct_profile",
        }
    }

    fn update(self) -> &'static str {
        match self {
            Setting::PromoOptOut => "UPDATE companies SET promo_opt_out = $1 WHERE id = $2",
            Setting::ManagersNeedTwoFactor => {
                "UPDATE companies SET managers_need_two_factor = $1 WHERE id = $2"
            }
            Setting::UsersCorrectProfile => {
                "UPDATE companies SET users_correct_profile = $1 WHERE id = $2"
            }
        }
    }

    fn action(self) -> &'static str {
        match self {
            Setting::PromoOptOut => "company.promotion",
            Setting::ManagersNeedTwoFactor => "company.two_factor_policy",
            Setting::UsersCorrectProfile => "company.profile_corrections",
        }
    }
}

/// The Company's `setting` as stored.
async fn setting_in(
    connection: &mut AnyConnection,
    company_id: i64,
    setting: Setting,
) -> Result<bool, sqlx::Error> {
    let record = record_in(connection, company_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(setting.of(&record))
}

/// Sets `setting` to `value` and records the change in the proof log; nothing when it already
/// has that value.
async fn set_setting(
    connection: &mut AnyConnection,
    company_id: i64,
    actor_user_id: i64,
    setting: Setting,
    value: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let before = setting_in(connection, company_id, setting).await?;
    if before == value {
        return Ok(());
    }
    sqlx::query(setting.update())
        .bind(i64::from(value))
        .bind(company_id)
        .execute(&mut *connection)
        .await?;
    let state = |value: bool| serde_json::json!({ setting.column(): value });
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        setting.action(),
        format!("company:{company_id}"),
    )
    .before(&state(before))
    .after(&state(value));
    audit::record(connection, change, now).await
}

/// PROMO-1 (GTCS 12.6): sets whether the Company refuses the promotional use of its name and
/// logo, and records the change.
pub async fn set_promo_opt_out(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    opt_out: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    set_in_own_transaction(
        db,
        company_id,
        actor_user_id,
        Setting::PromoOptOut,
        opt_out,
        now,
    )
    .await
}

/// DATA-1 (rectification): sets whether the Company's Users may correct their own names and
/// mobile number, and records the change.
pub async fn set_profile_corrections(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    allowed: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let setting = Setting::UsersCorrectProfile;
    set_in_own_transaction(db, company_id, actor_user_id, setting, allowed, now).await
}

/// [`set_setting`] alone in its transaction.
async fn set_in_own_transaction(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    setting: Setting,
    value: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    set_setting(&mut tx, company_id, actor_user_id, setting, value, now).await?;
    tx.commit().await
}

/// Sets whether the Company's Managers must use two-factor authentication, and records the
/// change. A Manager turning it on must have it on themselves (refused with
/// [`TwoFactorError::NotOn`] otherwise), so that nobody locks the console away from its only
/// Managers by mistake.
pub async fn set_two_factor_policy(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    required: bool,
    now: DateTime<Utc>,
) -> Result<(), TwoFactorError> {
    let setting = Setting::ManagersNeedTwoFactor;
    let mut tx = db.write().await?;
    if required && !setting_in(&mut tx, company_id, setting).await? {
        let own: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM two_factor WHERE user_id = $1 AND enabled_at IS NOT NULL",
        )
        .bind(actor_user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if own.is_none() {
            return Err(TwoFactorError::NotOn);
        }
    }
    set_setting(&mut tx, company_id, actor_user_id, setting, required, now).await?;
    tx.commit().await?;
    Ok(())
}

fn method_from_row(row: &AnyRow) -> Result<PaymentMethodRecord, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let valid_until: Option<String> = row.try_get("valid_until")?;
    let decode =
        |what: &str| sqlx::Error::Decode(format!("payment method {what} in the database").into());
    Ok(PaymentMethodRecord {
        id: row.try_get("id")?,
        method: PaymentMethod {
            kind: PaymentKind::parse(&kind).map_err(|_| decode("kind"))?,
            label: row.try_get("label")?,
            last4: row.try_get("last4")?,
            valid_until: valid_until
                .map(|day| day.parse::<NaiveDate>().map_err(|_| decode("date")))
                .transpose()?,
        },
    })
}

async fn methods_in(
    connection: &mut AnyConnection,
    company_id: i64,
) -> Result<Vec<PaymentMethodRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, label, last4, valid_until FROM payment_methods
         WHERE company_id = $1 AND removed_at IS NULL ORDER BY id",
    )
    .bind(company_id)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(method_from_row).collect()
}

/// The Company's payment methods on file (not removed), oldest first.
pub async fn payment_methods(
    db: &Database,
    company_id: i64,
) -> Result<Vec<PaymentMethodRecord>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    methods_in(&mut connection, company_id).await
}

/// PAY-2 (GTCS 5.2): whether the Company has at least one payment method on file that is valid
/// on `today`. An Order is refused without one.
pub async fn has_valid_payment_method(
    db: &Database,
    company_id: i64,
    today: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let methods = payment_methods(db, company_id).await?;
    Ok(payment::has_valid_payment_method(
        methods.iter().map(|record| &record.method),
        today,
    ))
}

/// Adds `method` (already validated) to the Company's methods, with the payment provider's
/// `token` for it (issue 13), and records it; returns its id.
pub async fn add_payment_method(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    method: &PaymentMethod,
    token: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payment_methods (company_id, kind, label, last4, valid_until, created_at,
                                      provider_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(company_id)
    .bind(method.kind.as_str())
    .bind(&method.label)
    .bind(&method.last4)
    .bind(method.valid_until.map(|day| day.to_string()))
    .bind(stamp(now))
    .bind(token)
    .fetch_one(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "payment_method.add",
        format!("payment_method:{id}"),
    )
    .after(method);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a payment method (it stays in the database, marked removed) and records it.
///
/// PAY-2 (GTCS 5.2): once the Company has placed an Order, it must keep at least one valid
/// method on file, so removing the last method valid on `today` is refused.
pub async fn remove_payment_method(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    method_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), RemoveError> {
    let mut tx = db.write().await?;
    let methods = methods_in(&mut tx, company_id).await?;
    let removed = methods
        .iter()
        .find(|record| record.id == method_id)
        .ok_or(RemoveError::NotFound)?;
    let others_valid = payment::has_valid_payment_method(
        methods
            .iter()
            .filter(|record| record.id != method_id)
            .map(|record| &record.method),
        today,
    );
    if removed.method.is_valid_on(today) && !others_valid && has_orders(&mut tx, company_id).await?
    {
        return Err(RemoveError::LastValidMethod);
    }
    sqlx::query("UPDATE payment_methods SET removed_at = $1 WHERE id = $2 AND company_id = $3")
        .bind(stamp(now))
        .bind(method_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE companies SET default_payment_method_id = NULL
         WHERE id = $1 AND default_payment_method_id = $2",
    )
    .bind(company_id)
    .bind(method_id)
    .execute(&mut *tx)
    .await?;
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "payment_method.remove",
        format!("payment_method:{method_id}"),
    )
    .before(&removed.method);
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The id of the method the Company's invoices are collected from on `today` (issue 13).
pub async fn default_payment_method(
    db: &Database,
    company_id: i64,
    today: NaiveDate,
) -> Result<Option<i64>, sqlx::Error> {
    let mut connection = db.pool.acquire().await?;
    Ok(
        super::invoices::default_method_in(&mut connection, company_id, today)
            .await?
            .map(|method| method.id),
    )
}

/// Issue 13 (house reading "Due date and collection"): the Company's invoices are collected
/// from its method `method_id` (on file, valid `today`) from now on: each unpaid invoice that
/// collection tried already is tried again with it on the next run.
pub async fn set_default_payment_method(
    db: &Database,
    company_id: i64,
    actor_user_id: i64,
    method_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), RemoveError> {
    let mut tx = db.write().await?;
    super::lock_company(&mut tx, company_id).await?;
    let methods = methods_in(&mut tx, company_id).await?;
    let chosen = methods
        .iter()
        .find(|record| record.id == method_id)
        .ok_or(RemoveError::NotFound)?;
    if !chosen.method.is_valid_on(today) {
        return Err(RemoveError::NotValid);
    }
    let before: Option<i64> =
        sqlx::query_scalar("SELECT default_payment_method_id FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE companies SET default_payment_method_id = $1 WHERE id = $2")
        .bind(method_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;
    let again = super::invoices::collect_again_in(&mut tx, company_id, today).await?;
    let change = audit::Change::new(
        company_id,
        Some(actor_user_id),
        "payment_method.default",
        format!("payment_method:{method_id}"),
    )
    .before(&serde_json::json!({"default_payment_method_id": before}))
    .after(&serde_json::json!({"default_payment_method_id": method_id, "invoices_to_collect_again": again}));
    audit::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn has_orders(connection: &mut AnyConnection, company_id: i64) -> Result<bool, sqlx::Error> {
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE company_id = $1")
        .bind(company_id)
        .fetch_one(&mut *connection)
        .await?;
    Ok(orders > 0)
}
