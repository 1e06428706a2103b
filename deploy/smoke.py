#!/usr/bin/env python3
"""Talks to a running Lotse as a browser would: /healthz, the /chat page, a chat
session, a message and Lotse's reply. Standard library only.

    python3 deploy/smoke.py PORT
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"


def call(method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


deadline = time.monotonic() + 60
while True:
    try:
        status, _ = call("GET", "/healthz")
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the demo did not answer /healthz within 60 s")
        time.sleep(0.5)
print(f"    /healthz {status}")
status, page = call("GET", "/chat")
assert status == 200 and b"<html" in page, (status, page[:200])
print(f"    /chat {status}, {len(page)} bytes")
status, body = call("POST", "/chat/api/sessions", {"language": "en"})
assert status == 201, status
session = json.loads(body)["session"]
status, _ = call("POST", f"/chat/api/sessions/{session}/messages", {"text": "hello"})
assert status == 202, status
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    status, body = call("GET", f"/chat/api/sessions/{session}/messages")
    replies = [m for m in json.loads(body)["messages"] if m["from"] == "bot"]
    if replies:
        print(
            f"    chat session: {len(replies)} message(s) from Lotse, first: "
            f"{replies[0]['text'][:60]!r}"
        )
        break
    time.sleep(0.3)
else:
    sys.exit("the demo did not answer a chat message within 20 s")
