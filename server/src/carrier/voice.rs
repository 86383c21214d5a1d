//! Calls to outside numbers: placing them through a voice carrier and hanging them up.

use std::sync::Arc;

use super::CarrierFuture;

/// A call to a number outside this system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCall {
    /// Our reference for it (the call's id).
    pub client_reference: String,
    /// E.164 of the calling Number.
    pub from: String,
    /// The number called: E.164, or as dialled for special and short numbers.
    pub to: String,
}

/// How the attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallAttempt {
    /// The other side answered: the call is connected until either side hangs up.
    Answered,
    /// It rang out.
    NoAnswer,
    /// The network could not connect it; why, in a sentence for the User.
    Failed { reason: String },
}

/// A voice carrier. Implementations must not panic.
pub trait VoiceCarrier: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    fn place<'a>(&'a self, call: &'a OutgoingCall) -> CarrierFuture<'a, CallAttempt>;

    /// Ends a connected call from our side.
    fn hang_up<'a>(&'a self, client_reference: &'a str) -> CarrierFuture<'a, ()>;
}

/// The default carrier: every call is answered at once, and recorded by the server like any other.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulatedVoice;

impl VoiceCarrier for SimulatedVoice {
    fn name(&self) -> &'static str {
        "simulated"
    }

    fn place<'a>(&'a self, _call: &'a OutgoingCall) -> CarrierFuture<'a, CallAttempt> {
        Box::pin(async { CallAttempt::Answered })
    }

    fn hang_up<'a>(&'a self, _client_reference: &'a str) -> CarrierFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// The default carrier, shared.
pub fn simulated() -> Arc<dyn VoiceCarrier> {
    Arc::new(SimulatedVoice)
}
