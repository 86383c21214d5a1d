-- Issue 13, DISPUTE-2 (house reading "Credit notes"): a credit note is a document of its own,
-- numbered in its own yearly series (0009), with net lines, VAT at the rate of the disputed
-- invoice and a total (amount_cents, VAT included, as before). It is deducted from the next
-- invoice as a line carrying its net and its VAT (both negative), so that the next invoice's
-- subtotal, VAT and total still add up.
ALTER TABLE credit_notes ADD COLUMN vat_rate TEXT NOT NULL DEFAULT '0';
ALTER TABLE credit_notes ADD COLUMN net_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE credit_notes ADD COLUMN vat_cents BIGINT NOT NULL DEFAULT 0;
-- What is left to deduct, net (remaining_cents: what is left, VAT included).
ALTER TABLE credit_notes ADD COLUMN remaining_net_cents BIGINT NOT NULL DEFAULT 0;

-- The credit notes written before: VAT at their invoice's rate, their net recomputed from
-- their amount, one line.
UPDATE credit_notes SET vat_rate = (SELECT i.vat_rate FROM invoices i WHERE i.id = credit_notes.invoice_id);
UPDATE credit_notes
SET net_cents = CAST(ROUND(amount_cents * 100.0 / (100.0 + CAST(vat_rate AS NUMERIC))) AS BIGINT);
UPDATE credit_notes
SET vat_cents = amount_cents - net_cents,
    remaining_net_cents = CAST(ROUND(remaining_cents * 1.0 * net_cents / amount_cents) AS BIGINT);

-- A credit note's lines, net (what they give back is positive).
CREATE TABLE credit_note_lines (
    credit_note_id BIGINT NOT NULL REFERENCES credit_notes (id),
    line_no BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    discount_pct TEXT NOT NULL,
    net_cents BIGINT NOT NULL,
    PRIMARY KEY (credit_note_id, line_no)
);
INSERT INTO credit_note_lines (credit_note_id, line_no, description, quantity, unit_price_cents,
                               discount_pct, net_cents)
SELECT c.id, 1, 'Reduction of invoice ' || i.number, 1, c.net_cents, '0', c.net_cents
FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id;

-- The VAT a line carries itself: a credit note's deduction, at the credit note's rate (negative).
-- NULL for every other line: its VAT is the invoice's, on the invoice's subtotal.
ALTER TABLE invoice_lines ADD COLUMN vat_cents BIGINT;
