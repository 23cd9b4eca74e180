"""The inline filter: Python-Markdown's output, byte for byte, without the hopeless tries."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor

from hubgen.config import load_config
from hubgen.content import inline_filter
from hubgen.content.community_markdown import CommunitySubset
from hubgen.content.inline_filter import FilteredInlineExtension, may_match, pattern_needs
from hubgen.content.markdown import DEFAULT_EXTENSIONS, MarkdownRenderer
from hubgen.content.sanitize import Community, sanitize_html

ROOT = Path(__file__).parent.parent

# Every inline pattern of Python-Markdown and of hubgen's extensions, alone, nested,
# escaped, at the edges of a text, and next to characters that look like them.
INLINE_SAMPLES = [
    "Plain words only, nothing to see.",
    "Only *stars* here.",
    "Only _underscores_ here.",
    "Some *emphasis*, **strong**, ***both***, _under_, __strong under__, a * lone star.",
    "snake_case_names and 2*3*4 and a_b* stay as they are.",
    "Code `x = 1`, ``a ` tick``, \\`escaped\\`, and \\\\`after a backslash`.",
    "Escapes: \\*not em\\*, \\[not a link\\], \\_ \\# \\! and a trailing \\",
    "A [link](https://example.com \"Title\"), [ref][r], [short], ![img](/a.png), "
    "![ref img][r] and [an [inner] bracket](/x).\n\n[r]: https://example.com/r\n"
    "[short]: /short",
    "Autolinks <https://example.com/a?b=c&d> and <me@example.com>, not <this>.",
    "Entities &amp; &copy; &#169; &#xA9; and a bare & ampersand; &notanentity",
    "Inline <span class=\"x\">html</span>, <!-- a comment -->, <br/> and <?php ?>.",
    "Two spaces at the end  \nmake a break; one space \nmakes none.",
    "A footnote[^1] and another[^note].\n\n[^1]: The first.\n[^note]: The *second*.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML everywhere, html nowhere.",
    "Emphasis *with a [link](/l) inside* and [a *link* with `code`](/m).",
    "Unicode: café — “quotes” … and emoji 🎉 with *stars* ✨.",
    "Edge*\n*edge and **unclosed and _half* and `unclosed code",
    "- a list with *em*\n- and `code`\n\n> a quote with [a link](/q)\n\n1. one\n2. **two**",
    "| a | *b* |\n|---|---|\n| `c` | [d](/d) |",
    "Term\n:   Definition with _em_\n\n!!! note \"Title *here*\"\n    Body with **bold**.",
    "## A heading with `code` and *em*\n\n### Another [linked](/h)",
    "```python\nx = '*not em*'  # [not a link]\n```\n\nAfter the fence *em*.",
    "<div markdown=\"1\">*inside* html</div>\n\nText {: .cls } and a paragraph.\n{: #id }",
]


def _documents() -> list[str]:
    """The samples, and every Markdown file of the demo hub and the test sites."""
    texts = list(INLINE_SAMPLES)
    for folder in (ROOT / "content", ROOT / "tests/sites"):
        texts += [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.md"))]
    return texts


def _pair(extensions: list) -> tuple[markdown.Markdown, markdown.Markdown]:
    stock = markdown.Markdown(extensions=extensions)
    filtered = markdown.Markdown(extensions=[*extensions, FilteredInlineExtension()])
    assert type(filtered.treeprocessors["inline"]).__name__ == "FilteredInlineProcessor"
    return stock, filtered


def _convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


def test_posts_convert_exactly_as_with_stock_python_markdown():
    stock, filtered = _pair(list(DEFAULT_EXTENSIONS))
    documents = _documents()
    assert len(documents) > len(INLINE_SAMPLES) + 10
    for text in documents:
        assert _convert(filtered, text) == _convert(stock, text), text


def test_hubgen_uses_the_filter_and_still_links_emphasises_and_escapes(tmp_path):
    (tmp_path / "hubgen.yaml").write_text("title: T\nurl: https://t.example/\n")
    renderer = MarkdownRenderer(load_config(tmp_path / "hubgen.yaml")[0])
    html = renderer.render("A *b* [c](/d) `e` &amp; \\*f\\* plain.").html
    assert html == ('<p>A <em>b</em> <a href="/d">c</a> <code>e</code> &amp; *f* plain.</p>')


def test_community_text_converts_exactly_as_without_the_filter():
    community = Community()
    stock = markdown.Markdown(extensions=["nl2br", "sane_lists", "fenced_code",
                                          CommunitySubset(community)])
    samples = [*INLINE_SAMPLES, "@ana said #brewing at https://x.example/a_b*c* <b>hi</b>"]
    for text in samples:
        html = community.render(text, "mastodon", "https://m.example/@a/1")
        assert sanitize_html(_convert(stock, text)) == html, text
    assert type(community._markdown().treeprocessors["inline"]).__name__ == \
        "FilteredInlineProcessor"


class _Strike(Extension):
    """A third-party style pattern: ~~struck~~ and a character-class trigger (%%x%%)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "del", 65)
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()[%]{2}(.+?)%%", "mark"),
                                   "mark", 64)


def test_patterns_from_other_extensions_are_tried_when_their_text_is_there():
    stock, filtered = _pair([*DEFAULT_EXTENSIONS, _Strike()])
    for text in ("Some ~~old~~ and %%marked%% text.", "No markup here.", "A ~ and a % alone."):
        assert _convert(filtered, text) == _convert(stock, text)
    assert "<del>old</del>" in _convert(filtered, "Some ~~old~~ text.")
    assert "<mark>m</mark>" in _convert(filtered, "A %%m%% mark.")


def test_a_python_markdown_without_the_private_loop_keeps_its_own(monkeypatch):
    monkeypatch.setattr(inline_filter, "_STOCK_LOOP_FOUND", False)
    md = markdown.Markdown(extensions=[FilteredInlineExtension()])
    assert type(md.treeprocessors["inline"]) is markdown.treeprocessors.InlineProcessor
    assert inline_filter._STOCK_LOOP_FOUND is False
    monkeypatch.undo()
    assert inline_filter._STOCK_LOOP_FOUND   # this Python-Markdown has what the filter needs


def test_an_extension_that_replaced_the_inline_processor_keeps_it():
    class Own(markdown.treeprocessors.InlineProcessor):
        pass

    class Replace(Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.treeprocessors.register(Own(md), "inline", 20)

    md = markdown.Markdown(extensions=[Replace(), FilteredInlineExtension()])
    assert type(md.treeprocessors["inline"]) is Own


@pytest.mark.parametrize(("expression", "needs"), [
    (r"\[", ["["]),
    (r"\!\[", ["!", "["]),
    (r"  \n", [" ", "\n"]),
    (r"\*|_", ["*_"]),
    (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", ["\\`"]),
    (r"&(?:#[0-9]+|[a-z]+);", ["&", ";"]),
    (r"a[bc]+d?", ["a", "bc"]),
])
def test_what_an_expression_needs_is_read_from_it(expression, needs):
    assert sorted("".join(sorted(chars)) for chars in pattern_needs(expression, 0)) == \
        sorted(needs)


@pytest.mark.parametrize("expression", [r"\w+", r"[^x]", r".", r"(?i)x", r"x?", r"(?!y)z*",
                                        r"[a-z]"])
def test_an_expression_that_promises_nothing_is_always_tried(expression):
    needs = pattern_needs(expression, 0)
    assert all(may_match(needs, text) for text in ("", "q", "X", "\u00e9"))


def test_may_match_needs_one_character_of_every_set():
    needs = pattern_needs(r"\[\^([^\]]*)\]", 0)
    assert may_match(needs, "a [^1] b")
    assert not may_match(needs, "a [1] b")
    assert not may_match(needs, "nothing")
    # Whatever the filter skips, the expression could not have matched.
    for text in ("a [^1] b", "a [1] b", "[^", "^]", "nothing"):
        assert may_match(needs, text) or re.search(r"\[\^([^\]]*)\]", text) is None


def test_the_filter_returns_the_tree_python_markdown_would():
    stock, filtered = _pair([])
    for text in INLINE_SAMPLES:
        stock.reset()
        filtered.reset()
        assert ET.tostring(stock.parser.parseDocument(text.split("\n")).getroot()) == \
            ET.tostring(filtered.parser.parseDocument(text.split("\n")).getroot())
        assert _convert(filtered, text) == _convert(stock, text)
