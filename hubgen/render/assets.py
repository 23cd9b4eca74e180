"""The theme's and the site's static files as pages link them: each URL with a fingerprint.

Jinja-free, so that a build checking whether its pages still hold (whose fingerprints
include the assets they link) need not load the template engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from hubgen.plan.routes import SitePlan
from hubgen.plan.urls import PATH_SAFE

# A static file's name in a link: as every other path is written, but '#', '?' and '%'
# are letters of the name, no fragment, query or escape.
_NAME_SAFE = PATH_SAFE.replace("#", "").replace("?", "").replace("%", "")


class AssetDigests:
    """A short hash of each static file's bytes, by site path, each file read once."""

    def __init__(self, files: dict[str, Path]):
        self.files = files
        self._digests: dict[str, str] = {}

    @classmethod
    def of_plan(cls, plan: SitePlan) -> AssetDigests:
        """The digests of the static files a plan copies."""
        return cls({r.path: r.source for r in plan.of_kind("static") if r.source is not None})

    def __call__(self, site_path: str) -> str:
        """The digest of the file at `site_path` ('' when there is no such file)."""
        if site_path not in self._digests:
            file = self.files.get(site_path)
            self._digests[site_path] = \
                hashlib.sha256(file.read_bytes()).hexdigest()[:10] if file else ""
        return self._digests[site_path]


class AssetUrls:
    """`asset('css/hub.css')` → '/css/hub.css?v=1a2b3c4d': a fingerprint busts caches.

    It notes which files each page asked for, since their bytes are part of
    that page.
    """

    def __init__(self, digests: AssetDigests, url: Callable[[str], str]):
        self.digest = digests
        self.url = url
        self.used: set[str] = set()   # asked for since the last reset

    def __call__(self, path: str) -> str:
        site_path = "/" + path.lstrip("/")
        self.used.add(site_path)
        digest = self.digest(site_path)
        if not digest:
            return self.url(site_path)
        # url() keeps '#', '?' and '%' as written, for a site path written with a query.
        return f"{self.url(quote(site_path, safe=_NAME_SAFE))}?v={digest}"
