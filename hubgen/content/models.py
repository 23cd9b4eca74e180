"""The model objects that sources become: plain frozen dataclasses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Literal

# The platforms a conversation comes from.
PLATFORMS = ("twitter", "mastodon", "bluesky", "reddit", "hackernews", "discourse", "forum")
# How a reader knows them (and a few other networks people.yaml lists handles on).
PLATFORM_NAMES = {"twitter": "X", "x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky",
                  "reddit": "Reddit", "hackernews": "Hacker News", "discourse": "Discourse",
                  "forum": "the forum", "github": "GitHub", "linkedin": "LinkedIn",
                  "youtube": "YouTube", "tiktok": "TikTok"}


def platform_name(platform: str) -> str:
    """A platform's name as readers know it ('hackernews' → 'Hacker News')."""
    return PLATFORM_NAMES.get(platform, platform[:1].upper() + platform[1:])

DocumentKind = Literal["post", "page"]
Position = tuple[int, int]


@dataclass(frozen=True)
class Person:
    """Someone who takes part: a brand voice, a moderator or a community member."""

    key: str
    name: str
    role: str = "community"
    url: str = ""
    avatar: str = ""
    bio: str = ""
    handles: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)   # stable account ids (a Bluesky DID)
    withdrawn: bool = False      # they asked to be taken down: they vanish from every output
    source: Path | None = None
    position: Position = (0, 0)

    @property
    def initials(self) -> str:
        """One or two letters for a badge when there is no avatar."""
        return initials_of(self.name)


def initials_of(name: str) -> str:
    """The first letters of a name's first and last words ('Ana Ruiz' → 'AR'); a handle's
    words count as words ('u/ceramic_and_stubborn' → 'CS'); '?' when it has none."""
    name = re.sub(r"^(@|[ur]/)", "", name.strip())
    if not re.search(r"\s", name):   # a handle: its user part ('jo' of 'jo@toot.example')
        name = re.split(r"[@.]", name)[0]
    words = re.findall(r"[^\W_]+", re.sub("['’]", "", name))
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


@dataclass(frozen=True)
class Author:
    """Who wrote a post: a person of people.yaml, or just a name."""

    name: str
    key: str | None = None
    url: str = ""
    email: str = ""


@dataclass(frozen=True)
class Heading:
    """One entry of a document's table of contents."""

    level: int
    id: str
    title: str
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class Embed:
    """A thread (or one message of it) embedded in a post with `{{< thread SLUG >}}`."""

    slug: str
    message: str = ""
    line: int = 0
    column: int = 1


def is_bundle_path(rel_path: str) -> bool:
    """True for `posts/NAME/index.md` (any Markdown suffix, any depth below the kind)."""
    parts = PurePosixPath(rel_path).parts
    return len(parts) >= 3 and PurePosixPath(rel_path).stem.lower() == "index"


@dataclass(frozen=True)
class Document:
    """A post or a page: front matter plus its rendered body."""

    kind: DocumentKind
    source: Path
    rel_path: str               # the path below content/, with '/' separators
    title: str
    slug: str
    date: datetime | None
    updated: datetime | None
    html: str                   # the body, rendered (links already carry the base path)
    summary: str                # plain text, for listings and meta descriptions
    summary_html: str           # the part above <!--more-->, or the summary as HTML
    description: str = ""
    tags: tuple[str, ...] = ()
    author_ref: str = ""        # as written: a people.yaml key or a name
    author: Author | None = None  # resolved by the Library
    image: str = ""
    image_alt: str = ""
    draft: bool = False
    comments: bool | dict[str, Any] = True
    aliases: tuple[str, ...] = ()
    toc: tuple[Heading, ...] = ()
    show_toc: bool = False
    template: str = ""
    word_count: int = 0
    embeds: tuple[Embed, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)  # front matter key → value

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at 220 words a minute, at least one."""
        return max(1, round(self.word_count / 220))

    @property
    def is_bundle(self) -> bool:
        """True for a page bundle (Hugo's): `index.md` in a folder of its own below posts/
        or pages/, named by the folder, its other files published beside its page."""
        return is_bundle_path(self.rel_path)

    def position_of(self, key: str) -> Position:
        """Where a front matter key's value was written (the file's top when absent)."""
        return self.positions.get(key, (1, 1))

    @property
    def lastmod(self) -> datetime | None:
        """When the document last changed: `updated`, else `date`."""
        return self.updated or self.date

    def with_author(self, author: Author | None) -> Document:
        """This document with its author resolved by the Library.

        The same as `dataclasses.replace(self, author=author)`, a dozen times faster:
        a big hub resolves ten thousand authors on every build.
        """
        resolved = object.__new__(Document)
        state = self.__dict__.copy()   # a copy, then one key set: twice as fast as update()
        state["author"] = author
        object.__setattr__(resolved, "__dict__", state)
        return resolved


@dataclass(frozen=True)
class UnfinishedDocument:
    """A post or page whose front matter holds errors: kept only so that the author and
    the threads it names are still checked, and all its mistakes reported in one build."""

    source: Path
    author_ref: str = ""
    embeds: tuple[Embed, ...] = ()
    positions: dict[str, Position] = field(default_factory=dict)

    def position_of(self, key: str) -> Position:
        """Where a front matter key's value was written (the file's top when absent)."""
        return self.positions.get(key, (1, 1))


@dataclass(frozen=True)
class Speaker:
    """Who wrote a message: a people.yaml key, or a name given inline (untrusted)."""

    key: str | None = None
    name: str = ""
    handle: str = ""
    url: str = ""


@dataclass(frozen=True)
class Message:
    """One message of a curated thread. `html` is sanitized community text."""

    id: str
    speaker: Speaker
    date: datetime | None
    text: str
    html: str
    url: str = ""
    reply_to: str | None = None
    answers: str | None = None
    featured: bool = False
    removed: bool = False        # the curator took it down; replies stay in place
    edited: datetime | None = None   # the platform's last edit of the text
    position: Position = (0, 0)
    positions: dict[str, Position] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """A question of a tweetchat, asked by the moderator."""

    id: str
    text: str
    html: str
    position: Position = (0, 0)


@dataclass(frozen=True)
class Thread:
    """A curated community conversation, read from content/threads/SLUG.yaml."""

    source: Path
    rel_path: str
    slug: str
    title: str
    date: datetime | None
    updated: datetime | None
    summary: str                 # plain text
    summary_html: str            # the curator's Markdown: trusted
    tags: tuple[str, ...]
    platform: str
    source_url: str
    hashtag: str
    status: str
    moderator: str | None
    questions: tuple[Question, ...]
    messages: tuple[Message, ...]
    consent: dict[str, str] = field(default_factory=dict)
    comments: bool | dict[str, Any] = True
    draft: bool = False
    duration_minutes: int = 60
    positions: dict[str, Position] = field(default_factory=dict)
    kind: str = "thread"
    # The messages of people who withdrew (the Library knows them): shown as a note, and,
    # as removed ones, no change of the thread (lastmod) that would say when they wrote.
    withheld_ids: frozenset[str] = frozenset()

    def position_of(self, key: str) -> Position:
        """Where a top-level key's value was written (the file's top when absent)."""
        return self.positions.get(key, (1, 1))

    def __getstate__(self) -> dict[str, Any]:
        # What is worked out from the fields (lastmod, once asked) is neither stored in the
        # cache nor hashed into a fingerprint: a thread pickles the same whatever was asked.
        return {key: value for key, value in self.__dict__.items() if key != "lastmod"}

    @cached_property   # listings, feeds, the sitemap and fingerprints all ask
    def lastmod(self) -> datetime | None:
        """The newest of the thread's own dates and its shown messages' dates and edits; an
        upcoming thread's date is when it will be held, not a change (sitemaps and feeds say
        when a page changed)."""
        held = self.date if self.status != "upcoming" else None
        dates = [d for d in (self.updated, held) if d is not None]
        dates += [d for m in self.messages if not m.removed and m.id not in self.withheld_ids
                  for d in (m.date, m.edited) if d is not None]
        return max(dates) if dates else None
