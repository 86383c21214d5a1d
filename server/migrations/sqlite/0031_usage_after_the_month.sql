-- Issue 13, points 5 and 6 (house readings "Usage after the month" and "Statement of
-- communications"; PAY-1, PAY-3): the price per minute and per SMS beyond what each Call Plan
-- includes in a month, where the plan prices it; the usage invoice of a month, one per Company
-- on the first day of the next month, in the same yearly numbering; and what each usage invoice
-- charged, communication by communication (its statement).
--
-- SQLite cannot change a CHECK in place: the table is rebuilt as in 0027 (foreign keys' checks
-- deferred to the commit).
PRAGMA defer_foreign_keys = ON;

-- PAY-1, PRICE-6: versioned like the plans' prices; NULL: the plan does not price that unit
-- (what goes beyond is not invoiced).
CREATE TABLE call_plan_usage_prices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES call_plans (id),
    valid_from TEXT NOT NULL,
    minute_cents INTEGER CHECK (minute_cents >= 0),
    sms_cents INTEGER CHECK (sms_cents >= 0),
    UNIQUE (plan_id, valid_from)
);
INSERT INTO call_plan_usage_prices (plan_id, valid_from, minute_cents, sms_cents)
WITH v (code, valid_from, minute_cents, sms_cents) AS (VALUES
    ('ESSENTIAL', '2026-01-01', 15, 10),
    ('BUSINESS', '2026-01-01', 12, NULL)
)
SELECT p.id, v.valid_from, v.minute_cents, v.sms_cents FROM call_plans p JOIN v ON v.code = p.code;

CREATE TABLE invoices_before_0031 AS SELECT * FROM invoices;
DROP TABLE invoices;

-- PAY-1: one invoice per Order, renewal (RENEW-2), Credits top-up, late payment (LATE-1, LATE-2),
-- termination for fault (TERM-1) and month of usage beyond the plans. Payment is due at issue.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'renewal', 'credits_topup', 'penalty', 'termination', 'usage')),
    order_id INTEGER REFERENCES orders (id),
    licence_id INTEGER REFERENCES licences (id),
    period_first_day TEXT,
    period_last_day TEXT,
    issue_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'paid', 'overdue')),
    paid_on TEXT,
    billing TEXT,
    vat_rate TEXT NOT NULL,
    vat_reason TEXT NOT NULL,
    subtotal_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    vies_consultation_id INTEGER REFERENCES vies_consultations (id),
    -- 0028: the automatic collection's attempts so far and the day of the next one.
    collection_attempts INTEGER NOT NULL DEFAULT 0,
    collection_next_on TEXT,
    UNIQUE (year, seq),
    -- A Licence's period is invoiced once: the scheduler may run a day twice.
    UNIQUE (licence_id, period_first_day)
);
INSERT INTO invoices (id, company_id, year, seq, number, kind, order_id, licence_id,
                      period_first_day, period_last_day, issue_date, due_date, status, paid_on,
                      billing, vat_rate, vat_reason, subtotal_cents, vat_cents, total_cents,
                      created_at, vies_consultation_id, collection_attempts, collection_next_on)
SELECT id, company_id, year, seq, number, kind, order_id, licence_id, period_first_day,
       period_last_day, issue_date, due_date, status, paid_on, billing, vat_rate, vat_reason,
       subtotal_cents, vat_cents, total_cents, created_at, vies_consultation_id,
       collection_attempts, collection_next_on
FROM invoices_before_0031 ORDER BY id;
DROP TABLE invoices_before_0031;
CREATE INDEX invoices_company ON invoices (company_id, issue_date);
CREATE INDEX invoices_status ON invoices (status, due_date);
-- A Company's month of usage is invoiced once.
CREATE UNIQUE INDEX invoices_usage_once ON invoices (company_id, period_first_day)
    WHERE kind = 'usage';

-- PAY-3: what a usage invoice charged, one row per communication, as it stood when invoiced
-- (the traffic itself is deleted after a year, DATA-1; these rows belong to the invoice). A
-- communication is charged once ever. `user_id` names who held the Number (no foreign key: the
-- person's row may be pseudonymised, never this one).
CREATE TABLE usage_charges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    line_no INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('call', 'message')),
    source_id INTEGER NOT NULL,
    number_id INTEGER NOT NULL,
    e164 TEXT NOT NULL,
    user_id INTEGER,
    at TEXT NOT NULL,
    correspondent TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'sms', 'mms')),
    duration_seconds INTEGER,
    parts INTEGER,
    units_included INTEGER NOT NULL,
    units_beyond INTEGER NOT NULL CHECK (units_beyond > 0),
    unit_price_cents INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX usage_charges_invoice ON usage_charges (invoice_id, at);
