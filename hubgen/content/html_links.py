"""Rewriting the links of an HTML fragment without touching anything else in it.

Only whole start tags are read, each attribute with its quoted value as one unit,
the way a browser reads them: a pattern that looked for `src='` anywhere found it
inside an attribute's text or a message's words as readily as in a tag, and the
rewritten value could then end an attribute or a tag early, turning a community
member's text into markup. Here a tag that carries a link is written anew, each
value escaped; every other byte is copied as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

# The attributes that hold a link a reader follows or loads.
LINK_ATTRIBUTES = frozenset({"href", "src", "poster"})

# An attribute: its name, then optionally = and a value in double quotes, in single
# quotes, or unquoted (as HTML's tokenizer reads them).
_ATTRIBUTE = r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_START_TAG = re.compile(rf"<([a-zA-Z][^\s/>]*)((?:\s+{_ATTRIBUTE})*)(\s*/?)>")
_ATTRIBUTES = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_HAS_LINK = re.compile(r"(?:href|src|poster)\s*=", re.IGNORECASE)


def rewrite_links(html: str, rewrite: Callable[[str], str]) -> str:
    """`html` with the value of every href, src and poster replaced by `rewrite(value)`
    (given the value unescaped; its answer is escaped)."""
    if not _HAS_LINK.search(html):
        return html

    def tag(match: re.Match[str]) -> str:
        if not _HAS_LINK.search(match[2]):
            return match[0]
        written = [match[1]]
        for attribute in _ATTRIBUTES.finditer(match[2]):
            name, raw = attribute[1], attribute[2]
            if raw is None:
                written.append(name)
                continue
            value = unescape(raw[1:-1] if raw[0] in "\"'" else raw)
            if name.lower() in LINK_ATTRIBUTES and value:
                value = rewrite(value)
            written.append(f'{name}="{escape(value, quote=True)}"')
        return "<" + " ".join(written) + ("/>" if match[3].strip() else ">")

    return _START_TAG.sub(tag, html)
