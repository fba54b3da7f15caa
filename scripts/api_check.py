#!/usr/bin/env python3
"""The REST API checked by clients nobody here wrote, against a running server.

    api_check.py BASE_URL EMAIL PASSWORD WORK_DIR

1. Signs in as a person would and makes a write token on the API tokens
   page's server function.
2. Redocly CLI lints the served /api/v1/openapi.json (errors fail).
3. Schemathesis runs every operation of the served document with that
   token, all checks on, a bounded number of examples each.
4. openapi-python-client generates a Python client from the document; the
   generated client starts a course from a spec, follows it until it is
   complete and downloads the deck, which python-pptx opens with the slide
   count the API reported.
5. A webhook receiver registered beforehand refuses the first two
   deliveries, then takes the course's `course.completed`; the Standard
   Webhooks reference library (`standardwebhooks`) verifies every
   delivery's signature, and the message is taken exactly once by its id.
6. The official MCP Python SDK drives the MCP server over HTTP and over
   stdio (scripts/mcp_check.py).
7. No token's secret is in the metrics scrape or the server's log.
"""

import http.cookiejar
import http.server
import threading
import importlib
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import mcp_check

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / "target" / "pytools" / "bin"


def say(text):
    print(f"==> api: {text}", file=sys.stderr, flush=True)


# Every token made, to look for afterwards where none may appear.
MADE_TOKENS = []


def make_token(base, email, password, scope="write"):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form(path, fields):
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(base + path, data=data, headers={"Accept": "application/json"})
        with opener.open(req, timeout=30) as res:
            return json.loads(res.read() or b"null")

    form("/api/login", {"email": email, "password": password})
    made = form("/api/tokens/create", {"name": f"API checks ({scope})", "scope": scope, "days": "1"})
    token = made["token"]
    assert token.startswith("cw_"), made
    MADE_TOKENS.append(token)
    return token


class Receiver:
    """A webhook endpoint on a free localhost port: answers 503 to the
    first `refuse` deliveries, then 204; verifies every one."""

    def __init__(self, refuse=2):
        self.refuse = refuse
        self.secret = None
        self.attempts = []  # (message id, verified event or the error)
        self.taken = []  # message ids answered 204
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                from standardwebhooks.webhooks import Webhook

                try:
                    event = Webhook(receiver.secret).verify(body, dict(self.headers.items()))
                except Exception as e:  # an unverifiable delivery fails the check
                    event = f"not verified: {e}"
                receiver.attempts.append((self.headers.get("webhook-id"), event))
                if len(receiver.attempts) <= receiver.refuse:
                    self.send_response(503)
                else:
                    receiver.taken.append(self.headers.get("webhook-id"))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/courseware"


def register_webhook(base, token, receiver):
    body = json.dumps({"url": receiver.url, "events": ["course.completed", "course.failed"]}).encode()
    req = urllib.request.Request(
        f"{base}/api/v1/webhooks",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        made = json.loads(res.read())
    receiver.secret = made["secret"]
    say(f"webhook {made['endpoint']['id']} registered for {receiver.url}")


def webhook_delivered(receiver, course_id):
    deadline = time.time() + 60
    while not receiver.taken and time.time() < deadline:
        time.sleep(0.2)
    if not receiver.taken:
        sys.exit(f"api check failed: no webhook delivery taken; attempts: {receiver.attempts}")
    unverified = [a for a in receiver.attempts if not isinstance(a[1], dict)]
    if unverified:
        sys.exit(f"api check failed: deliveries standardwebhooks could not verify: {unverified}")
    ids = {a[0] for a in receiver.attempts}
    event = receiver.attempts[-1][1]
    if len(ids) != 1 or len(receiver.taken) != 1 or event["data"]["course"]["id"] != course_id:
        sys.exit(f"api check failed: expected one message about {course_id}, got {receiver.attempts}")
    say(
        f"webhook: {event['type']} for {course_id} verified by standardwebhooks, "
        f"taken once after {len(receiver.attempts) - 1} refusals"
    )
    receiver.server.shutdown()


def run(cmd, **kw):
    say(" ".join(str(c) for c in cmd[:3]) + " …")
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        sys.exit(f"api check failed: {cmd[0]} exited {result.returncode}")


def lint(doc_path):
    redocly = ROOT / "end2end" / "node_modules" / ".bin" / "redocly"
    run([str(redocly), "lint", "--format", "stylish", str(doc_path)], cwd=ROOT / "end2end")


def fuzz(base, token, examples, work):
    run(
        [
            str(VENV_BIN / "schemathesis"),
            "--config-file",
            str(ROOT / "scripts" / "schemathesis.toml"),
            "run",
            f"{base}/api/v1/openapi.json",
            "--url",
            base,
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            str(examples),
            "--seed",
            "1",
            "--no-color",
        ],
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        cwd=work,
    )


def generated_client_round_trip(base, token, doc_path, work):
    out = work / "client"
    run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(doc_path),
            "--output-path",
            str(out),
            "--overwrite",
            "--meta",
            "none",
        ]
    )
    sys.path.insert(0, str(out.parent))
    package = out.name
    client_mod = importlib.import_module(f"{package}.client")
    start = importlib.import_module(f"{package}.api.courses.start_course")
    get = importlib.import_module(f"{package}.api.courses.get_course")
    deck = importlib.import_module(f"{package}.api.courses.course_deck")
    spec_model = importlib.import_module(f"{package}.models.course_spec").CourseSpec

    client = client_mod.AuthenticatedClient(base_url=base, token=token, timeout=30.0)
    spec = spec_model.from_dict(
        {
            "schema": 1,
            "title": "Generated client course",
            "days": 1,
            "language": "en",
            "template": "Ocean.pptx",
            "writer": "offline",
            "outline": {
                "title": "Generated client course",
                "modules": [
                    {
                        "title": "Safety",
                        "topics": [
                            {"title": "Ladders", "points": [{"text": "Footing first", "level": 0}]},
                            {"title": "Scaffolds", "points": [{"text": "Guard rails", "level": 0}]},
                        ],
                    }
                ],
            },
        }
    )
    started = start.sync_detailed(client=client, body=spec)
    assert started.status_code == 202, (started.status_code, started.content[:300])
    course_id = started.parsed.id
    say(f"generated client started course {course_id}")
    deadline = time.time() + 180
    while True:
        course = get.sync(client=client, id=course_id)
        status = str(course.status.value if hasattr(course.status, "value") else course.status)
        if status == "complete":
            break
        if status in ("failed", "cancelled") or time.time() > deadline:
            sys.exit(f"api check failed: the course ended {status}")
        time.sleep(0.5)
    got = deck.sync_detailed(client=client, id=course_id)
    assert got.status_code == 200, got.status_code
    path = work / "from-generated-client.pptx"
    path.write_bytes(got.content)
    from pptx import Presentation

    slides = len(Presentation(str(path)).slides)
    assert slides == course.slide_count, (slides, course.slide_count)
    say(f"generated client: course {course_id} complete, deck opened by python-pptx: {slides} slides")
    return course_id


def main():
    base, email, password, work = sys.argv[1:5]
    examples = int(os.environ.get("API_CHECK_EXAMPLES", "25"))
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    token = make_token(base, email, password)
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=30) as res:
        document = res.read()
    doc_path = work / "openapi.json"
    doc_path.write_bytes(document)
    say(f"document: {len(json.loads(document)['paths'])} paths")
    lint(doc_path)
    receiver = Receiver(refuse=2)
    register_webhook(base, token, receiver)
    course_id = generated_client_round_trip(base, token, doc_path, work)
    webhook_delivered(receiver, course_id)
    mcp_check.check(base, token, make_token(base, email, password, "read"), os.environ["COURSEWARE_BIN"], {
        "DATA_DIR": os.environ["COURSEWARE_DATA_DIR"],
        "SAMPLE_TEMPLATES_DIR": os.environ["SAMPLE_TEMPLATES_DIR"],
        "COURSEWARE_BIND": base.removeprefix("http://"),
        "RUST_LOG": "warn",
    })
    fuzz(base, token, examples, work)
    no_secrets_shown(base, work)
    say("all API checks passed")


def no_secrets_shown(base, work):
    """No token made here appears in the metrics scrape or the server's log
    (scripts/api-check keeps it at info level: every request is logged)."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as res:
        scrape = res.read().decode()
    log = Path(os.environ["COURSEWARE_LOG"]).read_text(errors="replace")
    assert len(log) > 10_000, f"the server log is only {len(log)} bytes: is it logging requests?"
    for token in MADE_TOKENS:
        for place, text in (("metrics", scrape), ("server log", log)):
            assert token not in text and token[12:] not in text, f"a token's secret is in the {place}"
    say(f"no token's secret in the metrics ({len(scrape)} bytes) or the server log ({len(log)} bytes)")


if __name__ == "__main__":
    main()
