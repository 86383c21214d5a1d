-- Issue 5, points 6-8: price-change notices (PRICE-4, PRICE-5), terminations of Licences by the
-- Company after an increase or by the provider for fault (TERM-1, TERM-2), and the Company's
-- Credits (a ledger in cents that can never go below zero). Conventions as in 0001.

-- A price increase announced by the provider for one Call Plan. The new prices are also inserted
-- into call_plan_prices from effective_on (PRICE-2: prices are versioned, never updated).
CREATE TABLE price_change_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES call_plans (id),
    kind TEXT NOT NULL CHECK (kind IN ('indexed', 'non_indexed')),
    informed_on TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    -- Indexed only (PRICE-4): the index pair applied, and the previous indexation's effective day.
    index_base TEXT,
    index_new TEXT,
    previous_indexation TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX price_change_notices_plan ON price_change_notices (plan_id, effective_on);

-- The prices a notice announces, beside the prices they replace.
CREATE TABLE price_change_prices (
    notice_id INTEGER NOT NULL REFERENCES price_change_notices (id),
    billing TEXT NOT NULL CHECK (billing IN ('monthly', 'annual')),
    min_quantity INTEGER NOT NULL,
    old_unit_price_cents INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    PRIMARY KEY (notice_id, billing, min_quantity)
);

-- How a Licence was terminated before its tacit renewal: by the Company after a non-indexed
-- increase (PRICE-5; service ends the day before the new price), or by the provider for fault
-- (TERM-1, TERM-2; what falls due is recorded as computed on the day).
CREATE TABLE licence_terminations (
    licence_id INTEGER PRIMARY KEY REFERENCES licences (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    cause TEXT NOT NULL CHECK (cause IN ('price_increase', 'fault')),
    notice_id INTEGER REFERENCES price_change_notices (id),
    reason TEXT,
    received_at TEXT NOT NULL,
    service_last_day TEXT NOT NULL,
    monthly_instalment_cents INTEGER,
    remaining_instalments INTEGER,
    accelerated_instalments_cents INTEGER,
    discounts_reimbursed_cents INTEGER,
    total_due_cents INTEGER
);
CREATE INDEX licence_terminations_company ON licence_terminations (company_id);

-- Credits: the balance and what is reserved for debits in flight. The database itself refuses a
-- balance below zero or reservations beyond the balance.
CREATE TABLE credit_accounts (
    company_id INTEGER PRIMARY KEY REFERENCES companies (id),
    balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    reserved_cents INTEGER NOT NULL DEFAULT 0 CHECK (reserved_cents >= 0 AND reserved_cents <= balance_cents)
);

CREATE TABLE credit_reservations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'committed', 'released')),
    committed_cents INTEGER,
    purpose TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX credit_reservations_company ON credit_reservations (company_id, status);

-- Every change of the balance: top-ups positive, debits negative.
CREATE TABLE credit_movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    kind TEXT NOT NULL CHECK (kind IN ('top_up', 'debit')),
    amount_cents INTEGER NOT NULL,
    balance_after_cents INTEGER NOT NULL CHECK (balance_after_cents >= 0),
    reservation_id INTEGER REFERENCES credit_reservations (id),
    description TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX credit_movements_company ON credit_movements (company_id, id);
