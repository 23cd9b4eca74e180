"""A tiny local stand-in for the Mastodon and Bluesky APIs that comments.js reads replies from.

It listens on 127.0.0.1 (a free port), in its own thread, and answers from fixed data:
replies that carry XSS payloads, replies of replies, and the failures a real server gives
(404, 429, a body that is not JSON). Each request is recorded, so a test can tell what the
browser asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Untrusted text as hostile servers (or hostile users) could send it.
XSS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '<a href="javascript:alert(3)">x</a>',
    "<svg onload=alert(4)>",
    '"><iframe src=javascript:alert(5)>',
]
FINE_LINK = '<a href="https://ok.example/">fine link</a>'

# Mastodon statuses: the post whose replies are shown, and ids that fail.
MASTODON_POST = "112233"
MASTODON_EMPTY = "200200"
MASTODON_NOT_FOUND = "404404"
MASTODON_RATE_LIMITED = "429429"
MASTODON_BAD_JSON = "500500"
MASTODON_DEEP = "600600"       # a chain of replies deeper than any server sends
DEEP_CHAIN = 2000

# Bluesky: a handle, its DID, and the record keys of the posts.
BLUESKY_HANDLE = "ana.bsky.social"
BLUESKY_DID = "did:plc:ana"
BLUESKY_POST = "3kabc"
BLUESKY_NOT_FOUND = "3knotfound"
BLUESKY_RATE_LIMITED = "3kslow"


def _account(key: str, display_name: str, acct: str | None = None) -> dict[str, Any]:
    return {"id": key, "username": key, "acct": acct or f"{key}@remote.example",
            "display_name": display_name, "url": f"https://remote.example/@{key}",
            "avatar": "https://remote.example/avatar.png"}


def _status(sid: str, parent: str, account: dict[str, Any], when: str, content: str,
            **extra: Any) -> dict[str, Any]:
    return {"id": sid, "in_reply_to_id": parent, "created_at": when, "account": account,
            "content": content, "spoiler_text": "", "visibility": "public",
            "url": f"https://remote.example/@{account['username']}/{sid}",
            "uri": f"https://remote.example/users/{account['username']}/statuses/{sid}",
            "media_attachments": [], **extra}


def mastodon_context() -> dict[str, Any]:
    """The context of MASTODON_POST: four top-level replies, one chain three levels deep.

    The descendants are deliberately not in time order; the page must sort them.
    """
    xss_name = _account("mallory", XSS[0], acct="<script>alert(2)</script>@evil.example")
    return {
        "ancestors": [],
        "descendants": [
            _status("2", MASTODON_POST, _account("kim", "Kim Lee"), "2026-05-02T10:00:00.000Z",
                    "<p>Second top-level reply, later in time.</p>"),
            _status("1", MASTODON_POST, xss_name, "2026-05-01T09:00:00.000Z",
                    "<p>Top-level reply " + "".join(XSS) + "</p><p>" + FINE_LINK + "</p>"),
            _status("11", "1", _account("raj", ""), "2026-05-01T09:30:00.000Z",
                    "<p>Level two, <b>bold</b> and <span class=\"h-card\">"
                    "<a href=\"https://remote.example/@kim\" class=\"u-url mention\">@kim</a>"
                    "</span></p>"),
            _status("111", "11", _account("sam", '"><iframe src=javascript:alert(5)>'),
                    "2026-05-01T10:00:00.000Z", "<p>Level three<br>second line</p>"),
            _status("3", MASTODON_POST, _account("zoe", "<svg onload=alert(4)>"),
                    "2026-05-03T08:00:00.000Z", XSS[2] + " <style>p{}</style>plain",
                    url="javascript:alert(6)"),
            # Its parent is not in the context (deleted): the reply still shows.
            _status("4", "999", _account("ben", "Ben"), "2026-05-04T08:00:00.000Z",
                    "<p>Orphan reply</p>"),
        ],
    }


def _bsky_post(rkey: str, handle: str, display_name: str, text: str, when: str,
               facets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    did = f"did:plc:{rkey}"
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": when}
    if facets is not None:
        record["facets"] = facets
    return {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": f"cid-{rkey}",
            "author": {"did": did, "handle": handle, "displayName": display_name,
                       "avatar": "https://cdn.bsky.example/avatar.jpg"},
            "record": record, "replyCount": 0, "indexedAt": when}


def _view(post: dict[str, Any], replies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, "replies": replies or []}


def _link_facet(text: str, label: str, uri: str) -> dict[str, Any]:
    start = len(text[:text.index(label)].encode())
    return {"index": {"byteStart": start, "byteEnd": start + len(label.encode())},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]}


def bluesky_thread() -> dict[str, Any]:
    """getPostThread for BLUESKY_POST: nested replies, hostile text, a gone and a blocked one."""
    accented = "Café ☕ — see the guide, and more\nsecond line"
    bad_link = "a javascript link"
    hostile_text = "".join(XSS) + " " + bad_link
    root = _bsky_post(BLUESKY_POST, BLUESKY_HANDLE, "Ana", "Root post", "2026-05-01T08:00:00Z")
    return {"thread": _view(root, [
        _view(_bsky_post("3kb", "kim.bsky.social", "Kim", "Later top-level reply",
                         "2026-05-02T08:00:00Z")),
        _view(_bsky_post("3ka", "<img src=x onerror=alert(1)>.evil.example", XSS[0],
                         hostile_text, "2026-05-01T09:00:00Z",
                         [_link_facet(hostile_text, bad_link, "javascript:alert(7)")]), [
            _view(_bsky_post("3kaa", "raj.bsky.social", "", accented, "2026-05-01T09:30:00Z",
                             [_link_facet(accented, "the guide", "https://ok.example/guide")]), [
                _view(_bsky_post("3kaaa", "sam.bsky.social", "<svg onload=alert(4)>",
                                 "Level three", "2026-05-01T10:00:00Z")),
            ]),
            {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://did:plc:x/app.bsky.feed.post/b",
             "blocked": True, "author": {"did": "did:plc:x"}},
        ]),
        {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://did:plc:y/app.bsky.feed.post/n",
         "notFound": True},
    ])}


@dataclass
class Stub:
    """The running stub: its base URL and every request path it received."""

    url: str
    requests: list[str] = field(default_factory=list)


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, str]:
    """(status, body) for one GET."""
    parts = path.strip("/").split("/")
    if parts[:3] == ["api", "v1", "statuses"] and len(parts) == 5 and parts[4] == "context":
        sid = parts[3]
        if sid == MASTODON_POST:
            return 200, json.dumps(mastodon_context())
        if sid == MASTODON_DEEP:
            account = _account("deep", "Deep")
            chain = [_status(str(n), str(n - 1) if n > 1 else MASTODON_DEEP, account,
                             f"2026-05-01T09:{n // 60 % 60:02d}:{n % 60:02d}Z", f"<p>Reply {n}</p>")
                     for n in range(1, DEEP_CHAIN + 1)]
            return 200, json.dumps({"ancestors": [], "descendants": chain})
        if sid == MASTODON_EMPTY:
            return 200, json.dumps({"ancestors": [], "descendants": []})
        if sid == MASTODON_RATE_LIMITED:
            return 429, json.dumps({"error": "Too many requests"})
        if sid == MASTODON_BAD_JSON:
            return 200, "<html>not json</html>"
        return 404, json.dumps({"error": "Record not found"})
    if path == "/xrpc/com.atproto.identity.resolveHandle":
        if query.get("handle") == [BLUESKY_HANDLE]:
            return 200, json.dumps({"did": BLUESKY_DID})
        return 400, json.dumps({"error": "InvalidRequest", "message": "Unable to resolve handle"})
    if path == "/xrpc/app.bsky.feed.getPostThread":
        uri = query.get("uri", [""])[0]
        if query.get("depth") != ["10"] or not uri.startswith(f"at://{BLUESKY_DID}/"):
            return 400, json.dumps({"error": "InvalidRequest"})
        if uri == f"at://{BLUESKY_DID}/app.bsky.feed.post/{BLUESKY_POST}":
            return 200, json.dumps(bluesky_thread())
        if uri.endswith("/" + BLUESKY_RATE_LIMITED):
            return 429, json.dumps({"error": "RateLimitExceeded"})
        return 400, json.dumps({"error": "NotFound", "message": f"Post not found: {uri}"})
    return 404, json.dumps({"error": "Not found"})


class _Handler(BaseHTTPRequestHandler):
    stub: Stub
    timeout = 10  # a stalled client never holds a thread for long

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        self.stub.requests.append(self.path)
        status, body = _answer(split.path, parse_qs(split.query))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self) -> None:  # a CORS preflight, should a browser send one
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Allow-Methods", "GET")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@contextmanager
def fediverse_stub() -> Iterator[Stub]:
    """Run the stub for the duration of a `with` block."""
    stub = Stub(url="")
    handler = type("Handler", (_Handler,), {"stub": stub})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
