"""Platform HTML (Mastodon `content`, Reddit `body_html`, Discourse `cooked`, HN `text`) as
the thread Markdown subset, read with a real HTML parser (lxml).

Paragraphs, line breaks, emphasis, code, quotes, lists and links are kept; headings become
bold lines; tables become lines of cells; images become links (`[image: alt](URL)`), never
inline images; scripts, styles, frames and forms vanish with their content. An @mention or
a #hashtag is written as plain text when the hub's renderer links it to the same address
the platform did, and as an explicit link otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from hubgen.content.sanitize import BARE_URL, HASHTAG, MENTION, hashtag_url, mention_url, xml_safe
from hubgen.importers.markdown_subset import MarkedText, markdown_from_text

DROPPED = {"script", "style", "template", "iframe", "frame", "frameset", "object", "embed",
           "noscript", "textarea", "title", "svg", "math", "head", "select", "option",
           "button", "input", "form", "audio", "video", "source", "track", "canvas", "map",
           "meta", "link", "base", "param", "applet", "noembed", "noframes"}
CONTAINERS = {"p", "div", "section", "article", "aside", "header", "footer", "main", "nav",
              "figure", "figcaption", "details", "summary", "dl", "dt", "dd", "address",
              "center", "body", "html", "fieldset", "legend", "caption"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = CONTAINERS | HEADINGS | {"ul", "ol", "li", "blockquote", "pre", "table", "thead",
                                  "tbody", "tfoot", "tr", "hr"}
LINK_SCHEMES = ("http", "https", "mailto")
# Images that dress the text rather than say something: who is quoted (Discourse's avatar
# in a quote's title), a linked site's icon and preview picture.
DECORATIVE_IMAGES = {"avatar", "site-icon", "onebox-avatar", "onebox-avatar-inline",
                     "thumbnail"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
# Text hidden until the reader asks (Reddit's and Discourse's spoilers). The thread
# subset cannot hide text: it is marked as a spoiler instead.
SPOILER_CLASSES = {"md-spoiler-text", "spoiler", "spoiler-text"}
STRUCK = {"del", "s", "strike"}
# Superscript and subscript: as the characters Unicode has for them (mc², H₂O), else
# written ^(…) and _(…), never run into the text before them.
_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _same_address(first: str, second: str) -> bool:
    return bool(first) and first.lower().rstrip("/") == second.lower().rstrip("/")


@dataclass(frozen=True)
class LinkContext:
    """What links in one export need: where relative ones point, how the hub links handles."""

    platform: str
    source_url: str                 # the thread's URL: the renderer links handles from it
    base_url: str = ""              # relative links resolve against it
    mentions: Mapping[str, str] = field(default_factory=dict)   # profile URL → '@user@host'

    def absolute(self, href: str | None) -> str:
        """An http(s) or mailto URL, or '' for anything else (javascript:, data:, none)."""
        href = xml_safe((href or "").strip())
        if not href:
            return ""
        if href.startswith("//"):
            href = "https:" + href
        elif not urlsplit(href).scheme:
            if not self.base_url:
                return ""
            href = urljoin(self.base_url, href)
        parts = urlsplit(href)
        if parts.scheme.lower() not in LINK_SCHEMES:
            return ""
        if parts.scheme.lower() != "mailto" and not parts.netloc:
            return ""
        return href

    def plain_handle(self, href: str, label: str) -> str:
        """`label` as plain text when the hub's renderer links it to `href` too, else ''."""
        if label.startswith("@"):
            candidates = [self.mentions.get(href.lower().rstrip("/"), ""), label]
            for handle in candidates:
                if handle and re.fullmatch(MENTION, handle) and _same_address(
                        mention_url(handle, self.platform, self.source_url), href):
                    return handle
        elif label.startswith("#") and re.fullmatch(HASHTAG, label) and _same_address(
                hashtag_url(label, self.platform, self.source_url), href):
            return label
        return ""


def autolinks_alone(url: str, following: str = "") -> bool:
    """True when the renderer turns `url`, written bare before the text `following`, into
    a link to exactly `url`: not before `—then` or `.then`, where the link would run on."""
    if re.fullmatch(BARE_URL, url) is None:
        return False
    if following and not re.match(r"[\s.,;:!?)\]}'\"]", following):
        return False
    found = re.match(BARE_URL, url + re.match(r"\S*", following).group(0))
    return found is not None and found.group(0) == url


_LIST_LINE = re.compile(r"(?:- |[0-9]{1,9}\. )")


class _Converter:
    def __init__(self, links: LinkContext):
        self.links = links
        self.marked = MarkedText()

    # Blocks -----------------------------------------------------------------------------

    def blocks(self, element: etree._Element) -> list[str]:
        """The Markdown blocks of an element's content."""
        blocks: list[str] = []
        run: list[str] = []

        def flush() -> None:
            """End the paragraph gathered so far."""
            paragraph = self.marked.finish("".join(run))
            if paragraph.strip():
                blocks.append(paragraph)
            run.clear()

        if element.text:
            run.append(self.text(element.text))
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in BLOCKS:
                flush()
                blocks.extend(self.block(child, tag))
            elif tag and tag not in DROPPED:
                run.append(self.inline(child, tag))
            if child.tail:
                run.append(self.text(child.tail))
        flush()
        return blocks

    def block(self, element: etree._Element, tag: str) -> list[str]:
        """The Markdown blocks of one block element."""
        if _is_spoiler(element):
            inner = "\n\n".join(self.blocks(element))
            if not inner.strip():
                return []
            label = self.marked.finish(self.marked.emphasis(self.marked.text("spoiler:"), 2))
            return ["\n".join(f"> {line}" if line else ">"
                              for line in f"{label}\n\n{inner}".split("\n"))]
        if tag in HEADINGS:
            heading = self.marked.finish(self.marked.emphasis(self.inline_content(element), 2))
            return [heading] if heading.strip() else []
        if tag in ("ul", "ol"):
            listing = self.listing(element, ordered=tag == "ol")
            return [listing] if listing else []
        if tag == "li":
            listing = self.items([element], ordered=False, start=1)
            return [listing] if listing else []
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element))
            return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))] \
                if inner.strip() else []
        if tag == "pre":
            return [self.fenced(element)]
        if tag in ("table", "thead", "tbody", "tfoot"):
            return self.table(element)
        if tag == "tr":
            return self.table_rows([element])
        if tag == "hr":
            return []
        return self.blocks(element)

    def listing(self, element: etree._Element, ordered: bool) -> str:
        """A <ul> or <ol> as a Markdown list (an <ol> keeps its start number)."""
        start = 1
        if ordered:
            try:
                start = max(int(element.get("start", "1")), 0)
            except ValueError:
                start = 1
        items = [child for child in element
                 if isinstance(child.tag, str) and child.tag.lower() not in DROPPED]
        return self.items(items, ordered, start)

    def items(self, items: list[etree._Element], ordered: bool, start: int) -> str:
        """List items, one marker each; an item's further lines (a nested list) indented."""
        lines = []
        number = start
        for item in items:
            tag = item.tag.lower()
            if tag == "li":
                blocks = self.blocks(item)
            elif tag in BLOCKS:
                blocks = self.block(item, tag)
            else:
                blocks = [self.marked.finish(self.inline(item, tag))]
            # Paragraphs and quotes of one item stay apart (a blank line between them); a
            # nested list follows its line.
            content = "".join(
                ("\n" if _LIST_LINE.match(block) else "\n\n") + block if index else block
                for index, block in enumerate(blocks))
            if not content.strip():
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            first, *rest = content.split("\n")
            lines.append(marker + first + "".join(f"\n    {line}" if line else "\n"
                                                  for line in rest))
        # An item of more than one block ends with a blank line: the next one's marker
        # would be read as more of its quote or paragraph.
        return ("\n\n" if any("\n\n" in line for line in lines) else "\n").join(lines)

    def fenced(self, element: etree._Element) -> str:
        """A <pre> as a fenced code block, its text as it is."""
        code = xml_safe(element.text_content()).replace("\r\n", "\n").strip("\n")
        longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}\n{code}\n{fence}"

    def table(self, element: etree._Element) -> list[str]:
        """A table as lines of cells separated by |."""
        rows = [row for row in element.iter("tr")]
        return self.table_rows(rows)

    def table_rows(self, rows: list[etree._Element]) -> list[str]:
        """Table rows as one block of lines."""
        lines = []
        for row in rows:
            cells = [self.inline_content(cell) for cell in row
                     if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")]
            line = self.marked.finish(" | ".join(c.replace("\n", " ") for c in cells))
            if line.strip(" |"):
                lines.append(line)
        return ["\n".join(lines)] if lines else []

    # Inline -----------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """An HTML text node: its white space collapsed, to be escaped later."""
        return self.marked.text(_SPACES.sub(" ", value))

    def inline_content(self, element: etree._Element) -> str:
        """An element's content as one run of inline Markdown (blocks flattened)."""
        parts = [self.text(element.text)] if element.text else []
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag and tag not in DROPPED:
                parts.append(self.inline(child, tag))
                if tag in BLOCKS and tag not in ("li",):
                    parts.append(" ")
            if child.tail:
                parts.append(self.text(child.tail))
        return "".join(parts)

    def inline(self, element: etree._Element, tag: str) -> str:
        """One inline element as marked Markdown."""
        if tag == "br":
            return "\n"
        if tag == "img":
            return self.image(element, "")
        if tag == "a":
            return self.anchor(element)
        if tag in ("strong", "b"):
            return self.marked.emphasis(self.inline_content(element), 2)
        if tag in ("em", "i", "cite"):
            return self.marked.emphasis(self.inline_content(element), 1)
        if tag in ("code", "kbd", "samp", "tt"):
            return self.marked.code(xml_safe(_SPACES.sub(" ", element.text_content())))
        if _is_spoiler(element):
            content = self.inline_content(element)
            return self.marked.text("[spoiler: ") + content + self.marked.text("]") \
                if content.strip() else content
        if tag in STRUCK:
            return self.marked.struck(self.inline_content(element))
        if tag in ("sup", "sub"):
            return self.script(element, tag)
        return self.inline_content(element)

    def script(self, element: etree._Element, tag: str) -> str:
        """Superscript (mc², x^(n+1)) or subscript (H₂O), so that 2 never reads on."""
        words = " ".join(element.text_content().split())
        if not words:
            return ""
        table = _SUPERSCRIPT if tag == "sup" else _SUBSCRIPT
        written = words.translate(table)
        if all(char != original for char, original in zip(written, words, strict=True)):
            return self.marked.text(written)
        marker = "^" if tag == "sup" else "_"
        return self.marked.text(f"{marker}(") + self.inline_content(element).strip() + \
            self.marked.text(")")

    def image(self, image: etree._Element, href: str) -> str:
        """An image as a link to it (or to `href`); an emoji as its text."""
        alt = " ".join((image.get("alt") or image.get("title") or "").split())
        classes = set((image.get("class") or "").split())
        if "emoji" in classes:
            return self.text(alt)
        if classes & DECORATIVE_IMAGES:
            return ""
        target = href or self.links.absolute(image.get("src") or image.get("data-src"))
        label = f"image: {alt}" if alt else "image"
        if not target:
            return self.text(f"[{label}]")
        return self.marked.link(self.marked.text(label), target)

    def anchor(self, anchor: etree._Element) -> str:
        """A link: plain @handle or #tag, bare URL, or [label](URL), whichever renders true."""
        href = self.links.absolute(anchor.get("href"))
        images = [img for img in anchor.iter("img")
                  if not set((img.get("class") or "").split()) & (DECORATIVE_IMAGES | {"emoji"})]
        if images:
            return self.image(images[0], href)
        content = self.inline_content(anchor)
        if not href:
            return content
        label = " ".join(anchor.text_content().split())
        handle = self.links.plain_handle(href, label)
        if handle:
            return self.marked.keep(handle)
        shows_address = label in (href, href.split("://", 1)[-1]) or not label
        if shows_address:
            if autolinks_alone(href, anchor.tail or " "):
                return self.marked.keep(href)
            content = self.marked.text(href.split("://", 1)[-1])
        return self.marked.link(content, href)


def _is_spoiler(element: etree._Element) -> bool:
    return bool(set((element.get("class") or "").split()) & SPOILER_CLASSES)


def _fragment(markup: str) -> tuple[str, lxml_html.HtmlElement | None]:
    """The markup made XML-safe, and its parsed tree (None when empty or unparseable)."""
    markup = xml_safe(markup or "")
    if not markup.strip():
        return markup, None
    try:
        return markup, lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup, None


def markdown_from_html(markup: str, links: LinkContext) -> str:
    """Platform HTML as the thread Markdown subset."""
    markup, root = _fragment(markup)
    if root is None:
        return markdown_from_text(" ".join(markup.split())) if markup.strip() else ""
    return "\n\n".join(_Converter(links).blocks(root)).strip()


def plain_text_of_html(markup: str) -> str:
    """The words of an HTML fragment on one line (for titles)."""
    markup, root = _fragment(markup)
    if root is None:
        return " ".join(markup.split())
    for dropped in [el for el in root.iter() if isinstance(el.tag, str)
                    and el.tag.lower() in DROPPED]:
        dropped.drop_tree()
    for line_break in root.iter("br", "p", "li"):
        line_break.tail = " " + (line_break.tail or "")
    return " ".join(root.text_content().split())


def http_address(value: object) -> str:
    """`value` when it is an absolute http(s) URL, else '' (profile and post addresses)."""
    if not isinstance(value, str):
        return ""
    value = xml_safe(value.strip())
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or any(char.isspace() for char in value):
        return ""
    return value
