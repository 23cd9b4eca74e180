"""The default theme as a reader sees it: the demo hub in a real browser, on a phone."""

from __future__ import annotations

import shutil

import pytest
from browser import chromium, colours_at
from conftest import SITES, run_hubgen
from serving import static_server
from test_demo import _build_demo

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
THREADS = ("northwindchat-decaf-done-right", "cold-brew-ratios-on-mastodon",
           "forum-grinder-burrs")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    public = _build_demo(tmp_path_factory.mktemp("theme"))
    with static_server(public) as base, chromium() as browser:
        yield base, browser


@pytest.mark.parametrize("slug", THREADS)
def test_on_a_phone_each_message_names_its_author_beside_the_avatar(demo, slug):
    base, browser = demo
    page = browser.new_page(**PHONE)
    page.goto(f"{base}/threads/{slug}/")
    heads = page.eval_on_selector_all(".message__head", """heads => heads.map(head => {
        const avatar = head.querySelector(".avatar").getBoundingClientRect();
        const who = head.querySelector(".message__who").getBoundingClientRect();
        return {name: head.querySelector(".voice__name").textContent,
                beside: who.left >= avatar.right && who.top < avatar.bottom};
    })""")
    page.close()
    assert len(heads) >= 10
    assert [h["name"] for h in heads if not h["beside"]] == []


def test_the_comments_notice_uses_the_site_s_type_and_spacing(demo):
    base, browser = demo
    page = browser.new_page(**PHONE)
    page.goto(f"{base}/posts/how-we-answer-your-questions/")
    looks = page.evaluate("""() => {
        const body = getComputedStyle(document.body).fontFamily;
        const button = document.querySelector("[data-comments-load]");
        const title = document.querySelector(".comments__title").getBoundingClientRect();
        const notice = document.querySelector(".comments__notice").getBoundingClientRect();
        return {body, button: getComputedStyle(button).fontFamily,
                gap: notice.top - title.bottom};
    }""")
    page.close()
    assert looks["button"] == looks["body"]
    assert looks["gap"] >= 8, "the heading does not sit on the notice"


def test_on_a_phone_a_participant_s_mark_wraps_flush_under_the_name(demo):
    base, browser = demo
    page = browser.new_page(**PHONE)
    page.goto(f"{base}/threads/northwindchat-decaf-done-right/")
    rows = page.eval_on_selector_all(".participant", """rows => rows.map(row => {
        const name = row.querySelector(".voice__name").getBoundingClientRect();
        const mark = row.querySelector(".voice__mark");
        const box = mark && mark.getBoundingClientRect();
        return {name: row.querySelector(".voice__name").textContent,
                wrapped: !!box && box.top >= name.bottom - 2,
                flush: !box || box.top < name.bottom - 2 || Math.abs(box.left - name.left) < 1};
    })""")
    page.close()
    assert any(row["wrapped"] for row in rows), "the brand's mark is too long for one line"
    assert [row["name"] for row in rows if not row["flush"]] == []


PAGES = ("/", "/page/2/", "/threads/", "/people/", "/people/nw-ana/", "/tags/community/",
         "/posts/how-we-answer-your-questions/", "/posts/notes-from-huila/",
         *(f"/threads/{slug}/" for slug in (*THREADS, "northwindchat-holiday-brewing")))


def _wider_than(width: int, browser, base: str, paths) -> dict[str, int]:
    """The pages among `paths` that scroll sideways at `width`: their width, by path."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    wide = {}
    for path in paths:
        page.goto(f"{base}{path}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
    page.close()
    return wide


def _conversations_built(tmp_path, edits: dict[str, tuple[str, str]]):
    """The conversations test hub, with one replacement made in each file named, built."""
    root = tmp_path / "hub"
    shutil.copytree(SITES / "conversations", root)
    for name, (old, new) in edits.items():
        path = root / name
        path.write_text(path.read_text().replace(old, new))
    assert run_hubgen("build", cwd=root).code == 0
    return root / "public"


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_small_phone(demo, width):
    # WCAG 1.4.10: content reflows at 320 CSS pixels (long handles, brand marks, dates).
    base, browser = demo
    assert _wider_than(width, browser, base, PAGES) == {}


def test_footnote_links_are_underlined_and_heading_anchors_stay_out_of_the_way(demo):
    base, browser = demo
    page = browser.new_page()
    page.goto(f"{base}/posts/notes-from-huila/")
    backref = page.eval_on_selector(".footnote-backref",
                                    "a => getComputedStyle(a).textDecorationLine")
    assert backref == "underline", "a link in text is not told by its colour alone"
    anchors = page.eval_on_selector_all(".heading-anchor", """anchors => anchors.map(
        a => [a.getAttribute("aria-hidden"), a.tabIndex])""")
    page.close()
    assert anchors and set(map(tuple, anchors)) == {("true", -1)}


def test_printing_a_post_keeps_its_code_whole_and_leaves_the_controls_out(demo):
    base, browser = demo
    page = browser.new_page()
    page.goto(f"{base}/posts/how-we-answer-your-questions/")
    page.emulate_media(media="print")
    printed = page.evaluate("""() => {
        const pre = document.querySelector(".prose pre");
        return {comments: getComputedStyle(document.querySelector(".comments")).display,
                overflow: pre.scrollWidth - pre.clientWidth};
    }""")
    page.close()
    assert printed == {"comments": "none", "overflow": 0}


def test_printing_keeps_a_table_within_the_page_and_a_message_on_one_page(demo):
    # Narrower than an A4 sheet's printable width (718 px at Chrome's default margins): a
    # table cannot scroll on paper.
    base, browser = demo
    page = browser.new_page(viewport={"width": 600, "height": 800})
    page.emulate_media(media="print")
    page.goto(f"{base}/posts/cold-brew-recipe-thread/")
    overflow = page.eval_on_selector(".prose table", """table => {
        const column = table.closest(".prose").getBoundingClientRect();
        return [table.getBoundingClientRect().right - column.right,
                table.scrollWidth - table.clientWidth, document.documentElement.scrollWidth];
    }""")
    page.goto(f"{base}/threads/northwindchat-decaf-done-right/")
    breaks = page.eval_on_selector_all(".message__body, blockquote.highlight", """cards =>
        [...new Set(cards.map(card => getComputedStyle(card).breakInside))]""")
    page.close()
    assert overflow[0] <= 0.5 and overflow[1:] == [0, 600], overflow
    assert breaks == ["avoid"]


@pytest.mark.parametrize(("path", "selector"), [
    ("/posts/how-we-answer-your-questions/", ".prose pre"),
    ("/posts/cold-brew-recipe-thread/", ".prose table")])
def test_a_code_block_or_table_wider_than_a_phone_scrolls_from_the_keyboard(demo, path,
                                                                            selector):
    # Safari leaves a scrolling box out of the tab order unless the page puts it there.
    base, browser = demo
    page = browser.new_page(viewport={"width": 320, "height": 700})
    page.goto(f"{base}{path}")
    box = page.locator(selector).first
    assert box.get_attribute("tabindex") == "0"
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the test needs a wide one"
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector({selector!r}).scrollLeft > 0")
    outline = box.evaluate("b => getComputedStyle(b).outlineStyle")
    page.close()
    assert outline == "solid", "the focused box shows where the keyboard is"


# Each part of a meta line (a date, an author, a count) and where its dot shows: a part
# that starts a row must show none, every other part one, whatever the width.
PARTS_AND_DOTS = """() => [...document.querySelectorAll('.parts')].filter(l => l.offsetParent)
    .flatMap(line => {
        const left = line.getBoundingClientRect().left;
        const clip = parseFloat(getComputedStyle(line).clipPath.split(' ').pop());
        let top = null;
        return [...line.children].map(part => {
            const dot = part.getBoundingClientRect();
            const text = part.textContent.trim().replace(/\\s+/g, ' ');
            const startsRow = top === null || Math.abs(dot.top - top) > 4;
            top = dot.top;
            const dotShown = getComputedStyle(part, '::before').content !== 'none'
                && dot.left >= left + clip - 1;
            return [text, startsRow, dotShown];
        });
    })"""


@pytest.mark.parametrize("width", [320, 390, 1024])
def test_no_dot_between_parts_of_a_meta_line_dangles_when_it_wraps(demo, width):
    base, browser = demo
    page = browser.new_page(viewport={"width": width, "height": 800})
    wrong, rows_started = [], 0
    for path in ("/", "/threads/", "/tags/brewing/", "/posts/how-we-answer-your-questions/",
                 "/people/mastodon-jo-toot-example/",
                 "/threads/northwindchat-decaf-done-right/", "/posts/ten-months-of-listening/",
                 "/tags/community/"):
        page.goto(f"{base}{path}")
        for text, starts_row, dot_shown in page.evaluate(PARTS_AND_DOTS):
            rows_started += starts_row
            if starts_row == dot_shown:
                wrong.append((path, text, "a dot starts the row" if dot_shown else "no dot"))
    page.close()
    assert rows_started > 20
    assert wrong == []


def test_a_long_code_line_in_a_message_scrolls_inside_it_on_a_phone(demo, tmp_path):
    # Community text may hold code too; a long line must not widen the page.
    _, browser = demo
    public = _conversations_built(tmp_path, {"content/threads/mastodon-brew.yaml": (
        'text: "1:16, always."', 'text: "1:16, always.\\n\\n```\\nratio = coffee_grams / '
        'water_grams  # a comment that runs on well past the edge of any phone\\n```"')})
    with static_server(public) as base:
        page = browser.new_page(viewport={"width": 320, "height": 700})
        page.goto(f"{base}/threads/mastodon-brew/")
        widths = page.evaluate("""() => [document.documentElement.scrollWidth,
            ...[document.querySelector('.message__text pre')]
                .map(pre => pre.scrollWidth > pre.clientWidth)]""")
        # ...and a keyboard scrolls it, as it does a post's code (Safari leaves a
        # scrolling box out of the tab order unless the page puts it there).
        pre = page.locator(".message__text pre")
        tabindex = pre.get_attribute("tabindex")
        pre.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('.message__text pre').scrollLeft > 0")
        page.close()
    assert widths == [320, True]
    assert tabindex == "0"


def test_a_long_handle_or_a_url_in_a_thread_title_wraps_on_a_phone(demo, tmp_path):
    # Importers title a thread with its first words, often a link; handles run long.
    _, browser = demo
    public = _conversations_built(tmp_path, {
        "content/people.yaml": ('"@kim@social.example"',
                                '"@kimberly_lee_brews@mastodon.social.example"'),
        "content/threads/mastodon-brew.yaml": (
            "title: Brewing on Mastodon",
            'title: "Brewing: https://www.talk.example/guides/brewing-ratios-for-everyone"')})
    with static_server(public) as base:
        assert _wider_than(320, browser, base, ("/people/", "/people/kim/", "/people/raj/",
                                                "/threads/", "/")) == {}


def test_on_a_right_to_left_hub_handles_read_left_to_right(demo, tmp_path):
    _, browser = demo
    public = _conversations_built(tmp_path, {"hubgen.yaml": ("title:", "language: he\ntitle:")})
    with static_server(public) as base:
        page = browser.new_page()
        orders = {}
        for path, selector in (("/threads/mastodon-brew/", ".message__handle"),
                               ("/people/", ".person-card__bio bdi"),
                               ("/people/kim/", "bdi")):
            page.goto(base + path)
            # Where the handle's first two characters ('@k') are drawn, left to right.
            orders[path] = page.eval_on_selector(selector, """element => {
                const text = [...element.childNodes].find(n => n.nodeType === 3 && n.length > 1);
                const at = offset => { const range = document.createRange();
                    range.setStart(text, offset); range.setEnd(text, offset + 1);
                    return range.getBoundingClientRect().left; };
                return [document.documentElement.dir, at(0) < at(1)];
            }""")
        page.close()
    assert orders == {path: ["rtl", True] for path in orders}


def test_in_forced_colours_the_current_page_and_the_tag_bars_still_show(demo):
    # Windows High Contrast drops backgrounds and box shadows, the theme's cues for both.
    base, browser = demo
    page = browser.new_page(viewport={"width": 1280, "height": 900}, forced_colors="active")
    page.goto(f"{base}/tags/")
    looks = page.evaluate("""() => [...document.querySelectorAll(".site-nav a")].map(a => {
        const style = getComputedStyle(a);
        return [a.textContent.trim(), ["textDecorationLine", "borderBottomStyle",
                "outlineStyle", "fontWeight"].map(name => style[name]).join(" ")];
    })""")
    item = page.locator('.tag-cloud__item[style*="--weight: 30"]').first
    png, box = item.screenshot(), item.bounding_box()
    page.close()
    current = dict(looks).pop("Tags")
    assert [name for name, look in looks if look == current] == ["Tags"]
    width, bar = round(box["width"]), round(box["height"]) - 3
    inside, outside = colours_at(browser, png, [(width // 5, bar), (width - width // 5, bar)])
    assert max(abs(a - b) for a, b in zip(inside, outside, strict=True)) > 100, (inside, outside)


def test_on_a_phone_the_menu_fits_one_row_and_a_long_brand_mark_wraps_into_a_box(demo):
    base, browser = demo
    page = browser.new_page(**PHONE)
    page.goto(f"{base}/threads/northwindchat-decaf-done-right/")
    rows = page.eval_on_selector_all(".site-nav li", """items => [...new Set(items.map(
        item => Math.round(item.getBoundingClientRect().top / 8)))]""")
    page.set_viewport_size({"width": 320, "height": 800})
    # A pill's ends are half its height round; a mark on two lines with such ends is a
    # lozenge, its words squeezed into the curves.
    marks = page.eval_on_selector_all(".voice__mark", """marks => marks.map(mark => {
        const box = mark.getBoundingClientRect();
        return [box.height > 24, parseFloat(getComputedStyle(mark).borderTopLeftRadius)
                                 <= box.height * .4];
    }).filter(([wrapped]) => wrapped)""")
    page.close()
    assert len(rows) == 1, "the menu's last item drops to a row of its own"
    assert marks and {round_ends for _, round_ends in marks} == {True}


def test_a_person_named_in_a_meta_line_is_an_underlined_link(demo):
    base, browser = demo
    page = browser.new_page()
    page.goto(f"{base}/threads/northwindchat-decaf-done-right/")
    looks = page.eval_on_selector(".thread__header .meta a.voice__name", """a => [
        a.textContent, getComputedStyle(a).textDecorationLine]""")
    page.close()
    assert looks == ["Tom Martin", "underline"]


# Replies from Mastodon or Bluesky as comments.js writes them (its test drives the script).
FEDIVERSE_REPLY = """<ol class="fediverse-list"><li class="fediverse-reply">
  <article class="fediverse-reply__body"><p class="fediverse-reply__meta"><strong
    class="fediverse-reply__name">Jo</strong> <span class="fediverse-reply__handle"
    >@jo@toot.example</span> · <time class="fediverse-reply__time">Mar 19, 2026</time></p>
  <div class="fediverse-reply__content"><details class="fediverse-reply__warning"><summary
    >caffeine</summary><p>Decaf is still coffee.</p></details></div>
  <p class="fediverse-reply__link"><a href="https://toot.example/@jo/1">View on
    Mastodon</a></p></article></li></ol>"""


def test_replies_from_mastodon_look_like_the_thread_s_messages(demo):
    base, browser = demo
    page = browser.new_page()
    page.goto(f"{base}/threads/cold-brew-ratios-on-mastodon/")
    looks = page.evaluate("""html => {
        document.querySelector(".comments").insertAdjacentHTML("beforeend", html);
        const style = selector => getComputedStyle(document.querySelector(selector));
        const muted = style(".message__handle").color, text = style(".voice__name").color;
        const size = selector => parseFloat(style(selector).fontSize);
        const summary = document.querySelector(".fediverse-reply__warning summary");
        return {
            name: style(".fediverse-reply__name").color === text,
            muted: [".fediverse-reply__handle", ".fediverse-reply__time",
                    ".fediverse-reply__link a"].map(s => style(s).color === muted),
            smaller: size(".fediverse-reply__handle") < size(".fediverse-reply__name"),
            warning: getComputedStyle(summary, "::before").content + summary.textContent,
            boxed: style(".fediverse-reply__warning").borderTopStyle,
        };
    }""", FEDIVERSE_REPLY)
    page.close()
    assert looks == {"name": True, "muted": [True, True, True], "smaller": True,
                     "warning": '"Content warning: "caffeine', "boxed": "dashed"}
