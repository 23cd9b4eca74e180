"""Fingerprints: what a route's bytes depend on, hashed, so unchanged routes are not re-rendered.

A route is re-rendered when anything it shows changed: the items in its
context (a post, the posts of a list, a thread and its people), the site-wide
facts every page may show (the dates, tags and authors of all items, the config,
people.yaml, the templates and the assets they fingerprint), its own path, or the
texts of the site's lists (every title and summary) when its page read them.

Whether a page read a list (`site.posts`, a tag's items...) is known only once it
is rendered (see render.templates.SiteEnvironment): the cache keeps, with each
output, the texts of the lists it read (`list_texts`), and the output is reused
only while those are the same. A post's title or first paragraph edited then
renders again the pages that show that post and those that read its list, never
every page. A page that reads more of a listed item than its card (its body, its
messages: see render.listed) keeps that item's signature the same way.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path, PosixPath, PurePath, PurePosixPath, PureWindowsPath, WindowsPath
from typing import Any

from hubgen.build.hashing import bytes_digest, stat_stamp
from hubgen.content.models import Document, Person, Thread
from hubgen.conversations import Conversation, MessageNode
from hubgen.library import Contribution, Library, Tag
from hubgen.plan.pagination import Pager
from hubgen.plan.routes import Route
from hubgen.render.listed import item_read, read_item

# Beyond this many items read past their cards, a page keeps the text of them all.
MANY_ITEMS = 16
ALL_ITEMS = "items:all"


def _path_by_its_text(path: PurePath) -> tuple[type[PurePath], tuple[str]]:
    return type(path), (str(path),)


# Python 3.13 pickles a path as the pieces it was made of: Path("/hub") / "content" and
# the same path read back from the cache would hash differently, and every page render
# again. A path is hashed as its text.
_HASHED_AS = {**copyreg.dispatch_table,
              **{kind: _path_by_its_text for kind in (PurePosixPath, PureWindowsPath,
                                                      PosixPath, WindowsPath)}}


def digest(*parts: object) -> str:
    """A stable hash of plain values (strings, numbers, tuples, dicts, datetimes, paths,
    dataclasses): the same values give the same hash in any process, a path by its text
    (however it was put together).

    Pickle's memo would make equal values hash differently when one holds a shared
    object twice and the other two copies; "fast" mode writes every value out in full.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dispatch_table = _HASHED_AS
    pickler.dump(parts)
    return bytes_digest(buffer.getbuffer())


class Fingerprints:
    """Computes route fingerprints for one Library, memoizing per item.

    Each fingerprint comes with the items (by `rel_path`) whose content went into
    it, so that a later build in which only some files changed knows which
    fingerprints it must compute again (see `route_with_items`).
    """

    def __init__(self, library: Library, site_signature: str,
                 source_hash: Callable[[Path], str] | None = None,
                 lists: dict[str, str] | None = None):
        self.library = library
        self.site_signature = site_signature
        self.source_hash = source_hash
        self.lists = list_texts(library) if lists is None else lists
        self._items: dict[int, tuple[str, frozenset[str]]] = {}
        self._read: set[str] = set()   # the items the fingerprint being made has read
        self._traced = True            # False once it read something not traced to an item
        self._by_path: dict[str, Document | Thread] | None = None   # the items, made if asked
        self._all_items: str | None = None   # the text of ALL_ITEMS, made if asked

    def _own(self, item: Document | Thread) -> object:
        # What an item holds is fixed by its file's bytes, the config and people.yaml (the
        # last two are in the site signature); without a file hash, the item itself.
        known = self.source_hash(item.source) if self.source_hash else ""
        return (item.rel_path, known) if known else item

    def item(self, item: Document | Thread) -> str:
        """The signature of one post, page or thread: everything read from its file."""
        made, read = self._signature(item)
        self._read |= read
        return made

    def _signature(self, item: Document | Thread) -> tuple[str, frozenset[str]]:
        key = id(item)
        if key not in self._items:
            read = {str(item.rel_path)}
            if isinstance(item, Thread):
                made = digest("thread", self._own(item))
            else:
                embeds = []
                slugs = {embed.slug for embed in item.embeds}
                for thread in self.library.threads if slugs else ():
                    if thread.slug in slugs:
                        embedded, embed_read = self._signature(thread)
                        embeds.append(embedded)
                        read |= embed_read
                made = digest("doc", self._own(item), embeds)
            self._items[key] = (made, frozenset(read))
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
                    value.next_path, value.item_count, value.per_page,
                    [self.value(i) for i in value.items])
        if isinstance(value, Conversation):
            return ("conversation", self.item(value.thread))
        if isinstance(value, Contribution):
            return ("said", self.item(value.thread), value.node.message.id)
        if isinstance(value, MessageNode):
            self._traced = False   # a message, without the thread it came from
            return ("node", value.message.id)
        if isinstance(value, Person):
            return ("person", value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def route_with_items(self, route: Route) -> tuple[str, tuple[str, ...] | None]:
        """The fingerprint of one route's output, and the items (their `rel_path`) it read.

        The rest of what a fingerprint reads (the route itself, the listing facts of
        every item, the config, people.yaml) is in the site's frame (see
        `frame_key`): while the frame stays the same, the fingerprint changes only
        if one of these items does. None stands for "not known": recompute it.
        """
        self._read = set()
        self._traced = True
        made = digest(route.kind, route.path, route.template, route.title, route.feed_format,
                      moment(route.lastmod), self.site_signature, self.value(route.context))
        return made, (tuple(sorted(self._read)) if self._traced else None)

    def lists_read(self, names: Iterable[str], own: Iterable[str] | None = ()
                   ) -> tuple[tuple[str, str | None], ...]:
        """The texts of the lists a page read, by name, as the cache keeps them with it.

        A listed item read beyond its card (see render.listed) is a list of its own,
        whose text is the item's signature; not the items of the page's own context
        (`own`), which its fingerprint holds already. A page that read beyond the cards
        of many items (a sidebar of every post's `extra`, on every page) keeps one text
        for all the site's items instead: one per item would grow with pages × items.
        """
        mine = {item_read(path) for path in own or ()}
        read = [name for name in names if name not in mine]
        if sum(read_item(name) is not None for name in read) > MANY_ITEMS:
            read = [name for name in read if read_item(name) is None] + [ALL_ITEMS]
        return tuple(sorted((name, self._list_text(name)) for name in read))

    def lists_unchanged(self, read: tuple[tuple[str, str | None], ...]) -> bool:
        """Whether the lists a page read (`lists_read` when it was made) still show the
        same texts."""
        return all(self._list_text(name) == texts for name, texts in read)

    def _list_text(self, name: str) -> str | None:
        path = read_item(name)
        if path is None and name != ALL_ITEMS:
            return self.lists.get(name)
        if self._by_path is None:
            self._by_path = {item.rel_path: item for item in (
                *self.library.posts, *self.library.pages, *self.library.threads)}
        if path is not None:
            item = self._by_path.get(path)
            return None if item is None else self._signature(item)[0]
        if self._all_items is None:
            self._all_items = digest(sorted((path, self._signature(item)[0])
                                            for path, item in self._by_path.items()))
        return self._all_items


def moment(when: datetime | None) -> tuple[Any, ...] | None:
    """A datetime as plain values for a digest: its wall time, fold and zone.

    Pickle's fast mode (see digest) writes a datetime's zone out in full every
    time: three quarters of the time of hashing a big hub's dates. These values
    tell apart exactly the datetimes a page could show differently.
    """
    if when is None:
        return None
    # repr, not str: ZoneInfo('UTC') and timezone.utc are both "UTC"; and not a memo by
    # zone, since fixed-offset zones of one offset are equal whatever their names.
    return (when.year, when.month, when.day, when.hour, when.minute, when.second,
            when.microsecond, when.fold, repr(when.tzinfo))


def frame_key(site_signature: str, routes: Iterable[Route]) -> str:
    """One hash of what every route's fingerprint reads besides the items in its context.

    That is the site signature (the config, people.yaml, the templates, and the
    listing facts of every item, which include what the moment of the build
    publishes), every route itself, and the stat of every static file. While this
    key stays the same, a route's fingerprint changes only if an item it read
    changed (see `Fingerprints.route_with_items` and `item_hashes`).
    """
    statics = []
    listed = []
    for route in routes:
        listed.append((route.kind, route.path, route.output, route.template, route.title,
                       route.feed_format, moment(route.lastmod), route.in_sitemap))
        if route.kind == "static" and route.source is not None:
            statics.append((str(route.source), stat_stamp(route.source.stat())))
    return digest("frame", site_signature, listed, statics)


def item_hashes(library: Library, source_hash: Callable[[Path], str]) -> dict[str, str] | None:
    """The hash of every item's file, by `rel_path` (None when one is not known)."""
    hashes = {}
    for item in (*library.posts, *library.pages, *library.threads):
        known = source_hash(item.source)
        if not known:
            return None
        hashes[str(item.rel_path)] = known
    return hashes


def site_signature(library: Library, extra: Iterable[object]) -> str:
    """What every page may show: the place of all items in the lists (their dates, tags,
    authors, whether they are scheduled or coming up), people, config, templates. Titles
    and summaries are in `list_texts`."""
    listing = []
    for item in (*library.posts, *library.pages, *library.threads):
        listing.append((item.kind, item.rel_path, item.slug, moment(item.date),
                        moment(item.updated), moment(item.lastmod), item.tags, item.draft,
                        library.is_scheduled(item), getattr(item, "status", ""),
                        isinstance(item, Thread) and library.is_coming_up(item),
                        getattr(item, "author", None)))
        if isinstance(item, Thread):
            # Who speaks where: a person's page lists what they said in each thread, so
            # one who speaks in a thread for the first time is on a page that did not
            # read that thread before.
            listing.append(sorted(speaker.key or "" for speaker, _
                                  in library.conversation(item).participants))
    counts = [(slug, len(tag.items)) for slug, tag in library.tags.items()]
    return digest(listing, counts, library.people, library.drafts_skipped,
                  library.future_skipped, library.future_threads_skipped, tuple(extra))


def list_texts(library: Library) -> dict[str, str]:
    """What a page that reads one of the site's lists may show of its items besides their
    place in it (see `site_signature`): titles, summaries, descriptions, images, lengths
    and a thread's counts, hashed by list: "posts", "pages", "threads"."""
    def texts(items: Iterable[Document | Thread]) -> str:
        shown = []
        for item in items:
            # A card shows these (the description in place of the summary, the reading
            # time from the word count); a feed the summary's HTML.
            shown.append((item.rel_path, item.title, item.summary, item.summary_html,
                          getattr(item, "description", ""), getattr(item, "image", ""),
                          getattr(item, "image_alt", ""), getattr(item, "word_count", 0)))
            if isinstance(item, Thread):
                # Thread cards and the upcoming band show these.
                conversation = library.conversation(item)
                shown.append((conversation.message_count, len(conversation.participants),
                              conversation.moderator.name if conversation.moderator else "",
                              item.moderator, item.platform, item.source_url, item.hashtag,
                              item.duration_minutes, item.questions))
        return digest(shown)
    return {"posts": texts(library.posts), "pages": texts(library.pages),
            "threads": texts(library.threads)}
