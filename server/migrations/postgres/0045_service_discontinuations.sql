-- Issue 14, point 4 (NOTICE-3, GTCS 6.2.1): the provider stops offering a Service of the
-- WebApp (`domain::service::Service`) with at least two weeks' notice; from `effective_on` the
-- server refuses it. One discontinuation per Service.
CREATE TABLE service_discontinuations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    notified_on TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    notified_at TEXT NOT NULL,
    operator_id BIGINT NOT NULL REFERENCES operators (id)
);
