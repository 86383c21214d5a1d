-- Companies, their users, server-side sessions and the record of GTCS acceptances (ACCEPT-1).
-- Instants are UTC RFC 3339 text, dates ISO text, money integer cents: the same on both databases.
CREATE TABLE companies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    legal_name TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    billing_country TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('manager', 'user')),
    created_at TEXT NOT NULL
);
CREATE INDEX users_company ON users (company_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE gtcs_acceptances (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    gtcs_version TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    occasion TEXT NOT NULL
);
CREATE INDEX gtcs_acceptances_company ON gtcs_acceptances (company_id);
