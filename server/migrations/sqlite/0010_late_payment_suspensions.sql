-- Issue 5, point 5: late payment (LATE-1, LATE-4) and suspension (SUSP-1). Conventions as in 0001.

-- LATE-1: the ECB main refinancing rate and the legal interest rate of each semester, as data
-- the back office extends every January and July (seeded as domain::late::RateTable::seeded).
CREATE TABLE late_payment_rates (
    year INTEGER NOT NULL,
    half TEXT NOT NULL CHECK (half IN ('s1', 's2')),
    ecb_rate TEXT NOT NULL,
    legal_rate TEXT NOT NULL,
    PRIMARY KEY (year, half)
);
INSERT INTO late_payment_rates (year, half, ecb_rate, legal_rate) VALUES
    (2025, 's1', '3.15', '3.71'),
    (2025, 's2', '2.15', '2.76'),
    (2026, 's1', '2.15', '2.62');

-- LATE-4: the provider's formal notice to pay an overdue invoice, at most one per invoice.
CREATE TABLE formal_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL UNIQUE REFERENCES invoices (id),
    company_id INTEGER NOT NULL REFERENCES companies (id),
    sent_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX formal_notices_company ON formal_notices (company_id);

-- SUSP-1: a suspension of the Company (user_id NULL) or of one of its Users, until lifted.
-- `subject` ('company:1', 'user:5') allows one suspension in force per subject.
CREATE TABLE suspensions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    user_id INTEGER REFERENCES users (id),
    subject TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('breach_of_terms', 'inaccurate_account_data',
        'invalid_operator_number', 'territory_no_longer_met', 'suspected_fraud_or_abuse',
        'suspected_third_party_use', 'non_payment')),
    details TEXT NOT NULL DEFAULT '',
    suspended_on TEXT NOT NULL,
    lifted_on TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX suspensions_in_force ON suspensions (subject) WHERE lifted_on IS NULL;
CREATE INDEX suspensions_company ON suspensions (company_id);
