-- Issue 12, throttled log-in: failed attempts counted per account and per client address (and the
-- same for password-reset requests and invitation acceptance), kept here so that they hold
-- across restarts and across server instances. A subject is blocked until `blocked_until`.
CREATE TABLE throttles (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL,
    blocked_until TEXT NOT NULL,
    PRIMARY KEY (scope, subject)
);
-- A deleted User whose messages, calls or voicemails must stay for their correspondents keeps a
-- row under a pseudonym: no name, no email, no password, no way in.
ALTER TABLE users ADD COLUMN deleted_at TEXT;
-- Email for real: the outbox is the durable queue the dispatcher sends from, over SMTP (or into
-- .eml files when none is configured). A row is queued until sent, or failed after its retries.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed'));
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN sent_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
-- Rows written before email was sent were only shown in the console: they are not sent now.
UPDATE outbox SET status = 'failed', last_error = 'written before the console sent email';
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- Sessions end after a while without use (idle) as well as after their absolute lifetime.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
-- Password resets: single-use, short-lived links (only their SHA-256 is kept), sent by email.
CREATE TABLE password_resets (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
