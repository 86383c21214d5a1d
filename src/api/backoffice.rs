//! The provider's back office (issue 14): an operator's set-up and session.

use gloo_net::http::Request;
use protocol::backoffice::{
    CompanyDetail, CompanyItem, DataRequestItem, DisputeItem, LiabilityCap, NewOperator,
    OperatorAdded, OperatorItem, OperatorMe, OperatorSetup, OperatorSetupForm, OperatorSignIn,
    OverdueItem, ProofReport, RestitutionItem, UserFound,
};
use protocol::complaints::{ComplaintAnswer, ComplaintItem, ComplaintView};
use protocol::discontinuations::{DiscontinuationForm, DiscontinuationView, Discontinuations};
use protocol::disputes::DisputeDecision;
use protocol::late_payment::SuspendForm;
use protocol::licences::NoticeReceipt;
use protocol::privacy::{DataRequest, DataRequestAnswer};
use protocol::terminations::{
    FaultNoticeForm, FaultNoticeView, FaultTerminationForm, TerminationView,
};
use protocol::trials::TrialForm;

use super::{ApiError, get, post, without_answer};

/// What the set-up link `token` offers: the authenticator's secret chosen for the operator.
pub async fn operator_setup(token: &str) -> Result<OperatorSetup, ApiError> {
    get(&format!("/api/backoffice/setup/{token}")).await
}

/// Sets the operator's password, with a first code of their authenticator.
pub async fn complete_operator_setup(
    token: &str,
    form: &OperatorSetupForm,
) -> Result<(), ApiError> {
    without_answer(Request::post(&format!("/api/backoffice/setup/{token}")).json(form)).await
}

pub async fn operator_sign_in(form: &OperatorSignIn) -> Result<OperatorMe, ApiError> {
    post("/api/backoffice/session", form).await
}

/// The signed-in operator; `None` when nobody is.
pub async fn operator() -> Result<Option<OperatorMe>, ApiError> {
    match get("/api/backoffice/session").await {
        Ok(me) => Ok(Some(me)),
        Err(error) if error.status() == Some(403) => Ok(None),
        Err(error) => Err(error),
    }
}

pub async fn operator_sign_out() -> Result<(), ApiError> {
    without_answer(Request::delete("/api/backoffice/session").build()).await
}

/// Overdue invoices, the longest overdue first.
pub async fn overdue_queue() -> Result<Vec<OverdueItem>, ApiError> {
    get("/api/admin/queues/overdue").await
}

/// DISPUTE-3: claims for restitution, the oldest first.
pub async fn restitution_queue() -> Result<Vec<RestitutionItem>, ApiError> {
    get("/api/admin/queues/restitution-claims").await
}

/// Disputes waiting for a decision, the oldest first.
pub async fn disputes_queue() -> Result<Vec<DisputeItem>, ApiError> {
    get("/api/admin/queues/disputes").await
}

/// LATE-4: the formal notice to pay an overdue invoice.
pub async fn send_formal_notice(invoice_id: i64) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/admin/invoices/{invoice_id}/formal-notice")).build(),
    )
    .await
}

/// DISPUTE-2: accept (with a credit note of `amount`) or refuse (with a reason) a dispute.
pub async fn decide_dispute(dispute_id: i64, decision: &DisputeDecision) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/admin/disputes/{dispute_id}/decision")).json(decision),
    )
    .await
}

/// DISPUTE-3: the provider's decision on a claim for restitution.
pub async fn decide_restitution(claim_id: i64, decision: &DisputeDecision) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!(
            "/api/admin/restitution-claims/{claim_id}/decision"
        ))
        .json(decision),
    )
    .await
}

/// The Companies whose name or registration number holds `query`.
pub async fn companies(query: &str) -> Result<Vec<CompanyItem>, ApiError> {
    let query: String = js_sys::encode_uri_component(query).into();
    get(&format!("/api/admin/companies?q={query}")).await
}

/// The provider's operators (administrators).
pub async fn operators() -> Result<Vec<OperatorItem>, ApiError> {
    get("/api/admin/operators").await
}

/// Adds an operator (administrators); their one-time set-up link.
pub async fn add_operator(form: &NewOperator) -> Result<OperatorAdded, ApiError> {
    post("/api/admin/operators", form).await
}

/// PROOF-1: checks every Company's proof log.
pub async fn check_proof() -> Result<ProofReport, ApiError> {
    get("/api/admin/proof").await
}

/// LIAB-1: the cap of the provider's liability for a loss of the Company on `on` (YYYY-MM-DD).
pub async fn liability_cap(company_id: i64, on: &str) -> Result<LiabilityCap, ApiError> {
    let on: String = js_sys::encode_uri_component(on).into();
    get(&format!(
        "/api/admin/companies/{company_id}/liability?on={on}"
    ))
    .await
}

/// One Company with what the back office acts on.
pub async fn company_detail(company_id: i64) -> Result<CompanyDetail, ApiError> {
    get(&format!("/api/admin/companies/{company_id}")).await
}

/// TERM-1, TERM-2: the provider ends a Licence for fault.
pub async fn terminate_for_fault(
    licence_id: i64,
    form: &FaultTerminationForm,
) -> Result<TerminationView, ApiError> {
    post(
        &format!("/api/admin/licences/{licence_id}/fault-termination"),
        form,
    )
    .await
}

/// GTCS 6.2.2 (ii): the notice naming a breach, 8 days before a termination on its ground.
pub async fn send_fault_notice(
    company_id: i64,
    form: &FaultNoticeForm,
) -> Result<FaultNoticeView, ApiError> {
    post(
        &format!("/api/admin/companies/{company_id}/fault-notices"),
        form,
    )
    .await
}

/// DISPUTE-4: complaints waiting for an answer, the earliest due first.
pub async fn complaints_queue() -> Result<Vec<ComplaintItem>, ApiError> {
    get("/api/admin/queues/complaints").await
}

/// DATA-1: the data-rights requests waiting for their answer, the earliest due first.
pub async fn data_requests_queue() -> Result<Vec<DataRequestItem>, ApiError> {
    get("/api/admin/queues/data-requests").await
}

/// DATA-1: the provider's support answers a data-rights request.
pub async fn provider_answers_data_request(
    request_id: i64,
    answer: &DataRequestAnswer,
) -> Result<DataRequest, ApiError> {
    post(
        &format!("/api/admin/data-requests/{request_id}/answer"),
        answer,
    )
    .await
}

/// DISPUTE-4: a support operator's answer to a complaint.
pub async fn answer_complaint(
    complaint_id: i64,
    answer: &ComplaintAnswer,
) -> Result<ComplaintView, ApiError> {
    post(
        &format!("/api/admin/complaints/{complaint_id}/answer"),
        answer,
    )
    .await
}

/// SUSP-1: suspends the Company (`user_id` `None`) or one of its Users, for a reason of the list.
pub async fn suspend(
    company_id: i64,
    user_id: Option<i64>,
    form: &SuspendForm,
) -> Result<(), ApiError> {
    let path = match user_id {
        Some(user_id) => format!("/api/admin/users/{user_id}/suspension"),
        None => format!("/api/admin/companies/{company_id}/suspension"),
    };
    without_answer(Request::post(&path).json(form)).await
}

/// At most 20 of the Company's Users whose name or email holds `text`.
pub async fn find_users(company_id: i64, text: &str) -> Result<Vec<UserFound>, ApiError> {
    let text: String = js_sys::encode_uri_component(text).into();
    get(&format!("/api/admin/companies/{company_id}/users?q={text}")).await
}

/// SUSP-1: lifts the suspension of the Company (`user_id` `None`) or of one of its Users.
pub async fn lift_suspension(company_id: i64, user_id: Option<i64>) -> Result<(), ApiError> {
    let path = match user_id {
        Some(user_id) => format!("/api/admin/users/{user_id}/suspension"),
        None => format!("/api/admin/companies/{company_id}/suspension"),
    };
    without_answer(Request::delete(&path).build()).await
}

/// TRIAL-1: offers the Company a trial until its last day.
pub async fn offer_trial(company_id: i64, form: &TrialForm) -> Result<(), ApiError> {
    without_answer(
        Request::post(&format!("/api/admin/companies/{company_id}/trial-offer")).json(form),
    )
    .await
}

/// NOTICE-2: the provider ends a Licence without reason at the end of a period.
pub async fn terminate_without_reason(licence_id: i64) -> Result<NoticeReceipt, ApiError> {
    post(
        &format!("/api/admin/licences/{licence_id}/provider-termination"),
        &serde_json::json!({}),
    )
    .await
}

/// NOTICE-3: the Services discontinued, with the server's today.
pub async fn discontinuations() -> Result<Discontinuations, ApiError> {
    get("/api/admin/service-discontinuations").await
}

/// NOTICE-3: announces a Service's discontinuation (administrators).
pub async fn discontinue(form: &DiscontinuationForm) -> Result<DiscontinuationView, ApiError> {
    post("/api/admin/service-discontinuations", form).await
}
