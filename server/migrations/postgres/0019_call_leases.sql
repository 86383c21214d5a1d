-- Issue 17: the server instance that runs a call's timers (its ring timeout, its minute ticker)
-- holds its lease until `lease_until` and renews it every second; when an instance dies, another
-- takes the leases it stopped renewing and carries on.
ALTER TABLE calls ADD COLUMN lease_owner TEXT;
ALTER TABLE calls ADD COLUMN lease_until TEXT;
