//! The API's error body and its codes. A code is stable and machine-readable: the server maps
//! each of its errors to one in one place (`server/src/error.rs`), and the app matches on the
//! enum, never on text. On the wire a code is its snake_case name (`"email_taken"`).

use domain::call::{CallRefusal, VoicemailProblem};
use domain::field::Problem;
use domain::idempotency::KeyProblem;
use domain::message::AttachmentError;
use serde::{Deserialize, Serialize};

/// Every 4xx/5xx answer of the API: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// A sentence for the person using the console.
    pub message: String,
    /// The form field the error concerns, by its wire name, if any.
    pub field: Option<String>,
}

/// What went wrong, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // A form field the domain's validation refuses (`field` names it).
    Required,
    TooLong,
    TooShort,
    Invalid,
    // Accounts and access.
    EmailTaken,
    WrongCredentials,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    MalformedBody,
    BodyTooLarge,
    CrossSiteRequest,
    TooManyAttempts,
    OperatorSignInNeeded,
    OperatorRoleForbidden,
    OperatorSignInRefused,
    OperatorSetupLinkInvalid,
    Suspended,
    AlreadySuspended,
    NotSuspended,
    /// NUM-3: "territory no longer met" while every Number the User holds meets NUM-2.
    TerritoryStillMet,
    // Users and invitations.
    LastManager,
    UserHasNumbers,
    UserHasRecords,
    UserDeactivated,
    InvitationUnknown,
    InvitationExpired,
    InvitationUsed,
    PasswordAlreadySet,
    ResetLinkUnknown,
    ResetLinkExpired,
    ResetLinkUsed,
    // Two-factor authentication.
    TwoFactorSetupNeeded,
    LoginChallengeExpired,
    TwoFactorAlreadyOn,
    TwoFactorOff,
    TwoFactorRequired,
    // The WebApp's terms (ACCEPT-1).
    TermsAcceptanceNeeded,
    TermsNotInForce,
    ImportTooLarge,
    NotInTerritory,
    // Licences, Numbers, trials, notices.
    NotOnTrial,
    TrialAlreadyCancelled,
    TrialOver,
    NoticeAlreadyGiven,
    ReleaseTooEarly,
    // Orders and payment methods.
    LastValidPaymentMethod,
    NoPaymentMethod,
    OrderImpossible,
    NumbersTaken,
    QuoteChanged,
    // Price changes and terminations.
    PriceChangeInvalid,
    PriceAlreadyScheduled,
    TerminationTooLate,
    NoTerminationRight,
    AlreadyTerminated,
    TerminationNotPriced,
    /// TERM-2, LATE-4: the ground's notice was not sent, or its 8 days have not run.
    FaultTerminationRefused,
    /// A notice of 8 days concerns the grounds of GTCS 6.2.2 (ii) only.
    FaultGroundTakesNoNotice,
    /// DISPUTE-4: a complaint about an invoice and a Number at once.
    ComplaintTwoSubjects,
    /// DISPUTE-4: a complaint is answered once.
    ComplaintAlreadyAnswered,
    /// NOTICE-3: a Service stops two weeks after its notice at the earliest.
    DiscontinuationTooSoon,
    /// NOTICE-3: the Service's discontinuation was announced already.
    ServiceAlreadyDiscontinued,
    /// NOTICE-3: the Service is no longer offered.
    ServiceDiscontinued,
    // The catalogue as data (issue 14, point 3).
    /// PRICE-3: a general reduction's prices refused (`field`: `prices` or `plan_code`).
    PriceReductionInvalid,
    /// PRICE-3, PRICE-4, PRICE-5: a price going up on the reduction route needs a notice.
    IncreaseNeedsNotice,
    /// PRICE-2: a price of the tier already starts today.
    PriceAlreadyStartsToday,
    /// PRICE-4: a month's index refused by the form (`field`: `month` or `value`).
    PriceIndexInvalid,
    /// PRICE-4: the series refuses the month (entered already, before the series, or a gap).
    PriceIndexSeriesConflict,
    /// PRICE-6: this Credits rate was published today already.
    CreditsRateAlreadyPublished,
    /// NUM-1: a range of Numbers refused (`field`: `country`, `first` or `last`).
    NumberRangeInvalid,
    // Invoices, payments, late payment, disputes.
    InvoiceNotOverdue,
    FormalNoticeAlreadySent,
    SemesterRatesAlreadyRecorded,
    InvoiceAlreadyPaid,
    PaymentDeclined,
    PaymentInProgress,
    /// Issue 13: a payment provider's webhook delivery whose signature does not hold (wrong,
    /// missing, or its timestamp outside the tolerance window).
    WebhookSignatureInvalid,
    /// Issue 13: a signed webhook event this server cannot apply.
    WebhookEventInvalid,
    StatementExpired,
    DisputeWindowClosed,
    DisputeAlreadyOpen,
    DisputeAlreadyDecided,
    DecisionInvalid,
    InvoiceNotPaid,
    RestitutionTimeBarred,
    // Credits.
    CreditsInsufficient,
    // Idempotency keys of the requests that create money (issue 13).
    IdempotencyKeyMissing,
    IdempotencyKeyTooLong,
    IdempotencyKeyReserved,
    IdempotencyKeyReused,
    // The WebApp: messages, calls, voicemail.
    AttachmentType,
    AttachmentTooLarge,
    AttachmentEmpty,
    EmergencyNumber,
    InvalidNumber,
    NotInPlan,
    NoRate,
    CreditsShort,
    SameNumber,
    UnsupportedHomePlan,
    CallState,
    VoicemailType,
    VoicemailTooLarge,
    VoicemailEmpty,
    VoicemailDuration,
    // Data rights.
    DataRequestAlreadyOpen,
    DataRequestAlreadyAnswered,
    OwnDataRequest,
    ProfileCorrectionNotAllowed,
    // The demo clock.
    DaysOutOfRange,
    /// Something failed on the server's side; nothing was saved.
    Internal,
    /// A code this build of the app does not know (a newer server's).
    #[serde(other)]
    Unknown,
}

impl From<&Problem> for ErrorCode {
    fn from(problem: &Problem) -> Self {
        match problem {
            Problem::Required => ErrorCode::Required,
            Problem::TooLong { .. } => ErrorCode::TooLong,
            Problem::TooShort { .. } => ErrorCode::TooShort,
            Problem::Invalid(_) => ErrorCode::Invalid,
        }
    }
}

impl From<&KeyProblem> for ErrorCode {
    fn from(problem: &KeyProblem) -> Self {
        match problem {
            KeyProblem::Missing => ErrorCode::IdempotencyKeyMissing,
            KeyProblem::TooLong { .. } => ErrorCode::IdempotencyKeyTooLong,
            KeyProblem::Reserved => ErrorCode::IdempotencyKeyReserved,
        }
    }
}

impl From<&AttachmentError> for ErrorCode {
    fn from(error: &AttachmentError) -> Self {
        match error {
            AttachmentError::UnsupportedType { .. } => ErrorCode::AttachmentType,
            AttachmentError::TooLarge { .. } => ErrorCode::AttachmentTooLarge,
            AttachmentError::Empty => ErrorCode::AttachmentEmpty,
        }
    }
}

impl From<&CallRefusal> for ErrorCode {
    fn from(refusal: &CallRefusal) -> Self {
        match refusal {
            CallRefusal::Emergency => ErrorCode::EmergencyNumber,
            CallRefusal::Invalid => ErrorCode::InvalidNumber,
            CallRefusal::NotInPlan { .. } => ErrorCode::NotInPlan,
            CallRefusal::NoRate { .. } => ErrorCode::NoRate,
            CallRefusal::CreditsShort { .. } => ErrorCode::CreditsShort,
            CallRefusal::SameNumber => ErrorCode::SameNumber,
            CallRefusal::UnsupportedHome { .. } => ErrorCode::UnsupportedHomePlan,
        }
    }
}

impl From<&VoicemailProblem> for ErrorCode {
    fn from(problem: &VoicemailProblem) -> Self {
        match problem {
            VoicemailProblem::UnsupportedType { .. } => ErrorCode::VoicemailType,
            VoicemailProblem::TooLarge { .. } => ErrorCode::VoicemailTooLarge,
            VoicemailProblem::Empty => ErrorCode::VoicemailEmpty,
            VoicemailProblem::BadDuration => ErrorCode::VoicemailDuration,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_travel_as_their_snake_case_names() {
        for (code, wire) in [
            (ErrorCode::EmailTaken, "\"email_taken\""),
            (
                ErrorCode::SemesterRatesAlreadyRecorded,
                "\"semester_rates_already_recorded\"",
            ),
            (ErrorCode::UnsupportedHomePlan, "\"unsupported_home_plan\""),
            (ErrorCode::TooLong, "\"too_long\""),
        ] {
            assert_eq!(serde_json::to_string(&code).unwrap(), wire);
            assert_eq!(serde_json::from_str::<ErrorCode>(wire).unwrap(), code);
        }
    }

    #[test]
    fn an_unknown_code_is_read_as_unknown() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"error": {"code": "something_new", "message": "Later.", "field": null}}"#,
        )
        .unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }
}
