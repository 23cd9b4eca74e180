"""Reddit: a comment page's JSON (the thread's URL with `.json`).

Accepted export: `[Listing(t3), Listing(t1…)]`, the post first, then its comment tree, where
a comment's `replies` is another Listing or `""` when it has none. `more` stubs ("load more
comments", "continue this thread") are counted and reported; `[deleted]` and `[removed]`
authors and bodies are kept as Reddit shows them. `body_html` and `selftext_html` are
entity-escaped HTML (or plain HTML with `raw_json=1`); both are read. A post Reddit blurs
(`over_18`, `spoiler`) opens with a content warning.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from hubgen.content.sanitize import plain_line
from hubgen.errors import UsageError
from hubgen.importers.fetching import Fetcher
from hubgen.importers.html_markdown import (
    LinkContext,
    autolinks_alone,
    http_address,
    markdown_from_html,
)
from hubgen.importers.json_export import JsonValue, ShapeError
from hubgen.importers.markdown_subset import MarkedText, markdown_from_text
from hubgen.importers.models import (
    DELETED,
    Account,
    ImportedMessage,
    ImportedThread,
    ReadContext,
)

PLATFORM = "reddit"
EXPORT = "Reddit comment page"
EXPECTED = ("a comment page: a list of two Listings ([Listing of the t3 post, Listing of t1 "
            "comments])")
SITE = "https://www.reddit.com"
GONE = ("[deleted]", "[removed]")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# A post's flags Reddit shows it blurred behind, and the warning's words.
WARNINGS = {"over_18": "NSFW", "spoiler": "spoiler"}
_THREAD_PATH = re.compile(r"^(/r/[^/]+)?/comments/([a-z0-9]+)(/[^/]*)?", re.IGNORECASE)


def looks_like(data: Any) -> bool:
    """True when `data` has the shape of a Reddit comment page."""
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return False
    first = data[0]
    children = first.get("data", {}).get("children") if isinstance(first.get("data"), dict) \
        else None
    return first.get("kind") == "Listing" and isinstance(children, list) and \
        bool(children) and isinstance(children[0], dict) and children[0].get("kind") == "t3"


def _listing(node: JsonValue) -> list[JsonValue]:
    if not node.is_object():
        raise node.fail("a Listing object")
    kind = node.at("kind")
    if kind.value != "Listing":
        raise kind.fail('"Listing"')
    return node.object("data").items("children")


def _kind(thing: JsonValue, allowed: tuple[str, ...]) -> str:
    kind = thing.at("kind")
    if kind.value not in allowed:
        raise kind.fail(" or ".join(f'"{k}"' for k in allowed))
    return str(kind.value)


def _author(data: JsonValue) -> Account:
    name = data.text("author")
    if name in GONE or not name.strip():
        return Account(PLATFORM, "", name or DELETED)
    return Account(PLATFORM, f"u/{name}", f"u/{name}", f"{SITE}/user/{quote(name)}/")


def _html_body(data: JsonValue, html_key: str, text_key: str, links: LinkContext) -> str:
    markup = data.text(html_key, required=False)
    if markup:
        if markup.lstrip().startswith("&lt;"):
            markup = html.unescape(markup)
        return markdown_from_html(markup, links)
    return markdown_from_text(html.unescape(data.text(text_key, required=False)))


def _edited(data: JsonValue) -> datetime | None:
    """When a post or comment was last edited: Reddit's `edited` is false, or seconds."""
    value = data.raw("edited")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return data.epoch("edited")


class _Reader:
    def __init__(self, post_url: str, links: LinkContext):
        self.post_url = post_url
        self.links = links
        self.messages: list[ImportedMessage] = []
        self.stubs = 0
        self.hidden = 0
        self.gone = 0

    def comments(self, listing: JsonValue, parent: str) -> None:
        """Read a Listing of comments and their replies, depth first; count the stubs."""
        for thing in _listing(listing):
            if _kind(thing, ("t1", "more")) == "more":
                more = thing.object("data")
                count = more.raw("count")
                children = more.raw("children")
                self.stubs += 1
                self.hidden += max(count if isinstance(count, int) else 0,
                                   len(children) if isinstance(children, list) else 0)
                continue
            data = thing.object("data")
            identifier = data.identifier("id")
            permalink = data.text("permalink", required=False)
            url = f"{SITE}{permalink}" if permalink.startswith("/") else \
                f"{self.post_url}{quote(identifier)}/"
            author = _author(data)
            text = _html_body(data, "body_html", "body", self.links)
            if author.anonymous or text in GONE:
                self.gone += 1
            self.messages.append(ImportedMessage(
                id=identifier, author=author, date=data.epoch("created_utc"), text=text,
                url=http_address(url), reply_to=parent, edited=_edited(data)))
            replies = data.get("replies")
            if replies is not None and replies.value != "":
                self.comments(replies, identifier)


def _post_link(post: JsonValue) -> str:
    """The address a link post leads to: a crosspost's is Reddit's own path
    (`/r/espresso/comments/…`), read against https://www.reddit.com."""
    url = post.raw("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        url = SITE + url
    link = http_address(url)
    if not link:
        for parent in post.items("crosspost_parent_list", required=False)[:1]:
            permalink = parent.raw("permalink")
            if isinstance(permalink, str) and permalink.startswith("/"):
                link = http_address(SITE + permalink)
    return link


def _crosspost_label(post: JsonValue) -> str:
    """'crossposted from r/espresso: Original title', or '' for a post of its own."""
    for parent in post.items("crosspost_parent_list", required=False)[:1]:
        place = parent.raw("subreddit_name_prefixed")
        title = parent.raw("title")
        words = [text for text in (place if isinstance(place, str) else "",
                                   plain_line(html.unescape(title))
                                   if isinstance(title, str) else "") if text]
        return f"crossposted from {': '.join(words)}" if words else "crossposted"
    return ""


def _warnings(post: JsonValue) -> list[str]:
    """The words of the warnings Reddit shows the post behind ('NSFW', 'spoiler')."""
    return [words for flag, words in WARNINGS.items() if post.raw(flag) is True]


def _post_text(post: JsonValue, title: str, links: LinkContext) -> str:
    marked = MarkedText()
    warnings = _warnings(post)
    # Reddit blurs the body of a post marked NSFW or spoiler (not its title): so does the
    # thread page, by opening with the warning as a Mastodon content warning does.
    blocks = [marked.finish(marked.emphasis(marked.text(f"CW: {', '.join(warnings)}"), 2))] \
        if warnings else []
    link = _post_link(post)
    crosspost = _crosspost_label(post)
    if link and post.raw("is_self") is not True:
        is_image = post.raw("post_hint") == "image" or \
            urlsplit(link).path.lower().endswith(IMAGE_SUFFIXES)
        if crosspost:
            blocks.append(marked.finish(marked.link(marked.text(crosspost), link)))
        elif is_image:
            blocks.append(marked.finish(marked.link(marked.text(f"image: {title}"), link)))
        elif autolinks_alone(link):
            blocks.append(marked.finish(marked.keep(link)))
        else:
            blocks.append(marked.finish(marked.link(marked.text(link.split("://")[-1]), link)))
    body = _html_body(post, "selftext_html", "selftext", links)
    if body:
        blocks.append(body)
    return "\n\n".join(blocks)


def read(export: JsonValue, context: ReadContext) -> ImportedThread:
    """Read a comment page; raises ShapeError at the first value it cannot use."""
    if not export.is_list() or len(export.value) < 2:
        raise export.fail(EXPECTED)
    posts = _listing(export.at(0))
    if not posts:
        raise ShapeError(f"{export.path}[0].data.children", "a list holding the t3 post", [])
    _kind(posts[0], ("t3",))
    post = posts[0].object("data")
    identifier = post.identifier("id")
    permalink = post.text("permalink")
    post_url = http_address(f"{SITE}{permalink}" if permalink.startswith("/") else permalink)
    if not post_url:
        raise post.at("permalink").fail("the post's path (/r/SUB/comments/ID/…)")
    if not post_url.endswith("/"):
        post_url += "/"
    links = LinkContext(PLATFORM, post_url, SITE + "/")
    title = plain_line(html.unescape(post.text("title")))   # the API escapes & < >
    root = ImportedMessage(id=identifier, author=_author(post), date=post.epoch("created_utc"),
                           text=_post_text(post, title, links), url=post_url,
                           edited=_edited(post))
    reader = _Reader(post_url, links)
    reader.messages.append(root)
    reader.comments(export.at(1), identifier)
    notes = []
    if reader.stubs:
        notes.append(f"{reader.stubs} 'more comments' stub{'' if reader.stubs == 1 else 's'} "
                     f"stand{'s' if reader.stubs == 1 else ''} for {reader.hidden} comment"
                     f"{'' if reader.hidden == 1 else 's'} that Reddit left out of this "
                     "export")
    if _warnings(post):
        notes.append(f"the post is marked {' and '.join(_warnings(post))} on Reddit: it "
                     "opens with a content warning; check before publishing")
    if reader.gone:
        notes.append(f"{reader.gone} deleted or removed comment"
                     f"{'' if reader.gone == 1 else 's'} kept as Reddit shows "
                     f"{'it' if reader.gone == 1 else 'them'}")
    return ImportedThread(PLATFORM, f"t3_{identifier}", post_url,
                          title or f"Reddit thread {identifier}", tuple(reader.messages),
                          fallback_parent=identifier, notes=tuple(notes))


def fetch(url: str, fetcher: Fetcher) -> Any:
    """GET the comment page's JSON: the thread's address with `.json`."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    match = _THREAD_PATH.match(parts.path)
    if parts.scheme != "https" or not (host == "reddit.com" or host.endswith(".reddit.com")
                                       or host == "redd.it"):
        match = None
    if host == "redd.it" and re.fullmatch(r"/[a-z0-9]+/?", parts.path, re.IGNORECASE):
        return fetcher.get_json(SITE, f"/comments/{parts.path.strip('/')}.json?limit=500")
    if not match:
        raise UsageError(f"not a Reddit thread address: {url!r} (expected "
                         "https://www.reddit.com/r/SUB/comments/ID/…)")
    path = f"{match.group(1) or ''}/comments/{match.group(2)}{(match.group(3) or '').rstrip('/')}"
    return fetcher.get_json(SITE, f"{path}.json?limit=500")
