"""Edit-to-reload latency of `hubgen serve`: from writing a post to the browser's reload event.

    python -m benchmarks.reload_latency [--posts 1000] [--runs 7]

Builds a synthetic hub, serves it, keeps a live-reload event stream open the way a
browser does, then edits one post several times and reports how long each edit took
to reach the stream as a change naming that post's page.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import write_corpus
from hubgen.build import BuildOptions
from hubgen.serve import ServeOptions, ServeSession
from hubgen.serve.rebuilder import QUIET_PERIOD


def _next_change(stream: http.client.HTTPResponse) -> dict:
    event = ""
    while True:
        line = stream.fp.readline().decode()
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "change":
            return json.loads(line.split(":", 1)[1])


def measure(posts: int, runs: int) -> list[float]:
    """Seconds from each edit to its change event."""
    with tempfile.TemporaryDirectory() as folder:
        root = write_corpus(Path(folder) / "hub", posts)
        session = ServeSession(ServeOptions(BuildOptions(root=root), port=0))
        started = time.perf_counter()
        url = session.start()
        print(f"first build of {posts} posts: {time.perf_counter() - started:.2f} s; "
              f"serving {url}")
        host, port = session.server.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=30)
        epoch = session.state.snapshot.epoch
        connection.request("GET", f"/__hubgen/events?epoch={epoch}")
        stream = connection.getresponse()
        target = root / "content/posts/post-00500.md"
        page = "posts/post-00500/index.html"
        latencies = []
        try:
            for run in range(runs):
                text = target.read_text()
                edited = text.rstrip("\n") + f"\n\nEdit number {run}.\n"
                time.sleep(0.5)
                written = time.perf_counter()
                target.write_text(edited)
                while True:
                    change = _next_change(stream)
                    if page in change["pages"]:
                        break
                latencies.append(time.perf_counter() - written)
        finally:
            connection.close()
            session.stop()
        return latencies


def main() -> None:
    """Command line: print the latencies and their median."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    latencies = measure(args.posts, args.runs)
    shown = ", ".join(f"{s * 1000:.0f}" for s in latencies)
    print(f"edit-to-reload latency, {args.posts} posts, {args.runs} edits: {shown} ms")
    print(f"median {statistics.median(latencies) * 1000:.0f} ms "
          f"(includes the {QUIET_PERIOD * 1000:.0f} ms quiet period that coalesces editor "
          "saves)")


if __name__ == "__main__":
    main()
