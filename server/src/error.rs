//! The API's one error type and the one place that turns it into an HTTP answer:
//! `{"error": {"code", "message", "field"}}` with a 4xx status, or a 500 that reveals nothing.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::field::FieldError;
use domain::money::Money;
use protocol::{ErrorBody, ErrorCode, ErrorDetail};

use crate::clock::paris_day;
use crate::store;
use domain::order::long_date;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field failed the domain's validation; the first one is reported.
    #[error("invalid field {}: {}", .0.field, .0.problem)]
    Invalid(FieldError),
    #[error("an account already uses this email")]
    EmailTaken,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// ACCESS-1: the Company keeps at least one active Manager.
    #[error("the last active manager")]
    LastManager,
    /// A User holding Numbers cannot be deleted (NUM-1); the count.
    #[error("user has {0} numbers")]
    UserHasNumbers(i64),
    /// A User whose Orders or GTCS acceptance are the Company's records cannot be deleted.
    #[error("user has records")]
    UserHasRecords,
    /// An invitation is only for a User who has not set a password yet; their first name.
    #[error("{0} already set a password")]
    PasswordAlreadySet(String),
    /// Too many failed attempts: the next one is possible after this wait.
    #[error("too many attempts, retry after {0}")]
    TooManyAttempts(chrono::TimeDelta),
    /// A state-changing request the browser says comes from another site.
    #[error("cross-site request")]
    CrossSiteRequest,
    #[error("unknown reset link")]
    ResetLinkUnknown,
    #[error("expired reset link")]
    ResetLinkExpired,
    #[error("used reset link")]
    ResetLinkUsed,
    /// A Manager whose Company requires two-factor authentication has not turned it on yet.
    #[error("two-factor authentication must be set up first")]
    TwoFactorSetupNeeded,
    /// ACCEPT-1: the person has not accepted the GCU and privacy notice in force; the WebApp's
    /// routes wait for it.
    #[error("the terms in force must be accepted first")]
    TermsAcceptanceNeeded,
    /// An acceptance of a GCU or privacy notice version that is not the one in force; the field.
    #[error("{0} is not the version in force")]
    TermsNotInForce(&'static str),
    /// The log-in waiting for its second factor is unknown, expired or out of tries.
    #[error("log-in challenge expired")]
    LoginChallengeExpired,
    #[error("two-factor authentication already on")]
    TwoFactorAlreadyOn,
    /// Turning it on, or new recovery codes, need a setup under way or it on.
    #[error("two-factor authentication off")]
    TwoFactorOff,
    /// The Company requires it of its Managers: a Manager cannot turn it off.
    #[error("two-factor authentication required by the company")]
    TwoFactorRequired,
    /// A request body over the limit.
    #[error("request body too large")]
    BodyTooLarge,
    /// SUSP-1: the User or the Company is suspended; the sentence the WebApp shows.
    #[error("suspended: {0}")]
    Suspended(String),
    #[error("unknown invitation")]
    InvitationUnknown,
    #[error("expired invitation")]
    InvitationExpired,
    #[error("used invitation")]
    InvitationUsed,
    /// A CSV import carries more rows than this.
    #[error("import too large")]
    ImportTooLarge(usize),
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    /// NUM-2: the User cannot hold a Number of this country; the reason, for the Manager.
    #[error("not in the number's territory: {0}")]
    NotInTerritory(String),
    /// A deactivated User (by name) cannot be given a Number.
    #[error("user {0} is deactivated")]
    UserDeactivated(String),
    /// TRIAL-1: the Licence is not on trial.
    #[error("licence not on trial")]
    NotOnTrial,
    /// TRIAL-1: a trial is cancelled once.
    #[error("trial already cancelled on {received_on}")]
    TrialAlreadyCancelled { received_on: chrono::NaiveDate },
    /// TRIAL-1: a cancellation received after the trial's last day is too late.
    #[error("trial ended on {trial_end}")]
    TrialOver { trial_end: chrono::NaiveDate },
    /// NOTICE-1: a Licence takes one notice of non-renewal.
    #[error("notice already given on {received_on}")]
    NoticeAlreadyGiven { received_on: chrono::NaiveDate },
    /// NUM-4: the Number follows its Licence's term; possible from `from`.
    #[error("number cannot be released before {from}")]
    ReleaseTooEarly {
        from: chrono::NaiveDate,
        notice_needed: bool,
    },
    /// PAY-2: removing the Company's last valid payment method once it has ordered.
    #[error("the last valid payment method cannot be removed")]
    LastValidPaymentMethod,
    /// PAY-2: an Order needs a payment method valid today.
    #[error("no valid payment method")]
    NoPaymentMethod,
    /// PRICE-1: the Order cannot be priced or names what does not exist; the reason.
    #[error("order impossible: {0}")]
    OrderImpossible(String),
    /// These Numbers (E.164) were taken by another Order.
    #[error("numbers taken: {0:?}")]
    NumbersTaken(Vec<String>),
    /// PRICE-2: the recomputed quote differs from the one accepted; what changed.
    #[error("quote changed: {0}")]
    QuoteChanged(String),
    /// The provider's back office (issue 14) needs an operator's session: a Company's User,
    /// or nobody, gets this.
    #[error("operator sign-in needed")]
    OperatorSignInNeeded,
    /// An operator of another role's action.
    #[error("an operator of the {needed:?} role's action")]
    OperatorRoleForbidden {
        needed: protocol::backoffice::OperatorRole,
    },
    /// An operator's email, password or authenticator code is wrong (one answer for all).
    #[error("operator credentials refused")]
    OperatorSignInRefused,
    /// An operator's set-up link that does not exist, was used or expired.
    #[error("operator set-up link not valid")]
    OperatorSetupLinkInvalid,
    /// PRICE-4, PRICE-5: a price-change notice the rules refuse; the field and the reason.
    #[error("price change refused ({field}): {reason}")]
    PriceChangeInvalid { field: &'static str, reason: String },
    /// PRICE-2: a price of the plan already starts on that day.
    #[error("a price already starts on {0}")]
    PriceAlreadyScheduled(chrono::NaiveDate),
    /// PRICE-5: the termination notice came after its last day.
    #[error("termination too late, last day {last_day}")]
    TerminationTooLate { last_day: chrono::NaiveDate },
    /// PRICE-4: an indexation gives no termination right.
    #[error("no termination right")]
    NoTerminationRight,
    /// TERM-1: the Licence cannot be priced on the termination day.
    #[error("the licence cannot be priced on {day}: {reason}")]
    TerminationNotPriced {
        day: chrono::NaiveDate,
        reason: String,
    },
    /// The Licences concerned were already terminated.
    #[error("already terminated")]
    AlreadyTerminated,
    /// TERM-2, LATE-4: a termination for fault before its notice has run.
    #[error(transparent)]
    FaultTerminationRefused(#[from] domain::fault::FaultRefusal),
    /// A notice of 8 days on a ground that takes none (GTCS 6.2.2 (i) or 5.3).
    #[error("this ground takes no notice of 8 days")]
    FaultGroundTakesNoNotice,
    #[error("a complaint about an invoice and a Number")]
    ComplaintTwoSubjects,
    #[error("complaint already answered on {0}")]
    ComplaintAlreadyAnswered(chrono::NaiveDate),
    /// NOTICE-3: the Service would stop before two weeks' notice.
    #[error("discontinuation too soon, earliest {earliest}")]
    DiscontinuationTooSoon { earliest: chrono::NaiveDate },
    /// NOTICE-3: one discontinuation per Service (with its day when known).
    #[error("service already discontinued")]
    ServiceAlreadyDiscontinued {
        effective: Option<chrono::NaiveDate>,
    },
    /// NOTICE-3: the Service a request uses is no longer offered.
    #[error("{label} discontinued since {effective}")]
    ServiceDiscontinued {
        label: &'static str,
        effective: chrono::NaiveDate,
    },
    /// LATE-4: a formal notice to pay concerns an overdue invoice only.
    #[error("invoice not overdue")]
    InvoiceNotOverdue,
    /// LATE-4: one formal notice per invoice.
    #[error("formal notice already sent on {sent_on}")]
    FormalNoticeAlreadySent {
        sent_on: chrono::NaiveDate,
        deadline: chrono::NaiveDate,
    },
    /// SUSP-1: the Company or User is suspended already.
    #[error("already suspended")]
    AlreadySuspended,
    /// LATE-1: a semester's rates are facts, recorded once.
    #[error("rates of {0} already recorded")]
    SemesterRatesAlreadyRecorded(String),
    /// SUSP-1: there is no suspension in force to lift.
    #[error("not suspended")]
    NotSuspended,
    /// NUM-3: the User's Numbers all still meet NUM-2.
    #[error("territory still met")]
    TerritoryStillMet,
    /// Credits: the available balance (after open reservations) is short; both in cents.
    #[error("credits short: {available_cents} available, {asked_cents} asked")]
    CreditsInsufficient {
        available_cents: i64,
        asked_cents: i64,
    },
    /// PAY-1: an invoice is paid once.
    #[error("invoice already paid")]
    InvoiceAlreadyPaid,
    /// PAY-2: paying needs a payment method valid today.
    #[error("no valid payment method to pay with")]
    NoPaymentMethodToPay,
    /// The payment provider refused the payment; its reason (the refusal is recorded).
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// Another payment of the invoice is waiting for the provider's answer.
    #[error("a payment of the invoice is under way")]
    PaymentInProgress,
    /// Issue 13: a webhook delivery whose signature does not hold.
    #[error("webhook signature: {0}")]
    WebhookSignature(crate::payments::SignatureError),
    /// Issue 13: a signed webhook event that cannot be applied.
    #[error("webhook event: {0}")]
    WebhookEvent(String),
    /// Issue 13: a request that creates money came without a usable idempotency key.
    #[error("idempotency key: {0}")]
    IdempotencyKey(domain::idempotency::KeyProblem),
    /// Issue 13: the idempotency key was already used by the Company for another request.
    #[error("idempotency key reused: {0}")]
    IdempotencyKeyReused(store::idempotency::KeyReused),
    /// PAY-3: the statement of communications is available for 12 months after the invoice date.
    #[error("statement no longer available (since {available_until})")]
    StatementExpired {
        invoice_date: chrono::NaiveDate,
        available_until: chrono::NaiveDate,
    },
    /// DISPUTE-1: an invoice may be disputed until 6 weeks after its date.
    #[error("dispute window closed on {last_day}")]
    DisputeWindowClosed {
        invoice_date: chrono::NaiveDate,
        last_day: chrono::NaiveDate,
    },
    /// One open dispute per invoice.
    #[error("a dispute of this invoice is already open")]
    DisputeAlreadyOpen,
    /// The provider decides a dispute once.
    #[error("dispute already decided")]
    DisputeAlreadyDecided,
    /// The provider's decision is incomplete or out of range; the field and why.
    #[error("invalid decision: {reason}")]
    DisputeDecisionInvalid { field: &'static str, reason: String },
    /// DISPUTE-3: nothing was paid, so there is nothing to give back.
    #[error("invoice not paid")]
    RestitutionNotPaid,
    /// DISPUTE-3: a restitution claim is time-barred one year after the payment.
    #[error("restitution time-barred since {last_day}")]
    RestitutionTimeBarred {
        paid_on: chrono::NaiveDate,
        last_day: chrono::NaiveDate,
    },
    /// The demo clock moves forward by 1 to this many days.
    #[error("days out of range (1 to {0})")]
    DaysOutOfRange(u32),
    /// MSG-1: an MMS image the rules refuse (its type, its size, or nothing at all).
    #[error("attachment refused: {0}")]
    AttachmentRefused(domain::message::AttachmentError),
    /// MSG-1: a message abroad costs more Credits than the Company has available; in cents.
    #[error("credits short for a message: {available_cents} available, {asked_cents} asked")]
    MessageCreditsShort {
        available_cents: i64,
        asked_cents: i64,
    },
    /// NUM-5: the number may not be called from the WebApp (emergency, invalid, not in the Call
    /// Plan, Credits short…); the refusal carries its code and sentence.
    #[error("call refused: {0:?}")]
    CallRefused(domain::call::CallRefusal),
    /// The call is not in a state that allows this (answering a call that stopped ringing…);
    /// the sentence says why.
    #[error("call state: {0}")]
    CallState(String),
    /// A voicemail recording the rules refuse (type, size, length).
    #[error("voicemail refused: {0}")]
    VoicemailRefused(domain::call::VoicemailProblem),
    /// DATA-1: one open request of each kind per person.
    #[error("data request already open")]
    DataRequestAlreadyOpen,
    #[error("data request already answered")]
    DataRequestAlreadyAnswered,
    /// DATA-1: a Manager does not answer their own request.
    #[error("own data request")]
    OwnDataRequest,
    /// DATA-1 (rectification): the Company keeps its Users' profiles to its Managers.
    #[error("profile correction not allowed")]
    ProfileCorrectionNotAllowed,
    /// PRICE-3: a general reduction's prices the rules refuse; the field and the reason.
    #[error("price reduction refused ({field}): {reason}")]
    PriceReductionInvalid { field: &'static str, reason: String },
    /// PRICE-3, PRICE-4, PRICE-5: a price going up on the reduction route (the sentence says
    /// which, and that a price-change notice is the way).
    #[error("an increase needs a notice: {0}")]
    IncreaseNeedsNotice(String),
    /// PRICE-2: a price of the tier already starts today.
    #[error("a price already starts on {0}")]
    PriceAlreadyStartsToday(chrono::NaiveDate),
    /// PRICE-4: a month's index the form refuses, or the series.
    #[error(transparent)]
    PriceIndex(#[from] domain::indexation::IndexEntryProblem),
    /// PRICE-6: a Credits rate published today already.
    #[error("a credits rate already starts on {0}")]
    CreditsRateAlreadyPublished(chrono::NaiveDate),
    /// NUM-1: a range of Numbers refused.
    #[error(transparent)]
    NumberRange(#[from] domain::catalogue::RangeProblem),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Vec<FieldError>> for ApiError {
    fn from(mut errors: Vec<FieldError>) -> Self {
        match errors.is_empty() {
            true => ApiError::Internal("validation failed without an error".into()),
            false => ApiError::Invalid(errors.swap_remove(0)),
        }
    }
}

/// Each store error turned into what the API answers, in one place: handlers write `?`.
macro_rules! from_store_errors {
    ($($error:ty => |$value:ident| $body:expr;)*) => {
        $(
            impl From<$error> for ApiError {
                fn from($value: $error) -> Self {
                    $body
                }
            }
        )*
    };
}

from_store_errors! {
    store::privacy::PrivacyError => |error| match error {
        store::privacy::PrivacyError::NotFound => ApiError::NotFound,
        store::privacy::PrivacyError::AlreadyOpen => ApiError::DataRequestAlreadyOpen,
        store::privacy::PrivacyError::AlreadyAnswered => ApiError::DataRequestAlreadyAnswered,
        store::privacy::PrivacyError::OwnRequest => ApiError::OwnDataRequest,
        store::privacy::PrivacyError::LastManager => ApiError::LastManager,
        store::privacy::PrivacyError::CorrectionNotAllowed => ApiError::ProfileCorrectionNotAllowed,
        store::privacy::PrivacyError::Database(error) => error.into(),
    };
    store::accounts::SignupError => |error| match error {
        store::accounts::SignupError::EmailTaken => ApiError::EmailTaken,
        store::accounts::SignupError::Database(error) => error.into(),
    };
    store::company::RemoveError => |error| match error {
        store::company::RemoveError::NotFound => ApiError::NotFound,
        store::company::RemoveError::LastValidMethod => ApiError::LastValidPaymentMethod,
        store::company::RemoveError::NotValid => ApiError::Invalid(FieldError {
            field: "payment_method",
            problem: domain::field::Problem::Invalid("This payment method has expired: choose a valid one."),
        }),
        store::company::RemoveError::Database(error) => error.into(),
    };
    store::credits::CreditsError => |error| match error {
        store::credits::CreditsError::Insufficient { available_cents, asked_cents } => {
            ApiError::CreditsInsufficient { available_cents, asked_cents }
        }
        store::credits::CreditsError::KeyReused(reused) => ApiError::IdempotencyKeyReused(reused),
        store::credits::CreditsError::Database(error) => error.into(),
        other => ApiError::Internal(other.to_string()),
    };
    store::disputes::OpenError => |error| match error {
        store::disputes::OpenError::NotFound => ApiError::NotFound,
        store::disputes::OpenError::WindowClosed { invoice_date, last_day } => {
            ApiError::DisputeWindowClosed { invoice_date, last_day }
        }
        store::disputes::OpenError::AlreadyOpen => ApiError::DisputeAlreadyOpen,
        store::disputes::OpenError::Database(error) => error.into(),
    };
    store::disputes::ClaimError => |error| match error {
        store::disputes::ClaimError::NotFound => ApiError::NotFound,
        store::disputes::ClaimError::NotPaid => ApiError::RestitutionNotPaid,
        store::disputes::ClaimError::TimeBarred { paid_on, last_day } => {
            ApiError::RestitutionTimeBarred { paid_on, last_day }
        }
        store::disputes::ClaimError::Database(error) => error.into(),
    };
    store::disputes::DecideError => |error| match error {
        store::disputes::DecideError::NotFound => ApiError::NotFound,
        store::disputes::DecideError::AlreadyDecided => ApiError::DisputeAlreadyDecided,
        store::disputes::DecideError::AmountOutOfRange { total_cents } => {
            ApiError::DisputeDecisionInvalid {
                field: "amount",
                reason: format!(
                    "A credit note is more than 0 and at most what the invoice's credit notes have not given back yet: EUR {}.",
                    Money::from_cents(total_cents)
                ),
            }
        }
        store::disputes::DecideError::Database(error) => error.into(),
    };
    store::invoices::PayError => |error| match error {
        store::invoices::PayError::NotFound => ApiError::NotFound,
        store::invoices::PayError::AlreadyPaid => ApiError::InvoiceAlreadyPaid,
        store::invoices::PayError::NoMethod => ApiError::NoPaymentMethodToPay,
        store::invoices::PayError::InProgress => ApiError::PaymentInProgress,
        store::invoices::PayError::KeyReused(reused) => ApiError::IdempotencyKeyReused(reused),
        store::invoices::PayError::Database(error) => error.into(),
    };
    store::late_payment::FormalNoticeError => |error| match error {
        store::late_payment::FormalNoticeError::NotFound => ApiError::NotFound,
        store::late_payment::FormalNoticeError::NotOverdue => ApiError::InvoiceNotOverdue,
        store::late_payment::FormalNoticeError::AlreadySent(sent) => {
            ApiError::FormalNoticeAlreadySent { sent_on: sent.sent_on, deadline: sent.deadline }
        }
        store::late_payment::FormalNoticeError::Calendar(reason) => ApiError::Internal(reason),
        store::late_payment::FormalNoticeError::Database(error) => error.into(),
    };
    store::catalogue_admin::ReductionError => |error| match error {
        store::catalogue_admin::ReductionError::AlreadyToday(day) => ApiError::PriceAlreadyStartsToday(day),
        store::catalogue_admin::ReductionError::Database(error) => error.into(),
    };
    store::catalogue_admin::EnterIndexError => |error| match error {
        store::catalogue_admin::EnterIndexError::Refused(problem) => problem.into(),
        store::catalogue_admin::EnterIndexError::Database(error) => error.into(),
    };
    store::catalogue_admin::PublishRateError => |error| match error {
        store::catalogue_admin::PublishRateError::AlreadyPublished(day) => ApiError::CreditsRateAlreadyPublished(day),
        store::catalogue_admin::PublishRateError::Database(error) => error.into(),
    };
    store::late_rates::RecordRatesError => |error| match error {
        store::late_rates::RecordRatesError::AlreadyRecorded(semester) => {
            ApiError::SemesterRatesAlreadyRecorded(semester.to_string())
        }
        store::late_rates::RecordRatesError::Database(error) => error.into(),
    };
    store::licences::NoticeError => |error| match error {
        store::licences::NoticeError::NotFound => ApiError::NotFound,
        store::licences::NoticeError::AlreadyGiven { received_at } => {
            ApiError::NoticeAlreadyGiven { received_on: paris_day(received_at) }
        }
        store::licences::NoticeError::Database(error) => error.into(),
    };
    store::numbers::ChangeError => |error| match error {
        store::numbers::ChangeError::NotFound => ApiError::NotFound,
        store::numbers::ChangeError::Database(error) => error.into(),
    };
    store::orders::PlaceError => |error| match error {
        store::orders::PlaceError::NoPaymentMethod => ApiError::NoPaymentMethod,
        store::orders::PlaceError::Impossible(reason) => ApiError::OrderImpossible(reason),
        store::orders::PlaceError::NumbersTaken(numbers) => ApiError::NumbersTaken(numbers),
        store::orders::PlaceError::QuoteChanged(reason) => ApiError::QuoteChanged(reason),
        store::orders::PlaceError::Database(error) => error.into(),
    };
    store::price_changes::CreateNoticeError => |error| match error {
        store::price_changes::CreateNoticeError::PriceAlreadyScheduled(day) => {
            ApiError::PriceAlreadyScheduled(day)
        }
        store::price_changes::CreateNoticeError::Database(error) => error.into(),
    };
    store::price_changes::TerminateError => |error| match error {
        store::price_changes::TerminateError::NotFound => ApiError::NotFound,
        store::price_changes::TerminateError::NothingToTerminate => ApiError::AlreadyTerminated,
        store::price_changes::TerminateError::Database(error) => error.into(),
    };
    store::suspensions::SuspensionError => |error| match error {
        store::suspensions::SuspensionError::NotFound => ApiError::NotFound,
        store::suspensions::SuspensionError::AlreadySuspended => ApiError::AlreadySuspended,
        store::suspensions::SuspensionError::NotSuspended => ApiError::NotSuspended,
        store::suspensions::SuspensionError::TerritoryStillMet => ApiError::TerritoryStillMet,
        store::suspensions::SuspensionError::Database(error) => error.into(),
    };
    store::terminations::FaultError => |error| match error {
        store::terminations::FaultError::NotFound => ApiError::NotFound,
        store::terminations::FaultError::AlreadyTerminated => ApiError::AlreadyTerminated,
        store::terminations::FaultError::NotPriced { day, reason } => {
            ApiError::TerminationNotPriced { day, reason }
        }
        store::terminations::FaultError::Refused(refusal) => refusal.into(),
        store::terminations::FaultError::Database(error) => error.into(),
    };
    store::complaints::ComplaintError => |error| match error {
        store::complaints::ComplaintError::NotFound => ApiError::NotFound,
        store::complaints::ComplaintError::TwoSubjects => ApiError::ComplaintTwoSubjects,
        store::complaints::ComplaintError::AlreadyAnswered(day) => {
            ApiError::ComplaintAlreadyAnswered(day)
        }
        store::complaints::ComplaintError::Calendar(reason) => ApiError::Internal(reason),
        store::complaints::ComplaintError::Database(error) => error.into(),
    };
    store::discontinuations::DiscontinuationError => |error| match error {
        store::discontinuations::DiscontinuationError::TooSoon { earliest } => {
            ApiError::DiscontinuationTooSoon { earliest }
        }
        store::discontinuations::DiscontinuationError::AlreadyAnnounced { effective } => {
            ApiError::ServiceAlreadyDiscontinued { effective }
        }
        store::discontinuations::DiscontinuationError::Calendar(reason) => ApiError::Internal(reason),
        store::discontinuations::DiscontinuationError::Database(error) => error.into(),
    };
    store::terminations::FaultNoticeError => |error| match error {
        store::terminations::FaultNoticeError::NotFound => ApiError::NotFound,
        store::terminations::FaultNoticeError::NotNoticed => ApiError::FaultGroundTakesNoNotice,
        store::terminations::FaultNoticeError::Calendar(reason) => ApiError::Internal(reason),
        store::terminations::FaultNoticeError::Database(error) => error.into(),
    };
    store::trials::TrialError => |error| match error {
        store::trials::TrialError::NotFound => ApiError::NotFound,
        store::trials::TrialError::NotOnTrial => ApiError::NotOnTrial,
        store::trials::TrialError::AlreadyCancelled { received_at } => {
            ApiError::TrialAlreadyCancelled { received_on: paris_day(received_at) }
        }
        store::trials::TrialError::Over { trial_end } => ApiError::TrialOver { trial_end },
        store::trials::TrialError::Database(error) => error.into(),
    };
    store::users::UserError => |error| match error {
        store::users::UserError::NotFound => ApiError::NotFound,
        store::users::UserError::EmailTaken => ApiError::EmailTaken,
        store::users::UserError::LastManager => ApiError::LastManager,
        store::users::UserError::HasNumbers(count) => ApiError::UserHasNumbers(count),
        store::users::UserError::HasRecords => ApiError::UserHasRecords,
        store::users::UserError::PasswordAlreadySet(name) => ApiError::PasswordAlreadySet(name),
        store::users::UserError::Database(error) => error.into(),
    };
    store::passwords::ResetError => |error| match error {
        store::passwords::ResetError::Unknown => ApiError::ResetLinkUnknown,
        store::passwords::ResetError::Expired => ApiError::ResetLinkExpired,
        store::passwords::ResetError::Used => ApiError::ResetLinkUsed,
        store::passwords::ResetError::Database(error) => error.into(),
    };
    store::two_factor::TwoFactorError => |error| match error {
        store::two_factor::TwoFactorError::AlreadyOn => ApiError::TwoFactorAlreadyOn,
        store::two_factor::TwoFactorError::NotOn | store::two_factor::TwoFactorError::NoSetup => {
            ApiError::TwoFactorOff
        }
        store::two_factor::TwoFactorError::RequiredByCompany => ApiError::TwoFactorRequired,
        store::two_factor::TwoFactorError::Database(error) => error.into(),
    };
    store::users::InvitationError => |error| match error {
        store::users::InvitationError::Unknown => ApiError::InvitationUnknown,
        store::users::InvitationError::Expired => ApiError::InvitationExpired,
        store::users::InvitationError::Used => ApiError::InvitationUsed,
        store::users::InvitationError::Database(error) => error.into(),
    };
}

impl From<crate::services::collection::WebhookError> for ApiError {
    fn from(error: crate::services::collection::WebhookError) -> Self {
        use crate::services::collection::WebhookError;
        match error {
            WebhookError::Signature(problem) => ApiError::WebhookSignature(problem),
            WebhookError::Event(problem) => ApiError::WebhookEvent(problem),
            WebhookError::Pay(error) => error.into(),
        }
    }
}

impl From<domain::price_change::ReductionProblem> for ApiError {
    fn from(problem: domain::price_change::ReductionProblem) -> Self {
        match problem.needs_notice() {
            true => ApiError::IncreaseNeedsNotice(problem.to_string()),
            false => ApiError::PriceReductionInvalid {
                field: "prices",
                reason: problem.to_string(),
            },
        }
    }
}

impl From<domain::price_change::IncreaseProblem> for ApiError {
    fn from(problem: domain::price_change::IncreaseProblem) -> Self {
        ApiError::PriceChangeInvalid {
            field: problem.field(),
            reason: problem.to_string(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
            _ => ApiError::MalformedBody(rejection.body_text()),
        }
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, ErrorCode, String, Option<&'static str>) {
        match self {
            ApiError::Invalid(error) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::from(&error.problem), error.problem.to_string(), Some(error.field))
            }
            ApiError::EmailTaken => (
                StatusCode::CONFLICT,
                ErrorCode::EmailTaken,
                "An account already uses this email. Log in instead, or use another email.".into(),
                Some("email"),
            ),
            ApiError::WrongCredentials => {
                (StatusCode::UNAUTHORIZED, ErrorCode::WrongCredentials, "Wrong email or password.".into(), None)
            }
            ApiError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, "Please log in to continue.".into(), None)
            }
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "Only Managers of the Company Account can do this.".into(),
                None,
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is nothing here.".into(), None),
            ApiError::LastManager => (
                StatusCode::CONFLICT,
                ErrorCode::LastManager,
                "This is the Company's last active Manager: make another user a Manager first.".into(),
                None,
            ),
            ApiError::UserHasNumbers(count) => (
                StatusCode::CONFLICT,
                ErrorCode::UserHasNumbers,
                format!("This user has {count} Number(s) assigned: reassign them before deleting the user."),
                None,
            ),
            ApiError::UserHasRecords => (
                StatusCode::CONFLICT,
                ErrorCode::UserHasRecords,
                "This user placed Orders or accepted the terms for the Company, which must stay on record: deactivate the user instead.".into(),
                None,
            ),
            ApiError::PasswordAlreadySet(name) => (
                StatusCode::CONFLICT,
                ErrorCode::PasswordAlreadySet,
                format!("{name} already chose a password and logs in with it: an invitation is only for someone who has not. Nobody else can set it for them."),
                None,
            ),
            ApiError::TooManyAttempts(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyAttempts,
                format!(
                    "Too many failed attempts: try again in {}.",
                    waiting_time(*wait)
                ),
                None,
            ),
            ApiError::CrossSiteRequest => (
                StatusCode::FORBIDDEN,
                ErrorCode::CrossSiteRequest,
                "This request came from another site and was refused: use the console itself.".into(),
                None,
            ),
            ApiError::ResetLinkUnknown => (
                StatusCode::NOT_FOUND,
                ErrorCode::ResetLinkUnknown,
                "This link is not valid. Ask for a new one from the log-in page.".into(),
                None,
            ),
            ApiError::ResetLinkExpired => (
                StatusCode::GONE,
                ErrorCode::ResetLinkExpired,
                "This link has expired (a link works for an hour). Ask for a new one from the log-in page.".into(),
                None,
            ),
            ApiError::ResetLinkUsed => (
                StatusCode::GONE,
                ErrorCode::ResetLinkUsed,
                "This link was already used. Log in with your new password, or ask for a new link.".into(),
                None,
            ),
            ApiError::TwoFactorSetupNeeded => (
                StatusCode::FORBIDDEN,
                ErrorCode::TwoFactorSetupNeeded,
                "Your Company requires two-factor authentication for its Managers: turn it on in your account to continue.".into(),
                None,
            ),
            ApiError::TermsAcceptanceNeeded => (
                StatusCode::FORBIDDEN,
                ErrorCode::TermsAcceptanceNeeded,
                "Using the WebApp means accepting its General Conditions of Use and privacy notice: read and accept them to continue.".into(),
                None,
            ),
            ApiError::TermsNotInForce(field) => (
                StatusCode::CONFLICT,
                ErrorCode::TermsNotInForce,
                "The General Conditions of Use or the privacy notice have changed since you read them: read the versions in force and accept them.".into(),
                Some(field),
            ),
            ApiError::LoginChallengeExpired => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::LoginChallengeExpired,
                "This log-in has expired or had too many wrong codes: enter your email and password again.".into(),
                None,
            ),
            ApiError::TwoFactorAlreadyOn => (
                StatusCode::CONFLICT,
                ErrorCode::TwoFactorAlreadyOn,
                "Two-factor authentication is already on. Turn it off first to use another app.".into(),
                None,
            ),
            ApiError::TwoFactorOff => (
                StatusCode::CONFLICT,
                ErrorCode::TwoFactorOff,
                "Two-factor authentication is not on for your account: turn it on first.".into(),
                None,
            ),
            ApiError::TwoFactorRequired => (
                StatusCode::CONFLICT,
                ErrorCode::TwoFactorRequired,
                "Your Company requires two-factor authentication for its Managers: it cannot be turned off.".into(),
                None,
            ),
            ApiError::BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                "This request is too large to be read: send less at once.".into(),
                None,
            ),
            ApiError::Suspended(reason) => {
                (StatusCode::FORBIDDEN, ErrorCode::Suspended, reason.clone(), None)
            }
            ApiError::InvitationUnknown => (
                StatusCode::NOT_FOUND,
                ErrorCode::InvitationUnknown,
                "This invitation link is not valid. Ask your Manager for a new one.".into(),
                None,
            ),
            ApiError::InvitationExpired => (
                StatusCode::GONE,
                ErrorCode::InvitationExpired,
                "This invitation link has expired. Ask your Manager for a new one.".into(),
                None,
            ),
            ApiError::InvitationUsed => (
                StatusCode::GONE,
                ErrorCode::InvitationUsed,
                "This invitation link was already used. Log in with the password you chose.".into(),
                None,
            ),
            ApiError::ImportTooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::ImportTooLarge,
                format!("A file can hold at most {max} users: split it and import each part."),
                None,
            ),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed, "This request is not allowed here.".into(), None)
            }
            ApiError::MalformedBody(reason) => {
                (StatusCode::BAD_REQUEST, ErrorCode::MalformedBody, format!("The request could not be read: {reason}"), None)
            }
            ApiError::NotInTerritory(reason) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NotInTerritory, reason.clone(), Some("user_id"))
            }
            ApiError::UserDeactivated(name) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::UserDeactivated,
                format!("{name}'s account is deactivated: give the Number to an active User."),
                Some("user_id"),
            ),
            ApiError::NotOnTrial => (
                StatusCode::CONFLICT,
                ErrorCode::NotOnTrial,
                "This Licence is not on trial, so there is no trial to cancel.".to_string(),
                None,
            ),
            ApiError::TrialAlreadyCancelled { received_on } => (
                StatusCode::CONFLICT,
                ErrorCode::TrialAlreadyCancelled,
                format!("The trial of this Licence was already cancelled on {received_on}."),
                None,
            ),
            ApiError::TrialOver { trial_end } => (
                StatusCode::CONFLICT,
                ErrorCode::TrialOver,
                format!("The trial ended on {trial_end}: a cancellation had to be received by that day, so it can no longer be cancelled."),
                None,
            ),
            ApiError::NoticeAlreadyGiven { received_on } => (
                StatusCode::CONFLICT,
                ErrorCode::NoticeAlreadyGiven,
                format!("Notice of non-renewal was already given for this Licence on {received_on}; it cannot be given twice."),
                None,
            ),
            ApiError::ReleaseTooEarly { from, notice_needed } => (
                StatusCode::CONFLICT,
                ErrorCode::ReleaseTooEarly,
                if *notice_needed {
                    format!("This Number follows its Licence's term and cannot be released before it ends: give notice of non-renewal first; the Number could then be released from {from}.")
                } else {
                    format!("This Number follows its Licence's term and cannot be released before it ends: it can be released from {from}.")
                },
                None,
            ),
            ApiError::LastValidPaymentMethod => (
                StatusCode::CONFLICT,
                ErrorCode::LastValidPaymentMethod,
                "This is your last valid payment method: the Company must keep at least one valid payment method on file (GTCS 5.2). Add another one before removing it.".into(),
                None,
            ),
            ApiError::NoPaymentMethod => (
                StatusCode::CONFLICT,
                ErrorCode::NoPaymentMethod,
                "Add a valid payment method (a card or a SEPA mandate that has not expired) to the Company Account before ordering.".into(),
                None,
            ),
            ApiError::OrderImpossible(reason) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::OrderImpossible, reason.clone(), Some("lines"))
            }
            ApiError::NumbersTaken(numbers) => (
                StatusCode::CONFLICT,
                ErrorCode::NumbersTaken,
                format!(
                    "{} just taken by another order: {}. Remove {} from the basket and choose others.",
                    if numbers.len() == 1 { "This Number was" } else { "These Numbers were" },
                    numbers.join(", "),
                    if numbers.len() == 1 { "it" } else { "them" },
                ),
                None,
            ),
            ApiError::QuoteChanged(reason) => (StatusCode::CONFLICT, ErrorCode::QuoteChanged, reason.clone(), None),
            ApiError::OperatorSignInNeeded => (
                StatusCode::FORBIDDEN,
                ErrorCode::OperatorSignInNeeded,
                "This is the provider's back office: sign in there as an operator.".into(),
                None,
            ),
            ApiError::OperatorRoleForbidden { needed } => (
                StatusCode::FORBIDDEN,
                ErrorCode::OperatorRoleForbidden,
                format!("This is for the provider's operators of the {} role.", needed.as_str()),
                None,
            ),
            ApiError::OperatorSignInRefused => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::OperatorSignInRefused,
                "The email, the password or the authenticator's code is not right.".into(),
                None,
            ),
            ApiError::OperatorSetupLinkInvalid => (
                StatusCode::NOT_FOUND,
                ErrorCode::OperatorSetupLinkInvalid,
                "This set-up link was used already or has expired: ask an administrator for a new one.".into(),
                None,
            ),
            ApiError::PriceChangeInvalid { field, reason } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PriceChangeInvalid, reason.clone(), Some(*field))
            }
            ApiError::PriceAlreadyScheduled(day) => (
                StatusCode::CONFLICT,
                ErrorCode::PriceAlreadyScheduled,
                format!("A price of this Call Plan already starts on {day}: announce the change for another day."),
                Some("effective_on"),
            ),
            ApiError::PriceReductionInvalid { field, reason } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PriceReductionInvalid, reason.clone(), Some(*field))
            }
            ApiError::IncreaseNeedsNotice(reason) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::IncreaseNeedsNotice, reason.clone(), Some("prices"))
            }
            ApiError::PriceAlreadyStartsToday(day) => (
                StatusCode::CONFLICT,
                ErrorCode::PriceAlreadyStartsToday,
                format!("A price of this Call Plan already starts today ({day}): a further reduction can apply from tomorrow."),
                Some("prices"),
            ),
            ApiError::PriceIndex(problem) => (
                if problem.is_conflict() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY },
                if problem.is_conflict() { ErrorCode::PriceIndexSeriesConflict } else { ErrorCode::PriceIndexInvalid },
                problem.to_string(),
                Some(problem.field()),
            ),
            ApiError::CreditsRateAlreadyPublished(day) => (
                StatusCode::CONFLICT,
                ErrorCode::CreditsRateAlreadyPublished,
                format!("This rate was already changed today ({day}): its next change can apply from tomorrow."),
                Some("price"),
            ),
            ApiError::NumberRange(problem) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::NumberRangeInvalid, problem.to_string(), Some(problem.field()))
            }
            ApiError::TerminationTooLate { last_day } => (
                StatusCode::CONFLICT,
                ErrorCode::TerminationTooLate,
                format!("The last day to terminate before this price increase was {last_day} (10 days before the new price applies, GTCS 5.1)."),
                None,
            ),
            ApiError::NoTerminationRight => (
                StatusCode::CONFLICT,
                ErrorCode::NoTerminationRight,
                "A yearly indexation on the consumer price index gives no right to terminate (GTCS 5.1).".into(),
                None,
            ),
            ApiError::AlreadyTerminated => (
                StatusCode::CONFLICT,
                ErrorCode::AlreadyTerminated,
                "Already terminated: the Licence (or every Licence this concerns) has ended or will end on a day already set.".into(),
                None,
            ),
            ApiError::TerminationNotPriced { day, reason } => (
                StatusCode::CONFLICT,
                ErrorCode::TerminationNotPriced,
                format!("What a termination for fault makes due is the Licence's price on {day}, which cannot be computed ({reason}): nothing was terminated (GTCS 6.2.2)."),
                None,
            ),
            ApiError::FaultTerminationRefused(refusal) => (
                StatusCode::CONFLICT,
                ErrorCode::FaultTerminationRefused,
                refusal.to_string(),
                None,
            ),
            ApiError::FaultGroundTakesNoNotice => (
                StatusCode::BAD_REQUEST,
                ErrorCode::FaultGroundTakesNoNotice,
                "A notice of 8 days is sent for the grounds of GTCS 6.2.2 (ii) only; the others end the Contract at once, or after a formal notice to pay (GTCS 5.3).".into(),
                Some("ground"),
            ),
            ApiError::ComplaintTwoSubjects => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ComplaintTwoSubjects,
                "A complaint is about one invoice or one Number (or anything else), not both: write two complaints.".into(),
                None,
            ),
            ApiError::DiscontinuationTooSoon { earliest } => (
                StatusCode::CONFLICT,
                ErrorCode::DiscontinuationTooSoon,
                format!("A Service is discontinued with two weeks' notice at least (GTCS 6.2.1): announced today, it may stop from {} at the earliest.", long_date(*earliest)),
                Some("effective"),
            ),
            ApiError::ServiceAlreadyDiscontinued { effective } => (
                StatusCode::CONFLICT,
                ErrorCode::ServiceAlreadyDiscontinued,
                match effective {
                    Some(day) => format!("This Service's discontinuation was already announced: it stops from {}.", long_date(*day)),
                    None => "This Service's discontinuation was already announced.".into(),
                },
                Some("service"),
            ),
            ApiError::ServiceDiscontinued { label, effective } => (
                StatusCode::CONFLICT,
                ErrorCode::ServiceDiscontinued,
                format!("{label}: this Service is no longer offered since {} (the provider gave notice of its discontinuation, GTCS 6.2.1).", long_date(*effective)),
                None,
            ),
            ApiError::ComplaintAlreadyAnswered(day) => (
                StatusCode::CONFLICT,
                ErrorCode::ComplaintAlreadyAnswered,
                format!("This complaint was already answered on {day}."),
                None,
            ),
            ApiError::InvoiceNotOverdue => (
                StatusCode::CONFLICT,
                ErrorCode::InvoiceNotOverdue,
                "A formal notice to pay concerns an overdue invoice only: this one is not overdue (GTCS 5.3).".into(),
                None,
            ),
            ApiError::FormalNoticeAlreadySent { sent_on, deadline } => (
                StatusCode::CONFLICT,
                ErrorCode::FormalNoticeAlreadySent,
                format!("A formal notice to pay this invoice was already sent on {sent_on}; its deadline is {deadline}."),
                None,
            ),
            ApiError::AlreadySuspended => (
                StatusCode::CONFLICT,
                ErrorCode::AlreadySuspended,
                "This is already suspended: lift the suspension in force before suspending again.".into(),
                None,
            ),
            ApiError::SemesterRatesAlreadyRecorded(semester) => (
                StatusCode::CONFLICT,
                ErrorCode::SemesterRatesAlreadyRecorded,
                format!("The rates of {semester} are already recorded: published rates are not changed."),
                Some("semester"),
            ),
            ApiError::NotSuspended => (
                StatusCode::CONFLICT,
                ErrorCode::NotSuspended,
                "There is no suspension in force to lift.".into(),
                None,
            ),
            ApiError::TerritoryStillMet => (
                StatusCode::CONFLICT,
                ErrorCode::TerritoryStillMet,
                "Every Number this User holds still meets the territorial condition (NUM-2): the reason \"territory no longer met\" does not apply.".into(),
                Some("reason"),
            ),
            ApiError::CreditsInsufficient { available_cents, asked_cents } => (
                StatusCode::CONFLICT,
                ErrorCode::CreditsInsufficient,
                format!(
                    "Not enough Credits: EUR {} available, EUR {} needed. Top up your Credits first.",
                    Money::from_cents(*available_cents),
                    Money::from_cents(*asked_cents),
                ),
                Some("amount"),
            ),
            ApiError::InvoiceAlreadyPaid => {
                (StatusCode::CONFLICT, ErrorCode::InvoiceAlreadyPaid, "This invoice is already paid: nothing was charged.".into(), None)
            }
            ApiError::NoPaymentMethodToPay => (
                StatusCode::CONFLICT,
                ErrorCode::NoPaymentMethod,
                "Add a valid payment method (a card or a SEPA mandate that has not expired) to the Company Account to pay this invoice.".into(),
                None,
            ),
            ApiError::PaymentDeclined(reason) => {
                (StatusCode::PAYMENT_REQUIRED, ErrorCode::PaymentDeclined, format!("The payment was refused and the invoice is still due. {reason}"), None)
            }
            ApiError::WebhookSignature(problem) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::WebhookSignatureInvalid,
                format!("The webhook delivery was refused: {problem}."),
                None,
            ),
            ApiError::WebhookEvent(problem) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::WebhookEventInvalid,
                format!("The webhook event was refused: {problem}."),
                None,
            ),
            ApiError::PaymentInProgress => (
                StatusCode::CONFLICT,
                ErrorCode::PaymentInProgress,
                "A payment of this invoice is already waiting for the bank's answer: reload the invoice in a minute to see its outcome before paying again.".into(),
                None,
            ),
            ApiError::IdempotencyKey(problem) => (
                StatusCode::BAD_REQUEST,
                ErrorCode::from(problem),
                problem.to_string(),
                // No form shows the key: the sentence goes above the form.
                None,
            ),
            ApiError::IdempotencyKeyReused(reused) => (
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyKeyReused,
                match reused.first {
                    store::idempotency::Request::TopUp { amount_cents } => format!(
                        "This request reuses the key of an earlier top-up of EUR {} with different details, so nothing was done: reload the page and send it again.",
                        Money::from_cents(amount_cents)
                    ),
                    store::idempotency::Request::Payment { .. } => "This request reuses the key of an earlier payment of another invoice, so nothing was done: reload the page and send it again.".into(),
                },
                None,
            ),
            ApiError::StatementExpired { invoice_date, available_until } => (
                StatusCode::GONE,
                ErrorCode::StatementExpired,
                format!("The statement of communications of this invoice was available until {available_until}, 12 months after the invoice date of {invoice_date} (GTCS 5.2); it can no longer be downloaded."),
                None,
            ),
            ApiError::DisputeWindowClosed { invoice_date, last_day } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::DisputeWindowClosed,
                domain::dispute::dispute_closed_sentence(*invoice_date, *last_day),
                None,
            ),
            ApiError::DisputeAlreadyOpen => (
                StatusCode::CONFLICT,
                ErrorCode::DisputeAlreadyOpen,
                "This invoice already has a dispute awaiting the provider's decision; nothing was added.".into(),
                None,
            ),
            ApiError::DataRequestAlreadyOpen => (
                StatusCode::CONFLICT,
                ErrorCode::DataRequestAlreadyOpen,
                "You already sent a request of this kind; it is waiting for its answer.".into(),
                Some("kind"),
            ),
            ApiError::DataRequestAlreadyAnswered => (
                StatusCode::CONFLICT,
                ErrorCode::DataRequestAlreadyAnswered,
                "This request was already answered; the answer stands.".into(),
                None,
            ),
            ApiError::OwnDataRequest => (
                StatusCode::FORBIDDEN,
                ErrorCode::OwnDataRequest,
                "Another Manager of the Company answers your own request.".into(),
                None,
            ),
            ApiError::ProfileCorrectionNotAllowed => (
                StatusCode::FORBIDDEN,
                ErrorCode::ProfileCorrectionNotAllowed,
                "Your Company's Managers keep your profile: ask them to correct it, or send a request below.".into(),
                None,
            ),
            ApiError::DisputeAlreadyDecided => (
                StatusCode::CONFLICT,
                ErrorCode::DisputeAlreadyDecided,
                "This was already decided; the decision stands.".into(),
                None,
            ),
            ApiError::DisputeDecisionInvalid { field, reason } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::DecisionInvalid, reason.clone(), Some(*field))
            }
            ApiError::RestitutionNotPaid => (
                StatusCode::CONFLICT,
                ErrorCode::InvoiceNotPaid,
                "This invoice is not paid: there is nothing to give back.".into(),
                None,
            ),
            ApiError::RestitutionTimeBarred { paid_on, last_day } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::RestitutionTimeBarred,
                format!("This invoice was paid on {paid_on}: a claim for restitution could be made until {last_day}, one year after the payment (GTCS 5.2); it is now refused."),
                None,
            ),
            ApiError::DaysOutOfRange(max) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::DaysOutOfRange,
                format!("The clock moves forward by 1 to {max} days at a time."),
                Some("days"),
            ),
            ApiError::AttachmentRefused(error) => {
                use domain::message::AttachmentError;
                let status = match error {
                    AttachmentError::UnsupportedType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    AttachmentError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    AttachmentError::Empty => StatusCode::BAD_REQUEST,
                };
                (status, ErrorCode::from(error), error.to_string(), Some("attachment"))
            }
            ApiError::MessageCreditsShort { available_cents, asked_cents } => (
                StatusCode::CONFLICT,
                ErrorCode::CreditsInsufficient,
                format!(
                    "Not enough Credits for this message abroad: EUR {} available, EUR {} needed. Ask a Manager to top up the Company's Credits.",
                    Money::from_cents(*available_cents),
                    Money::from_cents(*asked_cents),
                ),
                Some("to"),
            ),
            ApiError::CallRefused(refusal) => {
                use domain::call::CallRefusal;
                let status = match refusal {
                    CallRefusal::CreditsShort { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (status, ErrorCode::from(refusal), refusal.sentence(), Some("to"))
            }
            ApiError::CallState(sentence) => (StatusCode::CONFLICT, ErrorCode::CallState, sentence.clone(), None),
            ApiError::VoicemailRefused(problem) => {
                use domain::call::VoicemailProblem;
                let status = match problem {
                    VoicemailProblem::UnsupportedType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    VoicemailProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    VoicemailProblem::Empty | VoicemailProblem::BadDuration => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let field = match problem {
                    VoicemailProblem::BadDuration => "seconds",
                    _ => "audio",
                };
                (status, ErrorCode::from(problem), problem.to_string(), Some(field))
            }
            ApiError::Database(_) | ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on our side. Nothing was saved; please try again.".into(),
                None,
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let retry_after = match &self {
            ApiError::TooManyAttempts(wait) => Some(retry_seconds(*wait)),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                field: field.map(Into::into),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// Whole seconds to wait, at least one.
fn retry_seconds(wait: chrono::TimeDelta) -> u64 {
    u64::try_from(wait.num_milliseconds().max(0))
        .unwrap_or(0)
        .div_ceil(1000)
        .max(1)
}

/// "3 seconds", "1 minute", "15 minutes".
fn waiting_time(wait: chrono::TimeDelta) -> String {
    let seconds = retry_seconds(wait);
    match seconds {
        1 => "1 second".into(),
        2..=59 => format!("{seconds} seconds"),
        _ => match seconds.div_ceil(60) {
            1 => "1 minute".into(),
            minutes => format!("{minutes} minutes"),
        },
    }
}
