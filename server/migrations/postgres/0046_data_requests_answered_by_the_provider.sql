-- Issue 14, point 2 (DATA-1): the back office's queue of data-rights requests; a request no
-- Manager answers may be answered by the provider's support operator, recorded here (NULL when a
-- Manager answered, in `answered_by`).
ALTER TABLE data_requests ADD COLUMN answered_by_operator BIGINT REFERENCES operators (id);
