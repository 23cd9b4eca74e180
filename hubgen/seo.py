"""What search engines and social sites read: meta tags, JSON-LD, sitemap.xml, robots.txt."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as html_escape
from typing import Any

from hubgen.content.models import Author, Document, Person, Thread
from hubgen.content.sanitize import plain
from hubgen.content.words import Words, english_words, fill
from hubgen.conversations import Conversation, MessageNode, Participant
from hubgen.library import Library, Tag
from hubgen.plan.planner import (
    FEED_FILES,
    tag_feed_title,
    thread_feed_title,
    threads_feed_title,
)
from hubgen.plan.routes import Route, SitePlan
from hubgen.plan.urls import Urls


@dataclass(frozen=True)
class FeedLink:
    """A feed offered for autodiscovery."""

    title: str
    type: str
    url: str


@dataclass(frozen=True)
class PageMeta:
    """Everything a page's <head> says about it."""

    title: str                  # the full <title>
    page_title: str             # the heading of the page alone
    description: str
    canonical: str
    og_type: str
    image: str = ""
    image_alt: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    author: Author | None = None
    tags: tuple[Tag, ...] = ()
    jsonld: dict[str, Any] = field(default_factory=dict)
    feeds: tuple[FeedLink, ...] = ()
    noindex: bool = False


FEED_TYPES = {"rss": ("RSS", "application/rss+xml"), "atom": ("Atom", "application/atom+xml")}


def feed_links(library: Library, urls: Urls, route: Route) -> tuple[FeedLink, ...]:
    """The site's feeds, after a page's own: a tag's on its pages, a thread's on its page,
    the conversations' on their index."""
    config = library.config
    tag = route.context.get("tag")
    thread = route.context.get("thread")
    own: tuple[str, str] | None = None   # (title, folder)
    if isinstance(tag, Tag):
        own = (tag_feed_title(config, tag.name), urls.tag(tag.slug))
    elif isinstance(thread, Thread) and route.template == "thread.html":
        own = (thread_feed_title(config, thread.title), urls.thread(thread))
    elif route.template == "threads.html":
        own = (threads_feed_title(config, library.words), urls.index("thread"))
    links = []
    for fmt in config.feeds.formats:
        label, mime = FEED_TYPES[fmt]
        name = FEED_FILES[fmt]
        if own is not None:
            links.append(FeedLink(f"{own[0]} ({label})", mime, urls.url(own[1] + name)))
        links.append(FeedLink(f"{config.title} ({label})", mime, urls.url("/" + name)))
    return tuple(links)


def _person_ld(author: Author | None, urls: Urls) -> dict[str, Any] | None:
    if author is None:
        return None
    data: dict[str, Any] = {"@type": "Person", "name": author.name}
    if author.url:
        data["url"] = urls.absolute(author.url)
    return data


def _publisher_ld(library: Library, urls: Urls) -> dict[str, Any]:
    config = library.config
    return {"@type": "Organization", "name": config.brand.name or config.title,
            "url": urls.absolute("/")}


def document_jsonld(document: Document, library: Library, urls: Urls,
                    canonical: str) -> dict[str, Any]:
    """BlogPosting for a post, WebPage for a page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting" if document.kind == "post" else "WebPage",
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "headline" if document.kind == "post" else "name": document.title,
        "description": document.description or document.summary,
        "inLanguage": library.config.language,
        "publisher": _publisher_ld(library, urls),
    }
    if document.date:
        data["datePublished"] = document.date.isoformat()
    if document.lastmod:
        data["dateModified"] = document.lastmod.isoformat()
    author = _person_ld(document.author, urls)
    if author:
        data["author"] = author
    if document.image:
        data["image"] = urls.absolute(urls.image(document))
    if document.tags:
        data["keywords"] = list(document.tags)
    if document.kind == "post":
        data["wordCount"] = document.word_count
    return data


def _participant_ld(participant: Participant, library: Library, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": participant.name}
    person = participant.person
    if person is not None and not person.withdrawn:
        data["url"] = urls.absolute(urls.person(person))
    elif participant.url:
        data["url"] = urls.absolute(participant.url)
    return data


def _comments_ld(nodes: tuple[MessageNode, ...], page_url: str, library: Library,
                 urls: Urls) -> list[dict[str, Any]]:
    """Visible messages as nested Comments; a removed message's replies move up a level."""
    comments: list[dict[str, Any]] = []
    for node in nodes:
        replies = _comments_ld(node.children, page_url, library, urls)
        if not node.visible:
            comments += replies
            continue
        message = node.message
        comment: dict[str, Any] = {
            "@type": "Comment", "author": _participant_ld(node.speaker, library, urls),
            "text": plain(message.html), "url": f"{page_url}#{node.anchor}",
        }
        if message.date:
            comment["datePublished"] = message.date.isoformat()
        if message.edited:
            comment["dateModified"] = message.edited.isoformat()
        if message.url:
            comment["sameAs"] = urls.absolute(message.url)
        if replies:
            comment["comment"] = replies
        comments.append(comment)
    return comments


def _opening_post(conversation: Conversation) -> MessageNode | None:
    """The message that is the posting itself: a thread's one first post, shown, when the
    curator wrote no summary and no moderator hosts it (or the moderator wrote it). A chat
    of many first posts (a tweetchat's questions) is the curator's posting."""
    if conversation.thread.summary or len(conversation.roots) != 1:
        return None
    first = conversation.roots[0]
    if not first.visible or (conversation.moderator is not None
                             and first.speaker != conversation.moderator):
        return None
    return first


def thread_jsonld(thread: Thread, conversation: Conversation, library: Library, urls: Urls,
                  canonical: str) -> dict[str, Any]:
    """DiscussionForumPosting with the replies nested as Comments (Google's forum guidance).

    The posting is the thread's opening post when it shows one (its words, its author),
    and its replies are the comments; otherwise the posting is the curator's (the summary,
    by the moderator or the brand) and every message shown is a comment. A reply never
    stands in for an opening post taken down."""
    opening = _opening_post(conversation)
    author = conversation.moderator or (opening.speaker if opening else None)
    replies = opening.children if opening else conversation.roots
    comments = _comments_ld(replies, canonical, library, urls)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "DiscussionForumPosting",
        "mainEntityOfPage": canonical, "url": canonical, "headline": thread.title,
        "text": plain(opening.message.html) if opening else (thread.summary or thread.title),
        "inLanguage": library.config.language,
        "interactionStatistic": {"@type": "InteractionCounter",
                                 "interactionType": "https://schema.org/CommentAction",
                                 "userInteractionCount":
                                     conversation.message_count - (1 if opening else 0)},
    }
    data["author"] = _participant_ld(author, library, urls) if author is not None else \
        _publisher_ld(library, urls)
    if thread.date:
        data["datePublished"] = thread.date.isoformat()
    if thread.lastmod:
        data["dateModified"] = thread.lastmod.isoformat()
    same_as = list(dict.fromkeys(urls.absolute(url) for url in (
        thread.source_url, opening.message.url if opening else "") if url))
    if same_as:
        data["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    if thread.tags:
        data["keywords"] = list(thread.tags)
    if comments:
        data["comment"] = comments
    return data


def page_meta(route: Route, library: Library, urls: Urls) -> PageMeta:
    """The <head> facts of one HTML route."""
    config = library.config
    canonical = urls.absolute(route.path)
    feeds = feed_links(library, urls, route)
    document = route.context.get("document")
    if isinstance(document, Document):
        return PageMeta(
            title=f"{document.title} · {config.title}", page_title=document.title,
            description=document.description or document.summary or config.description,
            canonical=canonical, og_type="article" if document.kind == "post" else "website",
            image=urls.absolute(urls.image(document)) if document.image else "",
            image_alt=document.image_alt, published=document.date, modified=document.lastmod,
            author=document.author, tags=tuple(library.tags_of(document)),
            jsonld=document_jsonld(document, library, urls, canonical), feeds=feeds)
    thread = route.context.get("thread")
    if isinstance(thread, Thread):
        conversation = library.conversation(thread)
        return PageMeta(
            title=f"{thread.title} · {config.title}", page_title=thread.title,
            description=thread.summary or config.description, canonical=canonical,
            og_type="article", published=thread.date, modified=thread.lastmod,
            tags=tuple(library.tags_of(thread)),
            jsonld=thread_jsonld(thread, conversation, library, urls, canonical), feeds=feeds)
    words = library.words
    pager = route.context.get("pager")

    def paged(title: str) -> str:
        return words("title_page_of", title=title, number=pager.number, total=pager.total) \
            if pager and pager.number > 1 else title

    person = route.context.get("person")
    if isinstance(person, Person):
        description = person.bio or words("person_description", name=person.name,
                                                         site=config.title)
        jsonld = {"@context": "https://schema.org", "@type": "ProfilePage", "url": canonical,
                  "mainEntity": {"@type": "Person", "name": person.name,
                                 **({"sameAs": urls.absolute(person.url)} if person.url else {}),
                                 **({"description": person.bio} if person.bio else {})}}
        return PageMeta(title=f"{paged(person.name)} · {config.title}",
                        page_title=person.name, description=description, canonical=canonical,
                        og_type="profile", jsonld=jsonld, feeds=feeds)
    if route.template == "index.html":
        jsonld = {"@context": "https://schema.org", "@type": "WebSite", "name": config.title,
                  "url": urls.absolute("/"), "description": config.description,
                  "inLanguage": config.language, "publisher": _publisher_ld(library, urls)}
        return PageMeta(title=paged(config.title), page_title=config.title,
                        description=config.description, canonical=canonical, og_type="website",
                        jsonld=jsonld, feeds=feeds)
    tag = route.context.get("tag")
    if isinstance(tag, Tag):
        description = words("tag_description", tag=tag.name, site=config.title)
    elif route.template == "404.html":
        description = words("not_found_description", site=config.title)
    else:
        description = config.description
    page_title = route.title or config.title
    not_found = route.template == "404.html"
    # The 404 page is served at whatever address was not found: it has no address of its
    # own to name as canonical, to share or to describe.
    canonical = "" if not_found else canonical
    jsonld = {"@context": "https://schema.org",
              "@type": "WebPage" if not_found else "CollectionPage",
              "name": page_title, **({"url": canonical} if canonical else {}),
              "description": description,
              "isPartOf": {"@type": "WebSite", "name": config.title,
                           "url": urls.absolute("/")}}
    return PageMeta(title=f"{paged(page_title)} · {config.title}", page_title=page_title,
                    description=description, canonical=canonical, og_type="website",
                    jsonld=jsonld, feeds=feeds, noindex=not_found)


def script_safe_json(data: Any) -> str:
    """JSON for a <script> block: '<', '>' and '&' escaped so no text can close the tag."""
    # On one line: without `indent`, json runs its C encoder, several times faster, and
    # every page of a big hub carries a block.
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_sitemap(plan: SitePlan, urls: Urls) -> bytes:
    """sitemap.xml: every public page with its last modification date."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for route in plan.sitemap_routes:
        lines.append("  <url>")
        lines.append(f"    <loc>{html_escape(urls.absolute(route.path), quote=False)}</loc>")
        if route.lastmod is not None:
            lines.append(f"    <lastmod>{route.lastmod.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_redirect(route: Route, urls: Urls, language: str, words: Words | None = None
                    ) -> bytes:
    """An old address (an alias) that sends readers and search engines to the new one."""
    target = html_escape(urls.url(route.context["target"]))
    canonical = html_escape(urls.absolute(route.context["target"]))
    title = html_escape(route.title)
    language = html_escape(language)
    moved = fill(html_escape((words or english_words()).form("page_moved")),
                 {"link": f'<a href="{target}">{title}</a>'})
    return (f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n"
            f'<link rel="canonical" href="{canonical}">\n'
            f'<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={target}">\n</head>\n<body>\n'
            f"<p>{moved}</p>\n"
            f"</body>\n</html>\n").encode()


def render_robots(urls: Urls) -> bytes:
    """robots.txt: everything allowed, and where the sitemap is."""
    return (f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('/sitemap.xml')}\n"
            ).encode()
