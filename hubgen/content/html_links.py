"""Rewriting the links of an HTML fragment without touching anything else in it.

Only whole start tags are read, each attribute with its quoted value as one unit,
the way a browser's tokenizer reads them (its whitespace, not Unicode's; comments
and the text of <script>, <style> and the like passed over): a pattern that
looked for `src='` anywhere found it inside an attribute's text or a message's
words as readily as in a tag, and the rewritten value could then end an attribute
or a tag early, turning a community member's text into markup. Here a tag that
carries a link is written anew, its link values escaped and its other attributes
copied as written; every other byte is copied as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import SplitResult, urlsplit

# The attributes that hold a link a reader follows or loads (srcset: several).
LINK_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset"})
# Elements whose content is text to a browser, never tags.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                       "noframes", "noscript", "plaintext"})

_SPACE = r"[\t\n\f\r ]"   # HTML's whitespace
_NAME = r"[^\t\n\f\r \"'>/=<]++"
# An unquoted value runs to whitespace or '>', quotes and '=' included, as a browser reads it.
_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\t\n\f\r >]++)"""
_ATTRIBUTE = rf"{_NAME}(?:{_SPACE}*+={_SPACE}*+{_VALUE})?"
_SEPARATOR = r"[\t\n\f\r /]*+"
# Possessive throughout: a tag that never closes costs one pass, not one per '<'.
_TOKEN = re.compile(rf"<!--.*?(?:-->|\Z)|<(?P<tag>[a-zA-Z][^\t\n\f\r />]*+)"
                    rf"(?P<attributes>(?:{_SEPARATOR}{_ATTRIBUTE})*+)(?P<end>{_SEPARATOR})>",
                    re.DOTALL)
_ATTRIBUTES = re.compile(rf"(?P<name>{_NAME})(?:{_SPACE}*+={_SPACE}*+(?P<value>{_VALUE}))?")
_HAS_LINK = re.compile("|".join(f"{name}{_SPACE}*=" for name in sorted(LINK_ATTRIBUTES)),
                       re.IGNORECASE)
# Character references a browser decodes in an attribute's value: those with their ';'.
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _link_value(raw: str) -> str:
    text = raw[1:-1] if raw[0] in "\"'" else raw
    return _REFERENCE.sub(lambda reference: unescape(reference[0]), text)


def srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    """The (URL, descriptors) of each image a srcset offers ('a.png 1x, b.png 2x'), read as
    the HTML standard does: a URL runs to whitespace (a comma ending it ends the
    candidate), and its descriptors run to the next comma outside parentheses."""
    space = "\t\n\f\r "
    candidates = []
    position, end = 0, len(srcset)
    while position < end:
        while position < end and srcset[position] in space + ",":
            position += 1
        start = position
        while position < end and srcset[position] not in space:
            position += 1
        url, descriptors = srcset[start:position], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth, described = 0, position
            while position < end and (srcset[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(srcset[position], 0)
                position += 1
            descriptors = srcset[described:position].strip(space)
        if url:
            candidates.append((url, descriptors))
    return candidates


def rewrite_srcset(srcset: str, rewrite: Callable[[str], str]) -> str:
    """A srcset with each URL replaced by `rewrite(url)`, its descriptors kept."""
    return ", ".join(f"{rewrite(url)} {descriptors}".rstrip()
                     for url, descriptors in srcset_candidates(srcset))


def _rewritten(name: str, link: str, rewrite: Callable[[str], str]) -> str:
    return rewrite_srcset(link, rewrite) if name == "srcset" else rewrite(link)


def _tag(match: re.Match[str], rewrite: Callable[[str], str]) -> str:
    if not _HAS_LINK.search(match["attributes"]):
        return match[0]
    written = [match["tag"]]
    for attribute in _ATTRIBUTES.finditer(match["attributes"]):
        name, raw = attribute["name"], attribute["value"]
        link = _link_value(raw) if raw is not None and name.lower() in LINK_ATTRIBUTES else ""
        written.append(f'{name}="{escape(_rewritten(name.lower(), link, rewrite), quote=True)}"'
                       if link else attribute[0])
    return "<" + " ".join(written) + ("/>" if match["end"].endswith("/") else ">")


def _may_link(html: str) -> bool:
    """False only when no tag of `html` can carry a link attribute."""
    # Each name alone is a fast scan, a tenth of the time of _HAS_LINK's case-blind
    # alternation over a long body.
    lowered = html.lower()
    return "href" in lowered or "src" in lowered or "poster" in lowered


def rewrite_links(html: str, rewrite: Callable[[str], str]) -> str:
    """`html` with the value of every href, src and poster, and each URL of a srcset,
    replaced by `rewrite(value)` (given the value as a browser reads it; its answer is
    escaped)."""
    if not _may_link(html):
        return html
    parts: list[str] = []
    position = 0
    while (match := _TOKEN.search(html, position)) is not None:
        parts.append(html[position:match.start()])
        position = match.end()
        if match["tag"] is None:   # a comment
            parts.append(match[0])
            continue
        parts.append(_tag(match, rewrite))
        if match["tag"].lower() in _RAW_TEXT:
            end = re.compile(rf"</{re.escape(match['tag'])}[\t\n\f\r />]", re.IGNORECASE)
            closing = end.search(html, position)
            stop = closing.start() if closing else len(html)
            parts.append(html[position:stop])
            position = stop
    parts.append(html[position:])
    return "".join(parts)


def split_address(address: str) -> SplitResult | None:
    """`urlsplit(address)`, or None for what Python cannot split (a bracketed host that is
    no IPv6 address, `https://[x`): community text and configs may hold anything."""
    try:
        return urlsplit(address)
    except ValueError:
        return None
