"""Helpers for serve tests: run `hubgen serve` for real and talk to it over HTTP."""

from __future__ import annotations

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
def serving(root: Path, *args: str) -> Iterator[Served]:
    """Start `python -m hubgen serve` in `root` and wait for its URL."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "serve", *args], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
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
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
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


def wait_until(condition, timeout: float = 10.0, step: float = 0.05) -> bool:
    """Poll `condition` until it is true or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
