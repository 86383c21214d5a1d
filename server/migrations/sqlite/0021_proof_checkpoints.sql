-- PROOF-1 (issue 15): a proof log that survives database access.
--
-- Entries written from now on (hash_version 2) chain a SHA-256 digest of each payload
-- (before_digest, after_digest) instead of the payload itself, so that an erasure (DATA-1) can
-- replace a person's identity in a payload by a pseudonym (pseudonymised = 1) and the entry
-- still verifies through its digests. Entries written before (hash_version 1) keep the formula
-- they were hashed with.
ALTER TABLE audit_log ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN before_digest TEXT;
ALTER TABLE audit_log ADD COLUMN after_digest TEXT;
ALTER TABLE audit_log ADD COLUMN pseudonymised INTEGER NOT NULL DEFAULT 0;

-- Still append-only, except for a pseudonymisation: an update may only rewrite the payloads,
-- and only while marking the entry pseudonymised.
DROP TRIGGER audit_log_append_only_update;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
WHEN NEW.id IS NOT OLD.id OR NEW.company_id IS NOT OLD.company_id OR NEW.seq IS NOT OLD.seq
    OR NEW.at IS NOT OLD.at OR NEW.actor_user_id IS NOT OLD.actor_user_id
    OR NEW.action IS NOT OLD.action OR NEW.subject IS NOT OLD.subject
    OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
    OR NEW.hash_version IS NOT OLD.hash_version OR NEW.before_digest IS NOT OLD.before_digest
    OR NEW.after_digest IS NOT OLD.after_digest OR NEW.pseudonymised IS NOT 1
BEGIN SELECT RAISE(ABORT, 'the proof log is append-only (a pseudonymisation may only rewrite payloads)'); END;

-- Signed checkpoints: a Company's chain head (the entry numbered seq, carrying head_hash)
-- signed with the server's Ed25519 key, which the database does not hold (key_id: the first 16
-- hex digits of the SHA-256 of its public key; signature: 128 hex digits). legacy_entries: how
-- many of the chain's first entries carry the version-1 hash (signed, so that no later entry can
-- pass for an old one). Several instances may sign one head: the first insert wins.
CREATE TABLE proof_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    legacy_entries INTEGER NOT NULL,
    signed_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    UNIQUE (company_id, seq)
);
CREATE TRIGGER proof_checkpoints_append_only_update BEFORE UPDATE ON proof_checkpoints
BEGIN SELECT RAISE(ABORT, 'the proof checkpoints are append-only'); END;
CREATE TRIGGER proof_checkpoints_append_only_delete BEFORE DELETE ON proof_checkpoints
BEGIN SELECT RAISE(ABORT, 'the proof checkpoints are append-only'); END;
