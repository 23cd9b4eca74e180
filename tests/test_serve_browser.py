"""Live reload in a real browser: edits appear by themselves, CSS swaps in place,
errors show as an overlay and go away when fixed."""

from __future__ import annotations

import socket
import time

import pytest
from browser import chromium
from serving import serving, wait_until


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def live(hub, browser):
    root = hub("minimal")
    (root / "static/css").mkdir(parents=True)
    (root / "static/css/hub.css").write_text("body { background: rgb(255, 255, 255); }\n")
    with serving(root, "--port", "0") as site:
        page = browser.new_page()
        yield root, site, page
        page.close()
        site.stop()


def test_an_edit_appears_in_the_open_page_without_a_manual_reload(live):
    root, site, page = live
    page.goto(site.url + "posts/the-third/")
    assert "The third post" in page.inner_text("main")
    post = root / "content/posts/third.md"
    started = time.monotonic()
    post.write_text(post.read_text().replace("The third post,", "The freshly edited post,"))
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('freshly edited')", timeout=2000)
    assert time.monotonic() - started < 2.0


def test_an_open_404_page_follows_edits_and_turns_into_the_page_once_it_is_made(live):
    root, site, page = live
    page.goto(site.url + "posts/coming-soon/")
    assert "Third, with an explicit slug" in page.inner_text("main")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("title: Third, with an explicit slug",
                                             "title: Third, renamed"))
    page.wait_for_function(   # the 404 page lists the newest posts
        "document.querySelector('main').innerText.includes('Third, renamed')", timeout=3000)
    (root / "content/posts/coming-soon.md").write_text(
        "---\ntitle: Here at last\ndate: 2026-04-02\n---\nIt came.\n")
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').innerText.includes("
        "'Here at last')", timeout=3000)


def test_a_css_edit_restyles_the_page_without_navigation(live):
    root, site, page = live
    page.goto(site.url + "posts/the-third/")
    page.evaluate("window.__stillHere = 42")
    color = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(color) == "rgb(255, 255, 255)"
    (root / "static/css/hub.css").write_text("body { background: rgb(10, 20, 30); }\n")
    page.wait_for_function(f"{color} === 'rgb(10, 20, 30)'", timeout=3000)
    assert page.evaluate("window.__stillHere") == 42, "the page was not reloaded"


def test_the_scroll_position_survives_a_reload(live):
    root, site, page = live
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n" + "\n\n".join(f"Paragraph {n}." for n in range(200)))
    time.sleep(0.6)
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(site.url + "posts/the-third/")
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("window.scrollY >= 1500")
    post.write_text(post.read_text().replace("Paragraph 199.", "Paragraph the last."))
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('Paragraph the last')", timeout=3000)
    page.wait_for_function("window.scrollY >= 1400", timeout=2000)


def test_a_broken_front_matter_shows_an_overlay_and_the_fix_clears_it(live):
    root, site, page = live
    page.goto(site.url + "posts/the-third/")
    post = root / "content/posts/third.md"
    good = post.read_text()
    post.write_text(good.replace("title: Third, with an explicit slug", "title: [unclosed"))
    overlay = page.wait_for_selector("#hubgen-error-overlay", timeout=3000)
    text = overlay.inner_text()
    assert "content/posts/third.md:2:8: YAML syntax error: a list in [ ] opened here is " \
        "never closed" in text
    assert "title: [unclosed" in text, "the offending line is shown"
    post.write_text(good.replace("The third post,", "The repaired post,"))
    page.wait_for_function(
        "!document.querySelector('#hubgen-error-overlay') && "
        "document.querySelector('main').innerText.includes('repaired')", timeout=3000)


def test_many_open_tabs_leave_connections_for_the_pages_and_all_follow_edits(hub, browser):
    # A browser keeps six connections to a server: a stream per tab would use them all.
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        context = browser.new_context()
        tabs = [context.new_page() for _ in range(8)]
        for tab in tabs:
            tab.goto(site.url + "posts/the-third/")
        started = time.monotonic()
        extra = context.new_page()
        extra.goto(site.url + "about/", timeout=5000)
        assert time.monotonic() - started < 3.0
        post = root / "content/posts/third.md"
        post.write_text(post.read_text().replace("The third post,", "Seen by every tab,"))
        for tab in tabs:
            tab.wait_for_function(
                "document.querySelector('main').innerText.includes('Seen by every tab')",
                timeout=5000)
        # The tab that listened goes: another takes its place.
        tabs[0].close()
        post.write_text(post.read_text().replace("Seen by every tab,", "Still seen,"))
        tabs[-1].wait_for_function(
            "document.querySelector('main').innerText.includes('Still seen')", timeout=5000)
        context.close()
        site.stop()


def test_an_open_tab_reloads_when_serve_starts_again(hub, browser):
    root = hub("minimal")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    page = browser.new_page()
    with serving(root, "--port", port) as site:
        page.goto(site.url + "posts/the-third/")
        page.evaluate("window.__before = 1")
        site.stop()
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("The third post,", "Edited while stopped,"))
    with serving(root, "--port", port) as site:
        # The page of the first server catches up with the second at once, no edit needed.
        page.wait_for_function("window.__before === undefined && document.querySelector"
                               "('main').innerText.includes('Edited while stopped')",
                               timeout=8000)
        site.stop()
    page.close()


def test_an_open_tab_follows_the_site_when_its_url_path_is_edited(live):
    root, site, page = live
    page.goto(site.url + "posts/the-third/?from=test#top")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://minimal.example/",
                                                 "url: https://minimal.example/hub/"))
    page.wait_for_url("**/hub/posts/the-third/?from=test#top", timeout=5000)
    assert "The third post" in page.inner_text("main")


def test_a_browser_that_cannot_share_a_connection_still_follows_edits(live):
    # Web Locks need a secure context: a hub served over plain http to another machine.
    root, site, page = live
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'locks', "
                         "{get: () => undefined})")
    page.goto(site.url + "posts/the-third/")
    assert page.evaluate("navigator.locks") is None
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("The third post,", "Followed alone,"))
    page.wait_for_function(
        "document.querySelector('main').innerText.includes('Followed alone')", timeout=3000)


def test_a_replaced_image_reloads_its_page_at_a_url_path_with_a_space_or_an_accent(hub,
                                                                                  browser):
    # The browser names the image /our%20caf%C3%A9/images/pic.svg; the page compared
    # that with the base path as the server names it, '/our café/', and never reloaded.
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://minimal.example/",
                                                 'url: "https://minimal.example/our café/"'))
    picture = root / "static/images/pic.svg"
    picture.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n![A picture](/images/pic.svg)\n")
    width = "document.querySelector('img[alt=\"A picture\"]').naturalWidth"
    with serving(root, "--port", "0") as site:
        page = browser.new_page()
        page.goto(site.url + "posts/the-third/")
        page.wait_for_function(f"{width} === 10", timeout=3000)
        picture.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'/>")
        page.wait_for_function(f"{width} === 20", timeout=5000)
        page.close()
        site.stop()


def test_a_replaced_image_or_an_included_stylesheet_reloads_the_page_that_shows_it(live):
    root, site, page = live
    (root / "static/images").mkdir(parents=True, exist_ok=True)
    picture = root / "static/images/pic.svg"
    picture.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/inline.css").write_text("h1 { color: rgb(1, 1, 1); }")
    (root / "templates/base.html").write_text(
        '{% extends "!theme/base.html" %}{% block head %}{{ super() }}'
        '<style id="inline">{% include "inline.css" %}</style>{% endblock %}')
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n![A picture](/images/pic.svg)\n")
    width = "document.querySelector('img[alt=\"A picture\"]').naturalWidth"
    assert wait_until(lambda: all(part in site.get("/posts/the-third/")[2]
                                  for part in (b"pic.svg", b'id="inline"')))
    elsewhere = page.context.browser.new_page()    # a page that does not show it
    elsewhere.goto(site.url + "about/")
    elsewhere.evaluate("window.__stillHere = 42")
    page.goto(site.url + "posts/the-third/")
    page.wait_for_function(f"document.querySelector('img[alt=\"A picture\"]') && {width} === 10",
                           timeout=3000)
    picture.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='20' height='10'/>")
    page.wait_for_function(f"{width} === 20", timeout=3000)
    time.sleep(0.3)
    assert elsewhere.evaluate("window.__stillHere") == 42, "a page without it stays as it is"
    elsewhere.close()
    (root / "templates/inline.css").write_text("h1 { color: rgb(2, 2, 2); }")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).color === "
                           "'rgb(2, 2, 2)'", timeout=3000)
