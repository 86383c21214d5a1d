-- Issue 17: live events between server instances go by PostgreSQL NOTIFY; one too large for a
-- notification is kept here for a few minutes and notified by reference.
CREATE TABLE live_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
