"""Routes: one output file each, with what renders it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from hubgen.plan.urls import output_file

# The one file of the output no route may write: the build's list of the files it wrote
# (see build/output.py), which tells them from the user's own.
MANIFEST_NAME = ".hubgen-manifest.json"

RouteKind = Literal["html", "feed", "sitemap", "robots", "static", "ics", "alias", "hostfile"]


@dataclass(frozen=True)
class Route:
    """One file of the site: its path, how it is rendered, and where it comes from.

    `path` is the site path without the base path ('/posts/x/'); `context` is
    what the template sees besides the globals; `sources` are the content
    files whose change changes this file.
    """

    path: str
    kind: RouteKind
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    source: Path | None = None
    lastmod: datetime | None = None
    in_sitemap: bool = False
    feed_format: str = ""
    # Where in `source` the path was written, when it was (an alias), for an error about it.
    position: tuple[int, int] | None = None
    # The output file, relative to the output folder, with '/' separators. Set once
    # made: a cached_property would take a lock on each of a big site's routes.
    output: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "output", output_file(self.path))


@dataclass(frozen=True)
class SitePlan:
    """Every route of the site, in a stable order."""

    routes: tuple[Route, ...]

    def of_kind(self, kind: RouteKind) -> list[Route]:
        """The routes of one kind."""
        return [r for r in self.routes if r.kind == kind]

    @property
    def sitemap_routes(self) -> list[Route]:
        """The public pages, for the sitemap."""
        return [r for r in self.routes if r.in_sitemap]
