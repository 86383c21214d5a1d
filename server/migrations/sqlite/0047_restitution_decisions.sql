-- Issue 14, point 2 (DISPUTE-3): the provider decides a claim for restitution from the back
-- office's queue: accepted, with a credit note of the amount given back (deducted from the next
-- invoices, refunded when none follows, as a dispute's, DISPUTE-2), or refused with a reason.
-- A credit note now answers either a dispute or a claim for restitution, never both.
--
-- SQLite cannot change a column's NOT NULL in place: credit_notes is rebuilt as in 0031
-- (foreign keys' checks deferred to the commit; ids kept).
PRAGMA defer_foreign_keys = ON;

ALTER TABLE restitution_claims ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'accepted', 'refused'));
ALTER TABLE restitution_claims ADD COLUMN decided_on TEXT;
ALTER TABLE restitution_claims ADD COLUMN decision_reason TEXT;
ALTER TABLE restitution_claims ADD COLUMN decided_by_operator INTEGER REFERENCES operators (id);

CREATE TABLE credit_notes_before_0047 AS SELECT * FROM credit_notes;
DROP TABLE credit_notes;
CREATE TABLE credit_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    dispute_id INTEGER UNIQUE REFERENCES invoice_disputes (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    remaining_cents INTEGER NOT NULL CHECK (remaining_cents >= 0 AND remaining_cents <= amount_cents),
    issued_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    vat_rate TEXT NOT NULL DEFAULT '0',
    net_cents INTEGER NOT NULL DEFAULT 0,
    vat_cents INTEGER NOT NULL DEFAULT 0,
    remaining_net_cents INTEGER NOT NULL DEFAULT 0,
    restitution_claim_id INTEGER UNIQUE REFERENCES restitution_claims (id),
    UNIQUE (year, seq),
    CHECK ((dispute_id IS NULL) <> (restitution_claim_id IS NULL))
);
INSERT INTO credit_notes (id, company_id, dispute_id, invoice_id, year, seq, number, amount_cents,
                          remaining_cents, issued_on, created_at, vat_rate, net_cents, vat_cents,
                          remaining_net_cents)
SELECT id, company_id, dispute_id, invoice_id, year, seq, number, amount_cents, remaining_cents,
       issued_on, created_at, vat_rate, net_cents, vat_cents, remaining_net_cents
FROM credit_notes_before_0047;
DROP TABLE credit_notes_before_0047;
CREATE INDEX credit_notes_company ON credit_notes (company_id, id);
