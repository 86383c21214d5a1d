-- Issue 17: a demo server's clock shift (`--demo-clock`), shared by every instance of it, so that
-- all of them agree on "today" after `POST /api/admin/clock/advance`. One row at most.
CREATE TABLE demo_clock (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    shift_seconds INTEGER NOT NULL
);
