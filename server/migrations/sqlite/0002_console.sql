-- The Management Console's data (issue 4): Company Account details and payment methods, users'
-- territory, invitations and outgoing mail, the price list, Numbers, Orders, Licences, and the
-- proof log. Conventions as in 0001: ids BIGINT, dates ISO text, instants RFC 3339 UTC text,
-- money integer cents, percentages decimal text, flags 0/1.

-- Company Account (ACCESS-4, PROMO-1). audit_seq numbers the Company's proof log entries.
ALTER TABLE companies ADD COLUMN vat_number TEXT;
ALTER TABLE companies ADD COLUMN address_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN address_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN promo_opt_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE companies ADD COLUMN audit_seq INTEGER NOT NULL DEFAULT 0;

-- Payment methods referenced by the Company (PAY-2): no card data beyond a label and last four.
CREATE TABLE payment_methods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    kind TEXT NOT NULL CHECK (kind IN ('card', 'sepa')),
    label TEXT NOT NULL,
    last4 TEXT NOT NULL,
    -- Last day of validity (a card's expiry month's last day; a mandate's end, or NULL).
    valid_until TEXT,
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX payment_methods_company ON payment_methods (company_id);

-- Users (ACCESS-2, ACCESS-3, NUM-2).
ALTER TABLE users ADD COLUMN mobile TEXT;
ALTER TABLE users ADD COLUMN residence_country TEXT;
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated'));
CREATE INDEX users_company_name ON users (company_id, last_name, first_name);

CREATE TABLE user_stable_links (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (user_id, country)
);

-- Invitation links with which a User sets a password.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

-- Outgoing emails: kept here and shown in the console (no SMTP yet).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_company ON outbox (company_id);

-- The price list (PRICE-1, PRICE-2): Call Plans, where they are sold, and versioned prices per
-- payment frequency and quantity tier (a tier applies from min_quantity Numbers upwards).
CREATE TABLE call_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- NULL means unlimited.
    included_minutes INTEGER,
    included_sms INTEGER,
    international_with_credits INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE call_plan_countries (
    plan_id INTEGER NOT NULL REFERENCES call_plans (id),
    country TEXT NOT NULL,
    PRIMARY KEY (plan_id, country)
);

CREATE TABLE call_plan_prices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES call_plans (id),
    valid_from TEXT NOT NULL,
    billing TEXT NOT NULL CHECK (billing IN ('monthly', 'annual')),
    min_quantity INTEGER NOT NULL DEFAULT 1,
    unit_price_cents INTEGER NOT NULL,
    UNIQUE (plan_id, valid_from, billing, min_quantity)
);

-- Orders (PRICE-1, ACCEPT-1, ACCEPT-2): irrevocable, never updated or deleted.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    placed_by INTEGER NOT NULL REFERENCES users (id),
    placed_at TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    billing TEXT NOT NULL CHECK (billing IN ('monthly', 'annual')),
    vat_rate TEXT NOT NULL,
    subtotal_cents INTEGER NOT NULL,
    vat_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    gtcs_version TEXT NOT NULL,
    UNIQUE (company_id, idempotency_key)
);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    plan_id INTEGER NOT NULL REFERENCES call_plans (id),
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    discount_pct TEXT NOT NULL,
    net_cents INTEGER NOT NULL
);
CREATE INDEX order_lines_order ON order_lines (order_id);

-- Licences (RENEW-1, NOTICE-1): one per Order, renewing by its term from its anchor date.
CREATE TABLE licences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    order_id INTEGER NOT NULL REFERENCES orders (id),
    term_months INTEGER NOT NULL,
    anchor TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    notice_received_at TEXT,
    notice_on_time INTEGER,
    service_last_day TEXT
);
CREATE INDEX licences_company ON licences (company_id);

-- Numbers (NUM-1, NUM-2, NUM-4): the provider's pool; a Number belongs to a Company once
-- ordered (with its Licence and Call Plan) and to at most one User at a time.
CREATE TABLE numbers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    e164 TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    company_id INTEGER REFERENCES companies (id),
    licence_id INTEGER REFERENCES licences (id),
    plan_id INTEGER REFERENCES call_plans (id),
    user_id INTEGER REFERENCES users (id),
    reserved_until TEXT
);
CREATE INDEX numbers_available ON numbers (country, company_id);
CREATE INDEX numbers_company ON numbers (company_id);
CREATE INDEX numbers_user ON numbers (user_id);

-- The proof log (PROOF-1): append-only, each entry chained to the previous one by its hash.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (company_id, seq)
);

-- Append-only, enforced by the database too: a changed entry is an attack the chain reveals.
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the proof log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the proof log is append-only'); END;
-- Orders are irrevocable (ACCEPT-2).
CREATE TRIGGER orders_irrevocable_update BEFORE UPDATE ON orders
BEGIN SELECT RAISE(ABORT, 'an Order is irrevocable'); END;
CREATE TRIGGER orders_irrevocable_delete BEFORE DELETE ON orders
BEGIN SELECT RAISE(ABORT, 'an Order is irrevocable'); END;
CREATE TRIGGER order_lines_irrevocable_update BEFORE UPDATE ON order_lines
BEGIN SELECT RAISE(ABORT, 'an Order is irrevocable'); END;
CREATE TRIGGER order_lines_irrevocable_delete BEFORE DELETE ON order_lines
BEGIN SELECT RAISE(ABORT, 'an Order is irrevocable'); END;
