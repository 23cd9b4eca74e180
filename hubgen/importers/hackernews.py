"""Hacker News: the Algolia API's `items/:id`, a story (or comment) with nested `children`.

Accepted export: `{"id": 1, "type": "story", "author": ..., "title": ..., "url": ...,
"text": ..., "created_at": "...", "children": [...]}` with comments nested the same way.
A deleted item (`deleted: true`, or no author and no text) is kept as `[deleted]`; a dead
(flagged) item is kept as `[dead]`; both keep their replies. `text` is HTML.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from hubgen.content.markdown import shorten
from hubgen.content.sanitize import plain, plain_line
from hubgen.errors import UsageError
from hubgen.importers.fetching import Fetcher
from hubgen.importers.html_markdown import (
    LinkContext,
    autolinks_alone,
    http_address,
    markdown_from_html,
)
from hubgen.importers.json_export import JsonValue
from hubgen.importers.markdown_subset import MarkedText, markdown_from_text
from hubgen.importers.models import (
    DELETED,
    Account,
    ImportedMessage,
    ImportedThread,
    ReadContext,
)

PLATFORM = "hackernews"
EXPORT = "Hacker News Algolia item"
EXPECTED = 'an Algolia item ({"id": …, "type": "story", "children": […]})'
SITE = "https://news.ycombinator.com"
ALGOLIA = "https://hn.algolia.com"
DEAD = "[dead]"


def looks_like(data: Any) -> bool:
    """True when `data` has the shape of an Algolia item."""
    return isinstance(data, dict) and isinstance(data.get("children"), list) and \
        "type" in data and ("created_at_i" in data or "story_id" in data
                            or "parent_id" in data)


def _item_id(item: JsonValue) -> int:
    """An item's `id`: Hacker News numbers its items, so only a whole number will do."""
    child = item.at("id")
    value = child.value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise child.fail("a Hacker News item id (a whole number)")
    return value


def _item_url(identifier: int) -> str:
    return f"{SITE}/item?id={identifier:d}"


def _date(item: JsonValue):
    if item.has("created_at"):
        return item.moment("created_at")
    return item.epoch("created_at_i")


class _Reader:
    def __init__(self, links: LinkContext):
        self.links = links
        self.messages: list[ImportedMessage] = []
        self.deleted = 0
        self.dead = 0

    def item(self, item: JsonValue, reply_to: str | None) -> None:
        """Read one item and its children, depth first."""
        if not item.is_object():
            raise item.fail("an item object")
        number = _item_id(item)
        identifier = str(number)
        author_name = item.text("author", required=False)
        markup = item.text("text", required=False)
        deleted = item.flag("deleted") or (not author_name and not markup
                                            and reply_to is not None)
        dead = item.flag("dead")
        if deleted:
            self.deleted += 1
            author = Account(PLATFORM, "", DELETED)
            text = DELETED
        else:
            author = Account(PLATFORM, author_name, author_name,
                             f"{SITE}/user?{urlencode({'id': author_name})}") if author_name \
                else Account(PLATFORM, "", DELETED)
            text = self.body(item, markup) if reply_to is None else \
                markdown_from_html(markup, self.links)
            if dead:              # flagged: shown, but its author gets no page of the hub
                self.dead += 1
                text = DEAD
                author = Account(PLATFORM, "", author_name or DELETED)
        self.messages.append(ImportedMessage(id=identifier, author=author, date=_date(item),
                                             text=text, url=_item_url(number),
                                             reply_to=reply_to))
        for child in item.items("children", required=False):
            self.item(child, identifier)

    def body(self, item: JsonValue, markup: str) -> str:
        """The story's text: its link (titled), its text, its poll options."""
        marked = MarkedText()
        blocks = []
        link = http_address(item.raw("url"))
        title = plain_line(item.text("title", required=False))
        if link:
            label = title or link.split("://", 1)[-1]
            blocks.append(marked.finish(marked.keep(link) if not title and autolinks_alone(link)
                                        else marked.link(marked.text(label), link)))
        text = markdown_from_html(markup, self.links)
        if text:
            blocks.append(text)
        options = []
        for option in item.items("options", required=False):
            if option.is_object():
                words = plain(option.text("text", required=False))
                points = option.raw("points")
                count = f" ({points} point{'' if points == 1 else 's'})" \
                    if isinstance(points, int) else ""
                options.append("- " + markdown_from_text(words + count))
        if options:
            blocks.append("\n".join(options))
        return "\n\n".join(blocks)


def read(export: JsonValue, context: ReadContext) -> ImportedThread:
    """Read an Algolia item tree; raises ShapeError at the first value it cannot use."""
    if not export.is_object() or "children" not in export.value:
        raise export.fail(EXPECTED)
    number = _item_id(export)
    identifier, url = str(number), _item_url(number)
    reader = _Reader(LinkContext(PLATFORM, url, SITE + "/"))
    reader.item(export, None)
    notes = []
    if reader.deleted:
        notes.append(f"{reader.deleted} deleted item{'' if reader.deleted == 1 else 's'} kept "
                     f"as {DELETED}")
    if reader.dead:
        notes.append(f"{reader.dead} dead (flagged) item{'' if reader.dead == 1 else 's'} kept "
                     f"as {DEAD}")
    title = plain_line(export.text("title", required=False)) or \
        shorten(" ".join(plain(export.text("text", required=False)).split()), 80) or \
        f"Hacker News thread {identifier}"
    return ImportedThread(PLATFORM, identifier, url, title, tuple(reader.messages),
                          fallback_parent=identifier, notes=tuple(notes))


def fetch(url: str, fetcher: Fetcher) -> Any:
    """GET the item tree from Algolia: a news.ycombinator.com item URL (or Algolia's own)."""
    parts = urlsplit(url)
    identifier = ""
    if parts.scheme == "https" and parts.netloc == "news.ycombinator.com" \
            and parts.path == "/item":
        identifier = (parse_qs(parts.query).get("id") or [""])[0]
    elif parts.scheme == "https" and parts.netloc == "hn.algolia.com":
        match = re.fullmatch(r"/api/v1/items/(\d+)/?", parts.path)
        identifier = match.group(1) if match else ""
    if not identifier.isdigit():
        raise UsageError(f"not a Hacker News item address: {url!r} (expected "
                         "https://news.ycombinator.com/item?id=ID)")
    return fetcher.get_json(ALGOLIA, f"/api/v1/items/{identifier}")
