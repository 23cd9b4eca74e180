"""RSS 2.0 and Atom feeds, made with feedgen.

Every URL is absolute, links inside entry content included, and every date
comes from the content, never from the clock: building twice gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.dc import DcExtension  # noqa: F401  (load_extension's, loaded once here)
from feedgen.feed import FeedGenerator
from lxml import etree

from hubgen import __version__
from hubgen.content.html_links import rewrite_links
from hubgen.content.markdown import shorten, without_heading_anchors
from hubgen.content.models import Document, Thread
from hubgen.content.sanitize import plain, xml_safe
from hubgen.library import Item, Library
from hubgen.plan.routes import Route
from hubgen.plan.urls import Urls

# A feed with no entries still needs a date; this one is fixed, never the clock's.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)


# The HTML of a document's body with embeds filled in (the Renderer provides it).
BodyHtml = Callable[[Document], str]
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass
class FeedMemo:
    """What the feeds of one build share, in each process that renders them: an item is
    in several feeds (the site's, each of its tags'), each in RSS and Atom."""

    # A post's or thread's entry, by (its rel_path, the feed format)
    entries: dict[tuple[str, str], FeedEntry] = field(default_factory=dict)
    # A post's content with absolute links, by its rel_path
    contents: dict[str, str] = field(default_factory=dict)
    # The last thread's messages, by id: their plain words and HTML with absolute links.
    # Only the last: a thread's RSS and Atom feeds are planned one after the other; a big
    # hub's every message, kept to the end, would weigh on each worker's memory.
    messages: tuple[str, dict[str, tuple[str, str]]] = ("", {})


class _UpdatedEntry(BaseEntryExtension):
    """Adds <atom:updated> to RSS items, which have no element of their own for it."""

    def __init__(self) -> None:
        self.updated: datetime | None = None

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.updated is not None:
            etree.SubElement(item, f"{{{ATOM_NS}}}updated").text = self.updated.isoformat()
        return item


def absolutize_links(html: str, page_url: str, urls: Urls) -> str:
    """Make every href/src in an HTML fragment absolute, resolved against the page's URL."""
    def absolute(link: str) -> str:
        if link.startswith(("mailto:", "tel:", "data:")):
            return link
        try:
            return urls.absolute_from(page_url, link)
        except ValueError:   # no address at all (https://[x): left as written
            return link
    return rewrite_links(html, absolute)


def _entry_content(document: Document, page_url: str, urls: Urls, full: bool,
                   body: BodyHtml) -> str:
    # A feed reader shows a heading's '#' link as text: taken out of the whole body and
    # of a summary (up to <!--more-->) that holds a heading.
    html = without_heading_anchors(body(document)) if full else \
        without_heading_anchors(document.summary_html) if document.summary_html else \
        f"<p>{escape(document.summary)}</p>"
    return absolutize_links(html, page_url, urls)


def _new_feed(route: Route, library: Library, urls: Urls) -> FeedGenerator:
    config = library.config
    html_url = urls.absolute(route.context["html_path"])
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.register_extension("hubgen_updated", BaseExtension, _UpdatedEntry, atom=False, rss=True)
    # A thread's feed is named by its own address: its page's is the thread's entry id in
    # the other feeds, and an Atom id names one feed or one entry, never both.
    feed.id(urls.absolute(route.path) if "conversation" in route.context else html_url)
    # A thread's title may come from a community post (an import): escaped as its messages.
    feed.title(_as_text(route.title, route.feed_format)
               if isinstance(route.context.get("thread"), Thread) else xml_safe(route.title))
    feed.subtitle(xml_safe(config.description or config.title))
    # feedgen takes the RSS <link> from the last link given: the page, not the feed.
    feed.link(href=urls.absolute(route.path), rel="self")
    feed.link(href=html_url, rel="alternate")
    feed.language(config.language)
    feed.generator("hubgen", __version__, "https://pypi.org/project/hubgen/")
    if config.author.name:
        author = {"name": xml_safe(config.author.name)}
        if config.author.email:
            author["email"] = xml_safe(config.author.email)
        feed.author(author)
    feed.updated(route.lastmod or EMPTY_FEED_DATE)
    return feed


def _as_text(value: str, feed_format: str) -> str:
    """Text for an element that RSS readers read as HTML and Atom as text."""
    value = xml_safe(value)
    return escape(value, quote=False) if feed_format == "rss" else value


def _feed_html(html: str, feed_format: str) -> str:
    """Content HTML, already XML-safe, for one format."""
    # RSS carries HTML in CDATA, which cannot hold its own end marker.
    return html.replace("]]>", "]]&gt;") if feed_format == "rss" else html


def _set_content(entry: FeedEntry, html: str, feed_format: str) -> None:
    entry.content(html, type="CDATA" if feed_format == "rss" else "html")


def _add_entry(feed: FeedGenerator, url: str, title: str, published: datetime,
               updated: datetime, author: str, email: str = "") -> FeedEntry:
    """An entry; `title` as the feed shows it (see `_as_text` for community text)."""
    entry = feed.add_entry(order="append")
    url = xml_safe(url)   # a message id in error still makes its feed, as the build goes on
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(title)
    entry.link(href=url)
    entry.published(published)
    entry.updated(updated)
    entry.hubgen_updated.updated = updated
    author = xml_safe(author)
    email = xml_safe(email)
    entry.author({"name": author, **({"email": email} if email else {})})
    if not email:
        entry.dc.dc_creator(author)
    return entry


def _categories(entry: FeedEntry, item: Item, library: Library, urls: Urls) -> None:
    for tag in library.tags_of(item):
        name = xml_safe(tag.name)
        entry.category(term=name, label=name, scheme=urls.absolute(urls.tag(tag.slug)))


def _document_entry(feed: FeedGenerator, route: Route, document: Document, library: Library,
                    urls: Urls, body: BodyHtml, memo: FeedMemo) -> FeedEntry:
    config = library.config
    url = urls.absolute(urls.document(document))
    author = document.author
    name = author.name if author else (config.author.name or config.title)
    entry = _add_entry(feed, url, xml_safe(document.title), document.date, document.lastmod,
                       name, author.email if author else "")
    _categories(entry, document, library, urls)
    entry.summary(_as_text(document.description or document.summary, route.feed_format))
    if config.feeds.full_content or route.feed_format == "atom":
        content = memo.contents.get(document.rel_path)
        if content is None:
            content = memo.contents[document.rel_path] = xml_safe(_entry_content(
                document, url, urls, config.feeds.full_content, body))
        _set_content(entry, _feed_html(content, route.feed_format), route.feed_format)
    return entry


def _thread_entry(feed: FeedGenerator, route: Route, thread: Thread, library: Library,
                  urls: Urls) -> FeedEntry:
    config = library.config
    url = urls.absolute(urls.thread(thread))
    conversation = library.conversation(thread)
    host = conversation.moderator.name if conversation.moderator else \
        (config.brand.name or config.title)
    entry = _add_entry(feed, url, _as_text(thread.title, route.feed_format), thread.date,
                       thread.lastmod or thread.date, host)
    _categories(entry, thread, library, urls)
    voices = len(conversation.participants)
    words = library.words
    count = words("messages_from_voices",
                  messages=words("messages_count", count=conversation.message_count),
                  voices=words("voices_count", count=voices)) \
        if thread.status != "upcoming" else words("an_upcoming_conversation")
    entry.summary(_as_text(f"{thread.summary} ({count})" if thread.summary else count,
                           route.feed_format))
    html = absolutize_links(thread.summary_html + f"<p>{escape(count)}.</p>", url, urls)
    _set_content(entry, _feed_html(xml_safe(html), route.feed_format), route.feed_format)
    return entry


def _message_entries(feed: FeedGenerator, route: Route, thread: Thread,
                     library: Library, urls: Urls, memo: FeedMemo) -> None:
    page_url = urls.absolute(urls.thread(thread))
    if memo.messages[0] != thread.rel_path:
        memo.messages = (thread.rel_path, {})
    made = memo.messages[1]
    conversation = library.conversation(thread)
    # A thread without a date is in error (the build stops): its undated messages are
    # left out, so that the feed is still made and checked.
    nodes = sorted((n for n in conversation.visible_nodes if n.message.date or thread.date),
                   key=lambda n: (-(n.message.date or thread.date).timestamp(), n.message.id))
    for node in nodes[: library.config.feeds.limit]:
        message = node.message
        when = message.date or thread.date
        if message.id not in made:
            made[message.id] = (plain(message.html),
                                xml_safe(absolutize_links(message.html, page_url, urls)))
        words, html = made[message.id]
        title = f"{node.speaker.name}: {shorten(words, 80)}" if words else node.speaker.name
        changed = max(when, message.edited) if message.edited else when
        entry = _add_entry(feed, f"{page_url}#{node.anchor}", _as_text(title, route.feed_format),
                           when, changed, node.speaker.name)
        entry.summary(_as_text(shorten(words, 200), route.feed_format))
        _set_content(entry, _feed_html(html, route.feed_format), route.feed_format)


def render_feed(route: Route, library: Library, urls: Urls, body: BodyHtml,
                memo: FeedMemo | None = None) -> bytes:
    """One RSS or Atom feed: of posts and threads, or of one thread's messages.

    `memo` keeps what the feeds of one build share, between them.
    """
    memo = FeedMemo() if memo is None else memo
    entries = memo.entries
    feed = _new_feed(route, library, urls)
    thread = route.context.get("thread")
    if isinstance(thread, Thread):
        _message_entries(feed, route, thread, library, urls, memo)
    else:
        for item in route.context["items"]:
            # An item is in several feeds (the site's, each of its tags'), as the same entry:
            # every feed has the extensions _new_feed loads, which add_entry registers on it.
            key = (item.rel_path, route.feed_format)
            if key in entries:
                feed.add_entry(entries[key], order="append")
            elif isinstance(item, Thread):
                entries[key] = _thread_entry(feed, route, item, library, urls)
            else:
                entries[key] = _document_entry(feed, route, item, library, urls, body, memo)
    if route.feed_format == "rss":
        return feed.rss_str(pretty=True)
    return feed.atom_str(pretty=True)
