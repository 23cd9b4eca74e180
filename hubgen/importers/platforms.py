"""The platforms `hubgen import` reads, and which one an export looks like."""

from __future__ import annotations

from typing import Any, Protocol

from hubgen.importers import bluesky, discourse, hackernews, mastodon, reddit
from hubgen.importers.fetching import Fetcher
from hubgen.importers.json_export import JsonValue
from hubgen.importers.models import ImportedThread, ReadContext


class PlatformReader(Protocol):
    """What each platform module offers (see hubgen/importers/mastodon.py)."""

    PLATFORM: str
    EXPORT: str      # what its export is called: "Reddit comment page"

    def looks_like(self, data: Any) -> bool:
        """True when `data` has the shape of this platform's export."""

    def read(self, export: JsonValue, context: ReadContext) -> ImportedThread:
        """The conversation an export holds; raises ShapeError or ExportError."""

    def fetch(self, url: str, fetcher: Fetcher) -> Any:
        """The export, fetched from the platform's public API for a post's URL."""


READERS: dict[str, PlatformReader] = {
    "mastodon": mastodon, "bluesky": bluesky, "reddit": reddit, "hackernews": hackernews,
    "discourse": discourse,
}
PLATFORM_NAMES = tuple(READERS)


def platform_of(data: Any) -> str | None:
    """The platform whose export `data` looks like, or None."""
    for name, reader in READERS.items():
        if reader.looks_like(data):
            return name
    return None
