"""Rewriting the links of an HTML fragment without touching anything else in it.

The fragment is read by an HTML tokenizer, not searched with a pattern: a pattern
finds `src='` inside an attribute's text or a message's words as readily as in a
tag, and a rewritten value could then end an attribute or a tag early, turning a
community member's text into markup. Here only the start tags that carry a link
are written anew, each value escaped; every other byte is copied as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

# The attributes that hold a link a reader follows or loads.
LINK_ATTRIBUTES = frozenset({"href", "src", "poster"})
_MARKED_SECTIONS = ("cdata[", "temp", "ignore", "include", "rcdata")


class _LinkRewriter(HTMLParser):
    def __init__(self, rewrite: Callable[[str], str]):
        super().__init__(convert_charrefs=False)
        self.rewrite = rewrite
        self.parts: list[str] = []

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        if not any(name in LINK_ATTRIBUTES and value for name, value in attrs):
            self.parts.append(raw)
            return
        written = [tag]
        for name, value in attrs:
            if value is None:
                written.append(name)
                continue
            if name in LINK_ATTRIBUTES and value:
                value = self.rewrite(value)
            written.append(f'{name}="{escape(value, quote=True)}"')
        self.parts.append("<" + " ".join(written) + ("/>" if raw.endswith("/>") else ">"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.parts.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        # A marked section (<![CDATA[...]]>) ends with two brackets, a conditional
        # comment's (<![if IE]>) with one.
        closing = "]]>" if data.lower().startswith(_MARKED_SECTIONS) else "]>"
        self.parts.append(f"<![{data}{closing}")


def rewrite_links(html: str, rewrite: Callable[[str], str]) -> str:
    """`html` with the value of every href, src and poster replaced by `rewrite(value)`
    (given the value unescaped; its answer is escaped)."""
    if not any(f"{name}=" in html.lower() for name in LINK_ATTRIBUTES):
        return html
    parser = _LinkRewriter(rewrite)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
