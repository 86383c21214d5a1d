-- PROOF-1 (issue 15): a proof log that survives database access.
--
-- Entries written from now on (hash_version 2) chain a SHA-256 digest of each payload
-- (before_digest, after_digest) instead of the payload itself, so that an erasure (DATA-1) can
-- replace a person's identity in a payload by a pseudonym (pseudonymised = 1) and the entry
-- still verifies through its digests. Entries written before (hash_version 1) keep the formula
-- they were hashed with.
ALTER TABLE audit_log ADD COLUMN hash_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN before_digest TEXT;
ALTER TABLE audit_log ADD COLUMN after_digest TEXT;
ALTER TABLE audit_log ADD COLUMN pseudonymised BIGINT NOT NULL DEFAULT 0;

-- Still append-only, except for a pseudonymisation: an update may only rewrite the payloads,
-- and only while marking the entry pseudonymised. (Same trigger name as before.)
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.id, NEW.company_id, NEW.seq, NEW.at, NEW.actor_user_id, NEW.action,
             NEW.subject, NEW.prev_hash, NEW.hash, NEW.hash_version, NEW.before_digest,
             NEW.after_digest)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.company_id, OLD.seq, OLD.at, OLD.actor_user_id, OLD.action,
             OLD.subject, OLD.prev_hash, OLD.hash, OLD.hash_version, OLD.before_digest,
             OLD.after_digest)
        AND NEW.pseudonymised = 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the proof log is append-only (a pseudonymisation may only rewrite payloads)';
END;
$$;
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

-- Signed checkpoints: a Company's chain head (the entry numbered seq, carrying head_hash)
-- signed with the server's Ed25519 key, which the database does not hold (key_id: the first 16
-- hex digits of the SHA-256 of its public key; signature: 128 hex digits). legacy_entries: how
-- many of the chain's first entries carry the version-1 hash (signed, so that no later entry can
-- pass for an old one). Several instances may sign one head: the first insert wins.
CREATE TABLE proof_checkpoints (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    legacy_entries BIGINT NOT NULL,
    signed_at TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    UNIQUE (company_id, seq)
);
CREATE TRIGGER proof_checkpoints_append_only BEFORE UPDATE OR DELETE ON proof_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('the proof checkpoints are append-only');
