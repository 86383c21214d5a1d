-- Issue 13, points 5 and 6 (house readings "Usage after the month" and "Statement of
-- communications"; PAY-1, PAY-3): the price per minute and per SMS beyond what each Call Plan
-- includes in a month, where the plan prices it; the usage invoice of a month, one per Company
-- on the first day of the next month, in the same yearly numbering; and what each usage invoice
-- charged, communication by communication (its statement).

-- PAY-1, PRICE-6: versioned like the plans' prices; NULL: the plan does not price that unit
-- (what goes beyond is not invoiced).
CREATE TABLE call_plan_usage_prices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES call_plans (id),
    valid_from TEXT NOT NULL,
    minute_cents BIGINT CHECK (minute_cents >= 0),
    sms_cents BIGINT CHECK (sms_cents >= 0),
    UNIQUE (plan_id, valid_from)
);
INSERT INTO call_plan_usage_prices (plan_id, valid_from, minute_cents, sms_cents)
WITH v (code, valid_from, minute_cents, sms_cents) AS (VALUES
    ('ESSENTIAL', '2026-01-01', 15, 10),
    ('BUSINESS', '2026-01-01', 12, CAST(NULL AS BIGINT))
)
SELECT p.id, v.valid_from, v.minute_cents, v.sms_cents FROM call_plans p JOIN v ON v.code = p.code;

ALTER TABLE invoices DROP CONSTRAINT invoices_kind_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_kind_check
    CHECK (kind IN ('order', 'renewal', 'credits_topup', 'penalty', 'termination', 'usage'));
-- A Company's month of usage is invoiced once.
CREATE UNIQUE INDEX invoices_usage_once ON invoices (company_id, period_first_day)
    WHERE kind = 'usage';

-- PAY-3: what a usage invoice charged, one row per communication, as it stood when invoiced
-- (the traffic itself is deleted after a year, DATA-1; these rows belong to the invoice). A
-- communication is charged once ever. `user_id` names who held the Number (no foreign key: the
-- person's row may be pseudonymised, never this one).
CREATE TABLE usage_charges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    line_no BIGINT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('call', 'message')),
    source_id BIGINT NOT NULL,
    number_id BIGINT NOT NULL,
    e164 TEXT NOT NULL,
    user_id BIGINT,
    at TEXT NOT NULL,
    correspondent TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'sms', 'mms')),
    duration_seconds BIGINT,
    parts BIGINT,
    units_included BIGINT NOT NULL,
    units_beyond BIGINT NOT NULL CHECK (units_beyond > 0),
    unit_price_cents BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX usage_charges_invoice ON usage_charges (invoice_id, at);
