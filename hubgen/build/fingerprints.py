"""Fingerprints: what a route's bytes depend on, hashed, so unchanged routes are not re-rendered.

A route is re-rendered when anything it shows changed: the items in its
context (a post, the posts of a list, a thread and its people), the site-wide
facts every page may show (titles, dates and tags of all items, the config,
people.yaml, the templates and the assets they fingerprint), or its own path.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hubgen.content.models import Document, Person, Thread
from hubgen.conversations import Conversation, MessageNode
from hubgen.library import Contribution, Library, Tag
from hubgen.plan.pagination import Pager
from hubgen.plan.routes import Route


def digest(*parts: object) -> str:
    """A stable hash of plain values (strings, numbers, tuples, dicts, datetimes, dataclasses).

    Pickle's memo would make equal values hash differently when one holds a shared
    object twice and the other two copies; "fast" mode writes every value out in full.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


class Fingerprints:
    """Computes route fingerprints for one Library, memoizing per item."""

    def __init__(self, library: Library, site_signature: str,
                 source_hash: Callable[[Path], str] | None = None):
        self.library = library
        self.site_signature = site_signature
        self.source_hash = source_hash
        self._items: dict[int, str] = {}

    def _own(self, item: Document | Thread) -> object:
        # What an item holds is fixed by its file's bytes, the config and people.yaml (the
        # last two are in the site signature); without a file hash, the item itself.
        known = self.source_hash(item.source) if self.source_hash else ""
        return (item.rel_path, known) if known else item

    def item(self, item: Document | Thread) -> str:
        """The signature of one post, page or thread: everything read from its file."""
        key = id(item)
        if key not in self._items:
            if isinstance(item, Thread):
                self._items[key] = digest("thread", self._own(item))
            else:
                embeds = [self.item(t) for t in self.library.threads
                          if any(e.slug == t.slug for e in item.embeds)]
                self._items[key] = digest("doc", self._own(item), embeds)
        return self._items[key]

    def value(self, value: Any) -> Any:
        """A hashable stand-in for a context value."""
        if isinstance(value, Document | Thread):
            return self.item(value)
        if isinstance(value, Tag):
            # Pages show a tag's name and count; the items they list come through the pager.
            return ("tag", value.name, value.slug, len(value.items))
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

    def route(self, route: Route) -> str:
        """The fingerprint of one route's output."""
        return digest(route.kind, route.path, route.template, route.title, route.feed_format,
                      route.lastmod, self.site_signature, self.value(route.context))


def site_key(library: Library, site_signature: str, routes: Iterable[Route],
             source_hash: Callable[[Path], str]) -> str:
    """One hash of every input of every route's fingerprint, or '' when one is unknown.

    A route's fingerprint is made from the site signature, the route itself and the
    items of its context; the context comes from the Library, which comes from the
    source files (their hashes), the config and people.yaml (in the signature) and
    the moment of the build (what it publishes is in the signature too). Static files
    are fingerprinted by their stat. So when this key is unchanged, every route's
    fingerprint is what it was, and a build need not compute them one by one.
    """
    items = []
    for item in (*library.posts, *library.pages, *library.threads):
        known = source_hash(item.source)
        if not known:
            return ""
        items.append((item.rel_path, known))
    statics = []
    listed = []
    for route in routes:
        listed.append((route.kind, route.path, route.output, route.template, route.title,
                       route.feed_format, route.lastmod, route.in_sitemap))
        if route.kind == "static" and route.source is not None:
            stat = route.source.stat()
            statics.append((str(route.source), stat.st_mtime_ns, stat.st_size))
    return digest("site", site_signature, items, listed, statics)


def site_signature(library: Library, extra: Iterable[object]) -> str:
    """What every page may show: the listing facts of all items, people, config, templates."""
    listing = []
    for item in (*library.posts, *library.pages, *library.threads):
        listing.append((item.kind, item.rel_path, item.slug, item.title, item.date,
                        item.lastmod, item.tags, item.summary, item.draft,
                        library.is_scheduled(item), getattr(item, "status", ""),
                        getattr(item, "author", None)))
        if isinstance(item, Thread):
            # Thread cards in every list show these.
            conversation = library.conversation(item)
            listing.append((conversation.message_count, len(conversation.participants),
                            conversation.moderator.name if conversation.moderator else ""))
    counts = [(slug, len(tag.items)) for slug, tag in library.tags.items()]
    return digest(listing, counts, library.people, library.drafts_skipped,
                  library.future_skipped, tuple(extra))
