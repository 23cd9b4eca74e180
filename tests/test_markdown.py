"""Markdown bodies: the built-in extensions, and more from `markdown:` in the config."""

from __future__ import annotations

import feedparser
import markdown
import pytest
from conftest import parse_html, run_hubgen, said

from hubgen.content.markdown import NestedTooDeep, converted


def test_extensions_from_the_config_are_used(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "markdown: {extensions: [smarty], "
                      "extension_configs: {toc: {permalink_title: Anchor}}}\n")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + '\n"Quoted" -- and done.\n\n## Team\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/about/index.html")
    assert "“Quoted” – and done." in page.text_content()
    assert page.xpath('//h2[@id="team"]/a[@title="Anchor"]')


def test_an_unknown_extension_is_a_config_error(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "markdown:\n  extensions: [nosuchext]\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "hubgen.yaml:11:15: error: markdown.extensions cannot load the Markdown extension " \
           "'nosuchext'" in result.err


def test_a_setting_an_extension_does_not_have_is_a_config_error(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "markdown:\n  extensions: [smarty]\n"
                      "  extension_configs: {toc: {toc_depth: 2-3}, smarty: {smart_dahses: 1}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "hubgen.yaml:12:55: error: markdown.extension_configs gives 'smarty' a setting it does "
        "not have: 'smart_dahses'\n")
    assert "hint: did you mean 'smart_dashes'?" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("settings, error, hint", [
    ("toc: {toc_depth: deep}",
     "hubgen.yaml:12:22: error: markdown.extension_configs gives 'toc' a toc_depth it cannot "
     "use, 'deep' (invalid literal for int() with base 10: 'deep')",
     "hint: toc_depth: Define the range of section levels"),
    ("smarty: {smart_quotes: maybe}",
     "hubgen.yaml:12:28: error: markdown.extension_configs gives 'smarty' a smart_quotes it "
     "cannot use, 'maybe' (Cannot parse bool value: 'maybe')",
     "hint: smart_quotes: Educate quotes. Default: True."),
    ("footnotes: {BACKLINK_TITLE: Back, BACKLINK_TEXT: 5}",
     "hubgen.yaml:12:54: error: markdown.extension_configs gives 'footnotes' a BACKLINK_TEXT "
     "it cannot use, 5 (replace() argument 2 must be str, not int)",
     "hint: BACKLINK_TEXT: The text string that links from the footnote"),
])
def test_a_setting_of_the_wrong_kind_is_a_config_error_at_the_setting(hub, settings, error,
                                                                      hint):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"markdown:\n  extension_configs:\n    {settings}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [error]
    assert hint in result.err
    assert "Traceback" not in result.err


def test_abbreviations_attribute_lists_and_admonitions(hub):
    root = hub("minimal")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\nWe track CSAT.\n{: .lead #intro }\n\n"
                     "*[CSAT]: Customer satisfaction score\n\n"
                     '!!! note "Heads up"\n    Be kind.\n')
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/about/index.html")
    assert page.xpath('//abbr[@title="Customer satisfaction score"]')[0].text == "CSAT"
    assert page.xpath('//p[@id="intro" and @class="lead"]')
    assert page.xpath('//div[contains(@class, "admonition")]/p[@class="admonition-title"]'
                      )[0].text == "Heads up"


def test_plain_text_keeps_punctuation_next_to_a_link_and_parts_blocks():
    from hubgen.content.markdown import plain_text
    assert plain_text('<p>a <a href="/x/">ten-month look back</a>: how, <em>truly</em>?</p>'
                      "<p>Next</p><ul><li>one</li><li>two<br>three</li></ul>") \
        == "a ten-month look back: how, truly? Next one two three"


def test_plain_text_leaves_out_heading_permalinks_and_footnote_marks(hub):
    from hubgen.config import load_config
    from hubgen.content.markdown import MarkdownRenderer, plain_text
    root = hub("minimal")
    renderer = MarkdownRenderer(load_config(root / "hubgen.yaml")[0])
    html = renderer.render("## Heading one\n\nText as shown[^1], it works.\n\n[^1]: A note.\n").html
    assert plain_text(html).startswith("Heading one Text as shown, it works.")


def test_the_summary_above_more_keeps_the_notes_and_links_defined_below(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    head, _, _ = post.read_text().partition("\n---\n")
    post.write_text(head + "\n---\n<!-- <div> kept aside -->\n\n"
                    "Intro with a note[^1] and a [ref link][r], not `<!--more-->`."
                    "\n\n<!--more-->\n\nThe rest.\n\n[^1]: The note.\n[r]: https://r.example/\n")
    opens_with_code = root / "content/posts/2026-03-05-second.md"
    head, _, _ = opens_with_code.read_text().partition("\n---\n")
    head = head.replace("\nsummary: A post with a unicode title.", "")
    opens_with_code.write_text(head + "\n---\n![A cup](/images/cup.svg)\n\n```html\nFirst."
                               "\n<!--more-->\n```\n\n!!! warning \"Heads up\"\n\n"
                               "    What it says.\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("full_content: true", "full_content: false"))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    page = parse_html(public / "posts/the-third/index.html")
    assert page.xpath('//meta[@name="description"]/@content') == \
        ["Intro with a note and a ref link, not <!--more-->."]
    feed = feedparser.parse((public / "atom.xml").read_bytes())
    [third] = [e for e in feed.entries if e.link.endswith("/posts/the-third/")]
    summary = third.content[0].value
    assert "</div>" not in summary      # a tag in a comment is not left open, nor closed
    assert summary.endswith(
        '<p>Intro with a note<sup id="fnref:1"><a class="footnote-ref" '
        'href="https://minimal.example/posts/the-third/#fn:1">1</a></sup> and a '
        '<a href="https://r.example/">ref link</a>, not <code>&lt;!--more--&gt;</code>.</p>')
    # No marker outside code: the summary is the first paragraph with words, an admonition's
    # own text and not its title.
    second = parse_html(public / "posts/second/index.html")
    assert second.xpath('//meta[@name="description"]/@content') == ["What it says."]


def test_fenced_code_in_a_list_item_or_a_quote_is_code(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"      # named again by the site: still loaded once
    config.write_text(config.read_text() + "markdown: {extensions: [fenced_code, toc]}\n")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\n1. Install it:\n\n    ```sh\n    pip install hubgen"
                     "\n    ```\n\n2. Build:\n\n    ```python\n    build = True\n    ```\n\n"
                     "> ```python\n> quoted = True\n> ```\n")
    assert run_hubgen("build", cwd=root).code == 0
    main = parse_html(root / "public/about/index.html").xpath("//main")[0]
    [first, second] = main.xpath(".//ol/li")
    assert first.xpath('.//div[@class="highlight"]/pre/code')[0].text_content() == \
        "pip install hubgen\n"
    assert second.xpath('.//div[@class="highlight"]//span[@class="kc"]')[0].text == "True"
    assert main.xpath('.//blockquote/div[@class="highlight"]//span[@class="n"]')[0].text == \
        "quoted"
    assert "```" not in main.text_content()


def test_a_fence_written_against_a_paragraph_stands_between_two(hub):
    from hubgen.config import load_config
    from hubgen.content.markdown import MarkdownRenderer
    renderer = MarkdownRenderer(load_config(hub("minimal") / "hubgen.yaml")[0])
    html = renderer.render("Run this:\n```sh\nmake build\n```\nThen open the page.\n").html
    assert html.startswith("<p>Run this:</p>\n<div class=\"highlight\">")
    assert html.endswith("</code></pre></div>\n\n<p>Then open the page.</p>")


def test_text_without_spaces_between_words_is_read_by_its_characters():
    from hubgen.content.markdown import word_count
    assert word_count(["Ten", "words", "of", "English", "here"]) == 5
    # 5,600 characters read as 2,800 words: 13 minutes, not one.
    assert round(word_count(["日本語の文章です" * 700]) / 220) == 13
    assert word_count(["東京タワー", "visit"]) == 4


def test_a_heading_never_takes_an_id_the_theme_gives_a_part_of_the_page(hub):
    root = hub("minimal")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\n## Main\n\nText.\n\n## Comments\n\nMore.\n")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/about/index.html")
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids)), "every id once"
    assert page.xpath('//h2[@id="main-section"]') and page.xpath('//main[@id="main"]')
    assert page.xpath('//h2[@id="comments-section"]')


def test_embed_parameters_may_be_quoted_as_hugo_users_write_them():
    from hubgen.content.markdown import find_embeds
    body = "\n".join(['{{< thread "decaf" >}}', "{{< thread 'decaf' >}}",
                      '{{< thread "decaf >}}', "{{< message decaf' \"q1' >}}",
                      "{{< message 'decaf' 7 >}}"])
    assert [(e.slug, e.message, e.line) for e in find_embeds(body, 10)] == [
        ("decaf", "", 10), ("decaf", "", 11), ("decaf", "", 12), ("decaf", "q1", 13),
        ("decaf", "7", 14)]


def test_the_table_of_contents_shows_headings_as_written(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "markdown: {extensions: [smarty]}\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n## The `<details>` element\n\nText.\n\n## Q&A\n\n"
                    "Text.\n\n## It's \"done\"\n\nText.\n")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/the-third/index.html")
    assert [a.text_content() for a in page.xpath('//nav[@class="toc"]//a')] == \
        ["The <details> element", "Q&A", "It’s “done”"]


def test_fenced_code_in_a_list_item_or_a_quote_is_code_with_extra_on(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"      # Pelican's usual: extra brings fenced_code again
    config.write_text(config.read_text() + "markdown: {extensions: [extra]}\n")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\n1. Run it:\n\n    ```python\n    print(\"hi\")"
                     "\n    ```\n\n> ```python\n> quoted = True\n> ```\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and not said(result.err, "warning"), result.err
    main = parse_html(root / "public/about/index.html").xpath("//main")[0]
    assert main.xpath('.//ol/li//div[@class="highlight"]/pre/code')[0].text_content() == \
        'print("hi")\n'
    assert main.xpath('.//blockquote/div[@class="highlight"]//span[@class="n"]')[0].text == \
        "quoted"
    assert "```" not in main.text_content() and "python\n" not in main.text_content()


def test_a_post_whose_headings_are_nested_under_one_gets_a_table_of_contents(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    steps = "".join(f"\n### Step {n}\n\nDo it.\n" for n in range(1, 5))
    post.write_text(post.read_text() + "\n## Guide\n" + steps)
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/the-third/index.html")
    assert [a.text_content() for a in page.xpath('//nav[@class="toc"]//a')] == \
        ["Guide", "Step 1", "Step 2", "Step 3", "Step 4"]


def test_how_deep_markdown_may_nest_does_not_depend_on_the_caller_s_stack():
    # Python's recursion limit counts from the stack's bottom: a list nested near it read
    # with --jobs 1 and failed on workers (or in serve's thread), and a cached build then
    # differed from a clean one.
    md = markdown.Markdown()

    def reads(levels: int) -> bool:
        md.reset()
        try:
            converted(md, "\n".join("    " * level + "- item" for level in range(levels)))
        except NestedTooDeep:
            return False
        return True

    def deepest() -> int:
        low, high = 50, 400
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if reads(middle) else (low, middle - 1)
        return low

    def from_deeper(frames: int) -> int:
        return deepest() if frames == 0 else from_deeper(frames - 1)

    assert 100 < deepest() == from_deeper(150) < 400
