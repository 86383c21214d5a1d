-- Issue 5, point 4: disputes of invoices (DISPUTE-1, DISPUTE-2), the provider's decision, credit
-- notes deducted from the Company's next invoice, and restitution claims (DISPUTE-3).
-- Conventions as in 0001: dates ISO text, instants RFC 3339 UTC text, money integer cents.

-- One row per year: the last credit note number given (CN-2026-000001), taken inside the
-- transaction that writes the credit note, like invoice_counters.
CREATE TABLE credit_note_counters (
    year INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- A Manager's dispute of an invoice, with its written justification. It does not suspend
-- payment: the invoice stays due.
CREATE TABLE invoice_disputes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    opened_by INTEGER NOT NULL REFERENCES users (id),
    justification TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'refused')),
    decided_on TEXT,
    decided_at TEXT,
    decision_reason TEXT
);
CREATE INDEX invoice_disputes_invoice ON invoice_disputes (invoice_id, id);
-- One open dispute per invoice, whatever the requests racing each other.
CREATE UNIQUE INDEX invoice_disputes_one_open ON invoice_disputes (invoice_id) WHERE status = 'open';

-- A credit note: the amount the provider gives back after accepting a dispute, deducted from the
-- Company's next invoices until nothing remains.
CREATE TABLE credit_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    dispute_id INTEGER NOT NULL UNIQUE REFERENCES invoice_disputes (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    remaining_cents INTEGER NOT NULL CHECK (remaining_cents >= 0 AND remaining_cents <= amount_cents),
    issued_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (year, seq)
);
CREATE INDEX credit_notes_company ON credit_notes (company_id, id);

-- Which invoice used how much of which credit note.
CREATE TABLE credit_note_uses (
    credit_note_id INTEGER NOT NULL REFERENCES credit_notes (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (credit_note_id, invoice_id)
);

-- DISPUTE-3: a claim for restitution of a paid invoice, recorded when made in time.
CREATE TABLE restitution_claims (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    claimed_by INTEGER NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    claimed_on TEXT NOT NULL,
    claimed_at TEXT NOT NULL
);
CREATE INDEX restitution_claims_invoice ON restitution_claims (invoice_id, id);
