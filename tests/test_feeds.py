"""Feeds, parsed back the way a reader's app parses them."""

from __future__ import annotations

import re

import feedparser
import pytest
from conftest import all_files, parse_html, run_hubgen


def _parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_feeds_rss_and_atom_list_posts_newest_first_with_absolute_urls(built):
    public = built("minimal")
    for name, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        feed = _parse(public / name)
        assert feed.version == version
        assert feed.feed.title == "Minimal Hub"
        assert feed.feed.link == "https://minimal.example/"
        titles = [e.title for e in feed.entries]
        assert titles == ["Third, with an explicit slug", "Café au lait, naïve résumé",
                          "First post: hello </script><script>alert(1)</script>"]
        for entry in feed.entries:
            assert entry.link.startswith("https://minimal.example/posts/")
            assert entry.id.startswith("https://minimal.example/posts/")
            assert entry.author
            assert entry.published_parsed and entry.updated_parsed
        second = feed.entries[1]
        # A heading reads as its text, without the page's permalink sign beside it.
        assert re.search(r'<h2 id="why">Why</h2>', second.content[0].value)
        assert second.published.endswith(("+0100", "+01:00"))
        assert second.updated.endswith(("+0200", "+02:00"))
        assert [t.term for t in feed.entries[0].tags] == ["listening"]
        content = feed.entries[2].content[0].value
        assert 'href="https://minimal.example/about/"' in content
        assert 'src="https://minimal.example/images/cup.svg"' in content
        assert re.search(r'href="https://minimal.example/posts/first-post/#fn:1"', content)
        assert not re.search(r'(href|src)="/', content)
    rss = _parse(public / "feed.xml")
    assert rss.entries[0].author == "Kim Lee"


def test_tag_feeds_hold_only_the_tag_posts(built):
    public = built("minimal")
    for name in ("feed.xml", "atom.xml"):
        feed = _parse(public / "tags/listening" / name)
        assert [e.title for e in feed.entries] == [
            "Third, with an explicit slug", "First post: hello </script><script>alert(1)</script>"]
        assert feed.feed.link == "https://minimal.example/tags/listening/"


def test_feed_config_formats_limit_and_summary_only(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace(
        "feeds: {formats: [rss, atom], limit: 20, full_content: true}",
        "feeds: {formats: [rss], limit: 2, full_content: false}"))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    assert not (public / "atom.xml").exists()
    feed = _parse(public / "feed.xml")
    assert len(feed.entries) == 2
    assert "content" not in feed.entries[0]
    assert feed.entries[0].summary == "The third post,"


def test_a_summary_with_a_heading_shows_no_heading_link_sign_in_the_feed(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("full_content: true", "full_content: false"))
    post = root / "content/posts/third.md"
    head, _, _ = post.read_text().partition("\n---\n")
    post.write_text(head + "\n---\n## Intro heading\n\nFirst words.\n\n<!--more-->\n\nMore.\n")
    assert run_hubgen("build", cwd=root).code == 0
    for name in ("feed.xml", "atom.xml"):
        [entry] = [e for e in _parse(root / "public" / name).entries
                   if e.link.endswith("/posts/the-third/")]
        shown = entry.content[0].value if "content" in entry else entry.summary
        assert "Intro heading" in shown and "First words." in shown
        assert "heading-anchor" not in shown and ">#<" not in shown, shown


def test_two_builds_are_byte_identical(hub, tmp_path):
    root = hub("minimal")
    assert run_hubgen("build", "--output", str(tmp_path / "one"), cwd=root).code == 0
    assert run_hubgen("build", "--output", str(tmp_path / "two"), cwd=root).code == 0
    one, two = all_files(tmp_path / "one"), all_files(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


def test_a_hub_with_threads_builds_byte_identical_twice(hub, tmp_path):
    root = hub("conversations")
    for name in ("one", "two"):
        assert run_hubgen("build", "--output", str(tmp_path / name), cwd=root).code == 0
    one, two = all_files(tmp_path / "one"), all_files(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert "threads/next-chat/event.ics" in one


def _feed_routes_of(hub, wanted: str):
    """A conversations hub with full-content feeds built in memory, a Renderer for it, and
    the feed routes whose context holds `wanted` ("items" or "thread")."""
    from hubgen.build import BuildOptions, build_site
    from hubgen.content.themes import theme_chain
    from hubgen.plan import Urls
    from hubgen.render import Renderer

    root = hub("conversations")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "feeds: {formats: [rss, atom], full_content: true}\n")
    result = build_site(BuildOptions(root=root), write=False)
    renderer = Renderer(result.library, result.plan, Urls(result.config),
                        theme_chain(result.config))
    routes = [route for route in result.plan.routes
              if route.kind == "feed" and wanted in route.context]
    return result, renderer, routes


def _render_feeds(result, renderer, routes, memo) -> list[bytes]:
    from hubgen import feeds
    return [feeds.render_feed(route, result.library, renderer.urls, renderer.body_html, memo)
            for route in routes]


def test_a_feed_entry_shared_between_feeds_reads_as_one_made_for_that_feed(hub, monkeypatch):
    from hubgen import feeds

    result, renderer, routes = _feed_routes_of(hub, "items")
    fresh = _render_feeds(result, renderer, routes, None)
    made: list[tuple[str, str]] = []

    def counting(make):
        def counted(feed, route, item, *rest):
            made.append((item.rel_path, route.feed_format))
            return make(feed, route, item, *rest)
        return counted

    for maker in ("_document_entry", "_thread_entry"):
        monkeypatch.setattr(feeds, maker, counting(getattr(feeds, maker)))
    contents: list[str] = []
    monkeypatch.setattr(feeds, "_entry_content", lambda document, *rest, _make=feeds._entry_content:
                        contents.append(document.rel_path) or _make(document, *rest))
    memo = feeds.FeedMemo()
    assert _render_feeds(result, renderer, routes, memo) == fresh
    # Posts and threads are in several feeds; each entry was made once per format, and a
    # post's content once for both.
    listed = [(item.rel_path, route.feed_format) for route in routes
              for item in route.context["items"]]
    assert len(listed) > len(set(listed))
    assert sorted(made) == sorted(set(listed)) == sorted(memo.entries)
    assert any(item.kind == "thread" for route in routes for item in route.context["items"])
    posts = {item.rel_path for route in routes for item in route.context["items"]
             if item.kind == "post"}
    assert sorted(contents) == sorted(posts) == sorted(memo.contents)


def test_a_threads_rss_and_atom_feeds_share_its_messages_words(hub, monkeypatch):
    from hubgen import feeds

    result, renderer, routes = _feed_routes_of(hub, "thread")
    assert [route.feed_format for route in routes[:2]] == ["rss", "atom"]
    assert routes[0].context["thread"] is routes[1].context["thread"]
    fresh = _render_feeds(result, renderer, routes, None)
    made: list[str] = []
    monkeypatch.setattr(feeds, "plain", lambda text, _plain=feeds.plain:
                        made.append(text) or _plain(text))
    memo = feeds.FeedMemo()
    assert _render_feeds(result, renderer, routes, memo) == fresh
    shown = []
    for route in routes[::2]:
        thread = route.context["thread"]
        nodes = sorted(result.library.conversation(thread).visible_nodes,
                       key=lambda n: (-(n.message.date or thread.date).timestamp(),
                                      n.message.id))
        shown += [node.message.html for node in nodes[: result.config.feeds.limit]]
    # Once per message, not once per format; and only the last thread's are kept.
    assert sorted(made) == sorted(shown)
    assert memo.messages[0] == routes[-1].context["thread"].rel_path


def test_link_rewriting_touches_only_link_values_and_escapes_them():
    # Other attributes are copied as written.
    from hubgen.content.html_links import rewrite_links
    fragment = ('<p>a <a href="/x?a=1&amp;b=2" title="t src=\'q/">x</a> src=\'y/../../"'
                ' <img src=\'i.png\' alt="&quot;"/> &amp; &#169; <!-- c --></p>')
    out = rewrite_links(fragment, lambda link: "https://h.example" + link + '"><b')
    assert out == ('<p>a <a href="https://h.example/x?a=1&amp;b=2&quot;&gt;&lt;b"'
                   ' title="t src=\'q/">x</a> src=\'y/../../"'
                   ' <img src="https://h.examplei.png&quot;&gt;&lt;b" alt="&quot;"/>'
                   ' &amp; &#169; <!-- c --></p>')
    assert rewrite_links("<p>no links</p>", str.upper) == "<p>no links</p>"


def test_link_rewriting_reads_tags_as_a_browser_does():
    from hubgen.content.html_links import rewrite_links
    # A tag inside an attribute's value is text; an unquoted value keeps its last slash.
    out = rewrite_links('<a title="<b href=\'x\'>" href=/rel/>t</a>', lambda link: "X" + link)
    assert out == '<a title="<b href=\'x\'>" href="X/rel/">t</a>'


def test_srcset_candidates_are_read_as_a_browser_reads_them():
    from hubgen.content.html_links import rewrite_srcset, srcset_candidates
    def urls(srcset):
        return [url for url, _ in srcset_candidates(srcset)]
    assert urls("a.png") == ["a.png"]
    assert srcset_candidates(" a.png 1x,b.png 2x , c.png 480w") == [
        ("a.png", "1x"), ("b.png", "2x"), ("c.png", "480w")]
    # A comma inside a URL belongs to it; one ending a URL ends the candidate.
    assert urls("a,b.png 1x, c.png, d.png 2x") == ["a,b.png", "c.png", "d.png"]
    assert urls("a.png (x, y) 1x, b.png") == ["a.png", "b.png"]
    assert urls(" , ,") == []
    assert rewrite_srcset("a.png 1x,b.png", str.upper) == "A.PNG 1x, B.PNG"


@pytest.mark.parametrize("fragment, expected", [
    # A srcset's every URL is a link; its descriptors stay.
    ('<img srcset="a.png 1x, b.png 2x">', '<img srcset="Xa.png 1x, Xb.png 2x">'),
    # A reference a browser would not decode stays as written.
    ('<a href="/x?a=1&notify=2">', '<a href="X/x?a=1&amp;notify=2">'),
    # Only HTML's whitespace parts attributes: the rest is the value's.
    ('<a href=x\u2003onmouseover=alert(1)>t</a>', '<a href="Xx\u2003onmouseover=alert(1)">t</a>'),
    ('<img src="a.png"alt="" / >', '<img src="Xa.png" alt="">'),
    # A script's text and a comment are text, whatever they hold.
    ("<script>var s = \"<img src='a.png'>\";</script><!-- <a href='c'> --><a href=y>",
     "<script>var s = \"<img src='a.png'>\";</script><!-- <a href='c'> --><a href=\"Xy\">"),
])
def test_link_rewriting_follows_the_browser_s_rules(fragment, expected):
    from hubgen.content.html_links import rewrite_links
    assert rewrite_links(fragment, lambda link: "X" + link) == expected


def test_a_control_character_in_a_tag_never_breaks_a_feed(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("tags: [listening]", 'tags: ["list\\x0bening"]'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    for name in ("feed.xml", "atom.xml"):
        feed = _parse(root / "public" / name)
        assert [t.term for t in feed.entries[0].tags] == ["listening"]


@pytest.mark.parametrize("language, locale", [("en", None), ("pt-BR", "pt_BR"),
                                              ("en-gb", "en_GB"), ("zh-Hant", None)])
def test_og_locale_is_language_and_territory_or_left_out(hub, language, locale):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("language: en", f"language: {language}"))
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/index.html")
    assert page.xpath('//meta[@property="og:locale"]/@content') == ([locale] if locale else [])


@pytest.mark.parametrize("tag", ['<A HREF="/about/">us</A>', "<IMG SRC='/a.png' alt=''>",
                                 '<video Poster=/p.jpg controls></video>',
                                 '<img srcSet="/s.png 2x" alt="">'])
def test_a_link_written_in_capitals_is_made_absolute_in_a_long_body(tag):
    # Raw HTML in a post may name its attributes in any case, as browsers read them.
    from hubgen.content.html_links import rewrite_links
    body = "<p>" + "Words that name no link at all. " * 400 + "</p>" + tag
    rewritten = rewrite_links(body, lambda link: "https://hub.example" + link)
    assert "https://hub.example/" in rewritten
    assert rewritten.startswith(body[:-len(tag)])
