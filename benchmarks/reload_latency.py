"""Edit-to-reload latency of `hubgen serve`: from a save to the browser's reload event.

    python -m benchmarks.reload_latency [--posts 1000] [--runs 7] [--jobs N]

Builds a synthetic hub, serves it, keeps a live-reload event stream open the way a
browser does, then edits one post several times, and the post template several times,
and reports how long each edit took to reach the stream as a change naming that post's
page. A template edit re-renders every page: on `--jobs` workers (by default one per
core, as `hubgen serve` does), forked beside the server's threads.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import own_post_template, post_path, write_corpus
from hubgen.build import BuildOptions
from hubgen.build.workers import default_jobs
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


def _latencies(stream: http.client.HTTPResponse, edit: Callable[[int], None], page: str,
               runs: int) -> list[float]:
    """Seconds from each of `runs` edits (`edit(number)` saves one) to a change event
    naming `page`."""
    latencies = []
    for run in range(runs):
        time.sleep(0.5)
        written = time.perf_counter()
        edit(run)
        while True:
            if page in _next_change(stream)["pages"]:
                break
        latencies.append(time.perf_counter() - written)
    return latencies


def _post_edit(post: Path) -> Callable[[int], None]:
    text = post.read_text()
    return lambda number: post.write_text(text.rstrip("\n") + f"\n\nEdit number {number}.\n")


def _template_edit(template: Path) -> Callable[[int], None]:
    text = template.read_text()
    opening = "{% block content %}"
    return lambda number: template.write_text(
        text.replace(opening, f"{opening}<!-- edit number {number} -->", 1))


def measure(posts: int, runs: int, jobs: int) -> dict[str, list[float]]:
    """Seconds from each edit to its change event, by what was edited."""
    with tempfile.TemporaryDirectory() as folder:
        root = write_corpus(Path(folder) / "hub", posts)
        template = own_post_template(root)
        session = ServeSession(ServeOptions(BuildOptions(root=root, jobs=jobs), port=0))
        started = time.perf_counter()
        url = session.start()
        print(f"first build of {posts} posts: {time.perf_counter() - started:.2f} s; "
              f"serving {url}")
        assert session.server is not None
        host, port = session.server.server_address[:2]
        connection = http.client.HTTPConnection(host, port, timeout=120)
        connection.request("GET", f"/__hubgen/events?epoch={session.state.snapshot.epoch}")
        stream = connection.getresponse()
        edited_post = (posts + 1) // 2
        page = f"posts/post-{edited_post:05d}/index.html"
        try:
            return {
                "post": _latencies(stream, _post_edit(post_path(root, edited_post)), page,
                                   runs),
                "template": _latencies(stream, _template_edit(template), page, runs),
            }
        finally:
            connection.close()
            session.stop()


def main() -> None:
    """Command line: print the latencies and their medians."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="worker processes for big rebuilds (default: one per core)")
    args = parser.parse_args()
    for edited, latencies in measure(args.posts, args.runs, args.jobs).items():
        shown = ", ".join(f"{s * 1000:.0f}" for s in latencies)
        print(f"{edited} edited, {args.posts} posts, --jobs {args.jobs}: {shown} ms; "
              f"median {statistics.median(latencies) * 1000:.0f} ms")
    print(f"(each includes the {QUIET_PERIOD * 1000:.0f} ms quiet period that coalesces "
          "editor saves)")


if __name__ == "__main__":
    main()
