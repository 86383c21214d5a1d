-- Issue 14, point 3: the catalogue as data in the provider's back office. Conventions as in
-- 0001: ids BIGINT, dates as ISO text, instants as UTC RFC 3339 text, money as integer cents.

-- PRICE-3: a general price reduction, effective the day an administrator records it, for new
-- Orders only. Its prices are rows of `call_plan_prices` carrying its id, so that a Licence
-- subscribed before it keeps renewing at the prices it subscribed to.
CREATE TABLE price_reductions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES call_plans (id),
    effective_on TEXT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    created_at TEXT NOT NULL
);
ALTER TABLE call_plan_prices ADD COLUMN reduction_id BIGINT REFERENCES price_reductions (id);

-- PRICE-4: the consumer price index (INSEE, all households), one value per month, entered month
-- after month without gaps.
CREATE TABLE consumer_price_indices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    entered_at TEXT NOT NULL
);

-- PRICE-6: who published a Credits rate, and when (the seeded rates have neither).
ALTER TABLE communication_rates ADD COLUMN operator_id BIGINT REFERENCES operators (id);
ALTER TABLE communication_rates ADD COLUMN created_at TEXT;

-- The pool of Numbers: who added a Number, and when (the seeded pool has neither).
ALTER TABLE numbers ADD COLUMN added_by BIGINT REFERENCES operators (id);
ALTER TABLE numbers ADD COLUMN added_at TEXT;

-- PROOF-1: the provider's own chain, for what concerns no Company in particular (the catalogue):
-- numbered 1, 2, 3… by `provider_log_head`, each entry chained to the previous one by its hash
-- (the formula of `audit_log`'s version 3, with company 0), append-only.
CREATE TABLE provider_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    before_digest TEXT,
    after_digest TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER provider_log_append_only BEFORE UPDATE OR DELETE ON provider_log
FOR EACH ROW EXECUTE FUNCTION refuse_change('the proof log is append-only');
CREATE TABLE provider_log_head (
    id BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO provider_log_head (id, seq) VALUES (1, 0);
