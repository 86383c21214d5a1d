-- Issue 17: live events between server instances go by PostgreSQL NOTIFY, one too large for a
-- notification by reference through this table. SQLite serves one instance, whose events go
-- straight to its sockets: the table stays empty (it exists so that both schemas match).
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
