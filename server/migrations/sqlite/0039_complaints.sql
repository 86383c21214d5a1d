-- DISPUTE-4 (GTCS 11): a Manager's complaint to the provider's support, about one of the
-- Company's invoices, one of its Numbers, or anything else; answered by an operator within 30
-- working days of its receipt (`complaint.answer_due`).
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    opened_by INTEGER NOT NULL REFERENCES users (id),
    invoice_id INTEGER REFERENCES invoices (id),
    number_id INTEGER REFERENCES numbers (id),
    text TEXT NOT NULL,
    received_on TEXT NOT NULL,
    answer_due TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    answer TEXT,
    answered_on TEXT,
    answered_by INTEGER REFERENCES operators (id),
    CHECK (invoice_id IS NULL OR number_id IS NULL),
    CHECK ((answer IS NULL) = (answered_on IS NULL))
);
CREATE INDEX complaints_company ON complaints (company_id, id);
CREATE INDEX complaints_waiting ON complaints (answer_due, id) WHERE answer IS NULL;
