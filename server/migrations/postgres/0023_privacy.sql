-- Issue 15, data rights (DATA-1) and retention (TERM-3). A person's request about their data,
-- answered within one month (`due_on`) by a Manager of their Company.
CREATE TABLE data_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('erasure', 'limitation', 'objection', 'withdrawal')),
    details TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'granted', 'refused')),
    answer TEXT,
    answered_at TEXT,
    answered_by BIGINT REFERENCES users (id)
);
CREATE INDEX data_requests_company ON data_requests (company_id, status, id);
CREATE INDEX data_requests_user ON data_requests (user_id, id);
-- One open request of each kind per person.
CREATE UNIQUE INDEX data_requests_one_open ON data_requests (user_id, kind) WHERE status = 'open';
-- TERM-3: blocked the day after the Contract's last day of service; erased (identity replaced by
-- a pseudonym, own copies deleted) on request or three months after blocking.
ALTER TABLE users ADD COLUMN blocked_at TEXT;
ALTER TABLE users ADD COLUMN erased_at TEXT;
-- Rectification: whether the Company's Users may correct their own names and mobile number.
ALTER TABLE companies ADD COLUMN users_correct_profile BIGINT NOT NULL DEFAULT 0;
-- What each daily run did for retention.
ALTER TABLE scheduler_runs ADD COLUMN traffic_deleted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scheduler_runs ADD COLUMN users_blocked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scheduler_runs ADD COLUMN users_erased BIGINT NOT NULL DEFAULT 0;
