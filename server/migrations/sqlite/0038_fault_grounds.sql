-- Issue 14, point 4 (TERM-2, GTCS 6.2.2): a termination for fault names its ground, one of
-- `domain::fault::FaultGround` (NULL for those made before grounds were recorded).
ALTER TABLE licence_terminations ADD COLUMN ground TEXT;

-- GTCS 6.2.2 (ii): the provider's notice by email naming the breach, 8 days before it may
-- terminate on that ground unless the Company remedies it.
CREATE TABLE fault_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    ground TEXT NOT NULL,
    reason TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators (id)
);
CREATE INDEX fault_notices_company ON fault_notices (company_id, ground);
