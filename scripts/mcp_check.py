"""The MCP server checked by the official MCP Python SDK (`mcp`, PyPI) as
its client, over streamable HTTP (`/mcp`, bearer token) and over stdio
(`courseware mcp`, the token in COURSEWARE_TOKEN): lists the tools, reads an
outline, generates a course, follows it to complete, gets its download link
and fetches the deck, reads it as a resource; a read token cannot start a
course, a missing token is refused. Called by scripts/api_check.py against
the server scripts/api-check started."""

import asyncio
import json
import time
import urllib.error
import urllib.request

from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

TOOLS = {"list_templates", "parse_outline", "generate_course", "course_status", "download_link"}

OUTLINE = """# Giving feedback
- Why feedback matters
- The situation-behaviour-impact model
  - Situation
  - Behaviour
# Receiving feedback
- Listening without defending
- Asking for examples
"""


def say(text):
    print(f"mcp: {text}", flush=True)


def structured(result):
    assert not result.is_error, [c.text for c in result.content]
    return result.structured_content


async def story(client, base, label):
    """One assistant's session: the tools, an outline, a course, its deck."""
    tools = {t.name for t in (await client.list_tools()).tools}
    assert TOOLS <= tools, tools
    templates = structured(await client.call_tool("list_templates", {}))["templates"]
    assert templates, "no templates offered"
    template = templates[0]["template"]

    parsed = structured(await client.call_tool("parse_outline", {"text": OUTLINE}))
    modules = parsed["outline"]["modules"]
    assert [m["title"] for m in modules] == ["Giving feedback", "Receiving feedback"], modules

    bad = await client.call_tool("generate_course", {"title": " ", "days": 1, "template": template, "outline": OUTLINE})
    assert bad.is_error and "title" in bad.content[0].text.lower(), bad.content

    started = structured(await client.call_tool(
        "generate_course",
        {"title": f"Feedback that lands ({label})", "days": 1, "template": template, "outline": OUTLINE},
    ))
    course = started["id"]
    deadline = time.monotonic() + 120
    while True:
        status = structured(await client.call_tool("course_status", {"id": course}))
        if status["status"] in ("complete", "failed"):
            break
        assert time.monotonic() < deadline, f"course {course} still {status['status']}"
        await asyncio.sleep(0.5)
    assert status["status"] == "complete", status
    assert status["slides"] and status["slides"] > 5, status

    link = structured(await client.call_tool("download_link", {"id": course}))
    assert link["url"].startswith(base + "/api/jobs/"), link
    with urllib.request.urlopen(link["url"], timeout=30) as res:
        deck = res.read()
    assert deck[:2] == b"PK" and len(deck) > 10_000, len(deck)

    unknown = await client.call_tool("course_status", {"id": "zzzzzzzz"})
    assert unknown.is_error, unknown

    listed = [r.uri for r in (await client.list_resources()).resources]
    uri = f"courseware://courses/{course}"
    assert uri in listed, listed
    contents = (await client.read_resource(uri)).contents
    body = json.loads(contents[0].text)
    assert body["id"] == course and body["status"] == "complete", body
    say(f"{label}: {len(tools)} tools, course {course} complete with {status['slides']} slides, "
        f"deck of {len(deck)} bytes through its link, listed and read as a resource")
    return course


def http_client(base, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(streamable_http_client(f"{base}/mcp", http_client=create_mcp_http_client(headers=headers)))


async def over_http(base, token, read_token):
    async with http_client(base, token) as client:
        await story(client, base, "HTTP")
    async with http_client(base, read_token) as client:
        refused = None
        try:
            result = await client.call_tool(
                "generate_course", {"title": "Read only", "days": 1, "template": "x", "outline": OUTLINE})
            refused = result.is_error
        except Exception as e:  # the SDK raises protocol errors
            refused = "write" in str(e)
        assert refused, "a read token started a course"
    for auth in (None, "Bearer cw_not-a-token"):
        status, challenge = post_without_token(base, auth)
        assert status == 401 and challenge == "Bearer", (auth, status, challenge)
    say("HTTP: a read token cannot start a course; a missing or unknown token gets 401 with a Bearer challenge")


def post_without_token(base, auth):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if auth:
        headers["Authorization"] = auth
    req = urllib.request.Request(f"{base}/mcp", data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.headers.get("WWW-Authenticate")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("WWW-Authenticate")


async def over_stdio(base, token, binary, env):
    params = StdioServerParameters(command=binary, args=["mcp"], env={**env, "COURSEWARE_TOKEN": token})
    async with Client(params) as client:
        await story(client, base, "stdio")


def check(base, token, read_token, binary, env):
    asyncio.run(over_http(base, token, read_token))
    asyncio.run(over_stdio(base, token, binary, env))
