-- A claimed job's lease: the worker that claimed it renews it (a heartbeat);
-- once it lapses, any server re-queues the job (its worker is gone).
ALTER TABLE job_queue ADD COLUMN lease_until TEXT;
