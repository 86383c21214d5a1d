//! Handing SMS and MMS to outside numbers, and the delivery receipts that come back.

use std::sync::Arc;

use tokio::sync::mpsc;

use super::CarrierFuture;

/// A message for a number outside this system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// Our reference for it (the message's id), echoed in its delivery receipt.
    pub client_reference: String,
    /// E.164 of the sending Number.
    pub from: String,
    /// E.164 of the recipient.
    pub to: String,
    pub body: String,
    /// The MIME type of an MMS image, if any.
    pub attachment_type: Option<String>,
    pub segments: u32,
}

/// The carrier's answer when a message is handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// Taken by the network; a receipt will follow.
    Accepted,
    /// Refused; why, in a sentence for the User.
    Refused { reason: String },
}

/// A delivery receipt: the message reached the handset, or never will.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub client_reference: String,
    pub delivered: bool,
}

/// Where a carrier posts delivery receipts (the server reads them and updates the messages).
pub type Receipts = mpsc::UnboundedSender<DeliveryReceipt>;

/// An SMS gateway. Implementations must not panic: an unreachable gateway refuses with a reason.
pub trait SmsCarrier: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    /// Hands `sms` to the network; the receipt goes to `receipts` when it comes.
    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
        receipts: &'a Receipts,
    ) -> CarrierFuture<'a, Handover>;
}

/// The default gateway: accepts every message and reports it delivered at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulatedSms;

impl SmsCarrier for SimulatedSms {
    fn name(&self) -> &'static str {
        "simulated"
    }

    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
        receipts: &'a Receipts,
    ) -> CarrierFuture<'a, Handover> {
        Box::pin(async move {
            let _ = receipts.send(DeliveryReceipt {
                client_reference: sms.client_reference.clone(),
                delivered: true,
            });
            Handover::Accepted
        })
    }
}

/// The default gateway, shared.
pub fn simulated() -> Arc<dyn SmsCarrier> {
    Arc::new(SimulatedSms)
}
