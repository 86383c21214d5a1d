-- Issue 15 (ACCEPT-1): each person's acceptance of the WebApp's terms, one row per document
-- (the General Conditions of Use, the privacy notice) and version accepted: who, which, when,
-- on which occasion ('webapp'). The GTCS accepted by Managers stay in `gtcs_acceptances`.
CREATE TABLE terms_acceptances (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    document TEXT NOT NULL CHECK (document IN ('gcu', 'privacy')),
    version TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    occasion TEXT NOT NULL
);
CREATE INDEX terms_acceptances_user ON terms_acceptances (user_id, document);
