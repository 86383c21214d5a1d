-- Issue 13, point 2 (house readings "Late penalties are invoiced" and "Termination for fault
-- amount"): two more kinds of invoice, in the same yearly numbering. A penalty invoice bills the
-- late-payment penalty (LATE-1) for the days late not billed yet and, once per late invoice, the
-- EUR 40 recovery indemnity (LATE-2), without VAT; a termination invoice bills what falls due on
-- a termination for fault (TERM-1).
ALTER TABLE invoices DROP CONSTRAINT invoices_kind_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_kind_check
    CHECK (kind IN ('order', 'renewal', 'credits_topup', 'penalty', 'termination'));

-- LATE-1, LATE-2: what each penalty invoice billed for one late invoice: the penalty for the
-- days late up to `as_of` not billed before (days_late: the days late on `as_of`, counted from
-- the due date), and the indemnity, once per late invoice ever.
CREATE TABLE late_penalties (
    penalty_invoice_id BIGINT PRIMARY KEY REFERENCES invoices (id),
    late_invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    as_of TEXT NOT NULL,
    days_late BIGINT NOT NULL,
    penalty_cents BIGINT NOT NULL,
    indemnity_cents BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (late_invoice_id, as_of)
);
CREATE UNIQUE INDEX late_penalties_one_indemnity ON late_penalties (late_invoice_id)
    WHERE indemnity_cents > 0;

-- TERM-1: the invoice of a termination for fault, issued on the termination day.
ALTER TABLE licence_terminations ADD COLUMN invoice_id BIGINT REFERENCES invoices (id);
