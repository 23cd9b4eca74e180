"""The Library: the whole site in memory, assembled once from the sources.

Every cross-file question (who is this author, which posts carry this tag,
what is published today) is answered here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from hubgen.config import Config
from hubgen.content.models import Author, Document, Person
from hubgen.content.slugs import slugify
from hubgen.content.sources import Sources
from hubgen.errors import Diagnostics

# An author written like a key (lowercase, no spaces) must be a people.yaml key:
# that is how a typo in a key is caught instead of printed as a strange name.
_LOOKS_LIKE_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True)
class Tag:
    """A tag and the published documents that carry it, newest first."""

    name: str
    slug: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Library:
    """The site as one graph: what is published, by whom, under which tags."""

    config: Config
    posts: tuple[Document, ...]            # published posts, newest first
    pages: tuple[Document, ...]
    people: dict[str, Person]
    tags: dict[str, Tag]                   # by slug, sorted by name
    drafts_skipped: int = 0
    future_skipped: int = 0
    next_scheduled: datetime | None = None
    include_drafts: bool = False

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every published post and page."""
        return self.posts + self.pages

    @property
    def newest_date(self) -> datetime | None:
        """The latest date or update among published posts (for feeds and lastmod)."""
        dates = [d.lastmod for d in self.posts if d.lastmod is not None]
        return max(dates) if dates else None

    def tags_of(self, document: Document) -> list[Tag]:
        """The Tag objects of a document, in the order the document lists them."""
        return [self.tags[slug] for slug in dict.fromkeys(slugify(t) for t in document.tags)
                if slug in self.tags]


def _resolve_author(document: Document, config: Config, people: dict[str, Person],
                    diagnostics: Diagnostics) -> Author | None:
    ref = document.author_ref
    if not ref:
        if config.author.name:
            return Author(name=config.author.name, email=config.author.email)
        return None
    person = people.get(ref)
    if person is not None:
        return Author(name=person.name, key=person.key, url=person.url)
    if _LOOKS_LIKE_KEY.match(ref):
        close = difflib.get_close_matches(ref, list(people), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else \
            "add this person to content/people.yaml, or write the author's full name."
        diagnostics.error(document.source, *document.position_of("author"),
                          f"unknown person '{ref}': no such key in content/people.yaml", hint)
        return None
    return Author(name=ref)


def build_library(config: Config, sources: Sources, now: datetime, *,
                  include_drafts: bool = False, include_future: bool = False,
                  diagnostics: Diagnostics) -> Library:
    """Assemble the Library: filter drafts and future posts, resolve authors, group tags."""
    posts: list[Document] = []
    pages: list[Document] = []
    drafts_skipped = future_skipped = 0
    scheduled: list[datetime] = []
    for document in sources.documents:
        if document.draft and not include_drafts:
            drafts_skipped += 1
            continue
        if document.kind == "post" and document.date and document.date > now \
                and not include_future:
            future_skipped += 1
            scheduled.append(document.date)
            continue
        author = _resolve_author(document, config, sources.people, diagnostics)
        document = dataclasses.replace(document, author=author)
        (posts if document.kind == "post" else pages).append(document)

    posts.sort(key=lambda d: (d.date, d.rel_path), reverse=True)
    pages.sort(key=lambda d: d.rel_path)

    grouped: dict[str, list[Document]] = {}
    names: dict[str, str] = {}
    for document in posts + pages:
        slugs = {slugify(name): name for name in reversed(document.tags)}
        for slug, name in slugs.items():
            if slug:
                names.setdefault(slug, name)
                grouped.setdefault(slug, []).append(document)
    tags = {slug: Tag(names[slug], slug, tuple(grouped[slug]))
            for slug in sorted(grouped, key=lambda s: names[s].lower())}

    return Library(config=config, posts=tuple(posts), pages=tuple(pages),
                   people=dict(sources.people), tags=tags, drafts_skipped=drafts_skipped,
                   future_skipped=future_skipped,
                   next_scheduled=min(scheduled) if scheduled else None,
                   include_drafts=include_drafts)
