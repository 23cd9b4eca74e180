"""Serving the in-memory site over HTTP: content types, folders, 404s, and live-reload events."""

from __future__ import annotations

import json
import mimetypes
import posixpath
import socket
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from hubgen.serve.inject import inject
from hubgen.serve.state import SiteState, Snapshot

EVENTS_PATH = "__hubgen/events"
HEARTBEAT_SECONDS = 5.0
MAX_STREAM_SECONDS = 300.0   # the browser reconnects; no connection lives forever

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".woff2": "font/woff2", ".woff": "font/woff", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/x-icon",
}


def byte_range(header: str, size: int) -> range | None:
    """The bytes a `Range: bytes=…` header asks of a file of `size` bytes: empty when none
    of them is there; None for a header this server does not read (several ranges, another
    unit), which asks for the whole file."""
    unit, _, ranges = header.partition("=")
    first, dash, last = (text.strip() for text in ranges.partition("-"))
    if unit.strip() != "bytes" or "," in ranges or not dash or not (first + last).isdigit() \
            or (first and last and int(last) < int(first)):
        return None
    if not first:                      # the last N bytes
        return range(max(size - int(last), 0), size if int(last) else 0)
    start = int(first)
    stop = min(int(last) + 1, size) if last else size
    return range(start, stop) if start < stop else range(0)


def content_type(name: str) -> str:
    """The Content-Type of an output file, by its suffix."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def site_file(request_path: str, base_path: str) -> str | None:
    """The output file a request path names, or None when it is outside the site.

    `base_path` is decoded ('/café/'). '..' and '.' segments (percent-encoded or
    not), backslashes, NUL bytes and absolute paths never reach a file: the site is
    a dictionary of its own files.
    """
    path = urlsplit(request_path).path
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith(base_path):
        return None
    relative = decoded[len(base_path):]
    segments = relative.split("/")
    if any(segment in (".", "..") for segment in segments) or relative.startswith("/"):
        return None
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    return relative


class DevServer(ThreadingHTTPServer):
    """A threading HTTP server over a SiteState; it serves the site at the base path of
    the state's snapshot, which follows the config's url."""

    daemon_threads = True
    # SO_REUSEADDR: a restart right after Ctrl-C gets its port back from TIME_WAIT; on
    # Linux a port another server listens on still fails, so the next one is tried.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SiteState, root: Path,
                 live_reload: bool = True):
        self.state = state
        self.root = root
        self.live_reload = live_reload
        if ":" in address[0]:   # an IPv6 address (::1, ::)
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that drops its connection (a tab closed, a keep-alive let go) is no
        error of the site's: nothing is said. Anything else is told as socketserver does."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def served_base(snapshot: Snapshot) -> str:
    """The base path requests are compared with: decoded, as a request's path is."""
    return unquote(snapshot.base_path)


class _Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows builds, not every request

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        snapshot = self.server.state.snapshot
        base = served_base(snapshot)
        path = unquote(urlsplit(self.path).path)
        if path == base + EVENTS_PATH:
            if head:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._events()
            return
        if base != "/" and path in ("/", base.rstrip("/")):
            query = urlsplit(self.path).query
            self._redirect(quote(base) + (f"?{query}" if query else ""))
            return
        name = site_file(self.path, base)
        if name is not None and name not in snapshot.files and \
                f"{name}/index.html" in snapshot.files:
            query = urlsplit(self.path).query
            self._redirect(quote(path) + "/" + (f"?{query}" if query else ""))
            return
        if name is None or name not in snapshot.files:
            self._send(HTTPStatus.NOT_FOUND, "404.html", snapshot, head,
                       snapshot.files.get("404.html", b"<h1>Not found</h1>"))
            return
        self._send(HTTPStatus.OK, name, snapshot, head, snapshot.files[name])

    def _send(self, status: HTTPStatus, name: str, snapshot: Snapshot, head: bool,
              body: bytes) -> None:
        kind = content_type(name)
        whole = len(body)
        part: range | None = None
        if kind.startswith("text/html"):
            body = inject(body, epoch=snapshot.epoch, base_path=served_base(snapshot),
                          errors=snapshot.errors, root=self.server.root,
                          live_reload=self.server.live_reload, built=snapshot.built,
                          served=name)
        elif status == HTTPStatus.OK and self.headers.get("Range"):
            # A video or audio file is played from where the reader seeks (Safari plays
            # none without ranges).
            part = byte_range(self.headers["Range"], whole)
            if part is not None and not part:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{whole}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if part is not None:
                status, body = HTTPStatus.PARTIAL_CONTENT, body[part.start:part.stop]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if not kind.startswith("text/html"):
            self.send_header("Accept-Ranges", "bytes")
        if part is not None:
            self.send_header("Content-Range", f"bytes {part.start}-{part.stop - 1}/{whole}")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        # Found, never kept: the base path or a folder may be gone at the next save, and a
        # browser keeps a permanent redirect long after.
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """A server-sent event stream: one 'change' event per rebuild after the page's epoch."""
        query = dict(part.split("=", 1) for part in urlsplit(self.path).query.split("&")
                     if "=" in part)
        # A reconnecting EventSource sends the id of the last event it saw: its epoch now.
        try:
            epoch = int(self.headers.get("Last-Event-ID") or query.get("epoch", "0"))
        except ValueError:
            epoch = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        started = time.monotonic()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not state.closed and time.monotonic() - started < MAX_STREAM_SECONDS:
                snapshot = state.wait_newer(epoch, timeout=HEARTBEAT_SECONDS)
                if snapshot.epoch > epoch:
                    change = snapshot.last_change
                    if change.epoch == snapshot.epoch and change.epoch == epoch + 1:
                        payload = {"epoch": snapshot.epoch, "pages": list(change.pages),
                                   "css_only": change.css_only,
                                   "errors_changed": change.errors_changed}
                    else:  # the page missed several builds: it reloads to catch up
                        payload = {"epoch": snapshot.epoch, "pages": [], "css_only": False,
                                   "errors_changed": True}
                    payload["base"] = served_base(snapshot)
                    epoch = snapshot.epoch
                    self.wfile.write(f"id: {epoch}\nevent: change\ndata: ".encode() +
                                     json.dumps(payload).encode() + b"\n\n")
                else:
                    self.wfile.write(b": keep-alive\n\n")  # finds out when the tab is gone
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return
