-- Issue 6: the WebApp. Messages (MSG-1) and their MMS images, calls (NUM-5) and voicemail, and the
-- Credits rates for calls and SMS abroad. Conventions as in 0001: ids BIGINT, instants as UTC
-- RFC 3339 text, money as integer cents.

-- An MMS image, uploaded by a User for one of their Numbers before the message that carries it.
CREATE TABLE attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    number_id BIGINT NOT NULL REFERENCES numbers (id),
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    bytes BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per side of a message: `outgoing` for the sending Number, `incoming` for a recipient
-- Number hosted here (possibly of another Company). `user_id` is who held the Number then.
CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    number_id BIGINT NOT NULL REFERENCES numbers (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    correspondent TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    body TEXT NOT NULL,
    attachment_id BIGINT REFERENCES attachments (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'received')),
    encoding TEXT NOT NULL CHECK (encoding IN ('gsm7', 'ucs2')),
    segments BIGINT NOT NULL CHECK (segments >= 0),
    credits_cents BIGINT NOT NULL DEFAULT 0 CHECK (credits_cents >= 0),
    sent_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX messages_conversation ON messages (number_id, correspondent, id);
CREATE INDEX messages_company ON messages (company_id, id);

-- One row per call. The caller is always a Number hosted here; the callee is one too for a
-- hosted call (`callee_number_id` set), else an outside number reached through the carrier.
CREATE TABLE calls (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    caller_number_id BIGINT NOT NULL REFERENCES numbers (id),
    caller_user_id BIGINT NOT NULL REFERENCES users (id),
    -- E.164 when the number has one, else as dialled (special and short numbers).
    dialled TEXT NOT NULL,
    class TEXT NOT NULL CHECK (class IN ('national', 'special', 'international')),
    callee_company_id BIGINT REFERENCES companies (id),
    callee_number_id BIGINT REFERENCES numbers (id),
    callee_user_id BIGINT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('ringing', 'connected', 'ended', 'missed', 'declined', 'failed')),
    started_at TEXT NOT NULL,
    answered_at TEXT,
    ended_at TEXT,
    duration_seconds BIGINT,
    billed_minutes BIGINT NOT NULL DEFAULT 0 CHECK (billed_minutes >= 0),
    credits_cents BIGINT NOT NULL DEFAULT 0 CHECK (credits_cents >= 0),
    -- The Credits reservation open for the minute in progress of a call paid with Credits.
    reservation_id BIGINT REFERENCES credit_reservations (id)
);
CREATE INDEX calls_caller ON calls (caller_number_id, id);
CREATE INDEX calls_callee ON calls (callee_number_id, id);
CREATE INDEX calls_company ON calls (company_id, id);

-- A message left on an unanswered hosted call, for the callee.
CREATE TABLE voicemails (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id BIGINT NOT NULL UNIQUE REFERENCES calls (id),
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    duration_seconds BIGINT NOT NULL CHECK (duration_seconds >= 0),
    bytes BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    listened_at TEXT
);

-- Credits rates (PRICE-6: versioned by valid_from, never updated): per started minute for
-- calls, per part for SMS. The row with the longest matching destination prefix, then the latest
-- valid_from not after the day, applies; prefix '' matches every destination of its class.
CREATE TABLE communication_rates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'sms')),
    class TEXT NOT NULL CHECK (class IN ('special', 'international')),
    prefix TEXT NOT NULL,
    cents BIGINT NOT NULL CHECK (cents > 0),
    valid_from TEXT NOT NULL,
    UNIQUE (kind, class, prefix, valid_from)
);
INSERT INTO communication_rates (kind, class, prefix, cents, valid_from) VALUES
    ('call', 'special', '', 35, '2026-01-01'),
    ('call', 'international', '', 60, '2026-01-01'),
    ('call', 'international', '+1', 20, '2026-01-01'),
    ('call', 'international', '+32', 20, '2026-01-01'),
    ('call', 'international', '+34', 20, '2026-01-01'),
    ('call', 'international', '+39', 20, '2026-01-01'),
    ('call', 'international', '+44', 25, '2026-01-01'),
    ('call', 'international', '+49', 20, '2026-01-01'),
    ('sms', 'international', '', 15, '2026-01-01');
