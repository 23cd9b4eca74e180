"""hubgen's own Python-Markdown extension: embed shortcodes and base-path links.

Loaded with the Markdown engine, only when a body is converted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from hubgen.content.html_links import rewrite_links, rewrite_srcset
from hubgen.content.markdown import EMBED, embed_placeholder, embedded_message, with_base_path

_URL_ATTRIBUTES = {"a": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
                   "video": ("src", "poster"), "audio": ("src",), "link": ("href",)}


class _EmbedShortcodes(Preprocessor):
    """Replaces embed lines with a placeholder the renderer fills with a card."""

    def run(self, lines: list[str]) -> list[str]:
        result = []
        for line in lines:
            match = EMBED.match(line)
            if match is None:
                result.append(line)
                continue
            html = embed_placeholder(match["slug"], embedded_message(match))
            result += ["", self.md.htmlStash.store(html), ""]
        return result


class _BasePathLinks(Treeprocessor):
    """Rewrites root-relative URLs in the tree and in raw HTML blocks."""

    def __init__(self, md: markdown.Markdown, base_path: str):
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: ET.Element) -> None:
        if self.base_path == "/":
            return
        for element in root.iter():
            for attribute in _URL_ATTRIBUTES.get(element.tag, ()):
                value = element.get(attribute)
                if value:
                    element.set(attribute, rewrite_srcset(value, self._with_base_path)
                                if attribute == "srcset" else self._with_base_path(value))
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str):
                stash[index] = rewrite_links(block, self._with_base_path)

    def _with_base_path(self, url: str) -> str:
        return with_base_path(url, self.base_path)


class _QuietAnchors(Treeprocessor):
    """A heading's '#' permalink is for the eye and the mouse: hidden from screen readers
    and from the tab order (as GitHub does), or every heading is read as "Title, #"."""

    def run(self, root: ET.Element) -> None:
        for anchor in root.iter("a"):
            if anchor.get("class") == "heading-anchor":
                anchor.set("aria-hidden", "true")
                anchor.set("tabindex", "-1")


class _ScrollersInTabOrder(Treeprocessor):
    """A table or code block wider than the page scrolls sideways (the theme makes each a
    scrolling box): in the tab order, a keyboard can scroll it too, in Safari as elsewhere.
    (Highlighted code is Pygments' HTML, stashed: its formatter sets the same.)"""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in ("table", "pre"):
                element.set("tabindex", "0")


class BasePathExtension(Extension):
    """Embed shortcodes become placeholders; root-relative links get the base path."""

    def __init__(self, base_path: str):
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Low priority: run after every other tree processor made its links.
        md.treeprocessors.register(_BasePathLinks(md, self.base_path), "hubgen-base-path", 1)
        md.treeprocessors.register(_QuietAnchors(md), "hubgen-quiet-anchors", 2)
        md.treeprocessors.register(_ScrollersInTabOrder(md), "hubgen-scrollers", 3)
        # After fenced code (25) is stashed, so examples in code blocks stay text.
        md.preprocessors.register(_EmbedShortcodes(md), "hubgen-embeds", 15)
