//! One idempotency key per user intent (issue 13). A request that creates money (an Order, a
//! Credits top-up, a payment of an invoice) carries a key, and the server does what one key asks
//! once. The app makes a key when the person submits, sends it again when the same submission is
//! retried after its answer was lost (no answer, or the server failing to answer), and makes a new
//! one once the server has answered: clicking again after a top-up went through is another top-up;
//! clicking again after it was lost is the same one. Changing what is sent (another amount, another
//! invoice) is another intent too, with its own key.
//!
//! The key itself comes from the caller (`crate::api::new_idempotency_key` in the app): this type
//! reads no clock and draws no random number, so it is tested natively.

/// The intent in flight, if any: what it sends and its key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntentKey {
    open: Option<Open>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Open {
    /// What identifies the request (an amount, an invoice id): a retry sends the same.
    request: String,
    key: String,
}

impl IntentKey {
    /// The key to send `request` with: the open intent's when `request` is the one it sent (a
    /// retry), else `fresh()` as the key of a new intent.
    pub fn key_for(&mut self, request: &str, fresh: impl FnOnce() -> String) -> String {
        match &self.open {
            Some(open) if open.request == request => open.key.clone(),
            _ => {
                let key = fresh();
                self.open = Some(Open {
                    request: request.to_owned(),
                    key: key.clone(),
                });
                key
            }
        }
    }

    /// The request's answer arrived: `lost` when it did not really (no answer, or the server
    /// failed before answering), and the intent stays open for its retry; otherwise the intent
    /// is over, done or refused, and the next submission is a new one.
    pub fn answered(&mut self, lost: bool) {
        if !lost {
            self.open = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> impl FnMut() -> String {
        let mut next = 0;
        move || {
            next += 1;
            format!("k{next}")
        }
    }

    #[test]
    fn a_retry_after_a_lost_answer_sends_the_same_key() {
        let mut fresh = keys();
        let mut intent = IntentKey::default();
        assert_eq!(intent.key_for("20", &mut fresh), "k1");
        intent.answered(true);
        assert_eq!(intent.key_for("20", &mut fresh), "k1");
        intent.answered(true);
        assert_eq!(intent.key_for("20", &mut fresh), "k1");
    }

    #[test]
    fn an_answer_ends_the_intent() {
        let mut fresh = keys();
        let mut intent = IntentKey::default();
        assert_eq!(intent.key_for("20", &mut fresh), "k1");
        intent.answered(false);
        // The same amount again is a second top-up, with its own key.
        assert_eq!(intent.key_for("20", &mut fresh), "k2");
    }

    #[test]
    fn another_request_is_another_intent() {
        let mut fresh = keys();
        let mut intent = IntentKey::default();
        assert_eq!(intent.key_for("20", &mut fresh), "k1");
        intent.answered(true);
        // The amount changed after the lost answer: not a retry.
        assert_eq!(intent.key_for("30", &mut fresh), "k2");
        intent.answered(true);
        assert_eq!(intent.key_for("30", &mut fresh), "k2");
    }
}
