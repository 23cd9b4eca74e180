"""Python-Markdown's inline stage, without trying patterns that cannot match.

Python-Markdown tries every inline pattern (links, emphasis, code, entities...) on
every run of text, one after the other; on prose with no markup that is most of a
post's conversion time. Each pattern's regular expression says which characters a
match must contain (a link needs a `[`, an entity a `&`), so a text holding none of
them is passed over without the attempt. The result is the same tree, byte for
byte: a skipped pattern is one whose expression could not have matched. Patterns
whose expression says nothing certain (or that an extension built unusually) are
always tried.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

try:  # the parser behind `re`: public as sre_parse until Python 3.11
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse as sre_parser  # type: ignore[no-redef]

# Character classes wider than this say too little to be worth checking.
_MAX_CLASS = 16

Needs = tuple[frozenset[str], ...]   # a match holds at least one character of each set


def _class_chars(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            chars.add(chr(arg))
        elif op is sre_constants.RANGE and arg[1] - arg[0] < _MAX_CLASS:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        else:   # a negated class, a category (\w, \s), a wide range
            return None
    return frozenset(chars) if len(chars) <= _MAX_CLASS else None


def _sequence_needs(items: Any) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    for op, arg in items:
        for need in _item_needs(op, arg):
            if need not in needs:
                needs.append(need)
    return needs


def _item_needs(op: Any, arg: Any) -> list[frozenset[str]]:
    if op is sre_constants.LITERAL:
        return [frozenset(chr(arg))]
    if op is sre_constants.IN:
        chars = _class_chars(arg)
        return [chars] if chars else []
    if op is sre_constants.SUBPATTERN:
        added_flags = arg[1]
        return [] if added_flags & re.IGNORECASE else _sequence_needs(arg[-1])
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _sequence_needs(arg)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
              getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
        low, _, inner = arg
        return _sequence_needs(inner) if low >= 1 else []
    if op is sre_constants.ASSERT:
        # Lookahead and lookbehind both read characters of the same text.
        return _sequence_needs(arg[1])
    if op is sre_constants.BRANCH:
        # Some branch matches: what each needs first, together, is needed.
        union: set[str] = set()
        for branch in arg[1]:
            needs = _sequence_needs(branch)
            if not needs:
                return []
            union |= min(needs, key=len)
        return [frozenset(union)] if len(union) <= _MAX_CLASS else []
    return []   # ANY, anchors, negative lookarounds, back references: nothing certain


@cache
def pattern_needs(source: str, flags: int) -> Needs:
    """What a text must hold for the expression `source` to match anywhere in it."""
    try:
        parsed = sre_parser.parse(source, flags)
        if parsed.state.flags & re.IGNORECASE:
            return ()
        return tuple(_sequence_needs(parsed))
    except Exception:   # an expression this reading does not follow: always try it
        return ()


def expression_needs(expression: object) -> Needs:
    """What a text must hold for a compiled expression to match (nothing certain for
    anything else: a bytes expression, a stand-in an extension built its own way)."""
    if not isinstance(expression, re.Pattern) or not isinstance(expression.pattern, str):
        return ()
    return pattern_needs(expression.pattern, expression.flags)


def _needs_of(pattern: Any) -> Needs:
    return expression_needs(getattr(pattern, "compiled_re", None))


def may_match(needs: Needs, text: str) -> bool:
    """False when `text` lacks every character of one of the sets `needs` lists."""
    for chars in needs:
        for char in chars:
            if char in text:
                break
        else:
            return False
    return True


# The private methods replaced and called below; a Python-Markdown that renamed them
# gets its stock processor back (slower, never wrong).
_STOCK_LOOP_FOUND = all(hasattr(InlineProcessor, f"_InlineProcessor__{name}")
                        for name in ("handleInline", "applyPattern"))


class FilteredInlineProcessor(InlineProcessor):
    """The stock inline processor, trying only the patterns a text could match."""

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        """Apply the inline patterns to the tree, as Python-Markdown does."""
        self._patterns = list(self.inlinePatterns)
        self._needs = [_needs_of(pattern) for pattern in self._patterns]
        return super().run(tree, ancestors)

    # Replaces InlineProcessor.__handleInline (a private method, hence the name),
    # with the same loop plus the check.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        patterns, needs = self._patterns, self._needs
        start = 0
        while patternIndex < len(patterns):
            if not may_match(needs[patternIndex], data):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class FilteredInlineExtension(Extension):
    """Puts FilteredInlineProcessor in the place of Python-Markdown's inline processor."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Register the processor under the stock one's name, unless an extension replaced it."""
        if type(md.treeprocessors["inline"]) is InlineProcessor and _STOCK_LOOP_FOUND:
            md.treeprocessors.register(FilteredInlineProcessor(md), "inline", 20)
