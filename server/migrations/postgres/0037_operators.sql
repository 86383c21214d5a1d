-- Issue 14, point 1: the provider's operators, a kind of account of their own (never a
-- Company's User), with a role, a password and an authenticator app (two-factor required);
-- created by `server operator add EMAIL --role ROLE`, which prints a one-time link where the
-- operator sets both. Their sessions are their own; the proof log names them as authors.
CREATE TABLE operators (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('billing', 'support', 'administrator')),
    password_hash TEXT,
    -- Base32; chosen with the set-up link, in force once the set-up is completed.
    totp_secret TEXT NOT NULL,
    -- The last authenticator time step accepted: a code works once.
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    -- The one-time set-up link's token (SHA-256), until it is used or expires.
    setup_token_hash TEXT UNIQUE,
    setup_expires_at TEXT,
    created_at TEXT NOT NULL,
    set_up_at TEXT,
    CHECK ((password_hash IS NULL) = (set_up_at IS NULL))
);

CREATE TABLE operator_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);

-- PROOF-1: an entry's author is a User, an operator or the system (both NULL). Entries of hash
-- version 3 chain the operator too.
ALTER TABLE audit_log ADD COLUMN actor_operator_id BIGINT REFERENCES operators (id);
