"""RSS 2.0 and Atom feeds, made with feedgen.

Every URL is absolute, links inside entry content included, and every date
comes from the content, never from the clock: building twice gives the same
bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from hubgen import __version__
from hubgen.content.models import Document
from hubgen.library import Library
from hubgen.plan.routes import Route
from hubgen.plan.urls import Urls

_URL_ATTRIBUTE = re.compile(r"""(\s(?:href|src|poster)=)(["'])(.*?)\2""", re.IGNORECASE)
# A feed with no entries still needs a date; this one is fixed, never the clock's.
EMPTY_FEED_DATE = datetime(1970, 1, 1, tzinfo=UTC)


ATOM_NS = "http://www.w3.org/2005/Atom"


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
    def absolute(match: re.Match[str]) -> str:
        link = match[3]
        if link.startswith(("mailto:", "tel:", "data:")):
            return match[0]
        return f"{match[1]}{match[2]}{urls.absolute_from(page_url, link)}{match[2]}"
    return _URL_ATTRIBUTE.sub(absolute, html)


def _entry_content(document: Document, page_url: str, urls: Urls, full: bool) -> str:
    html = document.html if full else (document.summary_html or f"<p>{document.summary}</p>")
    return absolutize_links(html, page_url, urls)


def render_feed(route: Route, library: Library, urls: Urls) -> bytes:
    """One RSS or Atom feed of the documents the route lists, newest first."""
    config = library.config
    documents: tuple[Document, ...] = route.context["documents"]
    html_url = urls.absolute(route.context["html_path"])
    self_url = urls.absolute(route.path)

    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.register_extension("hubgen_updated", BaseExtension, _UpdatedEntry, atom=False, rss=True)
    feed.id(html_url)
    feed.title(route.title)
    feed.subtitle(config.description or config.title)
    # feedgen takes the RSS <link> from the last link given: the page, not the feed.
    feed.link(href=self_url, rel="self")
    feed.link(href=html_url, rel="alternate")
    feed.language(config.language)
    feed.generator("hubgen", __version__, "https://pypi.org/project/hubgen/")
    if config.author.name:
        author = {"name": config.author.name}
        if config.author.email:
            author["email"] = config.author.email
        feed.author(author)
    feed.updated(route.lastmod or EMPTY_FEED_DATE)

    for document in documents:
        url = urls.absolute(urls.document(document))
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(document.title)
        entry.link(href=url)
        entry.published(document.date)
        entry.updated(document.lastmod)
        entry.hubgen_updated.updated = document.lastmod
        author = document.author
        name = author.name if author else (config.author.name or config.title)
        email = author.email if author else ""
        entry.author({"name": name, **({"email": email} if email else {})})
        if not email:
            entry.dc.dc_creator(name)
        for tag in library.tags_of(document):
            entry.category(term=tag.name, label=tag.name,
                           scheme=urls.absolute(urls.tag(tag.slug)))
        entry.summary(document.description or document.summary)
        if config.feeds.full_content or route.feed_format == "atom":
            content = _entry_content(document, url, urls, config.feeds.full_content)
            entry.content(content, type="CDATA" if route.feed_format == "rss" else "html")

    if route.feed_format == "rss":
        return feed.rss_str(pretty=True)
    return feed.atom_str(pretty=True)
