"""The block filter: Python-Markdown's output, byte for byte, without the hopeless searches."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from markdown.blockprocessors import (
    HashHeaderProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from test_inline_filter import INLINE_SAMPLES

from hubgen.content.block_filter import FilteredBlocksExtension, filter_blocks
from hubgen.content.markdown import DEFAULT_EXTENSIONS, MarkdownRenderer

ROOT = Path(__file__).parent.parent

# Every block construct the filtered processors claim, where it starts a block, where
# it follows other lines of one, indented, escaped, and next to look-alikes.
BLOCK_SAMPLES = [
    "Plain prose, one paragraph.\n\nAnd a second one, just as plain.",
    "# Heading one\nText right under it.\n\nText, then\n## a heading inside the block\nand more.",
    "A #hashtag, an issue #12, and C# are no headings.\n\n####### seven is too many",
    "Setext\n======\n\nAnother\n-------\n\nNot = a heading.",
    "Before\n\n---\n\nAfter\n\n* * *\n\n___\n\n- - -\n\n----- with words is no rule",
    "Text\n***\nmore text\n\n2 - 1 - 0 and a_b_c stay text.",
    "> A quote\nlazily continued\n> > nested\n\nNot > a quote, 3 > 2.\n\nText\n> quote inside",
    "Term\n:   Definition\n\nTerm two\n: Short definition\n    with a second line\n\n"
    "A: B is no list.",
    "A footnote[^a] and another[^b].\n\n[^a]: First note.\n[^b]: Second note\n    "
    "with a second paragraph.\n\n    Indented.\n\nText [^a]: inside a paragraph.",
    "*[HTML]: Hyper Text Markup Language\n*[W3C]:  World Wide Web Consortium\n\n"
    "HTML and W3C, and *[not]: an abbr in the middle of text.",
    "A [link][id], [another][Two] and [implicit][].\n\n[id]: https://example.com/ \"Title\"\n"
    "[two]: <https://example.com/2> 'Single'\n[implicit]: /implicit (Paren title)\n\n"
    "Text\n[late]: /late\nafter",
    "   [indented]: /three-spaces\n\n    [code]: /four-spaces-is-code\n\n[use][indented]",
    "!!! note \"Title\"\n    Body.\n\n    More body.\n\n!!! warning\n    Careful: **bold**.",
    "!!! tip\n    - item\n\n        nested continuation\n\n    Back in the tip.\n\nAfter it.\n\n"
    "    indented code after it\n\nWow!!! no admonition, and ??? none either.",
    "!!! danger \"Alone\"\n\n    The body after a blank line.\n\n!!!\n\n!!! \n    Empty type.",
    "Title with a hyphen-ated word\n---\n\nA-b-c on one line -- and = signs == here.\n\n"
    "Two lines\nthe second - dashed\n\nLine\n= not quite",
    "- one\n- two\n\n    continued\n\n1. first\n2. second\n    > quoted in a list\n\n"
    "* a\n    # heading in a list\n    ***",
    "    indented code\n    # not a heading\n\n```\n# fenced, not a heading\n[x]: /not-a-ref\n```",
    "<div>\n# html block, not a heading\n</div>\n\n<div markdown=\"1\">\n# inside md\n</div>",
    "| a | b |\n|---|---|\n| # | > |\n\nText with a | pipe.",
    "\\# escaped hash\n\n\\> escaped quote\n\n\\[x]: /escaped-ref",
    "Café — “quotes” …\n\n## Ünïcödé heading\n\n> « citation »",
]


def _documents() -> list[str]:
    """The samples, the inline ones, and every Markdown file of the demo and test sites."""
    import random

    from benchmarks.corpus import post_text
    texts = [*BLOCK_SAMPLES, *INLINE_SAMPLES]
    for folder in (ROOT / "content", ROOT / "tests/sites"):
        texts += [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.md"))]
    rng = random.Random(8)
    return texts + [post_text(rng, number) for number in range(10)]   # the benchmark's


def _convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


def test_posts_convert_exactly_as_with_stock_python_markdown():
    stock = markdown.Markdown(extensions=list(DEFAULT_EXTENSIONS))
    filtered = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, FilteredBlocksExtension()])
    assert filter_blocks(markdown.Markdown(extensions=list(DEFAULT_EXTENSIONS))) == 9
    documents = _documents()
    assert len(documents) > len(BLOCK_SAMPLES) + len(INLINE_SAMPLES) + 10
    for text in documents:
        assert _convert(filtered, text) == _convert(stock, text), text


def test_hubgen_renders_posts_with_the_block_filter_and_the_same_html(tmp_path):
    from hubgen.config import load_config
    (tmp_path / "hubgen.yaml").write_text("title: T\nurl: https://t.example/\n")
    config = load_config(tmp_path / "hubgen.yaml")[0]
    renderer, unfiltered = MarkdownRenderer(config), MarkdownRenderer(config)
    filtered = [p for p in renderer._md.parser.blockprocessors if "test" in vars(p)]
    assert {type(p).__name__ for p in filtered} >= {"HashHeaderProcessor", "ReferenceProcessor",
                                                     "FootnoteBlockProcessor"}
    for processor in unfiltered._md.parser.blockprocessors:
        vars(processor).pop("test", None)   # the same engine, every processor asked
    for text in _documents():
        assert renderer.render(text) == unfiltered.render(text), text


@pytest.mark.parametrize("text", ["Plain prose without any block markup at all.",
                                  "Words, words; and numbers 1, 2, 3."])
def test_a_plain_paragraph_is_never_searched(text):
    md = markdown.Markdown(extensions=[*DEFAULT_EXTENSIONS, FilteredBlocksExtension()])
    searched: list[str] = []

    class Spy:
        def __init__(self, name, expression):
            self.name, self.expression = name, expression

        def search(self, *args, **kwargs):
            searched.append(self.name)
            return self.expression.search(*args, **kwargs)

        def match(self, *args, **kwargs):
            searched.append(self.name)
            return self.expression.match(*args, **kwargs)

        def __getattr__(self, attribute):
            return getattr(self.expression, attribute)

    for processor in md.parser.blockprocessors:
        if isinstance(processor, HashHeaderProcessor | ReferenceProcessor
                      | SetextHeaderProcessor | AdmonitionProcessor):
            processor.RE = Spy(type(processor).__name__, processor.RE)
    assert _convert(md, text) == f"<p>{text}</p>"
    assert searched == []
    assert _convert(md, "# A heading\n\n[r]: /r") == '<h1 id="a-heading">A heading</h1>'
    # The heading's test and run search its block; the reference's run searches its own.
    assert searched == ["HashHeaderProcessor", "HashHeaderProcessor", "ReferenceProcessor"]


def test_a_processor_of_another_class_is_always_asked():
    class OwnHeadings(HashHeaderProcessor):
        def test(self, parent, block):
            return block.startswith("%")

        def run(self, parent, blocks):
            blocks[0] = "# " + blocks[0][1:]
            return super().run(parent, blocks)

    class OwnExtension(Extension):
        def extendMarkdown(self, md):
            md.parser.blockprocessors.register(OwnHeadings(md.parser), "hashheader", 70)

    md = markdown.Markdown(extensions=[OwnExtension(), FilteredBlocksExtension()])
    assert "test" not in vars(md.parser.blockprocessors["hashheader"])
    assert _convert(md, "%Percent heading") == "<h1>Percent heading</h1>"
