"""Writing the thread Markdown subset: platform text escaped, the importer's own markup kept.

A message is assembled as a "marked" string: characters of the platform's text as they
are, markup the importer adds as private sentinel characters, and pieces that must be
written untouched (code, link targets, handles) as placeholders. `finish` then escapes the
platform's characters with their whole context in view (a `](` split across two HTML
nodes, a `-` at the start of a line), turns sentinels into markup and puts the kept pieces
back. The result renders as the text the platform showed, and it holds no raw HTML: a
stray `<` is written as `&lt;`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hubgen.content.sanitize import BARE_URL, xml_safe

_STAR = "\ue000"          # a '*' of emphasis the importer writes
_LINK_OPEN = "\ue001"     # the '[' opening a link label
_LINK_CLOSE = "\ue002"    # the ']' closing it
_SENTINELS = {_STAR: "*", _LINK_OPEN: "[", _LINK_CLOSE: "]"}
_PLACEHOLDER_BASE = 0xF0000   # plane-15 private use: one character per kept piece
_PRIVATE = re.compile("[\ue000-\ue00f\U000f0000-\U000ffffd]")
_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_LINE_STARTS = (
    (re.compile(r"^([ \t]*)([-+])(?=[ \t]|$)", re.MULTILINE), r"\1\\\2"),    # list item
    (re.compile(r"^([ \t]*)(\d{1,9})\.(?=[ \t]|$)", re.MULTILINE), r"\1\2\\."),  # 1. item
    (re.compile(r"^([ \t]*)>", re.MULTILINE), r"\1\\>"),                     # quote
    (re.compile(r"^([ \t]*)~~~", re.MULTILINE), r"\1&#126;~~"),              # a fence
)
_URL_UNSAFE = re.compile(r"[\s()<>\"\\`\x00-\x1f\x7f]")
# A bare URL of the platform's text, as the renderer finds one (never across the
# importer's own markup or kept pieces): written as it is, its '_' and '*' unescaped.
_BARE_URL = re.compile(BARE_URL.replace("[^", "[^\ue000-\ue00f\U000f0000-\U000ffffd"))


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char == "_")


class MarkedText:
    """Builds one message's Markdown: `text()` for the platform's words, the rest for markup."""

    def __init__(self) -> None:
        self._kept: list[str] = []

    def text(self, value: str) -> str:
        """Platform text, to be escaped when the message is finished."""
        return _PRIVATE.sub("", xml_safe(value))

    def keep(self, markdown: str) -> str:
        """A piece written exactly as given (code, a bare URL, a handle)."""
        self._kept.append(_PRIVATE.sub("", markdown))
        return chr(_PLACEHOLDER_BASE + len(self._kept) - 1)

    def link(self, label: str, href: str) -> str:
        """A Markdown link; `label` is marked text, `href` an absolute URL."""
        return f"{_LINK_OPEN}{label}{_LINK_CLOSE}{self.keep('(' + link_target(href) + ')')}"

    def emphasis(self, inner: str, stars: int) -> str:
        """`*inner*` or `**inner**`, with surrounding spaces kept outside the markers."""
        return _around(inner, _STAR * stars)

    def struck(self, inner: str) -> str:
        """`~~inner~~`, with surrounding spaces kept outside the markers."""
        return _around(inner, self.keep("~~"))

    def code(self, value: str) -> str:
        """An inline code span, fenced with more backticks than it holds."""
        value = " ".join(value.split("\n"))
        if not value.strip():
            return self.text(value)
        longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
        fence = "`" * (longest + 1)
        padded = f" {value} " if value.startswith("`") or value.endswith("`") else value
        return self.keep(f"{fence}{padded}{fence}")

    def finish(self, marked: str) -> str:
        """The Markdown of a marked string: escaped, with markup and kept pieces in place."""
        lines = [line.strip() for line in marked.replace("\r\n", "\n").split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
        text = _escape(text)
        for pattern, replacement in _LINE_STARTS:
            text = pattern.sub(replacement, text)
        for sentinel, markup in _SENTINELS.items():
            text = text.replace(sentinel, markup)
        return re.sub("[\U000f0000-\U000ffffd]",
                      lambda m: self._kept[ord(m.group(0)) - _PLACEHOLDER_BASE], text)


def _around(inner: str, marker: str) -> str:
    match = re.fullmatch(r"(\s*)(.*?)(\s*)", inner, re.DOTALL)
    assert match is not None
    lead, core, trail = match.groups()
    return f"{lead}{marker}{core}{marker}{trail}" if core else inner


def _escape(marked: str) -> str:
    """Escape the platform's characters; inside a link label also what would autolink."""
    out: list[str] = []
    in_label = 0
    in_url = bytearray(len(marked))
    for match in _BARE_URL.finditer(marked):
        in_url[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    for index, char in enumerate(marked):
        previous = marked[index - 1] if index else ""
        following = marked[index + 1] if index + 1 < len(marked) else ""
        if char == _LINK_OPEN:
            in_label += 1
        elif char == _LINK_CLOSE:
            in_label = max(in_label - 1, 0)
        if in_url[index] and not in_label and char in "_*~":
            out.append(char)        # the renderer keeps a bare URL's characters as written
        elif char in "\\`*":
            out.append("\\" + char)
        elif char == "~" and "~" in (previous, following):
            out.append("\\~")       # a run of them would strike the words between
        elif char == "_":
            # Bare only between letters or digits (snake_case): next to another '_', the
            # pair could open or close emphasis (__init__).
            out.append("_" if previous.isalnum() and following.isalnum() else "\\_")
        elif char == "<":
            out.append("&lt;")
        elif char == "&":
            out.append("&amp;" if _ENTITY.match(marked, index) else "&")
        elif char == "]":
            out.append("\\]" if in_label or following == "(" else "]")
        elif char == "[" and in_label:
            out.append("\\[")
        elif char == "@" and not (_is_word(previous) or previous in "@/") \
                and _is_word(following):
            # Words the platform showed as text stay text: the renderer would make an
            # @mention of them (a mention the platform marked is a kept piece, a link).
            out.append("&#64;")
        elif char == "#" and not (_is_word(previous) or previous in "&#/") \
                and _is_word(following):
            out.append("\\#")        # ... and a #hashtag
        elif in_label and char == ":" and marked.startswith("//", index + 1) \
                and marked[:index].lower().endswith(("http", "https")):
            out.append("&#58;")      # ... and of a bare URL
        else:
            out.append(char)
    return "".join(out)


def link_target(href: str) -> str:
    """A URL made safe to stand between the parentheses of a Markdown link."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), href)


def markdown_from_text(text: str) -> str:
    """Plain platform text (no markup) as the Markdown subset."""
    marked = MarkedText()
    return marked.finish(marked.text(text))
