//! The provider's back office (issue 14): its operators, their roles and what each role may do,
//! and the bodies of their sign-in. Operators are people of the provider, a kind of account of
//! their own (never a Company's User), signed in with a password and a code from their
//! authenticator app, always.

use chrono::NaiveDate;
use domain::money::Money;
use serde::{Deserialize, Serialize};

use crate::late_payment::{FormalNoticeView, LatePaymentView};

/// What an operator is there for; each role does its own part of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorRole {
    /// Invoices, collection and what follows a late payment: formal notices, terminations for
    /// fault, decisions on disputes, late-payment rates.
    Billing,
    /// Companies and their people: suspensions and their lifting, trials, complaints and
    /// data-rights requests.
    Support,
    /// The catalogue and the operators themselves; and what any role does.
    Administrator,
}

impl OperatorRole {
    pub const ALL: [OperatorRole; 3] = [
        OperatorRole::Billing,
        OperatorRole::Support,
        OperatorRole::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperatorRole::Billing => "billing",
            OperatorRole::Support => "support",
            OperatorRole::Administrator => "administrator",
        }
    }

    pub fn parse(raw: &str) -> Option<OperatorRole> {
        OperatorRole::ALL
            .into_iter()
            .find(|role| role.as_str() == raw)
    }

    /// Whether an operator of this role may take `action`.
    pub fn may(self, action: BackOfficeAction) -> bool {
        self == OperatorRole::Administrator || action.role() == self
    }
}

/// The provider's contract actions, each the business of one role (an administrator takes any).
///
/// The catalogue (issue 14, point 3): administrators change what the provider sells and at what
/// price — general reductions (PRICE-3), price-change notices (PRICE-4, PRICE-5), Credits rates
/// (PRICE-6) and the pool of Numbers; billing enters the facts published by others that billing
/// computes with — the consumer price index of each month (PRICE-4) and the late-payment rates of
/// each semester (LATE-1). Any operator reads all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackOfficeAction {
    /// DISPUTE-2, DISPUTE-3: accept (with a credit note) or refuse a dispute or a claim for
    /// restitution.
    DecideDispute,
    /// LATE-4: the formal notice to pay.
    SendFormalNotice,
    /// TERM-1, TERM-2: termination for fault.
    TerminateForFault,
    /// LATE-1: the late-payment rate of a semester.
    SetLatePaymentRate,
    /// SUSP-1: suspend a User or a Company, or lift it.
    Suspend,
    /// TRIAL-1: offer a trial.
    OfferTrial,
    /// DISPUTE-4: answer a complaint.
    AnswerComplaint,
    /// PRICE-4, PRICE-5: a price-change notice.
    ChangePrices,
    /// NOTICE-2: the provider's termination of a Licence without reason.
    TerminateWithoutReason,
    /// DATA-1: answer a data-rights request no Manager answered.
    AnswerDataRequest,
    /// NOTICE-3: the discontinuation of a Service, for every Company.
    DiscontinueService,
    /// The demo clock of a demo server.
    MoveDemoClock,
    /// Add operators (issue 14, point 1).
    ManageOperators,
    /// PRICE-3: a general price reduction, for new Orders.
    ReducePrices,
    /// PRICE-4: the consumer price index of a month.
    EnterPriceIndex,
    /// PRICE-6: publish a Credits rate (up or down).
    SetCreditsRates,
    /// NUM-1: add a range of Numbers to the pool.
    AddNumbers,
}

impl BackOfficeAction {
    /// The role whose business it is.
    pub fn role(self) -> OperatorRole {
        match self {
            BackOfficeAction::DecideDispute
            | BackOfficeAction::SendFormalNotice
            | BackOfficeAction::TerminateForFault
            | BackOfficeAction::SetLatePaymentRate
            | BackOfficeAction::EnterPriceIndex => OperatorRole::Billing,
            BackOfficeAction::Suspend
            | BackOfficeAction::OfferTrial
            | BackOfficeAction::AnswerComplaint
            | BackOfficeAction::AnswerDataRequest => OperatorRole::Support,
            BackOfficeAction::ChangePrices
            | BackOfficeAction::TerminateWithoutReason
            | BackOfficeAction::DiscontinueService
            | BackOfficeAction::MoveDemoClock
            | BackOfficeAction::ManageOperators
            | BackOfficeAction::ReducePrices
            | BackOfficeAction::SetCreditsRates
            | BackOfficeAction::AddNumbers => OperatorRole::Administrator,
        }
    }
}

/// `POST /api/backoffice/session`: an operator signs in, with a code from their authenticator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSignIn {
    pub email: String,
    pub password: String,
    pub code: String,
}

/// The signed-in operator: the answer to sign-in and `GET /api/backoffice/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorMe {
    pub id: i64,
    pub email: String,
    pub role: OperatorRole,
}

/// `GET /api/backoffice/setup/{token}`: what a new operator needs to set up their access: the
/// authenticator's secret (to type, or as a QR code) chosen for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSetup {
    pub email: String,
    pub role: OperatorRole,
    /// Base32, grouped by four for typing.
    pub secret: String,
    /// `otpauth://…`, what the QR code holds.
    pub uri: String,
    /// The QR code, a `data:image/svg+xml` URL.
    pub qr_code: String,
}

/// `POST /api/backoffice/setup/{token}`: the new operator's password, and a code from their
/// authenticator proving it was set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSetupForm {
    #[serde(default)]
    pub password: String,
    /// Missing, it is not right: said as the field's error.
    #[serde(default)]
    pub code: String,
}

/// `GET /api/admin/queues/overdue`: an overdue invoice waiting for the provider (LATE-1..4),
/// oldest due first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueItem {
    pub invoice_id: i64,
    pub invoice_number: String,
    pub company_id: i64,
    pub company_name: String,
    pub total: Money,
    pub due_date: NaiveDate,
    /// Days late, the penalty so far and the indemnity, on the server's today.
    pub late: Option<LatePaymentView>,
    /// The formal notice to pay, once sent.
    pub formal_notice: Option<FormalNoticeView>,
}

/// `GET /api/admin/queues/disputes`: a dispute waiting for the provider's decision (DISPUTE-2),
/// oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeItem {
    pub dispute_id: i64,
    pub company_name: String,
    pub invoice_id: i64,
    pub invoice_number: String,
    pub invoice_total: Money,
    pub justification: String,
    pub opened_on: NaiveDate,
}

/// `GET /api/admin/operators`: the provider's operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorItem {
    pub id: i64,
    pub email: String,
    pub role: OperatorRole,
    /// False until they used their set-up link.
    pub set_up: bool,
}

/// `POST /api/admin/operators`: an administrator adds an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOperator {
    pub email: String,
    pub role: OperatorRole,
}

/// The answer to [`NewOperator`]: the one-time set-up link to hand to the new operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorAdded {
    /// A path: `/backoffice/setup/<token>`.
    pub setup_link: String,
}

/// `GET /api/admin/queues/restitution-claims`: a claim for restitution of a paid invoice
/// (DISPUTE-3) waiting for its decision, the oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestitutionItem {
    pub claim_id: i64,
    pub company_id: i64,
    pub company_name: String,
    pub invoice_number: String,
    pub invoice_total: Money,
    pub paid_on: Option<NaiveDate>,
    pub reason: String,
    pub claimed_on: NaiveDate,
    /// What the invoice's credit notes have not given back yet: the most an acceptance gives.
    pub creditable: Money,
}

/// `GET /api/admin/companies?q=`: a Company as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyItem {
    pub id: i64,
    pub legal_name: String,
    pub registration_number: String,
    pub licences_in_force: i64,
    /// What its overdue invoices total, VAT included.
    pub overdue: Money,
    /// Suspensions in force (the Company's or its Users').
    pub suspensions: i64,
    pub status: CompanyStatus,
    /// PROMO-1: the Company refuses the provider's promotional messages.
    pub promotions_opt_out: bool,
}

/// Where a Company stands, as the back office lists it: the first that applies of suspended,
/// overdue, Contract ended (it had Licences, none is in force: TERM-3), active, or no Licence
/// yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyStatus {
    Suspended,
    Overdue,
    ContractEnded,
    Active,
    NoLicenceYet,
}

impl CompanyStatus {
    pub fn label(self) -> &'static str {
        match self {
            CompanyStatus::Suspended => "Suspended",
            CompanyStatus::Overdue => "Overdue",
            CompanyStatus::ContractEnded => "Contract ended",
            CompanyStatus::Active => "Active",
            CompanyStatus::NoLicenceYet => "No Licence yet",
        }
    }
}

/// `GET /api/admin/companies/{id}`: one Company as the back office sees it: its Licences,
/// invoices, terminations, notices naming a breach, and the newest page of its proof log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyDetail {
    /// The server's today: the day the browser applies the rules to (the demo clock moves it).
    pub today: NaiveDate,
    pub company: CompanyItem,
    pub licences: Vec<crate::licences::LicenceView>,
    pub invoices: Vec<crate::invoices::InvoiceSummary>,
    pub terminations: Vec<crate::terminations::TerminationView>,
    /// LATE-4: the earliest formal notice to pay of an invoice still unpaid, the notice a
    /// termination on the ground `unpaid` waits for.
    pub unpaid_notice_sent_on: Option<NaiveDate>,
    /// GTCS 6.2.2 (ii): the notices naming a breach, latest first.
    pub fault_notices: Vec<crate::terminations::FaultNoticeView>,
    /// SUSP-1: what is suspended now (the Company, its Users).
    pub suspensions: crate::late_payment::Suspensions,
    /// NUM-3: the Users holding Numbers that no longer meet NUM-2, which grounds their
    /// suspension for "territory no longer met".
    pub out_of_territory: Vec<UserOutOfTerritory>,
    pub activity: crate::company::ActivityPage,
}

/// `GET /api/admin/queues/data-requests`: a data-rights request waiting for its answer (DATA-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequestItem {
    pub company_id: i64,
    pub company_name: String,
    pub request: crate::privacy::DataRequest,
    /// Its due date has passed.
    pub overdue: bool,
    /// The Company's active Managers other than the person who asked: none, and only the
    /// provider can answer.
    pub managers_who_may_answer: i64,
}

/// A User of a Company as an operator finds them (`GET /api/admin/companies/{id}/users?q=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFound {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_manager: bool,
    pub active: bool,
}

/// NUM-3: a User and the Numbers they hold that no longer meet NUM-2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOutOfTerritory {
    pub user: UserFound,
    pub numbers: Vec<crate::users::NumberOutOfTerritory>,
}

/// `GET /api/admin/companies/{id}/liability?on=`: the cap of the provider's liability for a
/// loss the Company claims on that day (LIAB-1, calculator `liability.cap`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiabilityCap {
    pub loss_date: NaiveDate,
    /// The window's first day: 6 months before the loss; its last is the day before the loss.
    pub window_first_day: NaiveDate,
    /// The sums the Company paid in the window, less what was refunded to it then.
    pub cap: Money,
}

/// `GET /api/admin/proof`: the check of every Company's proof log (PROOF-1), as
/// `server verify-proof` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofReport {
    pub intact: bool,
    /// What was checked, or the first entry or checkpoint that broke, in a sentence.
    pub report: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_takes_its_own_actions_and_the_administrator_any() {
        use BackOfficeAction::*;
        let actions = [
            DecideDispute,
            SendFormalNotice,
            TerminateForFault,
            SetLatePaymentRate,
            Suspend,
            OfferTrial,
            AnswerComplaint,
            AnswerDataRequest,
            ChangePrices,
            TerminateWithoutReason,
            DiscontinueService,
            MoveDemoClock,
            ManageOperators,
            ReducePrices,
            EnterPriceIndex,
            SetCreditsRates,
            AddNumbers,
        ];
        let allowed = |role: OperatorRole| -> Vec<BackOfficeAction> {
            actions.into_iter().filter(|a| role.may(*a)).collect()
        };
        assert_eq!(
            allowed(OperatorRole::Billing),
            [
                DecideDispute,
                SendFormalNotice,
                TerminateForFault,
                SetLatePaymentRate,
                EnterPriceIndex
            ]
        );
        assert!(!OperatorRole::Billing.may(ReducePrices));
        assert!(!OperatorRole::Support.may(AddNumbers));
        assert_eq!(
            allowed(OperatorRole::Support),
            [Suspend, OfferTrial, AnswerComplaint, AnswerDataRequest]
        );
        assert!(!OperatorRole::Billing.may(ManageOperators));
        assert_eq!(allowed(OperatorRole::Administrator), actions);
        for role in OperatorRole::ALL {
            assert_eq!(OperatorRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(OperatorRole::parse("root"), None);
    }
}
