"""Comments in a real browser: nothing third-party loads before the reader allows it, each
provider gets its exact embed once allowed, a remembered choice can be taken back, dark mode
reaches the provider, and Mastodon and Bluesky replies show as readable, harmless DOM.

Every request to a host other than this machine is intercepted and recorded: provider
scripts get a one-line local stand-in, everything else is refused, so no test needs the
internet. The Mastodon and Bluesky APIs are played by tests/fediverse_stub.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from browser import chromium
from conftest import run_hubgen
from fediverse_stub import DEEP_CHAIN, XSS, Stub, fediverse_stub
from playwright.sync_api import BrowserContext, Page, Request, Route
from serving import static_server

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STAND_IN = "window.__providerLoaded = (window.__providerLoaded || 0) + 1;"
POST = "posts/hello-comments/"
SITE_URL = "https://comments.example/"


# ------------------------------------------------------------------ serving and watching


@dataclass
class Reader:
    """One reader's browser tab, with everything it sent beyond this machine."""

    context: BrowserContext
    page: Page
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def intercept(self, route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname in LOCAL_HOSTS:
            route.continue_()
            return
        self.outside.append(request.url)
        if urlsplit(request.url).path.endswith((".js", ".mjs")):
            route.fulfill(status=200, content_type="text/javascript", body=STAND_IN,
                          headers={"Access-Control-Allow-Origin": "*"})
        else:
            route.abort()

    def section(self):
        return self.page.locator("[data-hubgen-comments]")

    def load(self) -> None:
        """Click "Load comments" (or "Load replies")."""
        self.page.click("[data-comments-load]")

    def wait_for_outside(self, url: str, timeout: float = 5.0) -> None:
        """Wait until the page asked for `url` (the route handler runs while Playwright waits)."""
        for _ in range(int(timeout / 0.05)):
            if url in self.outside:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{url} was never requested; requests: {self.outside}; "
                             f"page errors: {self.errors}")

    def storage(self) -> dict[str, str]:
        return self.page.evaluate("() => Object.assign({}, localStorage)")


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def reader(browser):
    """Open a tab (light or dark) whose every non-local request is recorded."""
    contexts: list[BrowserContext] = []

    def open_tab(color_scheme: str = "light") -> Reader:
        context = browser.new_context(color_scheme=color_scheme,
                                      viewport={"width": 800, "height": 600})
        contexts.append(context)
        tab = Reader(context, context.new_page())
        context.route("**/*", tab.intercept)
        tab.page.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message),
                                              dialog.dismiss()))
        tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def site(hub):
    """Build tests/sites/comments-providers with `comments:` changed, and serve it."""
    with ExitStack() as servers:
        def build(provider: str = "giscus", load: str = "click") -> str:
            root = hub("comments-providers")
            config = root / "hubgen.yaml"  # edited as text: PyYAML would read `on:` as true
            text = config.read_text().replace("  provider: giscus\n", f"  provider: {provider}\n")
            config.write_text(text.replace("  load: click\n", f"  load: {load}\n"))
            result = run_hubgen("build", cwd=root)
            assert result.code == 0, result.err
            return servers.enter_context(static_server(root / "public"))

        yield build


def attributes(page: Page, selector: str) -> dict[str, str]:
    """Every attribute of the element `selector` finds in the comments target."""
    return page.evaluate("""(selector) => {
        const node = document.querySelector('[data-comments-target] ' + selector);
        if (!node) return null;
        return Object.fromEntries([...node.attributes].map((a) => [a.name, a.value]));
    }""", selector)


# ------------------------------------------------------------------ the six script providers


@dataclass(frozen=True)
class Embed:
    """What one provider's embed must look like once the reader allowed it."""

    request: str                              # the script its loader asks for
    script: tuple[str, dict[str, str]] | None  # a <script> in the target: all its attributes
    elements: dict[str, dict[str, str]]       # selector → attributes it must carry
    config: tuple[str, dict[str, str]] | None = None  # a JS expression → what it gives


EMBEDS = {
    "giscus": Embed(
        "https://giscus.app/client.js",
        ('script[src="https://giscus.app/client.js"]', {
            "src": "https://giscus.app/client.js", "data-repo": "org/name",
            "data-repo-id": "R_abc", "data-category": "Comments",
            "data-category-id": "DIC_xyz", "data-mapping": "specific",
            "data-term": "/posts/hello-comments/", "data-strict": "0",
            "data-reactions-enabled": "1", "data-emit-metadata": "0",
            "data-input-position": "bottom", "data-theme": "preferred_color_scheme",
            "data-lang": "en", "crossorigin": "anonymous", "async": ""}),
        {}),
    "utterances": Embed(
        "https://utteranc.es/client.js",
        ('script[src="https://utteranc.es/client.js"]', {
            "src": "https://utteranc.es/client.js", "repo": "org/name",
            "issue-term": "/posts/hello-comments/", "theme": "preferred-color-scheme",
            "crossorigin": "anonymous", "async": ""}),
        {}),
    "disqus": Embed(
        "https://myhub.disqus.com/embed.js", None,
        {"#disqus_thread": {"id": "disqus_thread"}},
        ("(() => { const self = {page: {}}; window.disqus_config.call(self);"
         " return {url: self.page.url, identifier: self.page.identifier}; })()",
         {"url": SITE_URL + POST, "identifier": "/posts/hello-comments/"})),
    "isso": Embed(
        "https://comments.example.com/js/embed.min.js",
        ("script[data-isso]", {
            "data-isso": "https://comments.example.com/",
            "src": "https://comments.example.com/js/embed.min.js"}),
        {"section#isso-thread": {"data-isso-id": "/posts/hello-comments/",
                                 "data-title": "Hello, comments"}}),
    "remark42": Embed(
        "https://remark.example.com/web/embed.mjs", None,
        {"#remark42": {"id": "remark42"}},
        ("(({host, site_id, url, page_title, theme, locale}) =>"
         " ({host, site_id, url, page_title, theme, locale}))(window.remark_config)",
         {"host": "https://remark.example.com", "site_id": "myhub", "url": SITE_URL + POST,
          "page_title": "Hello, comments", "theme": "light", "locale": "en"})),
    "hyvor": Embed(
        "https://talk.hyvor.com/embed/embed.js",
        ('script[src="https://talk.hyvor.com/embed/embed.js"]', {
            "async": "", "type": "module", "src": "https://talk.hyvor.com/embed/embed.js"}),
        {"hyvor-talk-comments": {"website-id": "1234", "page-id": "/posts/hello-comments/",
                                 "colors": "os"}}),
}


def assert_nothing_happened_yet(tab: Reader) -> None:
    tab.page.wait_for_load_state("networkidle")
    tab.page.wait_for_timeout(200)
    assert tab.outside == [], "a third-party request before the reader allowed it"
    assert tab.context.cookies() == []
    assert tab.storage() == {}
    assert tab.section().get_attribute("data-loaded") is None
    assert tab.page.locator("[data-comments-target] > *").count() == 0


@pytest.mark.parametrize("provider", EMBEDS)
def test_click_loads_nothing_until_asked_then_exactly_the_providers_embed(
        site, reader, provider):
    embed = EMBEDS[provider]
    tab = reader()
    tab.page.goto(site(provider) + POST)
    assert tab.page.locator("[data-comments-notice]").is_visible()
    assert_nothing_happened_yet(tab)

    tab.load()
    tab.wait_for_outside(embed.request)
    # The stand-in ran: the re-created script is a live one, not an inert copy.
    tab.page.wait_for_function("window.__providerLoaded === 1", timeout=5000)
    assert tab.outside == [embed.request], "only the provider's own script, once"
    assert tab.section().get_attribute("data-loaded") == "true"
    assert tab.page.locator("[data-comments-notice]").is_hidden()
    if embed.script:
        selector, expected = embed.script
        assert attributes(tab.page, selector) == expected
    # Re-created scripts run in document order: only those that asked for async are async.
    assert tab.page.evaluate("""() => [...document.querySelectorAll(
        '[data-comments-target] script[src]')].every((s) => s.async === s.hasAttribute('async'))""")
    for selector, expected in embed.elements.items():
        found = attributes(tab.page, selector)
        assert found is not None, f"no {selector} in the comments"
        assert {name: found.get(name) for name in expected} == expected
    if embed.config:
        expression, expected = embed.config
        assert tab.page.evaluate(expression) == expected
    assert tab.context.cookies() == [], "hubgen itself sets no cookie"
    assert tab.storage() == {}, "nothing is remembered unless the reader asked"
    assert tab.errors == []


def test_a_provider_that_cannot_be_reached_leaves_a_note_not_a_bare_heading(site, reader):
    tab = reader()
    tab.page.route("https://giscus.app/**", lambda route: route.abort())   # as a blocker does
    tab.page.goto(site("giscus") + POST)
    tab.load()
    note = tab.page.locator("[data-comments-target] .comments__failed")
    note.wait_for(timeout=5000)
    assert note.inner_text() == (
        "The comments could not be loaded right now: a content blocker or the network may be "
        "stopping giscus (GitHub Discussions). Try again later.")
    assert note.get_attribute("role") == "alert", "a screen reader is told, not left waiting"
    assert tab.errors == []


LABELS = {"giscus": "giscus (GitHub Discussions)", "utterances": "utterances (GitHub issues)",
          "disqus": "Disqus", "isso": "Isso", "remark42": "Remark42", "hyvor": "Hyvor Talk"}


@pytest.mark.parametrize("provider", EMBEDS)
def test_every_provider_blocked_leaves_a_note_whoever_adds_its_loader(site, reader, provider):
    # giscus, utterances, Isso and Hyvor Talk are a <script src> of the embed; Disqus and
    # Remark42 are an inline script that adds its loader to the page's <head>.
    host = urlsplit(EMBEDS[provider].request).hostname
    blocked: list[str] = []
    tab = reader()
    tab.page.route(f"https://{host}/**",
                   lambda route: (blocked.append(route.request.url), route.abort()))
    tab.page.goto(site(provider) + POST)
    tab.load()
    note = tab.page.locator("[data-comments-target] .comments__failed")
    note.wait_for(timeout=5000)
    assert blocked == [EMBEDS[provider].request]
    assert note.count() == 1
    assert note.inner_text() == (
        "The comments could not be loaded right now: a content blocker or the network may be "
        f"stopping {LABELS[provider]}. Try again later.")
    assert tab.errors == []


def test_a_failure_elsewhere_on_the_page_is_not_blamed_on_the_comments(site, reader):
    tab = reader()
    tab.page.route("https://analytics.example/**", lambda route: route.abort())
    tab.page.goto(site("disqus") + POST)
    tab.load()
    tab.page.wait_for_function("window.__providerLoaded === 1", timeout=5000)
    # Another script of the page, added later, fails: the comments loaded all the same.
    assert tab.page.evaluate("""() => new Promise((done) => {
        const script = document.createElement('script');
        script.src = 'https://analytics.example/missing.js';
        script.onerror = () => done('failed');
        script.onload = () => done('loaded');
        document.head.appendChild(script);
    })""") == "failed"
    assert tab.page.locator(".comments__failed").count() == 0


@pytest.mark.parametrize("load", ["click", "lazy"])
def test_without_javascript_the_reader_is_told_so_and_offered_no_button_that_does_nothing(
        site, browser, reader, load):
    base = site("giscus", load)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + POST)
        comments = page.locator("[data-hubgen-comments]")
        # innerText is what is rendered (Playwright's text locators pass over <noscript>).
        assert "Comments need JavaScript." in comments.inner_text()
        assert not page.locator("[data-comments-load]").is_visible()
        assert not page.locator("[data-comments-remember]").is_visible()
        if load == "click":   # what loading would connect to is still said
            assert "giscus.app" in comments.inner_text()
    finally:
        context.close()
    tab = reader()    # with JavaScript: the button, and no such note
    tab.page.goto(base + POST)
    if load == "click":
        tab.page.locator("[data-comments-load]").wait_for(state="visible", timeout=5000)
    assert "Comments need JavaScript." not in tab.section().inner_text()


def test_lazy_loads_only_when_the_comments_come_near(site, reader):
    tab = reader()
    tab.page.goto(site("giscus", "lazy") + POST)
    assert tab.page.locator("[data-comments-notice]").is_hidden()
    assert_nothing_happened_yet(tab)
    far = tab.page.evaluate("document.querySelector('#comments').getBoundingClientRect().top"
                            " - innerHeight")
    assert far > 1500, "the test post must put the comments well below the first screen"

    # 900 px below the viewport: still too far.
    tab.page.evaluate("window.scrollTo(0, document.querySelector('#comments').offsetTop"
                      " - innerHeight - 900)")
    tab.page.wait_for_timeout(400)
    assert tab.outside == []
    # 400 px below the viewport: within the 600 px margin, so it loads.
    tab.page.evaluate("window.scrollTo(0, document.querySelector('#comments').offsetTop"
                      " - innerHeight - 400)")
    tab.wait_for_outside("https://giscus.app/client.js")
    assert tab.section().get_attribute("data-loaded") == "true"
    assert tab.storage() == {}


def test_eager_loads_at_once(site, reader):
    tab = reader()
    tab.page.goto(site("utterances", "eager") + POST)
    tab.wait_for_outside("https://utteranc.es/client.js")
    assert tab.page.locator("[data-comments-notice]").is_hidden()
    assert tab.section().get_attribute("data-loaded") == "true"
    assert tab.storage() == {}


def test_a_remembered_choice_loads_by_itself_until_the_reader_takes_it_back(site, reader):
    key = "hubgen-comments:giscus"
    script = "https://giscus.app/client.js"
    forget = "[data-comments-forget]"
    tab = reader()
    tab.page.goto(site("giscus") + POST)
    assert_nothing_happened_yet(tab)

    tab.page.check("[data-comments-remember]")
    assert tab.storage() == {}, "ticking the box alone stores nothing"
    tab.load()
    tab.wait_for_outside(script)
    assert tab.storage() == {key: "allow"}
    assert tab.page.locator(forget).is_visible()

    tab.outside.clear()
    tab.page.reload()
    tab.wait_for_outside(script)
    assert tab.section().get_attribute("data-loaded") == "true", "loaded without a click"
    assert tab.page.locator("[data-comments-notice]").is_hidden()
    assert tab.page.locator(forget).is_visible()

    tab.page.click(forget)
    assert tab.storage() == {}
    assert tab.page.locator(forget).is_hidden()
    assert "will ask" in tab.page.inner_text("[data-comments-forget-wrap]")

    tab.outside.clear()
    tab.page.reload()
    assert_nothing_happened_yet(tab)
    assert tab.page.locator("[data-comments-load]").is_visible()
    assert tab.page.locator(forget).is_hidden()
    assert tab.context.cookies() == []


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_remark42_takes_the_readers_colour_scheme(site, reader, scheme):
    tab = reader(color_scheme=scheme)
    tab.page.goto(site("remark42") + POST)
    assert tab.page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
    tab.load()
    tab.wait_for_outside("https://remark.example.com/web/embed.mjs")
    assert tab.page.evaluate("window.remark_config.theme") == scheme


@pytest.mark.parametrize(("provider", "selector", "name", "value"), [
    ("giscus", "script[src]", "data-theme", "preferred_color_scheme"),
    ("utterances", "script[src]", "theme", "preferred-color-scheme"),
    ("hyvor", "hyvor-talk-comments", "colors", "os"),
])
def test_the_other_providers_are_told_to_follow_the_reader(site, reader, provider, selector,
                                                           name, value):
    tab = reader(color_scheme="dark")
    tab.page.goto(site(provider) + POST)
    tab.load()
    tab.wait_for_outside(EMBEDS[provider].request)
    assert attributes(tab.page, selector)[name] == value


def test_the_script_adds_no_global_names(site, reader):
    base = site("giscus")
    tab = reader()
    tab.page.goto(base + "about/")
    without = set(tab.page.evaluate("Object.getOwnPropertyNames(window)"))
    tab.page.goto(base + POST)
    tab.load()
    tab.page.wait_for_function("window.__providerLoaded === 1", timeout=5000)
    added = set(tab.page.evaluate("Object.getOwnPropertyNames(window)")) - without
    assert added == {"__providerLoaded"}, "only the stand-in's own marker"


def test_comments_only_where_the_site_wants_them(site, reader):
    base = site("giscus", "eager")
    tab = reader()
    for path, expected in [(POST, 1), ("threads/brewing/", 1),
                           ("posts/quiet-post/", 0), ("about/", 0)]:
        tab.page.goto(base + path)
        assert tab.section().count() == expected, path
        assert tab.page.locator("script[src*='comments.js']").count() == expected, path
    tab.page.wait_for_timeout(200)
    assert tab.outside == ["https://giscus.app/client.js"] * 2, "eager on the two with comments"


# ------------------------------------------------------------------ Mastodon and Bluesky


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    with fediverse_stub() as running:
        yield running


@pytest.fixture
def replies(hub, stub):
    """Build tests/sites/comments-fediverse against the stub and serve it."""
    root = hub("comments-fediverse")
    for path in [root / "hubgen.yaml", *sorted((root / "content").rglob("*.md"))]:
        path.write_text(re.sub(r"http://127\.0\.0\.1:9(?=[/\"])", stub.url, path.read_text()))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    with static_server(root / "public") as base:
        yield base


def open_replies(reader, stub: Stub, url: str) -> Reader:
    """Open a post, check that nothing was asked before the click, then click."""
    tab = reader()
    stub.requests.clear()
    tab.page.goto(url)
    tab.page.wait_for_load_state("networkidle")
    assert stub.requests == [], "no API call before the reader asks"
    assert tab.storage() == {}
    tab.load()
    tab.page.wait_for_selector("[data-comments-target] .fediverse-replies:not([aria-busy])",
                               timeout=10000)
    tab.page.wait_for_timeout(300)  # time for any injected handler to fire, were there one
    return tab


def assert_harmless(tab: Reader) -> None:
    """Nothing active made it into the comments, and nothing ran."""
    found = tab.page.evaluate("""() => {
        const target = document.querySelector('[data-comments-target]');
        const all = [...target.querySelectorAll('*')];
        return {
            active: all.filter((n) => n.matches('img, script, iframe, svg, style, object,'
                + ' embed, math, form, input, link, meta, base')).map((n) => n.outerHTML),
            handlers: all.filter((n) => [...n.attributes].some((a) => /^on/i.test(a.name)))
                .map((n) => n.outerHTML),
            hrefs: all.filter((n) => n.hasAttribute('href')).map((n) => n.getAttribute('href')),
            targets: all.filter((n) => n.hasAttribute('target')).length,
        };
    }""")
    assert found["active"] == []
    assert found["handlers"] == []
    assert found["hrefs"], "the replies carry links"
    assert [h for h in found["hrefs"] if not re.match(r"https?://", h)] == []
    assert found["targets"] == 0
    assert tab.dialogs == []
    assert tab.errors == []
    assert tab.outside == [], "no avatar or media request to another host"


def reply_tree(tab: Reader) -> list[tuple[str, int]]:
    """(author name, nesting depth) of every reply, in page order."""
    tree = tab.page.evaluate("""() => [...document.querySelectorAll(
            '[data-comments-target] li.fediverse-reply')].map((li) => {
        let depth = 0;
        for (let up = li.parentElement.closest('li.fediverse-reply'); up;
             up = up.parentElement.closest('li.fediverse-reply')) depth += 1;
        return [li.querySelector('.fediverse-reply__name').textContent, depth];
    })""")
    return [(name, depth) for name, depth in tree]


def reply_link(tab: Reader, label: str) -> str | None:
    return tab.page.get_attribute(f"[data-comments-target] a:text-is('Reply on {label}')",
                                  "href")


def test_mastodon_replies_nest_in_time_order_as_plain_text(replies, stub, reader):
    tab = open_replies(reader, stub, replies + "posts/mastodon-replies/")
    assert stub.requests == ["/api/v1/statuses/112233/context"]
    assert reply_tree(tab) == [
        (XSS[0], 0), ("raj", 1), ('"><iframe src=javascript:alert(5)>', 2),
        ("Kim Lee", 0), ("<svg onload=alert(4)>", 0), ("Ben", 0)]
    text = tab.page.inner_text("[data-comments-target]")
    assert "@<script>alert(2)</script>@evil.example" in text
    assert "Level three\nsecond line" in text
    fine = tab.page.locator("[data-comments-target] a[href='https://ok.example/']")
    assert fine.inner_text() == "fine link"
    assert fine.get_attribute("rel") == "nofollow ugc noopener"
    assert tab.page.locator("[data-comments-target] time[datetime]").first.get_attribute(
        "datetime") == "2026-05-01T09:00:00.000Z"
    views = tab.page.locator("[data-comments-target] a:text-is('View on Mastodon')")
    assert views.count() == 5, "the reply whose url is javascript: gets no link"
    assert views.first.get_attribute("href") == "https://remote.example/@mallory/1"
    assert views.first.get_attribute("rel") == "nofollow ugc noopener"
    assert reply_link(tab, "Mastodon") == stub.url + "/@ana/112233"
    # What came is said in the live region the loading message was in, for screen readers.
    status = tab.page.locator("[data-comments-target] [role=status]")
    assert status.inner_text() == "6 replies loaded from Mastodon."
    assert status.evaluate("e => getComputedStyle(e).position") == "absolute", "visually hidden"
    assert_harmless(tab)


def test_a_reply_chain_deeper_than_a_page_can_nest_follows_on_in_one_list(replies, stub,
                                                                          reader):
    # As on thread pages: six levels deep, then the rest one after the other.
    tab = open_replies(reader, stub, replies + "posts/mastodon-deep/")
    tree = reply_tree(tab)
    assert len(tree) == DEEP_CHAIN
    assert [depth for _, depth in tree[:7]] == [0, 1, 2, 3, 4, 5, 5]
    assert max(depth for _, depth in tree) == 5
    texts = tab.page.locator("[data-comments-target] .fediverse-reply__content").all_inner_texts()
    assert texts[:2] == ["Reply 1", "Reply 2"] and texts[-1] == f"Reply {DEEP_CHAIN}"
    assert tab.errors == []


@pytest.mark.parametrize(("post", "path"), [("mastodon-empty", "/users/ana/statuses/200200"),
                                           ("mastodon-gotosocial", "/@ana/statuses/200200"),
                                           ("mastodon-akkoma", "/notice/200200")])
def test_mastodon_without_replies_says_so(replies, stub, reader, post, path):
    # GoToSocial and Akkoma answer Mastodon's API, for their own forms of a post's address.
    tab = open_replies(reader, stub, replies + f"posts/{post}/")
    assert stub.requests == ["/api/v1/statuses/200200/context"]
    assert "No replies yet" in tab.page.inner_text("[data-comments-target]")
    assert tab.page.locator("[data-comments-target] [role=status]").text_content() == \
        "No replies yet on Mastodon."
    assert reply_link(tab, "Mastodon") == stub.url + path
    assert tab.errors == []


@pytest.mark.parametrize(("post", "calls"), [
    ("bluesky-replies", ["/xrpc/com.atproto.identity.resolveHandle?handle=ana.bsky.social",
                         "/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3Aana"
                         "%2Fapp.bsky.feed.post%2F3kabc&depth=10"]),
    ("bluesky-at-uri", ["/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fdid%3Aplc%3Aana"
                        "%2Fapp.bsky.feed.post%2F3kabc&depth=10"]),
])
def test_bluesky_replies_nest_in_time_order_as_plain_text(replies, stub, reader, post, calls):
    tab = open_replies(reader, stub, replies + f"posts/{post}/")
    assert stub.requests == calls
    assert reply_tree(tab) == [(XSS[0], 0), ("raj.bsky.social", 1),
                               ("<svg onload=alert(4)>", 2), ("Kim", 0)]
    text = tab.page.inner_text("[data-comments-target]")
    assert "@<img src=x onerror=alert(1)>.evil.example" in text
    assert "".join(XSS) in text, "the hostile post text shows as text"
    assert "Café ☕ — see the guide, and more\nsecond line" in text
    assert "2 replies are not shown" in text, "one deleted, one blocked"
    guide = tab.page.locator("[data-comments-target] a[href='https://ok.example/guide']")
    assert guide.inner_text() == "the guide", "UTF-8 facet offsets land on the right words"
    assert guide.get_attribute("rel") == "nofollow ugc noopener"
    assert tab.page.locator("[data-comments-target] a:text-is('a javascript link')").count() == 0
    kim = tab.page.locator("[data-comments-target] li.fediverse-reply").nth(3)
    assert kim.locator("a:text-is('View on Bluesky')").get_attribute(
        "href") == "https://bsky.app/profile/kim.bsky.social/post/3kb"
    assert kim.locator("time").get_attribute("datetime") == "2026-05-02T08:00:00.000Z"
    expected = ("https://bsky.app/profile/ana.bsky.social/post/3kabc" if post == "bluesky-replies"
                else "https://bsky.app/profile/did:plc:ana/post/3kabc")
    assert reply_link(tab, "Bluesky") == expected
    assert_harmless(tab)


@pytest.mark.parametrize(("post", "reason", "label", "original"), [
    ("mastodon-missing", "the server said: not found", "Mastodon", "{stub}/@ana/404404"),
    ("mastodon-busy", "the server said: too many requests", "Mastodon", "{stub}/@ana/429429"),
    ("mastodon-garbled", "the server's answer was not understood", "Mastodon",
     "{stub}/@ana@remote.example/500500"),
    ("mastodon-offline", "the server could not be reached", "Mastodon",
     "http://localhost:9/@ana/1"),
    ("bluesky-missing", "the server said: not found", "Bluesky",
     "https://bsky.app/profile/ana.bsky.social/post/3knotfound"),
    ("bluesky-busy", "the server said: too many requests", "Bluesky",
     "https://bsky.app/profile/ana.bsky.social/post/3kslow"),
])
def test_a_failure_says_so_politely_and_links_to_the_post(replies, stub, reader, post, reason,
                                                          label, original):
    tab = open_replies(reader, stub, replies + f"posts/{post}/")
    text = tab.page.inner_text("[data-comments-target]")
    assert (f"The replies could not be loaded right now ({reason}). "
            f"You can read them and reply on {label}.") in text
    link = tab.page.locator(f"[data-comments-target] a:text-is('read them and reply on {label}')")
    assert link.get_attribute("href") == original.format(stub=stub.url)
    assert tab.page.locator("[data-comments-target] li.fediverse-reply").count() == 0
    assert tab.page.locator("[data-comments-target] [role=alert]").count() == 1
    assert tab.errors == [], "no exception escapes"
    assert tab.dialogs == []
