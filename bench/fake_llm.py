"""A fake Anthropic Messages API with a realistic pace, for bench/ai.sh:
about 1 s before the first token, then about 50 output tokens per second
(counted as 4 characters per token). It writes a module of realistic length
from the JSON block in the prompt, and answers reviews. No real model is
called. Usage: fake_llm.py PORT"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST_TOKEN_S = 1.0
TOKENS_PER_S = 50.0
calls = 0
lock = threading.Lock()

NOTE = ("Start by asking the group where they have met {t} in their own work. "
        "Explain the idea in plain words, then walk through one short example from a typical site, "
        "naming who does what and when. Point out the most common mistake and how to avoid it, "
        "and check understanding with one open question before moving on. "
        "Keep the pace steady and link back to the objectives of the module so the thread stays clear. ")


def module_answer(prompt):
    m = re.search(r"```json\n(.*?)\n```", prompt, re.S)
    data = json.loads(m.group(1)) if m else {"topics": []}
    slides = []
    for t in data["topics"]:
        title = t["title"]
        bullets = [f"{p[:90]}" for p in t["points"][:5]] or [title]
        slides.append({"title": title[:90], "bullets": bullets, "notes": (NOTE * 2).format(t=title)})
    return {
        "objectives": [f"Explain {t['title'][:80]}" for t in data["topics"][:5]] or ["Explain the module"],
        "slides": slides,
        "recap": [t["title"][:100] for t in data["topics"][:5]] or ["Recap"],
        "quiz": [{"question": f"What matters most in {t['title'][:60]}?",
                  "options": ["The agreed procedure", "Speed over care", "Whatever is quickest"], "answer": 0}
                 for t in data["topics"][:3]],
        "infographics": [],
        "activity": {
            "title": f"Practice: {data.get('title', 'the module')[:60]}",
            "steps": ["Form groups of three", "Pick one topic and apply it to a real case (15 minutes)",
                      "Prepare a one-minute summary"],
            "debrief": ["What did your group decide?", "What would you do differently at work?"],
            "notes": "Brief the groups, keep time, walk around and help, then run the debrief with the questions.",
        },
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        global calls
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        with lock:
            n = calls
            calls += 1
        prompt = body["messages"][-1]["content"]
        if body["tool_choice"]["name"] == "review_course":
            answer = {"content": 4, "coherence": 4, "summary": "Solid.", "suggestions": []}
        else:
            answer = module_answer(prompt)
        out_tokens = max(1, len(json.dumps(answer)) // 4)
        in_tokens = (len(body["system"][0]["text"]) + len(prompt)) // 4
        time.sleep(FIRST_TOKEN_S + out_tokens / TOKENS_PER_S)
        usage = {"input_tokens": len(prompt) // 4, "output_tokens": out_tokens,
                 "cache_creation_input_tokens": in_tokens - len(prompt) // 4 if n == 0 else 0,
                 "cache_read_input_tokens": 0 if n == 0 else in_tokens - len(prompt) // 4}
        reply = json.dumps({"id": f"msg_{n}", "type": "message", "role": "assistant",
                            "content": [{"type": "tool_use", "id": f"t{n}", "name": body["tool_choice"]["name"],
                                         "input": answer}],
                            "stop_reason": "tool_use", "usage": usage}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
