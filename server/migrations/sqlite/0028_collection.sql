-- Issue 13, point 1 (house reading "Due date and collection", PAY-1 5.2): every invoice is
-- collected on its issue date from the Company's default payment method, retried 3 and 7 days
-- later; the outcome of each charge arrives on the payment provider's signed webhook.

-- A payment method is the provider's token (a card or a SEPA mandate; never a card number): the
-- label and last four digits are what the Manager reads. Methods added before this migration
-- get a token of the built-in provider (one that declines when the label says so).
ALTER TABLE payment_methods ADD COLUMN provider_token TEXT;
UPDATE payment_methods SET provider_token = 'pm_test_'
    || CASE WHEN lower(label) LIKE '%decline%' THEN 'decline_' ELSE '' END || id;
-- The method the Company is collected from; NULL: its oldest method valid on the day.
ALTER TABLE companies ADD COLUMN default_payment_method_id INTEGER REFERENCES payment_methods (id);

-- The automatic attempts claimed so far (at most 3), and the day of the next one while the
-- collection runs (NULL: none to come; an unpaid invoice is then overdue after its due date).
ALTER TABLE invoices ADD COLUMN collection_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN collection_next_on TEXT;

-- The provider's webhook events applied, by their id: the same event again is ignored.
CREATE TABLE payment_events (
    event_id TEXT NOT NULL PRIMARY KEY,
    idempotency_key_id INTEGER NOT NULL REFERENCES idempotency_keys (id),
    kind TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- The built-in provider's own ledger (what a real provider keeps on its side): one charge per
-- idempotency key, whatever the retries; its outcome decided once.
CREATE TABLE provider_charges (
    idempotency_key TEXT NOT NULL PRIMARY KEY,
    charge_id TEXT NOT NULL UNIQUE,
    invoice_number TEXT NOT NULL,
    token TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    reason TEXT,
    created_at TEXT NOT NULL
);
