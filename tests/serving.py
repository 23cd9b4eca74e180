"""Helpers for serve tests: run `hubgen serve` for real and talk to it over HTTP."""

from __future__ import annotations

import functools
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Served:
    """A running `hubgen serve`: its process, URL, host and port."""

    process: subprocess.Popen
    url: str
    host: str
    port: int
    lines: list[str]
    reader: threading.Thread | None = None

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Send `path` exactly as given (no client-side normalisation)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        connection.putrequest(method, path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        connection.close()
        return response.status, headers, body

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, then what it printed."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=20)
        if self.reader is not None:
            self.reader.join(timeout=5)
        return code, "\n".join(self.lines)


@contextmanager
def serving(root: Path, *args: str, own_group: bool = False) -> Iterator[Served]:
    """Start `python -m hubgen serve` in `root` and wait for its URL.

    With `own_group`, it runs in a process group of its own (the group's id is its
    pid), as a terminal's foreground job does: a Ctrl-C goes to the whole group.
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "serve", *args], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env, start_new_session=own_group)
    lines: list[str] = []
    deadline = time.monotonic() + 60
    url = ""
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        match = re.search(r"at (http://[^ ]+) \(", line)
        if match:
            url = match[1]
            break
    if not url:
        process.kill()
        raise AssertionError("serve did not start:\n" + "\n".join(lines))
    host, port = re.match(r"http://\[?([^/\]]+?)\]?:(\d+)/", url).groups()
    served = Served(process, url, host, int(port), lines)

    def drain() -> None:  # keep reading, so a chatty server never blocks on a full pipe
        for rest in process.stdout:
            lines.append(rest.rstrip("\n"))

    served.reader = threading.Thread(target=drain, daemon=True)
    served.reader.start()
    try:
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


def child_processes(pid: int) -> list[int]:
    """The ids of the processes `pid` started that are still running, from any of its
    threads (Linux' /proc lists them by the thread that started them)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue   # the thread ended meanwhile
    return children


def wait_until(condition, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll `condition` until it is true or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class _StaticHandler(SimpleHTTPRequestHandler):
    """Serves a built folder quietly, adding the headers a host would add."""

    extra: tuple[tuple[str, str], ...] = ()

    def end_headers(self) -> None:
        for name, value in self.extra:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(folder: Path, headers: list[str] | None = None) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 at a free port, with 'Name: value' headers on every
    response; yields the base URL."""
    extra = tuple(tuple(h.split(": ", 1)) for h in headers or [])
    handler = functools.partial(type("Handler", (_StaticHandler,), {"extra": extra}),
                                directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
