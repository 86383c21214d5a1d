-- Issue 5, point 1: discounts cancelled on payment default (LATE-3) and trials (TRIAL-1). Conventions as in 0001.

-- LATE-3: when one of the Company's invoices became overdue, its billing discounts are cancelled
-- for new Orders until no invoice of the Company is overdue any more (NULL: discounts apply).
ALTER TABLE companies ADD COLUMN discounts_cancelled_at TEXT NULL;

-- TRIAL-1: a Licence granted as a trial ends its trial on `trial_end` (its last day); the
-- scheduler converts it into a firm commitment (`trial_auto_commit` = 1 and no cancellation
-- received on or before that day) or ends it, the day after. NULL `trial_end`: not a trial.
ALTER TABLE licences ADD COLUMN trial_end TEXT NULL;
ALTER TABLE licences ADD COLUMN trial_auto_commit BIGINT NOT NULL DEFAULT 1;
ALTER TABLE licences ADD COLUMN trial_cancelled_at TEXT NULL;
