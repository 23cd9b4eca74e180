"""Fingerprints: what a route's bytes depend on, hashed, so unchanged routes are not re-rendered.

A route is re-rendered when anything it shows changed: the items in its
context (a post, the posts of a list, a thread and its people), the site-wide
facts every page may show (titles, dates and tags of all items, the config,
people.yaml, the templates and the assets they fingerprint), or its own path.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from typing import Any

from hubgen.content.models import Document, Person, Thread
from hubgen.conversations import Conversation, MessageNode
from hubgen.library import Contribution, Library, Tag
from hubgen.plan.pagination import Pager
from hubgen.plan.routes import Route


def digest(*parts: object) -> str:
    """A stable hash of plain values (strings, numbers, tuples, dicts, datetimes)."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).hexdigest()


class Fingerprints:
    """Computes route fingerprints for one Library, memoizing per item."""

    def __init__(self, library: Library, site_signature: str):
        self.library = library
        self.site_signature = site_signature
        self._items: dict[int, str] = {}

    def item(self, item: Document | Thread) -> str:
        """The signature of one post, page or thread: everything read from its file."""
        key = id(item)
        if key not in self._items:
            if isinstance(item, Thread):
                self._items[key] = digest("thread", item)
            else:
                embeds = [self.item(t) for t in self.library.threads
                          if any(e.slug == t.slug for e in item.embeds)]
                self._items[key] = digest("doc", item, embeds)
        return self._items[key]

    def value(self, value: Any) -> Any:
        """A hashable stand-in for a context value."""
        if isinstance(value, Document | Thread):
            return self.item(value)
        if isinstance(value, Tag):
            return ("tag", value.name, value.slug, [self.item(i) for i in value.items])
        if isinstance(value, Pager):
            return ("pager", value.number, value.total, value.path, value.previous_path,
                    value.next_path, value.item_count, [self.value(i) for i in value.items])
        if isinstance(value, Conversation):
            return ("conversation", self.item(value.thread))
        if isinstance(value, Contribution):
            return ("said", self.item(value.thread), value.node.message.id)
        if isinstance(value, MessageNode):
            return ("node", value.message.id)
        if isinstance(value, Person):
            return ("person", value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def route(self, route: Route, static_signature: str = "") -> str:
        """The fingerprint of one route's output."""
        return digest(route.kind, route.path, route.template, route.title, route.feed_format,
                      route.lastmod, self.site_signature, static_signature,
                      self.value(route.context))


def site_signature(library: Library, extra: Iterable[object]) -> str:
    """What every page may show: the listing facts of all items, people, config, templates."""
    listing = []
    for item in (*library.posts, *library.pages, *library.threads):
        listing.append((item.kind, item.rel_path, item.slug, item.title, item.date,
                        item.lastmod, item.tags, item.summary,
                        getattr(item, "status", ""), getattr(item, "author", None)))
    counts = [(slug, len(tag.items)) for slug, tag in library.tags.items()]
    return digest(listing, counts, library.people, library.drafts_skipped,
                  library.future_skipped, tuple(extra))
