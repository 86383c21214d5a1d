-- NOTICE-2 (GTCS 6.2.1): the provider's termination without reason ends a Licence at the end of
-- a period like the Company's notice of non-renewal, in the same columns; this says whose it is.
ALTER TABLE licences ADD COLUMN notice_by_provider INTEGER NOT NULL DEFAULT 0;
