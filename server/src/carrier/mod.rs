//! The carrier interfaces: what a real SMS gateway and a real voice carrier would implement to
//! reach numbers outside this system, and the simulated implementations used by default. Messages
//! and calls between two Numbers hosted here never reach a carrier.

pub mod sms;
pub mod voice;

use std::future::Future;
use std::pin::Pin;

/// What a carrier method returns: a boxed future, so the traits stay object-safe.
pub type CarrierFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
