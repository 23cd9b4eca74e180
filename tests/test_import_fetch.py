"""`hubgen import --url`: the real fetching code, against a local stand-in for each platform's
public API on 127.0.0.1 (never the internet). The stand-in serves the same fixtures the
file tests use, records every request, and fails on cue (429 with Retry-After, 404)."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import all_files, run_hubgen

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
MASTODON = json.loads((FIXTURES / "mastodon/thread-2026-03-10.json").read_text())
BLUESKY_DID = "did:plc:lena4bsky0000000000000"
REDDIT_PATH = "/r/self/comments/1cebxh/my_wife_passed_away_eight_months_ago_yesterday_i"


def _discourse_topic() -> tuple[dict, dict]:
    """The topic fixture with one more post listed in its stream than it holds, and the
    /posts.json answer that brings it."""
    topic = json.loads((FIXTURES / "discourse/topic.json").read_text())
    extra = copy.deepcopy(topic["post_stream"]["posts"][3])
    extra.update(id=999, post_number=15, reply_to_post_number=14, username="stienman",
                 name="Adam Davis", created_at="2013-02-05T13:00:00.000-05:00",
                 cooked="<p>Every day, yes.</p>")
    topic["post_stream"]["stream"] = [*topic["post_stream"]["stream"], 999]
    return topic, {"post_stream": {"posts": [extra]}, "id": 57}


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _json(data) -> Answer:
    return Answer(200, json.dumps(data).encode(), {"Content-Type": "application/json"})


def _routes() -> dict[str, Answer]:
    topic, more_posts = _discourse_topic()
    thread_uri = f"at%3A%2F%2F{BLUESKY_DID.replace(':', '%3A')}%2Fapp.bsky.feed.post%2F" \
        "3lroot00000a2"
    return {
        "/api/v1/statuses/111900000000000001": _json(MASTODON["status"]),
        "/api/v1/statuses/111900000000000001/context": _json(MASTODON["context"]),
        "/xrpc/com.atproto.identity.resolveHandle?handle=lena.bsky.social":
            _json({"did": BLUESKY_DID}),
        f"/xrpc/app.bsky.feed.getPostThread?uri={thread_uri}&depth=1000&parentHeight=1000":
            Answer(200, (FIXTURES / "bluesky/thread_with_replies.json").read_bytes()),
        f"{REDDIT_PATH}.json?limit=500": Answer(200, (FIXTURES / "reddit/thread.json")
                                                .read_bytes()),
        "/api/v1/items/40000001": Answer(200, (FIXTURES / "hackernews/item.json").read_bytes()),
        "/t/57.json": _json(topic),
        "/t/57/posts.json?post_ids%5B%5D=999": _json(more_posts),
        "/api/v1/statuses/429": Answer(429, b'{"error": "Too many requests"}',
                                       {"Retry-After": "120"}),
        "/api/v1/items/7": Answer(200, b"<html>Not JSON</html>"),
    }


@dataclass
class StandIn:
    """The local API: its base address and the requests it received (path, User-Agent)."""

    base: str
    requests: list[tuple[str, str]]


@contextmanager
def platform_api() -> Iterator[StandIn]:
    routes = _routes()
    requests: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append((self.path, self.headers.get("User-Agent", "")))
            answer = routes.get(self.path, Answer(404, b'{"error": "Record not found"}'))
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield StandIn(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def api():
    with platform_api() as stand_in:
        yield stand_in


FETCHES = [
    ("mastodon", "https://brew.social/@roastery/111900000000000001",
     ["/api/v1/statuses/111900000000000001", "/api/v1/statuses/111900000000000001/context"],
     "Wrote content/threads/talk.yaml from Mastodon (5 messages, 4 participants)"),
    ("bluesky", "https://bsky.app/profile/lena.bsky.social/post/3lroot00000a2",
     ["/xrpc/com.atproto.identity.resolveHandle?handle=lena.bsky.social",
      "/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3Alena4bsky0000000000000"
      "%2Fapp.bsky.feed.post%2F3lroot00000a2&depth=1000&parentHeight=1000"],
     "Wrote content/threads/talk.yaml from Bluesky (5 messages, 4 participants)"),
    ("reddit", f"https://old.reddit.com{REDDIT_PATH}/c9forp9/",
     [f"{REDDIT_PATH}.json?limit=500"],
     "Wrote content/threads/talk.yaml from Reddit (200 messages, 123 participants)"),
    ("hackernews", "https://news.ycombinator.com/item?id=40000001", ["/api/v1/items/40000001"],
     "Wrote content/threads/talk.yaml from Hacker News (6 messages, 6 participants)"),
    ("discourse", "https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57/3",
     ["/t/57.json", "/t/57/posts.json?post_ids%5B%5D=999"],
     "Wrote content/threads/talk.yaml from Discourse (5 messages, 3 participants)"),
]


@pytest.mark.parametrize(("platform", "url", "paths", "first_line"), FETCHES,
                         ids=[f[0] for f in FETCHES])
def test_each_platform_is_fetched_from_its_api(hub, api, platform, url, paths, first_line):
    root = hub("import-hub")
    result = run_hubgen("import", platform, "--url", url, "--api", api.base, "--slug", "talk",
                        cwd=root)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == first_line
    assert [path for path, _ in api.requests] == paths
    assert all(agent.startswith("hubgen/") for _, agent in api.requests), api.requests
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err


def test_the_fetched_discourse_topic_holds_the_posts_fetched_after_it(hub, api):
    root = hub("import-hub")
    url = "https://try.discourse.org/t/this-site-is-a-sandbox-it-is-reset-every-day/57"
    result = run_hubgen("import", "discourse", "--url", url, "--api", api.base, cwd=root)
    assert result.code == 0, result.err
    text = (root / "content/threads/this-site-is-a-sandbox-it-is-reset-every-day.yaml") \
        .read_text()
    assert f"url: {url}/15\n    reply_to: '14'\n    text: Every day, yes.\n" in text
    assert "not in this export" not in result.out


def test_the_api_address_can_come_from_the_environment(hub, api):
    root = hub("import-hub")
    result = run_hubgen("import", "hackernews", "--url",
                        "https://news.ycombinator.com/item?id=40000001", cwd=root,
                        env={"HUBGEN_API_BASE": api.base})
    assert result.code == 0, result.err
    assert api.requests[0][0] == "/api/v1/items/40000001"


def _fails(root: Path, *args: str) -> str:
    before = all_files(root / "content")
    result = run_hubgen("import", *args, cwd=root)
    assert result.code == 1, (result.out, result.err)
    assert all_files(root / "content") == before
    return result.err


def test_rate_limiting_says_when_to_try_again(hub, api):
    root = hub("import-hub")
    err = _fails(root, "mastodon", "--url", "https://brew.social/@roastery/429", "--api",
                 api.base)
    assert err == f"Error: {api.base}/api/v1/statuses/429 answered HTTP 429 Too Many " \
        "Requests: the platform is rate limiting requests; try again in 120 seconds\n"


def test_a_missing_post_is_a_clear_error(hub, api):
    root = hub("import-hub")
    err = _fails(root, "hackernews", "--url", "https://news.ycombinator.com/item?id=404",
                 "--api", api.base)
    assert err == f"Error: {api.base}/api/v1/items/404 answered HTTP 404 Not Found: check the " \
        "address; the post may be deleted, private or mistyped\n"


def test_an_answer_that_is_not_json(hub, api):
    root = hub("import-hub")
    err = _fails(root, "hackernews", "--url", "https://news.ycombinator.com/item?id=7",
                 "--api", api.base)
    assert err == f"Error: {api.base}/api/v1/items/7 is not JSON: this looks like an HTML " \
        "page (a login or error page?), not the platform's JSON\n"


def test_a_server_that_is_not_there(hub):
    with platform_api() as stand_in:
        base = stand_in.base            # a port that was free a moment ago, now closed
    root = hub("import-hub")
    err = _fails(root, "hackernews", "--url", "https://news.ycombinator.com/item?id=1",
                 "--api", base)
    assert err.startswith(f"Error: could not reach {base.removeprefix('http://')}: ")


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_server_that_drips_its_answer_times_out_as_a_whole(part):
    # Each byte comes within the socket's timeout; the whole answer does not.
    from hubgen.importers.fetching import Fetcher, FetchError

    class Dripping(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"id": "1", "text": "x" * 40}).encode()
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            quickly, slowly = (b"", head) if part == "headers" else (head, body)
            self.wfile.write(quickly)
            for byte in slowly:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            if part == "headers":
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Dripping)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fetcher = Fetcher(f"http://127.0.0.1:{server.server_port}", timeout=1.0)
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"did not answer within 1 seconds; try again later"):
            fetcher.get_json("https://hacker-news.firebaseio.com", "/v0/item/1.json")
        # Given up at the timeout, not once the drip (7 seconds or more) is over.
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
