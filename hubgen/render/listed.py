"""What a page may show of the items in the site's lists without depending on each one.

A page that lists posts or threads is made again when a list's texts change (the
titles, summaries and counts that cards show: build.fingerprints.list_texts) or the
items' places in it (their dates, tags, authors: the site signature). Whatever else a
template reads of a listed item (its body, its messages, its extra data) ties the page
to that item: the read is counted as one more list the page read, named after the item
(`item_read`), whose text is the item's own signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubgen.content.models import Document, Thread
from hubgen.conversations import Conversation

_ITEM_PREFIX = "item:"

# The attributes the site signature and the list texts hash, for every item: reading
# them ties a page to no single item. Each must be hashed there (a test changes each).
_PLACE = frozenset({"kind", "rel_path", "source", "slug", "date", "updated", "lastmod",
                    "tags", "draft", "author", "title", "summary", "summary_html",
                    "description", "image", "image_alt", "word_count", "reading_minutes"})
# A card asks a post for a thread's status and messages too: it has neither to show.
DOCUMENT_SHOWN = _PLACE | {"status", "messages"}
THREAD_SHOWN = _PLACE | {"status", "platform", "source_url", "hashtag", "duration_minutes",
                         "questions", "moderator"}
CONVERSATION_SHOWN = frozenset({"thread", "message_count", "participant_count", "moderator"})


def item_read(rel_path: str) -> str:
    """The name under which a page's read of one item (not only its card) is counted."""
    return _ITEM_PREFIX + rel_path


def read_item(name: str) -> str | None:
    """The item (its `rel_path`) a list name read by a page stands for, or None for one
    of the site's lists."""
    return name[len(_ITEM_PREFIX):] if name.startswith(_ITEM_PREFIX) else None


ITEMS_SHOWN: dict[type, tuple[frozenset[str], Callable[[Any], str]]] = {
    Document: (DOCUMENT_SHOWN, lambda document: item_read(document.rel_path)),
    Thread: (THREAD_SHOWN, lambda thread: item_read(thread.rel_path)),
    Conversation: (CONVERSATION_SHOWN,
                   lambda conversation: item_read(conversation.thread.rel_path)),
}
