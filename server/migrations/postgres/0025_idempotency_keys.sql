-- Issue 13: every request that creates money carries an idempotency key, as Orders already do
-- (theirs is orders.idempotency_key). This table holds the keys of Credits top-ups and of manual
-- payments of invoices: one row per key and Company (the UNIQUE constraint), written in the
-- transaction that creates the money, so two identical requests racing each other cannot both
-- succeed, and a retry after a lost answer finds what the first request did.
-- Conventions as in 0001: instants RFC 3339 UTC text, money integer cents.
CREATE TABLE idempotency_keys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    idempotency_key TEXT NOT NULL,
    -- What the key was first used for: a top-up of amount_cents, which created invoice_id; or a
    -- payment of invoice_id, charged amount_cents on payment_method_id.
    purpose TEXT NOT NULL CHECK (purpose IN ('credits_top_up', 'invoice_payment')),
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    payment_method_id BIGINT REFERENCES payment_methods (id),
    -- A payment is claimed (pending) before the provider is asked, and done once its outcome
    -- (payment_id: succeeded or declined) is recorded; a top-up is done at once.
    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    payment_id BIGINT REFERENCES payments (id),
    created_at TEXT NOT NULL,
    completed_at TEXT,
    UNIQUE (company_id, idempotency_key),
    CHECK (state = 'pending' OR purpose = 'credits_top_up' OR payment_id IS NOT NULL)
);
-- The payments of an invoice under way (a second key waits for the first one's outcome).
CREATE INDEX idempotency_keys_pending ON idempotency_keys (invoice_id) WHERE state = 'pending';
