-- Issue 13, point 3 (house reading "Payment default and discounts", LATE-3): from the day an
-- invoice becomes overdue, no discount or advantage applies to any later invoice of the Company
-- until every Licence in force that day has ended; paying does not bring them back. One row per
-- invoice that became overdue, with the Licences in force that day. `domain::payment_default`
-- decides from these whether discounts apply; `companies.discounts_cancelled_at` (0011) is no
-- longer read.
CREATE TABLE payment_defaults (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    invoice_id INTEGER NOT NULL UNIQUE REFERENCES invoices (id),
    since TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX payment_defaults_company ON payment_defaults (company_id);

CREATE TABLE payment_default_licences (
    default_id INTEGER NOT NULL REFERENCES payment_defaults (id),
    licence_id INTEGER NOT NULL REFERENCES licences (id),
    PRIMARY KEY (default_id, licence_id)
);
