"""Reading a platform's JSON export: parsing it, then walking it with each value's JSON path.

Every value read through `JsonValue` knows where it stood (`$[1].data.children[3].data.id`),
so a shape the importer does not understand is reported at its exact place.
"""

from __future__ import annotations

import json
import json.scanner
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hubgen.errors import HubgenError

_MISSING = object()


class ExportError(HubgenError):
    """An export that cannot be imported; the message names the source and the place."""


class ShapeError(Exception):
    """A value of an export is not what the platform's API documents."""

    def __init__(self, path: str, expected: str, found: Any = _MISSING):
        super().__init__(f"{path} should be {expected}, found {describe(found)}")
        self.path = path
        self.expected = expected


def describe(value: Any) -> str:
    """A short description of a JSON value for an error message."""
    if value is _MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return shown if len(shown) <= 42 else shown[:40] + "…\""
    return json.dumps(value)


def parse_json(raw: bytes, source_name: str, fetched: bool = False) -> Any:
    """Decode and parse an export (`fetched` from the platform's API, else saved); raises
    ExportError naming the source and the spot."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{source_name} is not UTF-8 text (byte {exc.start + 1}: "
                          f"{exc.reason})") from None
    if not text.strip():
        raise ExportError(f"{source_name} is empty, not JSON")
    try:
        with deep_nesting():
            try:
                return json.loads(text)
            except RecursionError:
                return _loads_in_python(text)
    except json.JSONDecodeError as exc:
        if re.match(r"\s*<(?:!doctype|html|head|body|\?xml)", text, re.IGNORECASE):
            advice = "" if fetched else ": save the API response"
            raise ExportError(f"{source_name} is not JSON: this looks like an HTML page (a "
                              f"login or error page?), not the platform's JSON{advice}"
                              ) from None
        # "Unterminated string starting at: line 1 column 5 (char 4)" is cut at its colon.
        what = exc.msg.removesuffix(" at").rstrip(":")
        raise ExportError(f"{source_name} is not JSON: {what} at line {exc.lineno}, "
                          f"column {exc.colno}") from None
    except RecursionError:
        raise ExportError(f"{source_name} is nested too deeply to read") from None


def _loads_in_python(text: str) -> Any:
    # Python 3.12's C parser stops at a depth of its own, whatever the recursion limit;
    # json's parser written in Python follows the limit that deep_nesting sets.
    decoder = json.JSONDecoder()
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text)


# A reply chain of a thousand posts (Bluesky's deepest fetch) nests about three times as
# deep in its JSON, and its reader follows it; Python stops at 1,000 calls by default.
DEEPEST = 10_000


@contextmanager
def deep_nesting() -> Iterator[None]:
    """Let JSON and the readers follow nesting as deep as the platforms send."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, DEEPEST))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


@dataclass(frozen=True)
class JsonValue:
    """A value of the export and the JSON path that leads to it."""

    value: Any
    path: str = "$"

    def fail(self, expected: str) -> ShapeError:
        """The error for this value not being `expected`."""
        return ShapeError(self.path, expected, self.value)

    def is_object(self) -> bool:
        """True when this value is a JSON object."""
        return isinstance(self.value, dict)

    def is_list(self) -> bool:
        """True when this value is a JSON list."""
        return isinstance(self.value, list)

    def has(self, key: str) -> bool:
        """True when this is an object holding `key` with a value other than null."""
        return isinstance(self.value, dict) and self.value.get(key) is not None

    def raw(self, key: str, default: Any = None) -> Any:
        """The plain value of `key` (`default` when absent); not checked."""
        return self.value.get(key, default) if isinstance(self.value, dict) else default

    def at(self, key: str | int) -> JsonValue:
        """The child at `key` (an object key or a list index); must exist."""
        if isinstance(key, int):
            if not isinstance(self.value, list):
                raise self.fail("a list")
            if not -len(self.value) <= key < len(self.value):
                raise ShapeError(_child_path(self.path, key), "an item")
            return JsonValue(self.value[key], _child_path(self.path, key))
        if not isinstance(self.value, dict):
            raise self.fail("an object")
        if key not in self.value:
            raise ShapeError(_child_path(self.path, key), "present")
        return JsonValue(self.value[key], _child_path(self.path, key))

    def get(self, key: str) -> JsonValue | None:
        """The child at `key`, or None when it is absent or null."""
        if not isinstance(self.value, dict):
            raise self.fail("an object")
        if self.value.get(key) is None:
            return None
        return JsonValue(self.value[key], _child_path(self.path, key))

    def object(self, key: str) -> JsonValue:
        """The child at `key`, which must be an object."""
        child = self.at(key)
        if not isinstance(child.value, dict):
            raise child.fail("an object")
        return child

    def items(self, key: str | None = None, required: bool = True) -> list[JsonValue]:
        """The items of this list (or of the list at `key`); absent and not required: []."""
        node: JsonValue | None = self
        if key is not None:
            node = self.at(key) if required else self.get(key)
        if node is None:
            return []
        if not isinstance(node.value, list):
            raise node.fail("a list")
        return [JsonValue(item, _child_path(node.path, index))
                for index, item in enumerate(node.value)]

    def text(self, key: str, required: bool = True) -> str:
        """The text at `key`; absent or null gives '' unless required."""
        child = self.at(key) if required else self.get(key)
        if child is None:
            return ""
        if not isinstance(child.value, str):
            raise child.fail("text")
        return child.value

    def identifier(self, key: str) -> str:
        """An id: text or a whole number, given back as text."""
        child = self.at(key)
        value = child.value
        if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
            raise child.fail("an id (text or a whole number)")
        return str(value)

    def optional_identifier(self, key: str) -> str | None:
        """An id, or None when absent or null."""
        return self.identifier(key) if self.get(key) is not None else None

    def moment(self, key: str) -> datetime:
        """An ISO 8601 date-time text; one without an offset is read as UTC."""
        child = self.at(key)
        if not isinstance(child.value, str):
            raise child.fail("an ISO 8601 date-time text")
        text = child.value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise child.fail("an ISO 8601 date-time text") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def epoch(self, key: str) -> datetime:
        """Seconds since 1970 (UTC), as Reddit writes `created_utc`."""
        child = self.at(key)
        value = child.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise child.fail("a number of seconds since 1970")
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise child.fail("a number of seconds since 1970") from None

    def flag(self, key: str) -> bool:
        """A true/false value; absent or null is false."""
        child = self.get(key)
        if child is None:
            return False
        if not isinstance(child.value, bool):
            raise child.fail("true or false")
        return child.value
