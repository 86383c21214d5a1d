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
