-- Issue 13, point 4 (house reading "Credit notes", DISPUTE-2): a credit note that no invoice
-- deducts (the Contract ended) is refunded to the Company's payment method, on the first day of
-- the month after the last day of service (once that month's usage is invoiced). The refund is
-- claimed first (the credit note's remaining amount moves here, in one transaction), then asked
-- of the provider under the refund's own key, and completed with the provider's reference; a
-- claim left pending (the server stopped in between) is asked again with the same key.
CREATE TABLE credit_note_refunds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    credit_note_id INTEGER NOT NULL UNIQUE REFERENCES credit_notes (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    payment_method_id INTEGER NOT NULL REFERENCES payment_methods (id),
    claimed_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'refunded')),
    provider TEXT,
    provider_reference TEXT,
    refunded_at TEXT,
    CHECK (state = 'pending' OR provider_reference IS NOT NULL)
);
CREATE INDEX credit_note_refunds_pending ON credit_note_refunds (id) WHERE state = 'pending';

-- The built-in provider's ledger of refunds: one per key, whatever the retries.
CREATE TABLE provider_refunds (
    idempotency_key TEXT NOT NULL PRIMARY KEY,
    refund_id TEXT NOT NULL UNIQUE,
    token TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
