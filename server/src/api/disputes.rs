//! `/api/console/invoices/{id}/disputes` and `/restitution-claims`: a Manager disputes an
//! invoice until 6 weeks after its date (DISPUTE-1) and claims restitution until a year after
//! the payment (DISPUTE-3); `/api/admin/disputes/{id}/decision`: the provider accepts a dispute,
//! creating a credit note deducted from the Company's next invoice, or refuses it with a reason
//! (DISPUTE-2), and `/api/admin/restitution-claims/{id}/decision` a claim the same way
//! (DISPUTE-3); `/api/console/credit-notes`: the Company's credit notes, each a document with its
//! PDF. A dispute does not suspend payment: the invoice stays due.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use protocol::disputes::{
    CreditNoteDocument, CreditNoteView, DisputeDecision, DisputeForm, InvoiceDisputes,
    RestitutionClaimForm,
};

use super::extract::{Body, PathId};
use crate::auth::Manager;
use crate::auth::operator::Operator;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::disputes::{self, Decided, Decision};
use protocol::backoffice::BackOfficeAction;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/console/invoices/{id}/disputes",
            get(for_invoice).post(open),
        )
        .route(
            "/console/invoices/{id}/restitution-claims",
            post(claim_restitution),
        )
        .route("/console/credit-notes", get(credit_notes))
        .route("/console/credit-notes/{id}", get(credit_note))
        .route("/console/credit-notes/{id}/pdf", get(credit_note_pdf))
        .route("/admin/disputes/{id}/decision", post(decide))
        .route(
            "/admin/restitution-claims/{id}/decision",
            post(decide_restitution),
        )
}

/// `GET /api/console/credit-notes`: the Company's credit notes, newest first (DISPUTE-2).
async fn credit_notes(
    State(state): State<AppState>,
    Manager(manager): Manager,
) -> Result<Json<Vec<CreditNoteView>>, ApiError> {
    Ok(Json(
        disputes::credit_notes(&state.db, manager.company_id).await?,
    ))
}

/// `GET /api/console/credit-notes/{id}`: one of the Company's credit notes as a document, with
/// its net lines, VAT and total; another Company's is not found.
async fn credit_note(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<Json<CreditNoteDocument>, ApiError> {
    disputes::credit_note(&state.db, manager.company_id, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// `GET /api/console/credit-notes/{id}/pdf`: the credit note as a PDF document.
async fn credit_note_pdf(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(id): PathId,
) -> Result<impl IntoResponse, ApiError> {
    let pdf = crate::services::invoices::credit_note_pdf(&state.db, manager.company_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"credit-note-{}.pdf\"", pdf.number),
            ),
        ],
        pdf.bytes,
    ))
}

async fn view(
    state: &AppState,
    company_id: i64,
    invoice_id: i64,
) -> Result<InvoiceDisputes, ApiError> {
    disputes::for_invoice(&state.db, company_id, invoice_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/console/invoices/{id}/disputes`: the invoice's disputes with their decisions, the
/// credit notes deducted from it, its windows and restitution claims.
async fn for_invoice(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(invoice_id): PathId,
) -> Result<Json<InvoiceDisputes>, ApiError> {
    Ok(Json(view(&state, manager.company_id, invoice_id).await?))
}

/// `POST /api/console/invoices/{id}/disputes`: opens a dispute with its written justification
/// (DISPUTE-1); 201 with the invoice's disputes. Refused (422) after the last day, saying which
/// day that was; 409 while another dispute of the invoice is open.
async fn open(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(invoice_id): PathId,
    Body(form): Body<DisputeForm>,
) -> Result<(StatusCode, Json<InvoiceDisputes>), ApiError> {
    let justification = domain::dispute::validate_justification(&form.justification)?;
    let dispute_id = disputes::open(
        &state.db,
        manager.company_id,
        manager.user_id,
        invoice_id,
        &justification,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(
        dispute_id,
        invoice_id,
        company_id = manager.company_id,
        "invoice disputed"
    );
    Ok((
        StatusCode::CREATED,
        Json(view(&state, manager.company_id, invoice_id).await?),
    ))
}

/// `POST /api/console/invoices/{id}/restitution-claims`: records a claim for restitution of a
/// paid invoice (DISPUTE-3); 201 with the invoice's disputes and claims. Refused (422) more than
/// a year after the payment, saying the last day; 409 when the invoice is not paid.
async fn claim_restitution(
    State(state): State<AppState>,
    Manager(manager): Manager,
    PathId(invoice_id): PathId,
    Body(form): Body<RestitutionClaimForm>,
) -> Result<(StatusCode, Json<InvoiceDisputes>), ApiError> {
    let reason = domain::dispute::validate_claim_reason(&form.reason)?;
    disputes::claim_restitution(
        &state.db,
        manager.company_id,
        manager.user_id,
        invoice_id,
        &reason,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state, manager.company_id, invoice_id).await?),
    ))
}

fn invalid(field: &'static str, reason: impl Into<String>) -> ApiError {
    ApiError::DisputeDecisionInvalid {
        field,
        reason: reason.into(),
    }
}

/// What the form decides: an acceptance with its amount (whole cents) and note, or a refusal
/// with its reason.
fn decision_of(form: &DisputeDecision) -> Result<Decision, ApiError> {
    let reason = form
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    if form.accept {
        let amount_cents = form
            .amount
            .map(|amount| {
                domain::order::cents(amount).ok_or_else(|| {
                    invalid(
                        "amount",
                        format!("{amount} is not a whole number of cents."),
                    )
                })
            })
            .transpose()?;
        Ok(Decision::Accept {
            amount_cents,
            note: reason,
        })
    } else {
        let reason = reason.ok_or_else(|| {
            invalid(
                "reason",
                "A refusal says why: give the reason the Manager will read.",
            )
        })?;
        Ok(Decision::Refuse { reason })
    }
}

/// `POST /api/admin/disputes/{id}/decision` (billing): accept with a credit note of an amount
/// (by default all the invoice has not been credited yet), or refuse with a reason.
async fn decide(
    State(state): State<AppState>,
    operator: Operator,
    PathId(dispute_id): PathId,
    Body(form): Body<DisputeDecision>,
) -> Result<Json<InvoiceDisputes>, ApiError> {
    decided(&state, &operator, Decided::Dispute(dispute_id), &form).await
}

/// `POST /api/admin/restitution-claims/{id}/decision` (billing, DISPUTE-3): as a dispute's,
/// accepted with a credit note or refused with a reason.
async fn decide_restitution(
    State(state): State<AppState>,
    operator: Operator,
    PathId(claim_id): PathId,
    Body(form): Body<DisputeDecision>,
) -> Result<Json<InvoiceDisputes>, ApiError> {
    decided(&state, &operator, Decided::Restitution(claim_id), &form).await
}

/// The decision of `form` on `what`, by billing; the invoice's disputes and claims as the
/// Manager then reads them.
async fn decided(
    state: &AppState,
    operator: &Operator,
    what: Decided,
    form: &DisputeDecision,
) -> Result<Json<InvoiceDisputes>, ApiError> {
    let decision = decision_of(form)?;
    let (company_id, invoice_id) = disputes::decide(
        &state.db,
        operator.may(BackOfficeAction::DecideDispute)?.id,
        what,
        &decision,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    tracing::info!(?what, accepted = form.accept, "decided");
    Ok(Json(view(state, company_id, invoice_id).await?))
}
