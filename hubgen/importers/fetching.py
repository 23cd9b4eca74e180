"""Fetching an export from a platform's public API (`hubgen import --url`), over HTTPS.

Each request names hubgen in its User-Agent, gives up after a timeout, refuses a
redirect from https to plain http, and turns every failure (HTTP error, rate limit,
timeout, unreachable host, an answer that is not JSON) into one clear line. The API's
base address can be replaced (`--api`, or HUBGEN_API_BASE when set): the tests point it
at a local server; plain http is allowed only for a server on this machine.
"""

from __future__ import annotations

import email.utils
import socket
import threading
import urllib.error
import urllib.request
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from hubgen import __version__
from hubgen.errors import HubgenError, UsageError
from hubgen.importers.json_export import parse_json

USER_AGENT = f"hubgen/{__version__} (hubgen import: saves a public conversation)"
TIMEOUT_SECONDS = 20.0
MAX_BYTES = 32 * 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
API_BASE_VARIABLE = "HUBGEN_API_BASE"


class FetchError(HubgenError):
    """A request to a platform failed; the message says which and why."""


def check_api_base(value: str) -> str:
    """An API base address: https://..., or http:// on this machine; raises UsageError."""
    parts = urlsplit(value.strip())
    local = parts.hostname in LOOPBACK_HOSTS
    if not parts.netloc or parts.scheme not in ("https", "http") or \
            (parts.scheme == "http" and not local):
        raise UsageError(f"the API address must be an https:// URL (plain http only for a "
                         f"server on this machine), got {value!r}")
    return value.strip().rstrip("/")


class _NoDowngrade(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but never from https to plain http."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        """The request for a redirect, unless it leaves https."""
        if urlsplit(req.full_url).scheme == "https" and urlsplit(newurl).scheme != "https":
            raise FetchError(f"{req.full_url} redirects to {newurl}, which is not https; "
                             "hubgen does not follow it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _retry_after(value: str | None) -> str:
    if not value:
        return "try again later"
    value = value.strip()
    if value.isdigit():
        seconds = int(value)
        return f"try again in {seconds} second{'' if seconds == 1 else 's'}"
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return "try again later"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"try again after {moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}"


def http_problem(url: str, code: int, reason: str, retry_after: str | None) -> str:
    """The one line that explains an HTTP error answer."""
    if code == 429:
        return (f"{url} answered HTTP 429 Too Many Requests: the platform is rate limiting "
                f"requests; {_retry_after(retry_after)}")
    line = f"{url} answered HTTP {code} {reason}".rstrip()
    if code in (404, 410):
        return line + ": check the address; the post may be deleted, private or mistyped"
    if code in (401, 403):
        return line + ": the conversation is not public, or the server refuses the request"
    if code >= 500:
        return line + ": the server has a problem; try again later"
    return line


class Fetcher:
    """GETs JSON from a platform's API, or from the API address that replaces it."""

    def __init__(self, api_base: str | None = None, timeout: float = TIMEOUT_SECONDS):
        self.api_base = check_api_base(api_base) if api_base else None
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoDowngrade())

    def url(self, default_base: str, path: str) -> str:
        """The address of `path` on the platform's API (or on the replacement base)."""
        return (self.api_base or default_base.rstrip("/")) + path

    def get_json(self, default_base: str, path: str) -> Any:
        """GET `path` and parse the answer as JSON; raises FetchError or ExportError."""
        url = self.url(default_base, path)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                       "Accept": "application/json"})
        raw = self._within_timeout(url, request)
        if len(raw) > MAX_BYTES:
            raise FetchError(f"{url} answered with more than {MAX_BYTES // (1024 * 1024)} MB; "
                             "hubgen stops there")
        return parse_json(raw, url, fetched=True)

    def _within_timeout(self, url: str, request: urllib.request.Request) -> bytes:
        """The answer's body, fetched on a thread that is given up after the timeout: the
        whole request must fit in it (a server may send its headers or body a byte now
        and then, each within the socket's own timeout)."""
        outcome: dict[str, Any] = {}

        def fetch() -> None:
            try:
                outcome["body"] = self._body(url, request)
            except BaseException as exc:   # raised again on the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=fetch, name="hubgen-fetch", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise FetchError(self._timed_out(url))
        if "error" in outcome:
            raise outcome["error"]
        return outcome["body"]

    def _body(self, url: str, request: urllib.request.Request) -> bytes:
        """GET the request: its body, up to one byte more than MAX_BYTES."""
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(http_problem(url, exc.code, exc.reason or "",
                                          exc.headers.get("Retry-After") if exc.headers
                                          else None)) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise FetchError(self._timed_out(url)) from None
            raise FetchError(f"could not reach {urlsplit(url).netloc}: {exc.reason}") from None
        except TimeoutError:
            raise FetchError(self._timed_out(url)) from None
        except OSError as exc:
            raise FetchError(f"could not read {url}: {exc}") from None

    def _timed_out(self, url: str) -> str:
        return f"{url} did not answer within {self.timeout:g} seconds; try again later"
