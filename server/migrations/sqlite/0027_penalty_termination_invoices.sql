-- Issue 13, point 2 (house readings "Late penalties are invoiced" and "Termination for fault
-- amount"): two more kinds of invoice, in the same yearly numbering. A penalty invoice bills the
-- late-payment penalty (LATE-1) for the days late not billed yet and, once per late invoice, the
-- EUR 40 recovery indemnity (LATE-2), without VAT; a termination invoice bills what falls due on
-- a termination for fault (TERM-1).
--
-- SQLite cannot change a CHECK in place: the table is rebuilt. Foreign keys stay on (the pool
-- turns them on), so their checks are deferred to the commit: dropping `invoices` counts the rows
-- that point to it, and inserting them again into the new `invoices` counts them back.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE invoices_before_0027 AS SELECT * FROM invoices;
DROP TABLE invoices;

-- PAY-1: one invoice per Order, renewal (RENEW-2), Credits top-up, late payment (LATE-1, LATE-2)
-- and termination for fault (TERM-1). Payment is due at issue.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'renewal', 'credits_topup', 'penalty', 'termination')),
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
    UNIQUE (year, seq),
    -- A Licence's period is invoiced once: the scheduler may run a day twice.
    UNIQUE (licence_id, period_first_day)
);
INSERT INTO invoices (id, company_id, year, seq, number, kind, order_id, licence_id,
                      period_first_day, period_last_day, issue_date, due_date, status, paid_on,
                      billing, vat_rate, vat_reason, subtotal_cents, vat_cents, total_cents,
                      created_at, vies_consultation_id)
SELECT id, company_id, year, seq, number, kind, order_id, licence_id, period_first_day,
       period_last_day, issue_date, due_date, status, paid_on, billing, vat_rate, vat_reason,
       subtotal_cents, vat_cents, total_cents, created_at, vies_consultation_id
FROM invoices_before_0027 ORDER BY id;
DROP TABLE invoices_before_0027;
CREATE INDEX invoices_company ON invoices (company_id, issue_date);
CREATE INDEX invoices_status ON invoices (status, due_date);

-- LATE-1, LATE-2: what each penalty invoice billed for one late invoice: the penalty for the
-- days late up to `as_of` not billed before (days_late: the days late on `as_of`, counted from
-- the due date), and the indemnity, once per late invoice ever.
CREATE TABLE late_penalties (
    penalty_invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id),
    late_invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    as_of TEXT NOT NULL,
    days_late INTEGER NOT NULL,
    penalty_cents INTEGER NOT NULL,
    indemnity_cents INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (late_invoice_id, as_of)
);
CREATE UNIQUE INDEX late_penalties_one_indemnity ON late_penalties (late_invoice_id)
    WHERE indemnity_cents > 0;

-- TERM-1: the invoice of a termination for fault, issued on the termination day.
ALTER TABLE licence_terminations ADD COLUMN invoice_id INTEGER REFERENCES invoices (id);
