-- The course day a job was started with; NULL: the server's COURSE_* settings.
ALTER TABLE jobs ADD COLUMN timetable TEXT;
