-- Issue 13, point 7 (house reading "Trials", TRIAL-1): the provider offers a Company a trial
-- (its last day, and whether it converts into a firm commitment); the Company's next Order
-- placed as a trial uses it: Numbers and Call Plans placed without an invoice, the Licence
-- anchored the day after the trial's end, where its first invoice is issued if it converts.
-- One offer open (unused) per Company at a time; a new offer replaces it.
CREATE TABLE trial_offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id),
    trial_end TEXT NOT NULL,
    auto_commit INTEGER NOT NULL,
    offered_at TEXT NOT NULL,
    withdrawn_at TEXT NULL,
    order_id INTEGER NULL REFERENCES orders (id)
);
CREATE UNIQUE INDEX trial_offers_one_open ON trial_offers (company_id)
    WHERE order_id IS NULL AND withdrawn_at IS NULL;
