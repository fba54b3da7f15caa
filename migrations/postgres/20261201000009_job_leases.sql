-- A claimed job's lease: the worker that claimed it renews it (a heartbeat);
-- once it lapses, any replica re-queues the job (its replica is gone).
ALTER TABLE job_queue ADD COLUMN lease_until TEXT;
