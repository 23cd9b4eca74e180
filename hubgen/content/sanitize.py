"""Community text: a small Markdown subset, autolinked, then sanitized with nh3.

Thread messages (and anything imported from a platform) are untrusted. They
are rendered from paragraphs, line breaks, emphasis, struck words, code, quotes,
lists and links only; raw HTML is shown as text; bare URLs, @mentions and #hashtags
become links; then nh3 keeps a strict allowlist: no script, style, iframe,
form, event handler, or URL other than http, https and mailto survives.
"""

from __future__ import annotations

import html as html_module
import re
import threading
from typing import TYPE_CHECKING
from urllib.parse import quote

import nh3

from hubgen.content.html_links import split_address
from hubgen.content.markdown import converted
from hubgen.content.people import same_platform

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
                "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

def _attribute(tag: str, name: str, value: str) -> str | None:
    """An allowed attribute's value as kept: a list's `start` is a number (a list from 2
    shows 2), or goes."""
    if tag == "ol" and name == "start":
        return value.strip() if re.fullmatch(r"\s*[0-9]{1,9}\s*", value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES,
    link_rel=LINK_REL, strip_comments=True, attribute_filter=_attribute,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                        "noscript", "textarea", "title", "svg", "math"},
    allowed_classes={"a": {"mention", "hashtag"}},
    # A code block scrolls sideways: in the tab order, a keyboard can scroll it (as the
    # highlighted blocks of posts). Set on every <pre>, whatever the text asked for.
    set_tag_attribute_values={"pre": {"tabindex": "0"}},
)

# A bare URL: it may hold balanced parentheses (https://en.wikipedia.org/wiki/Cold_brew_(coffee));
# the ')' of words around it ("(see https://…)") and a closing '.' or ',' stay outside.
_URL_CHAR = r"[^\s<>\"'`()]"
BARE_URL = (rf"https?://(?:{_URL_CHAR}|\({_URL_CHAR}*\))*"
            rf"(?:[^\s<>\"'`.,;:!?()\]}}]|\({_URL_CHAR}*\))")
MENTION = r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
HASHTAG = r"(?<![\w&#/])#([^\W\d_][\w]*|\d+[^\W\d][\w]*)"


_SITE_LINK = re.compile(r'href="/(?!/)')


def _host_of(url: str) -> str:
    parts = split_address(url) if url.startswith(("http://", "https://")) else None
    return parts.netloc if parts else ""


def mention_url(handle: str, platform: str, source_url: str = "") -> str:
    """Where an @mention leads on its platform ('' when the platform has no profile URL);
    `platform` may be a thread's or a people.yaml handle's name for it ('x' is 'twitter')."""
    platform = same_platform(platform)
    handle = handle.lstrip("@").rstrip(".")
    if "@" in handle:  # user@instance: a fediverse account
        user, host = handle.split("@", 1)
        return f"https://{host}/@{quote(user)}"
    if platform == "mastodon":
        host = _host_of(source_url)
        return f"https://{host}/@{quote(handle)}" if host else ""
    if platform == "twitter":
        return f"https://x.com/{quote(handle)}"
    if platform == "bluesky":
        return f"https://bsky.app/profile/{quote(handle)}"
    if platform == "reddit":
        return f"https://www.reddit.com/user/{quote(handle)}"
    if platform == "hackernews":
        return f"https://news.ycombinator.com/user?id={quote(handle)}"
    if platform in ("discourse", "forum"):
        host = _host_of(source_url)
        return f"https://{host}/u/{quote(handle)}" if host else ""
    return ""


def hashtag_url(tag: str, platform: str, source_url: str = "") -> str:
    """Where a #hashtag search leads on its platform ('' when it has none)."""
    platform = same_platform(platform)
    tag = tag.lstrip("#")
    if platform == "twitter":
        return f"https://x.com/hashtag/{quote(tag)}"
    if platform == "mastodon":
        host = _host_of(source_url)
        return f"https://{host}/tags/{quote(tag)}" if host else ""
    if platform == "bluesky":
        return f"https://bsky.app/hashtag/{quote(tag)}"
    if platform in ("discourse", "forum"):
        host = _host_of(source_url)
        return f"https://{host}/tag/{quote(tag.lower())}" if host else ""
    return ""


class Community:
    """Renders untrusted community text for one platform. Safe to share between threads."""

    def __init__(self, base_path: str = "/") -> None:
        self.base_path = base_path
        self.platform = ""
        self.source_url = ""
        self._local = threading.local()

    def _markdown(self) -> markdown.Markdown:
        md = getattr(self._local, "md", None)
        if md is None:
            # Loaded here: a build that reads no thread never loads Markdown.
            import markdown

            from hubgen.content.community_markdown import CommunitySubset
            from hubgen.content.highlight import nested_fences, plain_fence_html
            from hubgen.content.inline_filter import FilteredInlineExtension
            md = markdown.Markdown(
                extensions=["nl2br", "sane_lists", "fenced_code",
                            nested_fences(plain_fence_html),
                            # ~~struck~~ words; a single ~ is left as written.
                            "pymdownx.tilde", CommunitySubset(self),
                            FilteredInlineExtension()],
                extension_configs={"pymdownx.tilde": {"subscript": False}})
            self._local.md = md
        return md

    def render(self, text: str, platform: str = "", source_url: str = "") -> str:
        """Markdown subset → HTML → nh3. The result is safe to put in any page or feed."""
        self.platform, self.source_url = platform, source_url
        md = self._markdown()
        md.reset()
        html = sanitize_html(converted(md, text))
        if self.base_path != "/":
            # A site-relative link in a message keeps the site's subpath, as in posts.
            html = _SITE_LINK.sub(f'href="{self.base_path}', html)
        return html


# Characters XML 1.0 cannot hold: a message carrying one (even as &#1;) must not break
# a feed or a calendar file.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Drop the characters that XML 1.0 forbids."""
    return NOT_XML.sub("", text)


def sanitize_html(html: str) -> str:
    """Keep only the community allowlist of an HTML fragment."""
    return xml_safe(_CLEANER.clean(xml_safe(html)))


def plain_line(text: str) -> str:
    """A platform's plain-text field (a name, a title) on one line, kept as written: runs
    of whitespace become one space and what XML forbids goes; '<' and '&' are characters
    like any other. The result is text, not HTML: whoever puts it in markup must escape it.
    """
    return xml_safe(" ".join(text.split()))


def plain(text: str) -> str:
    """Untrusted text reduced to plain characters (for names, handles and JSON-LD).

    The result is text, not HTML: whoever puts it in markup must escape it.
    """
    return xml_safe(html_module.unescape(" ".join(nh3.clean(text, tags=set()).split())))
