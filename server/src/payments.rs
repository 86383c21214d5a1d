//! Payment providers: the interface the console charges invoices through, and the test provider
//! used until a real one is connected. Payment is due at issue (payment in advance, PAY-1), so
//! the Manager pays an invoice from the console with the Company's valid payment method (PAY-2).

use std::future::Future;
use std::pin::Pin;

use domain::Money;

/// What to charge: an amount, on a payment method the Company keeps on file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub company_id: i64,
    /// Issue 13: the same for every retry of one payment, so that the provider charges it once
    /// (a real provider dedupes by it; the test provider's answer depends on nothing else).
    pub idempotency_key: String,
    pub invoice_number: String,
    pub amount: Money,
    /// `card` or `sepa`.
    pub method_kind: String,
    pub method_label: String,
    pub method_last4: String,
}

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The money was taken; the provider's reference for it.
    Succeeded { reference: String },
    /// The provider refused; why, in a sentence for the Manager.
    Declined { reason: String },
}

/// A payment provider. Implementations must not panic: a provider that cannot be reached
/// answers `Declined` with the reason.
pub trait PaymentProvider: Send + Sync + 'static {
    /// Its name, recorded with each payment.
    fn name(&self) -> &'static str;

    fn charge<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> Pin<Box<dyn Future<Output = ChargeOutcome> + Send + 'a>>;
}

/// The test provider: deterministic, for development, demos and tests. It declines a payment
/// method whose label contains "decline" (any case) and accepts every other one.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestProvider;

impl TestProvider {
    /// The word in a payment method's label that makes this provider refuse it.
    pub const DECLINE_MARK: &'static str = "decline";
}

impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn charge<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> Pin<Box<dyn Future<Output = ChargeOutcome> + Send + 'a>> {
        Box::pin(async move {
            if charge
                .method_label
                .to_lowercase()
                .contains(Self::DECLINE_MARK)
            {
                ChargeOutcome::Declined {
                    reason: format!(
                        "The bank refused the payment on {} ending {}: use another payment method or contact the bank.",
                        charge.method_label, charge.method_last4
                    ),
                }
            } else {
                ChargeOutcome::Succeeded {
                    reference: format!("test-{}", charge.idempotency_key),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(label: &str) -> Charge {
        Charge {
            company_id: 1,
            idempotency_key: "payment-1".into(),
            invoice_number: "2026-000001".into(),
            amount: Money::from_cents(1188),
            method_kind: "card".into(),
            method_label: label.into(),
            method_last4: "4242".into(),
        }
    }

    #[tokio::test]
    async fn the_test_provider_declines_only_labels_saying_decline() {
        let provider = TestProvider;
        assert!(matches!(
            provider.charge(&charge("Main card")).await,
            ChargeOutcome::Succeeded { .. }
        ));
        assert!(matches!(
            provider.charge(&charge("Card to DECLINE")).await,
            ChargeOutcome::Declined { .. }
        ));
    }
}
