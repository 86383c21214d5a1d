-- Issue 14, point 2 (DISPUTE-3): the provider decides a claim for restitution from the back
-- office's queue: accepted, with a credit note of the amount given back (deducted from the next
-- invoices, refunded when none follows, as a dispute's, DISPUTE-2), or refused with a reason.
-- A credit note now answers either a dispute or a claim for restitution, never both.
ALTER TABLE restitution_claims ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'accepted', 'refused'));
ALTER TABLE restitution_claims ADD COLUMN decided_on TEXT;
ALTER TABLE restitution_claims ADD COLUMN decision_reason TEXT;
ALTER TABLE restitution_claims ADD COLUMN decided_by_operator BIGINT REFERENCES operators (id);

ALTER TABLE credit_notes ALTER COLUMN dispute_id DROP NOT NULL;
ALTER TABLE credit_notes ADD COLUMN restitution_claim_id BIGINT UNIQUE
    REFERENCES restitution_claims (id);
ALTER TABLE credit_notes ADD CHECK ((dispute_id IS NULL) <> (restitution_claim_id IS NULL));
