"""What a platform export becomes before it is written: one thread, its messages, its authors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hubgen.content.models import platform_name

# The platforms hubgen imports from, by the names readers know.
PLATFORM_LABELS = {name: platform_name(name)
                   for name in ("mastodon", "bluesky", "reddit", "hackernews", "discourse")}

DELETED = "[deleted]"


@dataclass(frozen=True)
class Account:
    """Who wrote a message on the platform. An empty handle is an author the platform hides.

    `handle` is written as the platform shows it: `@user@instance` (Mastodon),
    `@name.bsky.social` (Bluesky), `u/name` (Reddit), `name` (Hacker News),
    `@user@forum.host` (Discourse). `account_id` is what names the account for good where
    the platform has such a name (a Bluesky DID): handles change hands, it does not.
    """

    platform: str
    handle: str
    name: str             # the display name, untrusted: people.yaml gets it through plain()
    url: str = ""         # the profile page
    account_id: str = ""  # the stable id (a Bluesky DID), '' where the platform has none

    @property
    def anonymous(self) -> bool:
        """True for a deleted or hidden author: no people entry is made for it."""
        return not self.handle


@dataclass(frozen=True)
class ImportedMessage:
    """One post of the conversation, with its text already in the thread's Markdown subset."""

    id: str
    author: Account
    date: datetime
    text: str
    url: str
    reply_to: str | None = None
    edited: datetime | None = None      # when the platform says it was last edited


@dataclass(frozen=True)
class ImportedThread:
    """A whole conversation read from an export; the root post comes first."""

    platform: str
    thread_id: str               # the root's id on the platform: re-imports find the file by it
    url: str                     # the root's permalink: the thread's `source.url`
    title: str                   # a suggested title (plain text)
    messages: tuple[ImportedMessage, ...]
    fallback_parent: str | None = None    # where a reply whose parent is missing goes
    # The ids and permalinks of the posts kept from the public (not public, hidden by the
    # thread's author, asking not to be shown logged out): one an earlier import published
    # is taken down, found by either (another instance's API gives a post another id).
    withheld: frozenset[str] = frozenset()
    notes: tuple[str, ...] = field(default_factory=tuple)   # what was skipped or counted

    @property
    def root(self) -> ImportedMessage:
        """The first post of the conversation."""
        return self.messages[0]


@dataclass(frozen=True)
class ReadContext:
    """What a platform reader knows besides the JSON: its name and where it came from."""

    source_name: str          # the file, '<stdin>' or the fetched URL, for messages
    source_url: str = ""      # the thread's address (--url, or --source-url for a file)
