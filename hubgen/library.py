"""The Library: the whole site in memory, assembled once from the sources.

Every cross-file question (who is this author, which posts carry this tag,
who spoke in which thread, what is published today) is answered here and
nowhere else.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from hubgen.config import Config
from hubgen.content.html_links import split_address
from hubgen.content.models import (
    Author,
    Document,
    Person,
    Speaker,
    Thread,
    UnfinishedDocument,
)
from hubgen.content.sanitize import mention_url
from hubgen.content.slugs import NAME_MAX, name_bytes, name_order, slugify, too_long_for_a_name
from hubgen.content.sources import Sources
from hubgen.content.words import Words, english_words
from hubgen.conversations import Conversation, MessageNode, build_conversation, taken_down
from hubgen.errors import Diagnostics
from hubgen.wording import did_you_mean

# An author written like a key (lowercase, no spaces) must be a people.yaml key:
# that is how a typo in a key is caught instead of printed as a strange name.
_LOOKS_LIKE_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

Item = Document | Thread


@dataclass(frozen=True)
class Tag:
    """A tag and the published posts, pages and threads that carry it, newest first."""

    name: str
    slug: str
    items: tuple[Item, ...]

    @property
    def count(self) -> int:
        """How many items carry the tag. A template that shows only this reads no list,
        where one that counts `items` reads them all (see render.renderer.LISTS_HELD)."""
        return len(self.items)

    @cached_property
    def thread_count(self) -> int:
        """How many of the items are conversations (the rest are posts and pages).

        Counted once: each page of a big tag's listing shows it.
        """
        return sum(1 for item in self.items if item.kind == "thread")


@dataclass(frozen=True)
class Contribution:
    """One message a person posted, in its thread."""

    thread: Thread
    node: MessageNode


@dataclass(frozen=True)
class WaitingQuestions:
    """The listening report of one thread: community questions without a brand reply."""

    thread: Thread
    nodes: tuple[MessageNode, ...]


@dataclass(frozen=True)
class Library:
    """The site as one graph: what is published, by whom, under which tags."""

    config: Config
    posts: tuple[Document, ...]            # published posts, newest first
    pages: tuple[Document, ...]
    people: dict[str, Person]              # everyone of people.yaml, withdrawn included
    tags: dict[str, Tag]                   # by slug, sorted by name
    threads: tuple[Thread, ...] = ()       # published threads, newest first
    conversations: dict[str, Conversation] = field(default_factory=dict)  # by thread slug
    drafts_skipped: int = 0
    future_skipped: int = 0                # posts dated later
    future_threads_skipped: int = 0        # archived threads dated later
    next_scheduled: datetime | None = None
    include_drafts: bool = False
    now: datetime | None = None            # what "future" was measured against
    words: Words = field(default_factory=english_words)   # the theme's words, in the language

    def is_scheduled(self, item: Item) -> bool:
        """True for a post, or a thread neither upcoming nor live, dated after this build's
        moment (shown with --future)."""
        return self.now is not None and waits_for_its_date(item, self.now)

    @property
    def documents(self) -> tuple[Document, ...]:
        """Every published post and page."""
        return self.posts + self.pages

    @cached_property
    def newest_date(self) -> datetime | None:
        """The latest date or update among published posts and past threads."""
        dates = [i.lastmod for i in (*self.posts, *self.recent_threads)
                 if i.lastmod is not None]
        return max(dates) if dates else None

    def is_coming_up(self, thread: Thread) -> bool:
        """True for a thread marked upcoming whose date has not passed at this build's
        moment. One still marked upcoming after its date (the build warns) keeps its page,
        but is no longer announced as coming up."""
        return thread.status == "upcoming" and not (
            self.now and thread.date and thread.date < self.now)

    @property
    def upcoming(self) -> tuple[Thread, ...]:
        """Conversations coming up, soonest first."""
        return tuple(sorted((t for t in self.threads if self.is_coming_up(t)),
                            key=lambda t: (t.date.timestamp() if t.date else 0, t.slug)))

    @property
    def recent_threads(self) -> tuple[Thread, ...]:
        """Live and archived conversations, newest first."""
        return tuple(t for t in self.threads if t.status != "upcoming")

    @property
    def visible_people(self) -> tuple[Person, ...]:
        """Everyone who may be shown (not withdrawn), by name."""
        return tuple(sorted((p for p in self.people.values() if not p.withdrawn),
                            key=lambda p: name_order(p.name)))

    @property
    def brand_keys(self) -> set[str]:
        """The people who speak for the brand."""
        return _brand_keys(self.config, self.people)

    @property
    def brand_people(self) -> tuple[Person, ...]:
        """Who speaks for the brand and may be shown: `brand.people` in its order, then
        the rest of `role: brand` by name."""
        listed = [self.people[key] for key in self.config.brand.people if key in self.people]
        others = sorted((p for p in self.people.values()
                         if p.role == "brand" and p.key not in self.config.brand.people),
                        key=lambda p: name_order(p.name))
        return tuple(p for p in [*listed, *others] if not p.withdrawn)

    def tags_of(self, item: Item) -> list[Tag]:
        """The Tag objects of a post, page or thread, in the order it lists them."""
        return [self.tags[slug] for slug in dict.fromkeys(slugify(t) for t in item.tags)
                if slug in self.tags]

    def conversation(self, thread: Thread) -> Conversation:
        """The reply trees, participants and counts of a thread."""
        return self.conversations[thread.slug]

    def posts_by(self, person: Person) -> tuple[Document, ...]:
        """The published posts a person wrote."""
        return self._posts_by_author.get(person.key, ())

    def contributions_of(self, person: Person) -> tuple[Contribution, ...]:
        """Every visible message a person posted, newest thread first, in reading order."""
        return self._contributions_by_speaker.get(person.key, ())

    # Indexes made on first use: each person's page asks, and a big hub has many of both.
    @cached_property
    def _posts_by_author(self) -> dict[str, tuple[Document, ...]]:
        found: dict[str, list[Document]] = {}
        for post in self.posts:
            if post.author:
                found.setdefault(post.author.key, []).append(post)
        return {key: tuple(posts) for key, posts in found.items()}

    @cached_property
    def _contributions_by_speaker(self) -> dict[str, tuple[Contribution, ...]]:
        found: dict[str, list[Contribution]] = {}
        for thread in self.threads:
            for node in self.conversations[thread.slug].visible_nodes:
                found.setdefault(node.speaker.key, []).append(Contribution(thread, node))
        return {key: tuple(said) for key, said in found.items()}

    def listening_report(self) -> tuple[WaitingQuestions, ...]:
        """Community questions still waiting for a brand reply, per thread, oldest first."""
        report = [WaitingQuestions(t, self.conversations[t.slug].waiting)
                  for t in sorted(self.recent_threads,
                                  key=lambda t: t.date.timestamp() if t.date else 0)]
        return tuple(r for r in report if r.nodes)


class _Authors:
    """The authors of one build's documents, each made once and shared by every post it
    wrote (a big hub has ten thousand posts and a handful of authors)."""

    def __init__(self, config: Config, people: dict[str, Person], diagnostics: Diagnostics,
                 people_known: bool = True):
        self.people = people
        self.people_known = people_known
        self.diagnostics = diagnostics
        self.default = Author(name=config.author.name, email=config.author.email) \
            if config.author.name else None
        self._by_ref: dict[str, Author | None] = {}

    def resolve(self, document: Document | UnfinishedDocument) -> Author | None:
        """The author a document names, or the site's; None (and an error) for an unknown key."""
        ref = document.author_ref
        if not ref:
            return self.default
        if ref in self._by_ref:
            return self._by_ref[ref]
        person = self.people.get(ref)
        if person is not None:
            author = self.default if person.withdrawn else \
                Author(name=person.name, key=person.key, url=person.url)
        elif _LOOKS_LIKE_KEY.match(ref) and self.people_known:
            hint = did_you_mean(ref, self.people, "add this person to content/people.yaml, "
                                "or write the author's full name.")
            self.diagnostics.error(document.source, *document.position_of("author"),
                                   f"unknown person '{ref}': no such key in "
                                   "content/people.yaml", hint)
            return None   # not kept: each post that names the key gets its error
        else:
            author = Author(name=ref)
        self._by_ref[ref] = author
        return author

    def of(self, document: Document, memo: dict[int, tuple] | None) -> Document:
        """The document with its author resolved; `memo` (serve's) keeps it for the next
        build while the document and the people are the very same objects."""
        remembered = memo.get(id(document)) if memo is not None else None
        if remembered is not None and remembered[0] is document and \
                remembered[1] is self.people:
            return remembered[2]
        found_before = len(self.diagnostics)
        resolved = document.with_author(self.resolve(document))
        if memo is not None and len(self.diagnostics) == found_before:
            memo[id(document)] = (document, self.people, resolved)
        return resolved


def _unknown_person(key: str, people: dict[str, Person], inline: bool = True) -> str:
    if close := did_you_mean(key, people):
        return close
    if inline:
        return "add this person to content/people.yaml, or write the author inline as " \
               "{name: ..., handle: ..., url: ...}."
    return "add this person to content/people.yaml."


def _source_kept_of(thread: Thread, people: dict[str, Person]) -> Thread:
    """The thread, without its source link when that is the post of someone who withdrew:
    its address names them (a Mastodon, Bluesky or X post's carries their handle)."""
    if not thread.source_url:
        return thread
    source = _loose_address(thread.source_url) + "/"
    for person in people.values():
        if not person.withdrawn:
            continue
        # One of their posts in the thread, or an address naming them as their posts' do,
        # or as the profiles their handles lead to do.
        posts = [m.url for m in thread.messages if m.speaker.key == person.key and m.url]
        named = [_author_part(url) for url in posts] + \
            [_loose_address(profile) + "/" for platform, handle in person.handles.items()
             if (profile := mention_url(handle, platform, thread.source_url))]
        if source in {_loose_address(url) + "/" for url in posts} or \
                any(part and source.startswith(part) for part in named):
            return dataclasses.replace(thread, source_url="")
    return thread


# Hosts that serve the same posts.
_SAME_HOST = {"twitter.com": "x.com", "mobile.twitter.com": "x.com",
              "mobile.x.com": "x.com", "old.reddit.com": "reddit.com"}


def _loose_address(url: str) -> str:
    """A post's or profile's address as compared: host (www. dropped, twitter.com as x.com)
    and path, in lower case, without query, fragment or a closing '/'."""
    parts = split_address(url.strip())
    if parts is None:   # no address Python can split (https://[x): compared as written
        return url.strip().rstrip("/").lower()
    host = (parts.hostname or "").removeprefix("www.")
    return f"{_SAME_HOST.get(host, host)}{parts.path.rstrip('/')}".lower()


def _author_part(url: str) -> str:
    """The part of a post's address that names its author ('x.com/zoe/',
    'social.example/@kim/', 'bsky.app/profile/kim.example/'); '' when it names none."""
    host, _, path = _loose_address(url).partition("/")
    segments = path.split("/")
    if host == "bsky.app" and len(segments) > 1 and segments[0] == "profile":
        return f"{host}/profile/{segments[1]}/"
    if segments[0] and (segments[0].startswith("@") or host == "x.com"):
        return f"{host}/{segments[0]}/"
    return ""


def _check_thread_people(thread: Thread, people: dict[str, Person], now: datetime,
                         diagnostics: Diagnostics, people_known: bool = True) -> None:
    path = thread.source
    if people_known:
        _check_people_named(thread, people, diagnostics)
    for message in thread.messages:
        if not message.featured or message.removed:
            continue
        key = message.speaker.key
        if key is not None and key in people and people[key].withdrawn:
            continue
        who = key or message.speaker.name
        if not _granted(message.speaker, thread.consent):
            diagnostics.warning(path, *message.positions.get("featured", message.position),
                                f"message '{message.id}' is featured, but its author '{who}' "
                                "has not granted consent",
                                f"ask them, then note consent: {{{_consent_key(message.speaker)}"
                                ": granted}; or remove 'featured'.")
    _check_thread_status(thread, now, diagnostics)
    _check_message_dates(thread, now, diagnostics)


# How far ahead of the build a chat may be marked live, or a message dated, without a
# warning: an import and a build a moment apart, on clocks a little apart, are no mistake.
_CLOCK_SKEW = timedelta(minutes=15)


def _check_message_dates(thread: Thread, now: datetime, diagnostics: Diagnostics) -> None:
    """Warn, once per thread, of the messages a build publishes dated after its moment: a
    UTC time written without its offset, most often, read hours late in the site's zone."""
    if thread.status == "upcoming" or waits_for_its_date(thread, now):
        return   # its messages are not published yet
    soon = now + _CLOCK_SKEW
    late = [m for m in thread.messages if m.date is not None and m.date > soon and not m.removed]
    if not late:
        return
    first = late[0]
    more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
    diagnostics.warning(thread.source, *first.positions.get("date", first.position),
                        f"message '{first.id}'{more} is dated {first.date.isoformat()}, "
                        "after this build's moment: the feeds and the sitemap would say "
                        "the thread changed then",
                        "check the date and its offset: a time written without one is read "
                        "in the site's timezone; a UTC time ends in Z (2026-05-01T16:00:00Z).")


def _check_thread_status(thread: Thread, now: datetime, diagnostics: Diagnostics) -> None:
    """Warn of a thread marked upcoming after its date, live before its date, or live
    after its end."""
    if thread.date is None:
        return
    # In seconds: a duration of any size is no date to overflow.
    held = (now - thread.date).total_seconds() <= thread.duration_minutes * 60
    if thread.status == "upcoming" and thread.date < now:
        diagnostics.warning(thread.source, *thread.position_of("status"),
                            f"the thread is still marked upcoming, but its date "
                            f"{thread.date.isoformat()} has passed",
                            # While it is held, archiving it would say it is over.
                            "set status: live while it is held, then archived (and add its "
                            "messages); or move the date." if held else
                            "set status: archived (and add its messages), or move the date.")
    elif thread.status == "live" and thread.date > now + _CLOCK_SKEW:
        diagnostics.warning(thread.source, *thread.position_of("status"),
                            f"the thread is marked live, but its date "
                            f"{thread.date.isoformat()} is still to come: its page says "
                            "'Live now'",
                            "keep status: upcoming until it starts, or move the date.")
    elif thread.status == "live" and not held:
        diagnostics.warning(thread.source, *thread.position_of("status"),
                            f"the thread is still marked live, but its date "
                            f"{thread.date.isoformat()} and its {thread.duration_minutes} "
                            "minutes have passed",
                            "set status: archived (and add its messages), or give its "
                            "'duration:' in minutes if it goes on.")


def _consent_names(speaker: Speaker) -> tuple[str, ...]:
    """The keys of `consent:` that speak for an author: their people.yaml key, else the
    name or the handle they are written with inline."""
    if speaker.key is not None:
        return (speaker.key,)
    return tuple(name for name in (speaker.name, speaker.handle) if name)


def _consent_key(speaker: Speaker) -> str:
    """The key to note an author's consent under, as a hint writes it."""
    names = _consent_names(speaker)
    if not names:
        return "KEY"
    return names[0] if _LOOKS_LIKE_KEY.match(names[0]) else f'"{names[0]}"'


def _granted(speaker: Speaker, consent: dict[str, str]) -> bool:
    """Whether `consent:` says the author granted it (and none of their names declined)."""
    noted = {consent[name] for name in _consent_names(speaker) if name in consent}
    return "granted" in noted and "declined" not in noted


def _check_people_named(thread: Thread, people: dict[str, Person],
                        diagnostics: Diagnostics) -> None:
    path = thread.source
    for message in thread.messages:
        key = message.speaker.key
        if key is not None and key not in people:
            diagnostics.error(path, *message.positions.get("author", message.position),
                              f"unknown person '{key}': no such key in content/people.yaml",
                              _unknown_person(key, people))
    if thread.moderator is not None and thread.moderator not in people:
        diagnostics.error(path, *thread.position_of("moderator"),
                          f"the moderator '{thread.moderator}' is not a person of "
                          "content/people.yaml",
                          _unknown_person(thread.moderator, people, inline=False))
    inline = {name for message in thread.messages if message.speaker.key is None
              for name in _consent_names(message.speaker)}
    for key in thread.consent:
        if key not in people and key not in inline:
            diagnostics.warning(path, *thread.position_of("consent"),
                                f"consent is noted for '{key}', who is not in people.yaml",
                                did_you_mean(key, [*people, *sorted(inline)],
                                             "add this person to content/people.yaml, or, for "
                                             "an author written inline, note it under their "
                                             "name or handle."))


# A published page embedding a draft thread: a warning in a build, an error in `hubgen check`.
EMBEDDED_DRAFT_HINT = ("publish the thread (take out its 'draft: true'), or take the embed out "
                       "until it is published.")
EMBEDDED_SCHEDULED_HINT = "take the embed out until the thread's date, or give it an earlier date."
# A thread announced or under way is published before its date; one archived is not.
PUBLISHED_BEFORE_THEIR_DATE = ("upcoming", "live")


def why_left_out(item: Item) -> str:
    """Why a build leaves out an item it leaves out: 'a draft', or 'scheduled for' its date."""
    return "a draft" if item.draft else f"scheduled for {item.date:%Y-%m-%d %H:%M %z}"


def embedded_hint(thread: Thread) -> str:
    """What to do about a page embedding a thread the build leaves out."""
    return EMBEDDED_DRAFT_HINT if thread.draft else EMBEDDED_SCHEDULED_HINT


def waits_for_its_date(item: Item, now: datetime) -> bool:
    """True for a post, or a thread neither upcoming nor live, dated after `now`: a build
    leaves it out until then (unless --future). A page is never held back by its date."""
    if isinstance(item, Document) and item.kind != "post":
        return False
    if isinstance(item, Thread) and item.status in PUBLISHED_BEFORE_THEIR_DATE:
        return False
    return item.date is not None and item.date > now


def _as_shown(thread: Thread, people: dict[str, Person]) -> Thread:
    """The thread as the site shows it: an upcoming one without its messages, which a
    curator may prepare (the moderator's questions) but which are not said yet (its page,
    feeds, people pages and embeds show none of them until it is live); the messages of
    people who withdrew noted as withheld, and nothing left of those taken down but their
    place."""
    if thread.status == "upcoming" and thread.messages:
        return dataclasses.replace(thread, messages=())
    withheld = frozenset(m.id for m in thread.messages if m.speaker.key in people
                         and people[m.speaker.key].withdrawn)
    if not withheld and not any(m.removed for m in thread.messages):
        return thread
    # What was taken down is gone from `thread.messages` too, which a site's own template
    # may read: only the place of each message stays.
    messages = tuple(taken_down(m, m.id in withheld) if m.removed or m.id in withheld else m
                     for m in thread.messages)
    return dataclasses.replace(thread, messages=messages, withheld_ids=withheld)


def _ids_of(thread: Thread, known: dict[str, set[str]]) -> set[str]:
    """The message ids of `thread`, gathered once into `known`."""
    ids = known.get(thread.slug)
    if ids is None:
        ids = known[thread.slug] = {m.id for m in thread.messages}
    return ids


def _check_embeds(document: Document | UnfinishedDocument, threads: dict[str, Thread],
                  diagnostics: Diagnostics, left_out: frozenset[str] = frozenset(),
                  unreadable: frozenset[str] = frozenset()) -> None:
    message_ids: dict[str, set[str]] = {}   # a post may embed hundreds of one thread's
    for embed in document.embeds:
        thread = threads.get(embed.slug)
        if thread is None and embed.slug in unreadable:
            continue   # its file's own mistakes are told there: it is no missing thread
        if thread is not None and thread.slug in left_out:
            diagnostics.warning(document.source, embed.line, embed.column,
                                f"the embedded thread '{embed.slug}' is {why_left_out(thread)}: "
                                "this page shows nothing in its place", embedded_hint(thread))
        if thread is None:
            diagnostics.error(document.source, embed.line, embed.column,
                              f"the embedded thread '{embed.slug}' does not exist",
                              did_you_mean(embed.slug, threads,
                                           "use the slug of a file in content/threads/."))
        elif embed.message and embed.message not in _ids_of(thread, message_ids):
            diagnostics.error(document.source, embed.line, embed.column,
                              f"the thread '{embed.slug}' has no message '{embed.message}'",
                              "use the id of one of its messages.")
        elif embed.message and thread.status == "upcoming":
            diagnostics.warning(document.source, embed.line, embed.column,
                                f"the thread '{embed.slug}' is upcoming: its message "
                                f"'{embed.message}' is not shown until it is live, and this "
                                "page shows the thread in its place",
                                "embed the thread alone, or mark it live (status: live) "
                                "once it is held.")


def _tag_slugs(item: Item, diagnostics: Diagnostics) -> dict[str, str]:
    """The tags of an item (and of every item with the same list) by slug; two of its own
    sharing one, or one that makes no address, are warned of at the item's tags."""
    slugs: dict[str, str] = {}
    for index, name in enumerate(item.tags):
        slug = slugify(name)
        # At the tag itself where the list was written one item a line (else at the list).
        place = item.positions.get(f"tags[{index}]") or item.position_of("tags")
        if not slug:
            diagnostics.warning(item.source, *place,
                                f"the tag '{name}' makes an empty address, so it is left out",
                                "give it a letter or a digit.")
        elif too_long_for_a_name(slug):
            diagnostics.warning(item.source, *place,
                                f"the tag '{name}' makes an address of "
                                f"{name_bytes(slug)} bytes, more than the "
                                f"{NAME_MAX} a file name may hold, so it is left out",
                                "shorten it.")
        elif slug in slugs and slugs[slug].lower() != name.lower():
            diagnostics.warning(item.source, *place,
                                f"the tags '{slugs[slug]}' and '{name}' share the URL of "
                                f"'{slug}' and are shown as one",
                                "give one of them another name.")
        else:
            slugs.setdefault(slug, name)
    return slugs


def _group_tags(items: list[Item], diagnostics: Diagnostics) -> dict[str, Tag]:
    grouped: dict[str, list[Item]] = {}
    spellings: dict[str, Counter[str]] = {}
    slug_maps: dict[tuple[str, ...], dict[str, str]] = {}   # items share their tag lists
    for item in items:
        slugs = slug_maps.get(item.tags)
        if slugs is None:
            slugs = slug_maps[item.tags] = _tag_slugs(item, diagnostics)
        for slug, name in slugs.items():
            spellings.setdefault(slug, Counter())[name] += 1
            grouped.setdefault(slug, []).append(item)
    # A tag is shown as most of its items write it, and on a tie as the oldest does: a new
    # post never renames a tag on every page by writing it its own way.
    names = {slug: next(iter(counts)) if len(counts) == 1 else
             max(counts, key=lambda name: (counts[name], _oldest_use(grouped[slug], name)))
             for slug, counts in spellings.items()}
    warned: set[tuple[str, str]] = set()
    for item in items:
        for slug, name in slug_maps[item.tags].items():
            shown = names[slug]
            if shown.lower() != name.lower() and (slug, name) not in warned:
                warned.add((slug, name))
                diagnostics.warning(item.source, *item.position_of("tags"),
                                    f"the tags '{shown}' and '{name}' share the URL of "
                                    f"'{slug}' and are shown as one",
                                    f"write '{shown}' here, or give one of them another name.")
    return {slug: Tag(names[slug], slug, tuple(grouped[slug]))
            for slug in sorted(grouped, key=lambda s: name_order(names[s]))}


def _brand_keys(config: Config, people: dict[str, Person]) -> set[str]:
    """The keys of `brand.people`, and of everyone whose role is the brand's."""
    return set(config.brand.people) | {p.key for p in people.values() if p.role == "brand"}


def _with_brand_roles(people: dict[str, Person],
                      brand_keys: tuple[str, ...]) -> dict[str, Person]:
    """people.yaml's people, those named in `brand.people` taking the brand's role where
    they were left the default: threads mark them as the brand's, so lists show them so."""
    return {key: dataclasses.replace(person, role="brand")
            if key in brand_keys and person.role == "community" else person
            for key, person in people.items()}


def _oldest_use(items: list[Item], name: str) -> int:
    """How far down the newest-first `items` the last one writing `name` stands."""
    return max(index for index, item in enumerate(items) if name in item.tags)


def _newest_first(item: Item) -> tuple[float, str]:
    return (-(item.date.timestamp() if item.date else 0.0), item.rel_path)


def build_library(config: Config, sources: Sources, now: datetime, *,
                  include_drafts: bool = False, include_future: bool = False,
                  diagnostics: Diagnostics, memo: dict[int, tuple] | None = None,
                  words: Words | None = None) -> Library:
    """Assemble the Library: filter drafts and what is dated later, resolve people, group tags.

    `memo` (kept between builds by serve) remembers documents whose author was
    resolved against the very same people, so an unchanged post is not copied again.
    """
    posts: list[Document] = []
    pages: list[Document] = []
    drafts_skipped = future_skipped = future_threads_skipped = 0
    scheduled: list[datetime] = []
    people_known = not sources.people_unreadable
    authors = _Authors(config, sources.people, diagnostics, people_known)
    for document in sources.documents:
        if document.draft and not include_drafts:
            drafts_skipped += 1
            continue
        if not include_future and waits_for_its_date(document, now):
            future_skipped += 1
            scheduled.append(document.date)
            continue
        document = authors.of(document, memo)
        (posts if document.kind == "post" else pages).append(document)
    if memo is not None:
        # Only this build's documents are remembered: a post saved again is a new object,
        # and its old one (its whole HTML) would be kept for as long as serve runs.
        for stale in memo.keys() - {id(document) for document in sources.documents}:
            del memo[stale]

    for index, key in enumerate(config.brand.people):
        if key not in sources.people and people_known:
            diagnostics.warning(config.path, *config.position_of(f"brand.people[{index}]"),
                                f"brand.people names '{key}', who is not in content/people.yaml",
                                _unknown_person(key, sources.people, inline=False))
    threads = []
    threads_left_out = []
    source_threads = [_source_kept_of(thread, sources.people) for thread in sources.threads]
    for thread in source_threads:
        _check_thread_people(thread, sources.people, now, diagnostics, people_known)
        if thread.draft and not include_drafts:
            drafts_skipped += 1
            threads_left_out.append(thread)
            continue
        if not include_future and waits_for_its_date(thread, now):
            future_threads_skipped += 1
            scheduled.append(thread.date)
            threads_left_out.append(thread)
            continue
        threads.append(thread)
    # A thread left out never stands in for a published one with its slug (a draft copy
    # of it, say): its messages would be shown on the published thread's page.
    by_slug = {t.slug: t for t in (*threads_left_out, *threads)}
    left_out = frozenset(by_slug) - {t.slug for t in threads}
    for document in posts + pages:
        _check_embeds(document, by_slug, diagnostics, left_out, sources.threads_unreadable)
    for unfinished in sources.unfinished:   # the build stops; all its mistakes are told
        authors.resolve(unfinished)
        _check_embeds(unfinished, by_slug, diagnostics, unreadable=sources.threads_unreadable)
    threads = [_as_shown(thread, sources.people) for thread in threads]
    by_slug.update((t.slug, t) for t in threads)

    posts.sort(key=_newest_first)
    pages.sort(key=lambda d: d.rel_path)
    threads.sort(key=_newest_first)
    people = _with_brand_roles(sources.people, config.brand.people)
    brand_keys = _brand_keys(config, people)
    words = words if words is not None else english_words()
    notes = (words("removed_by_author"), words("removed_by_curators"))
    conversations = {slug: build_conversation(t, people, brand_keys, notes)
                     for slug, t in by_slug.items()}
    items: list[Item] = sorted([*posts, *pages, *threads], key=_newest_first)

    return Library(config=config, posts=tuple(posts), pages=tuple(pages),
                   people=people, tags=_group_tags(items, diagnostics),
                   threads=tuple(threads), conversations=conversations,
                   drafts_skipped=drafts_skipped, future_skipped=future_skipped,
                   future_threads_skipped=future_threads_skipped,
                   next_scheduled=min(scheduled) if scheduled else None,
                   include_drafts=include_drafts, now=now, words=words)

