"""Community text: the Markdown subset, its automatic links, and the allowlist."""

from __future__ import annotations

from lxml import html

from hubgen.content.sanitize import Community, sanitize_html

SOURCE = "https://social.example/@brand/1"


def _render(text: str) -> html.HtmlElement:
    return html.fragment_fromstring(Community().render(text, "mastodon", SOURCE),
                                    create_parent="div")


def test_bare_urls_mentions_and_hashtags_become_links_with_ugc_rel():
    page = _render("Hi @kim@social.example, see https://x.example/a?b=1. #ColdBrew")
    links = {a.text: (a.get("href"), a.get("rel")) for a in page.iter("a")}
    assert links == {
        "@kim@social.example": ("https://social.example/@kim", "nofollow ugc noopener"),
        "https://x.example/a?b=1": ("https://x.example/a?b=1", "nofollow ugc noopener"),
        "#ColdBrew": ("https://social.example/tags/ColdBrew", "nofollow ugc noopener"),
    }


def test_link_text_and_code_are_never_linked_a_second_time():
    page = _render("[@x and #y](https://ok.example/) and [see https://a.example](https://b.example)"
                   " `#code @code https://c.example`")
    assert [a.get("href") for a in page.iter("a")] == ["https://ok.example/",
                                                       "https://b.example"]
    assert not page.xpath("//a//a")
    assert page.xpath("string(//code)") == "#code @code https://c.example"


def test_raw_html_shows_as_text_and_unsafe_links_lose_their_href():
    page = _render('<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](data:text/html,1)')
    assert not page.xpath("//img")
    assert "<img src=x onerror=alert(1)>" in page.text_content()
    assert [a.get("href") for a in page.iter("a")] == [None, None]


def test_a_code_block_is_in_the_tab_order_and_no_other_tabindex_survives():
    # A long line scrolls the block sideways: a keyboard must reach it to scroll it.
    page = _render("```\nratio = 1 / 16\n```\n\n> ```\n> quoted\n> ```")
    assert [pre.get("tabindex") for pre in page.iter("pre")] == ["0", "0"]
    # HTML from elsewhere (an importer's) keeps no tabindex of its own choosing.
    clean = html.fragment_fromstring(sanitize_html(
        '<pre tabindex="-1">a</pre><p tabindex="3">b</p><code tabindex="0">c</code>'),
        create_parent="div")
    assert [(e.tag, e.get("tabindex")) for e in clean.xpath("//*[@tabindex]")] == [("pre", "0")]


def test_struck_words_and_code_or_paragraphs_inside_list_items_and_quotes_read_as_written():
    page = _render("It was ~~5 euros~~ 4, a ~ b ~c~. ~~<script>x</script>~~\n\n"
                   "1. Grind:\n\n    ```\n    grams = 18  # <b>\n    ```\n\n    Then wait.\n\n"
                   "2. Brew.\n\n> ```\n> quoted = True\n> ```\n\n    indented alone")
    assert page.xpath("//del/text()") == ["5 euros", "<script>x</script>"]
    assert "a ~ b ~c~." in page.text_content()
    assert not page.xpath("//script") and "<script>x</script>" in page.text_content()
    first, second = page.xpath("//ol/li")
    assert first.xpath("./pre/code/text()") == ["grams = 18  # <b>\n"]
    assert first.xpath("./p/text()") == ["Grind:", "Then wait."]
    assert second.text_content().strip() == "Brew."
    assert page.xpath("//blockquote/pre/code/text()") == ["quoted = True\n"]
    assert not page.xpath("//pre[not(parent::li or parent::blockquote)]"), \
        "an indented line outside a list stays a paragraph, not code"


def test_a_bare_url_is_linked_whole_whatever_marks_it_holds():
    page = _render("Mirror: https://a.example/~~old~~/f_x_y_.zip, also https://b.example/*a*b* "
                   "and ~~gone~~")
    assert [(a.get("href"), a.text) for a in page.iter("a")] == [
        ("https://a.example/~~old~~/f_x_y_.zip", "https://a.example/~~old~~/f_x_y_.zip"),
        ("https://b.example/*a*b*", "https://b.example/*a*b*")]
    assert page.xpath("//del/text()") == ["gone"] and not page.xpath("//em")


def test_an_escaped_character_in_a_bare_url_stays_that_character():
    page = _render(r"See https://example.com/foo\_\_bar and https://en.wikipedia.org/wiki/"
                   "Cold_brew_(coffee) (or https://x.example/a_b).")
    assert [(a.get("href"), a.text) for a in page.iter("a")] == [
        ("https://example.com/foo__bar", "https://example.com/foo__bar"),
        ("https://en.wikipedia.org/wiki/Cold_brew_(coffee)",
         "https://en.wikipedia.org/wiki/Cold_brew_(coffee)"),
        ("https://x.example/a_b", "https://x.example/a_b")]
    assert "klzzwxh" not in page.text_content()
    assert page.text_content().endswith("(or https://x.example/a_b).")


def test_a_numbered_list_keeps_its_first_number_and_nothing_else_of_its_start():
    page = _render("2. second\n3. third\n\ntext\n\n7. seventh")
    assert [ol.get("start") for ol in page.iter("ol")] == ["2", "7"]
    assert [li.text for li in page.iter("li")] == ["second", "third", "seventh"]
    cleaned = sanitize_html('<ol start="2x"><li>a</li></ol><ol start="-1"><li>b</li></ol>'
                            '<ul start="3"><li>c</li></ul><ol start=" 4 "><li>d</li></ol>')
    assert cleaned == '<ol><li>a</li></ol><ol><li>b</li></ol><ul><li>c</li></ul>' \
        '<ol start="4"><li>d</li></ol>'
