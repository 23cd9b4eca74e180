"""The Python-Markdown extension behind community text (see sanitize.py).

Loaded with the Markdown engine, only when a message is rendered.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import IMAGE_LINK_RE, InlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor

from hubgen.content.sanitize import BARE_URL, HASHTAG, MENTION, hashtag_url, mention_url

if TYPE_CHECKING:
    from hubgen.content.sanitize import Community

_AUTOLINK = re.compile(f"(?P<url>{BARE_URL})|(?P<mention>{MENTION})|(?P<hashtag>{HASHTAG})")
_NO_AUTOLINKS_IN = {"a", "code", "pre"}
_ESCAPED = re.compile(f"{markdown.util.STX}([0-9]+){markdown.util.ETX}")
_PLACEHOLDER = re.compile(markdown.util.INLINE_PLACEHOLDER % "([0-9]+)")


class _AutoLinks(Treeprocessor):
    """Bare URLs, @mentions and #hashtags become links, outside links and code only.

    It runs after the inline patterns, so the text of a Markdown link (`[@x](url)`) is
    never linked a second time.
    """

    def __init__(self, md: markdown.Markdown, community: Community):
        super().__init__(md)
        self.community = community

    def run(self, root: ET.Element) -> None:
        # A link within a link (an image's, in `[![alt](img)](url)`) is its text: a
        # browser would break the outer one in two, the first part empty.
        for link in root.iter("a"):
            for inner in link.iter("a"):
                if inner is not link:
                    inner.tag = "span"
                    inner.attrib.clear()
        self._walk(root)

    def _href(self, match: re.Match[str]) -> tuple[str, str]:
        platform, source = self.community.platform, self.community.source_url
        if match["url"]:
            return match["url"], ""
        if match["mention"]:
            return mention_url(match[0], platform, source), "mention"
        return hashtag_url(match[0], platform, source), "hashtag"

    def _split(self, text: str) -> tuple[str, list[ET.Element]]:
        """Text before the first link, and the links (each with the text after it as tail)."""
        head, links, last = text, [], 0
        for match in _AUTOLINK.finditer(text):
            href, kind = self._href(match)
            if not href:
                continue
            link = ET.Element("a", {"href": href})
            if kind:
                link.set("class", kind)
            link.text = match[0]
            if links:
                links[-1].tail = text[last:match.start()]
            else:
                head = text[:match.start()]
            links.append(link)
            last = match.end()
        if links:
            links[-1].tail = text[last:]
        return head, links

    def _walk(self, element: ET.Element) -> None:
        if element.tag in _NO_AUTOLINKS_IN:
            return
        children = list(element)
        if element.text:
            element.text, links = self._split(element.text)
            for offset, link in enumerate(links):
                element.insert(offset, link)
        for child in children:
            self._walk(child)
            if child.tail:
                child.tail, links = self._split(child.tail)
                position = list(element).index(child) + 1
                for offset, link in enumerate(links):
                    element.insert(position + offset, link)


class _BareUrlAsText(InlineProcessor):
    """A bare URL, kept as written text: ~~, * and _ in it strike or stress nothing (the
    autolinks below make it a link)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:
        # A backslash escape in it (`foo\_\_bar`) is a placeholder by now: the URL holds
        # the character it escaped, never the placeholder.
        stashed = self.md.treeprocessors["inline"].stashed_nodes

        def escaped(placeholder: re.Match[str]) -> str:
            node = stashed.get(placeholder[1])
            found = _ESCAPED.fullmatch(node) if isinstance(node, str) else None
            return chr(int(found[1])) if found else placeholder[0]

        return _PLACEHOLDER.sub(escaped, m.group(0)), m.start(0), m.end(0)


class _ImageAsLink(LinkInlineProcessor):
    """`![alt](url)`: a link to the image, named by its alt text (else its address).
    Community text shows no images: each would be fetched from anywhere by every reader."""

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[ET.Element | None, int | None, int | None]:
        link, start, end = super().handleMatch(m, data)
        if link is not None and not (link.text or "").strip() and not len(link):
            link.text = link.get("href", "")
        return link, start, end


class CommunitySubset(Extension):
    """The subset of Markdown community text may use, with autolinks."""

    def __init__(self, community: Community):
        super().__init__()
        self.community = community

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Raw HTML is shown as text, never passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        for name in ("hashheader", "setextheader", "hr", "code", "reference"):
            md.parser.blockprocessors.deregister(name)
        for name in ("image_link", "image_reference", "short_image_ref", "reference",
                     "short_reference"):
            md.inlinePatterns.deregister(name)
        md.inlinePatterns.register(_ImageAsLink(IMAGE_LINK_RE, md), "image-as-link", 150)
        # After links and <autolinks>, before emphasis and ~~struck~~ words.
        md.inlinePatterns.register(_BareUrlAsText(BARE_URL, md), "bare-url-as-text", 105)
        # After the inline patterns (20), before serialising (10).
        md.treeprocessors.register(_AutoLinks(md, self.community), "community-autolinks", 15)
