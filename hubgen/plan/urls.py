"""URLs: permalinks, the base path, and absolute URLs, in one place."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, urljoin

from hubgen.config import Config, list_index
from hubgen.content.markdown import with_base_path
from hubgen.content.models import Document, Person, Thread

# What a site path keeps as it is when it is written in a URL (the rest is percent-encoded).
PATH_SAFE = "/#?=&%:+@!$,;~"
# An address with its scheme (`https://…`); a site path may hold '://' in its query.
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


class Urls:
    """Turns site paths ('/posts/x/') into links that keep the base path, and back."""

    def __init__(self, config: Config):
        self.config = config
        self.base_path = config.base_path
        self.origin = config.origin
        self._links: dict[str, str] = {}   # url()'s answers: a page asks for the same links
        # document()'s answers: the planner, the feeds and the pages ask for every post's
        self._documents: dict[tuple[str, str, tuple[int, int, int] | None], str] = {}

    def permalink(self, pattern: str, slug: str, date: datetime | None = None) -> str:
        """Fill a permalink pattern: {slug}, and {year} {month} {day} from the date."""
        values = {"slug": slug, "year": "", "month": "", "day": ""}
        if date is not None:
            date = date.astimezone(self.config.tz)   # the day the site's pages show
            values.update(year=f"{date.year:04d}", month=f"{date.month:02d}",
                          day=f"{date.day:02d}")
        path = pattern.format(**values)
        while "//" in path:
            path = path.replace("//", "/")
        return path

    def document(self, document: Document) -> str:
        """The site path of a post or page."""
        date = document.date
        # By the day in the site's timezone, as permalink() fills it: a date written with
        # another offset may be another day there.
        local = date.astimezone(self.config.tz) if date is not None else None
        key = (document.kind, document.slug,
               (local.year, local.month, local.day) if local is not None else None)
        path = self._documents.get(key)
        if path is None:
            patterns = self.config.permalinks
            if document.kind == "post":
                path = self.permalink(patterns.post, document.slug, date)
            else:
                path = self.permalink(patterns.page, document.slug)
            self._documents[key] = path
        return path

    def image(self, document: Document) -> str:
        """The site path (or address) of a post's or page's `image:`. One written relative
        in a page bundle (`cover.jpg`) is the bundle's file, published beside its page;
        elsewhere a relative one is a site path, as a file of `static/`."""
        image = document.image
        if (not image or not document.is_bundle or image.startswith(("/", "#"))
                or _ABSOLUTE.match(image)):
            return image
        return urljoin(self.document(document), image)

    def thread(self, thread: Thread) -> str:
        """The site path of a thread's page."""
        return self.permalink(self.config.permalinks.thread, thread.slug, thread.date)

    def index(self, kind: str) -> str:
        """The list page of a kind: what its permalink holds before {slug} ('/tags/')."""
        return list_index(getattr(self.config.permalinks, kind))

    def tag(self, slug: str) -> str:
        """The site path of a tag's page."""
        return self.permalink(self.config.permalinks.tag, slug)

    def person(self, person: Person) -> str:
        """The site path of a person's page."""
        return self.permalink(self.config.permalinks.person, person.key)

    def url(self, path: str) -> str:
        """A root-relative link that keeps the base path ('/about/' → '/hub/about/')."""
        try:
            return self._links[path]
        except KeyError:
            pass
        link = path
        if not (_ABSOLUTE.match(path) or path.startswith(("//", "#", "mailto:", "tel:"))):
            link = quote(with_base_path(path if path.startswith("/") else "/" + path,
                                        self.base_path), safe=PATH_SAFE)
        self._links[path] = link
        return link

    def absolute(self, path: str) -> str:
        """The absolute URL of a site path ('/about/' → 'https://x.example/hub/about/')."""
        if _ABSOLUTE.match(path):
            return path
        if path.startswith("//"):     # another host, by this site's scheme
            return self.origin.split("//", 1)[0] + path
        return self.origin + self.url(path)

    def absolute_from(self, base_url: str, link: str) -> str:
        """Resolve a link found in a page (already carrying the base path) against that page."""
        return urljoin(base_url, link)


def is_plain_relative(relative: str) -> bool:
    """True for a path that names a file inside a folder and stays there: relative, with
    '/' between non-empty names, none of them '.' or '..'."""
    # Plain substring tests, not a split: the plan and the output check every route.
    if not relative or relative[0] == "/" or relative[-1] == "/" or "//" in relative \
            or "\\" in relative or "\x00" in relative:
        return False
    padded = f"/{relative}/"
    return "/./" not in padded and "/../" not in padded


def output_file(path: str) -> str:
    """The file a site path is written to: '/posts/x/' → 'posts/x/index.html'."""
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    return relative
