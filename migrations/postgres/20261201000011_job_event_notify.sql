-- Every new job log line wakes the event streams of every replica: the line
-- is announced on the channel `courseware_job_events` with the job's id when
-- its transaction commits, and each server listening there reads the new
-- lines of the jobs its streams follow (see backend/src/jobs/listen.rs).
CREATE FUNCTION courseware_job_event_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('courseware_job_events', NEW.job_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER job_events_notify
    AFTER INSERT ON job_events
    FOR EACH ROW EXECUTE FUNCTION courseware_job_event_notify();
