"""Python-Markdown's block stage, without searching blocks that cannot match.

For every block of a document (a paragraph, a list, a fence), Python-Markdown asks
its block processors in turn whether the block is theirs. Several answer by
searching the whole block with a regular expression: a `#` heading, a `>` quote, a
rule, a definition list, a `[id]: url` reference, a footnote, an abbreviation, an
admonition; a setext heading is matched from the block's start. On
prose every one of those searches fails, for every paragraph: about a fifth of a
post's conversion. Each expression says which characters a match must contain
(see `inline_filter.pattern_needs`), so a block that lacks them is passed over
without the search. The result is the same, byte for byte.

Only Python-Markdown's own processors are filtered, and only where the question is
exactly "does the expression match this block": either their `test` is that search
(with, at most, more conditions after it), or their `test` says yes and their `run`
puts the block back untouched and declines when the search fails. The admonition's
test also says yes to a block that continues one; such a block is always asked. A
processor of another class, a subclass included, is always asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import markdown
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor

from hubgen.content.inline_filter import Needs, expression_needs, may_match

# Processors whose `test` is `EXPR.search(block)` or `EXPR.match(block)` (then perhaps
# more), by the attribute holding EXPR.
_SEARCHING_TESTS: dict[type[BlockProcessor], str] = {
    HashHeaderProcessor: "RE", HRProcessor: "SEARCH_RE", BlockQuoteProcessor: "RE",
    DefListProcessor: "RE", SetextHeaderProcessor: "RE",
}
# Processors whose `test` says yes and whose `run`, when `EXPR.search(block)` fails,
# puts the block back and returns False: the same as a `test` saying no.
_SEARCHING_RUNS: dict[type[BlockProcessor], str] = {
    ReferenceProcessor: "RE", FootnoteBlockProcessor: "RE", AbbrBlockprocessor: "RE",
}

Test = Callable[[Any, str], bool]


def _needs(processor: BlockProcessor, attribute: str) -> Needs:
    return expression_needs(getattr(processor, attribute, None))


def _filtered_test(processor: BlockProcessor) -> Test | None:
    """The processor's test, asked only of blocks its expression could match (None:
    the processor is not one this module knows, or its expression says nothing)."""
    kind = type(processor)
    if kind in _SEARCHING_TESTS:
        needs = _needs(processor, _SEARCHING_TESTS[kind])
        ask = processor.test
        return (lambda parent, block: may_match(needs, block) and ask(parent, block)) \
            if needs else None
    if kind in _SEARCHING_RUNS:
        needs = _needs(processor, _SEARCHING_RUNS[kind])
        return (lambda parent, block: may_match(needs, block)) if needs else None
    if kind is AdmonitionProcessor:
        return _admonition_test(processor)
    return None


def _admonition_test(processor: AdmonitionProcessor) -> Test | None:
    # Its test says yes when its expression (a `!!!` line) is found in the block, or when
    # the block continues the admonition above it: the block is then indented (a tab's
    # width), or the processor already holds the admonition it continues.
    needs = _needs(processor, "RE")
    if not needs:
        return None
    ask, indent = processor.test, " " * processor.tab_length

    def test(parent: Any, block: str) -> bool:
        if may_match(needs, block) or block.startswith(indent) or \
                processor.current_sibling is not None:
            return ask(parent, block)
        return False
    return test


def filter_blocks(md: markdown.Markdown) -> int:
    """Filter the block processors of `md` that this module knows; returns how many."""
    filtered = 0
    for processor in md.parser.blockprocessors:
        test = _filtered_test(processor)
        if test is not None:
            processor.test = test  # type: ignore[method-assign]
            filtered += 1
    return filtered


class FilteredBlocksExtension(Extension):
    """Filters the block processors registered before it (list it last)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Filter every known processor the other extensions left in place."""
        filter_blocks(md)
