-- Billing (issue 5 points 1 to 3): invoices numbered in one unbroken sequence per year (PAY-1),
-- their lines, payments and refusals, and the days the scheduler has processed (RENEW-1).
-- Conventions as in 0002: dates ISO text, instants RFC 3339 UTC text, money integer cents.

-- One row per year: the last invoice number given. Incremented inside the transaction that
-- writes the invoice, so a number is used exactly when its invoice is committed.
CREATE TABLE invoice_counters (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- PAY-1: one invoice per Order, renewal (RENEW-2) and Credits top-up. Payment is due at issue.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'renewal', 'credits_topup')),
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
    UNIQUE (year, seq),
    -- A Licence's period is invoiced once: the scheduler may run a day twice.
    UNIQUE (licence_id, period_first_day)
);
CREATE INDEX invoices_company ON invoices (company_id, issue_date);
CREATE INDEX invoices_status ON invoices (status, due_date);

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    line_no INTEGER NOT NULL,
    description TEXT NOT NULL,
    plan_id INTEGER REFERENCES call_plans (id),
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    discount_pct TEXT NOT NULL,
    net_cents INTEGER NOT NULL,
    UNIQUE (invoice_id, line_no)
);

-- Every attempt to charge an invoice: a payment, or a refusal with its reason.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    payment_method_id INTEGER NOT NULL REFERENCES payment_methods (id),
    amount_cents INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    attempted_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'declined')),
    provider TEXT NOT NULL,
    provider_reference TEXT,
    reason TEXT
);
CREATE INDEX payments_invoice ON payments (invoice_id);

-- The days the scheduler has processed, each once, in order.
CREATE TABLE scheduler_runs (
    day TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL,
    renewed INTEGER NOT NULL,
    ended INTEGER NOT NULL,
    overdue INTEGER NOT NULL
);
