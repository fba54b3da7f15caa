"""The history endpoint as the previous system's plan describes it, for a
side-by-side benchmark (bench/history.sh): Flask + Flask-SQLAlchemy on the
same SQLite file, a signed-cookie session holding `user_id`, a
`login_required` decorator that loads the user on every request, and the
same latest-100 query (jobs joined with their owner's name, newest first),
returned as JSON. Run under gunicorn with 5 workers:

    PEER_DB=/path/courseware.db gunicorn -w 5 -b 127.0.0.1:PORT flask_peer:app
"""

import functools
import os

from flask import Flask, g, jsonify, request, session
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

app = Flask(__name__)
app.secret_key = os.environ.get("SESSION_SECRET", "bench-secret-not-for-production")
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.environ["PEER_DB"]
db = SQLAlchemy(app)


class User(db.Model):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String, nullable=False)
    name = Column(String, nullable=False)
    is_admin = Column(Integer, nullable=False)
    is_active = Column(Integer, nullable=False)


class Job(db.Model):
    __tablename__ = "jobs"
    id = Column(String, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    course_title = Column(String)
    template_name = Column(String)
    duration_days = Column(Integer)
    language = Column(String)
    status = Column(String)
    progress = Column(Integer)
    log_message = Column(Text)
    slide_count = Column(Integer)
    qa_score = Column(Integer)
    qa_verdict = Column(String)
    duration_sec = Column(Float)
    created_at = Column(String)
    completed_at = Column(String)
    error = Column(Text)
    owner = relationship(User, lazy="joined")


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        uid = session.get("user_id")
        user = db.session.get(User, uid) if uid is not None else None
        if user is None or not user.is_active:
            return jsonify("Unauthorized"), 401
        g.user = user
        return view(*args, **kwargs)

    return wrapped


@app.post("/login")
def login():
    # The benchmark signs in once; the password check is not what is measured.
    user = db.session.query(User).filter_by(email=request.form["email"]).one_or_none()
    if user is None:
        return jsonify("BadCredentials"), 401
    session["user_id"] = user.id
    return jsonify(None)


@app.post("/api/jobs")
@login_required
def history():
    jobs = (
        db.session.query(Job)
        .order_by(Job.created_at.desc(), Job.id)
        .limit(100)
        .all()
    )
    return jsonify(
        [
            {
                "id": j.id,
                "owner_name": j.owner.name if j.owner else None,
                "course_title": j.course_title,
                "template_name": j.template_name,
                "duration_days": j.duration_days,
                "language": j.language,
                "status": j.status,
                "progress": j.progress,
                "log_message": j.log_message,
                "slide_count": j.slide_count,
                "qa_score": j.qa_score,
                "qa_verdict": j.qa_verdict,
                "duration_sec": j.duration_sec,
                "created_at": j.created_at,
                "completed_at": j.completed_at,
                "error": j.error,
            }
            for j in jobs
        ]
    )
