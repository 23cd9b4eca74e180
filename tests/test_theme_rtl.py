"""The default theme on a right-to-left hub: the demo built with `language: ar`, read in a
browser. Handles, hashtags and arrows must read as they do on a left-to-right page."""

from __future__ import annotations

import pytest
from browser import chromium, colours_at
from conftest import parse_html
from serving import static_server
from test_demo import _build_demo

MASTODON = "/threads/cold-brew-ratios-on-mastodon/"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """The demo built left to right and right to left: {"ltr": (public, base), ...}, and
    a browser."""
    ltr = _build_demo(tmp_path_factory.mktemp("ltr"))
    rtl = _build_demo(tmp_path_factory.mktemp("rtl"), language="ar")
    with static_server(ltr) as ltr_base, static_server(rtl) as rtl_base, chromium() as browser:
        yield {"ltr": (ltr, ltr_base), "rtl": (rtl, rtl_base)}, browser


# Whether the first two characters of the element's first word are drawn left to right.
DRAWN_LEFT_TO_RIGHT = """element => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT,
        {acceptNode: n => n.data.trim().length > 1 ? NodeFilter.FILTER_ACCEPT
                                                   : NodeFilter.FILTER_SKIP});
    const text = walker.nextNode();
    const start = text.data.search(/\\S/);
    const at = offset => { const range = document.createRange();
        range.setStart(text, offset); range.setEnd(text, offset + 1);
        return range.getBoundingClientRect().left; };
    return [document.documentElement.dir, text.data.trim(), at(start) < at(start + 1)];
}"""


@pytest.mark.parametrize(("path", "selector", "text"), [
    (MASTODON, ".eyebrow > :last-child", "#ColdBrew"),
    ("/", ".upcoming__when > :last-child", "#NorthwindChat"),
    (MASTODON, ".message__text .mention", "@ana@social.northwind.example"),
    (MASTODON, ".message__text .hashtag", "#ColdBrew")])
def test_on_a_right_to_left_hub_hashtags_and_mentions_keep_their_sign_in_front(
        demos, path, selector, text):
    sites, browser = demos
    page = browser.new_page()
    page.goto(sites["rtl"][1] + path)
    drawn = page.eval_on_selector(selector, DRAWN_LEFT_TO_RIGHT)
    page.close()
    assert drawn == ["rtl", text, True], "drawn as '" + text[1:] + text[0] + "'"


def test_in_arabic_text_a_mention_and_a_hashtag_keep_their_sign_in_front(demos, tmp_path):
    from test_theme_browser import _conversations_built
    _, browser = demos
    public = _conversations_built(tmp_path, {"content/threads/mastodon-brew.yaml": (
        '"1:16, always."', '"شكرا @kim@social.example على #الوصفة"')})
    with static_server(public) as base:
        page = browser.new_page()
        page.goto(base + "/threads/mastodon-brew/")
        drawn = [page.eval_on_selector(f"#{anchor} .message__text .{kind}", DRAWN_LEFT_TO_RIGHT)
                 for anchor, kind in (("m-b", "mention"), ("m-b", "hashtag"))]
        page.close()
    # The hashtag is Arabic: its sign goes at its right, where Arabic starts.
    assert drawn == [["ltr", "@kim@social.example", True], ["ltr", "#الوصفة", False]]


def test_hashtags_are_isolated_and_community_text_takes_its_own_direction(demos):
    sites, _ = demos
    public = sites["rtl"][0]
    thread = parse_html(public / MASTODON.strip("/") / "index.html")
    assert thread.xpath('//p[contains(@class, "eyebrow")]//bdi/text()') == ["#ColdBrew"]
    home = parse_html(public / "index.html")
    assert home.xpath('//p[contains(@class, "upcoming__when")]//bdi/text()') == ["#NorthwindChat"]
    person = parse_html(public / "people/nw-ana/index.html")
    for page in (thread, person):
        blocks = page.xpath('//*[contains(@class, "message__text")] | '
                            '//*[contains(@class, "thread__summary")]')
        assert blocks and {block.get("dir") for block in blocks} == {"auto"}


# Which way an arrow icon points on screen: where the two strokes of its head are drawn
# (transforms included), against the middle of the icon.
POINTS = """svg => {
    const path = svg.querySelector("path"), matrix = path.getScreenCTM();
    const box = path.getBBox(), middle = box.y + box.height / 2;
    const screen = svg.getBoundingClientRect(), centre = screen.left + screen.width / 2;
    let sum = 0, count = 0;
    for (let length = 0; length <= path.getTotalLength(); length += .25) {
        const point = path.getPointAtLength(length);
        if (Math.abs(point.y - middle) > box.height / 4) {
            sum += new DOMPoint(point.x, point.y).matrixTransform(matrix).x; count++;
        }
    }
    return sum / count > centre ? "right" : "left";
}"""


@pytest.mark.parametrize(("direction", "newer", "older"), [("ltr", "left", "right"),
                                                          ("rtl", "right", "left")])
def test_newer_and_older_arrows_point_the_way_the_page_reads(demos, direction, newer, older):
    sites, browser = demos
    page = browser.new_page()
    arrows = {}
    for path, link in (("/page/2/", ".pagination__link--{}"),
                       ("/posts/how-we-answer-your-questions/", ".post-nav__link--{}")):
        page.goto(sites[direction][1] + path)
        for which in ("newer", "older"):
            arrows[path, which] = page.eval_on_selector(link.format(which) + " svg", POINTS)
    page.close()
    assert arrows == {(path, which): {"newer": newer, "older": older}[which]
                      for path, which in arrows}


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_a_tag_s_weight_bar_grows_from_where_its_name_starts(demos, direction):
    sites, browser = demos
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(sites[direction][1] + "/tags/")
    item = page.locator('.tag-cloud__item[style*="--weight: 30"]').first
    accent = item.evaluate("""item => { const probe = document.createElement("i");
        probe.style.color = getComputedStyle(item).getPropertyValue("--accent");
        item.append(probe); const colour = getComputedStyle(probe).color; probe.remove();
        return colour.match(/\\d+/g).slice(0, 3).map(Number); }""")
    png = item.screenshot()
    box = item.bounding_box()
    page.close()
    width, bar = round(box["width"]), round(box["height"]) - 3
    left, right = colours_at(browser, png, [(width // 5, bar), (width - width // 5, bar)])
    start, end = (left, right) if direction == "ltr" else (right, left)
    assert max(abs(a - b) for a, b in zip(start, accent, strict=True)) < 30, (start, accent)
    assert max(abs(a - b) for a, b in zip(end, accent, strict=True)) > 60, (end, accent)
