-- The course day a job was started with ("start|end|lunch|breaks", e.g.
-- "08:30|16:30|12:00/45|10:15/15"); NULL: the server's COURSE_* settings.
ALTER TABLE jobs ADD COLUMN timetable TEXT;
