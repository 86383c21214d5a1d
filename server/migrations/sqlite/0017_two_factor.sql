-- Issue 12, two-factor authentication (TOTP, RFC 6238). One secret per person, in force once a
-- code from their app confirmed it (`enabled_at`); `last_step` is the last time step whose code
-- was accepted, so that a code works once.
CREATE TABLE two_factor (
    user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    enabled_at TEXT,
    last_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
-- Recovery codes: each replaces a code from the app once; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
);
-- A log-in whose password was right, waiting for its second factor: a few minutes, a few tries.
CREATE TABLE login_challenges (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
-- A Company may require two-factor authentication of its Managers.
ALTER TABLE companies ADD COLUMN managers_need_two_factor INTEGER NOT NULL DEFAULT 0;
