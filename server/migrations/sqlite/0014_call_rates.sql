-- Issue 6: a call paid with Credits (NUM-5) keeps the rate per started minute that was in force
-- when it was placed (PRICE-6: rates are versioned in communication_rates), so each minute of one
-- call costs the same. NULL for calls against the plan's included minutes.
ALTER TABLE calls ADD COLUMN credits_rate_cents INTEGER CHECK (credits_rate_cents > 0);

-- The statement of communications of the called Company.
CREATE INDEX calls_callee_company ON calls (callee_company_id, id);
