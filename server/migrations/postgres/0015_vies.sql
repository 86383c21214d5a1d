-- Issue 19: VAT numbers confirmed by VIES (the European Commission's VAT Information Exchange
-- System). Each consultation of a foreign EU VAT number is kept as proof: when the Company saved
-- it and before each invoice that would carry a reverse charge. Conventions as in 0001.

CREATE TABLE vies_consultations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    -- The number asked about, compact with its prefix (DE136695976).
    vat_number TEXT NOT NULL,
    -- Why it was asked: the Company saved it, or an invoice was about to be issued.
    occasion TEXT NOT NULL CHECK (occasion IN ('saved', 'before_invoice')),
    -- VIES's answer: valid, invalid; or unavailable (no answer: timeout, service or member state
    -- down), which keeps the number pending.
    outcome TEXT NOT NULL CHECK (outcome IN ('valid', 'invalid', 'unavailable')),
    -- VIES's consultation number (requestIdentifier) and date (requestDate), the trader's name
    -- and address as VIES gave them; NULL when it did not give them.
    request_identifier TEXT,
    request_date TEXT,
    trader_name TEXT,
    trader_address TEXT,
    -- Why there was no answer (outcome unavailable).
    problem TEXT,
    -- Which registry answered (vies, stand-in).
    registry TEXT NOT NULL,
    consulted_at TEXT NOT NULL
);
CREATE INDEX vies_consultations_company ON vies_consultations (company_id, vat_number, id);

-- The consultation that confirmed the VAT number of an invoice with a reverse charge.
ALTER TABLE invoices ADD COLUMN vies_consultation_id BIGINT REFERENCES vies_consultations (id);
