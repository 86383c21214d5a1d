-- Issue 5, point 1: discounts cancelled on payment default (LATE-3). Conventions as in 0001.

-- LATE-3: when one of the Company's invoices became overdue, its billing discounts are cancelled
-- for new Orders until no invoice of the Company is overdue any more (NULL: discounts apply).
ALTER TABLE companies ADD COLUMN discounts_cancelled_at TEXT NULL;
