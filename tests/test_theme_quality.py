"""The default theme: accessible structure, no third-party requests, a small stylesheet."""

from __future__ import annotations

import re

from conftest import REPO, parse_html

CSS = REPO / "themes/default/static/css/hub.css"


def test_the_stylesheet_is_under_42_kb_and_styles_light_dark_and_code():
    css = CSS.read_text()
    assert len(CSS.read_bytes()) < 42 * 1024
    assert "prefers-color-scheme: dark" in css
    assert ":focus-visible" in css
    assert re.search(r"\.highlight :is\(\.k, ", css), "Pygments keyword tokens are styled"


def test_pages_have_a_skip_link_landmarks_and_load_nothing_from_other_hosts(built):
    public = built("minimal")
    for path in public.rglob("*.html"):
        page = parse_html(path)
        first_link = page.xpath("//body//a")[0]
        assert first_link.get("href") == "#main" and "Skip" in first_link.text_content(), path
        assert page.xpath("//header") and page.xpath("//main[@id='main']") and \
            page.xpath("//footer"), path
        assert page.xpath("//nav[@aria-label]"), path
        for element in page.xpath("//script[@src] | //link[@rel='stylesheet'] | //img | "
                                  "//iframe | //link[@rel='preload'] | //link[@rel='icon']"):
            target = element.get("src") or element.get("href") or ""
            assert not target.startswith(("http://", "https://", "//")), (path, target)
        assert page.xpath('//meta[@name="viewport"]'), path
    css = CSS.read_text()
    assert "@import" not in css and "url(http" not in css


def test_alt_text_from_markdown_reaches_the_page(built):
    public = built("minimal")
    page = parse_html(public / "posts/first-post/index.html")
    assert page.xpath('//main//img/@alt') == ["A coffee cup"]
