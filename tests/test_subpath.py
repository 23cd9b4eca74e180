"""A hub whose url holds a subpath keeps it in every link: bodies, templates and feeds."""

from __future__ import annotations

import urllib.request
from urllib.parse import urljoin

import feedparser
from conftest import json_ld, parse_html, run_hubgen
from lxml import etree
from serving import static_server


def _links(page):
    for element in page.xpath("//*[@href] | //*[@src]"):
        yield element.get("href") or element.get("src")


def _assert_every_link_keeps_the_subpath(pages) -> None:
    for path in pages:
        for link in _links(parse_html(path)):
            if link.startswith(("#", "mailto:", "https://x.example/hub/")):
                continue
            if link.startswith(("http://", "https://", "//")):
                assert "x.example" not in link, f"{path}: {link}"  # another host entirely
                continue
            assert link.startswith("/hub/"), f"{path}: {link}"


def test_every_link_in_every_page_keeps_the_subpath(built):
    public = built("subpath")
    pages = list(public.rglob("*.html"))
    assert len(pages) > 8
    _assert_every_link_keeps_the_subpath(pages)
    post = parse_html(public / "posts/first-post/index.html")
    assert post.xpath('//main//a[@href="/hub/about/"]')
    assert post.xpath('//main//img[@src="/hub/images/cup.svg"]')
    assert parse_html(public / "about/index.html").xpath('//main//a[@href="/hub/"]')


def test_feeds_and_sitemap_use_the_subpath(built):
    public = built("subpath")
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    assert feed.feed.link == "https://x.example/hub/"
    assert all(e.link.startswith("https://x.example/hub/posts/") for e in feed.entries)
    assert 'src="https://x.example/hub/images/cup.svg"' in feed.entries[2].content[0].value
    sitemap = (public / "sitemap.xml").read_text()
    assert "<loc>https://x.example/hub/about/</loc>" in sitemap
    assert "Sitemap: https://x.example/hub/sitemap.xml" in (public / "robots.txt").read_text()


def test_base_url_option_builds_for_another_host(hub):
    root = hub("minimal")
    result = run_hubgen("build", "--base-url", "https://preview.example/pr-7", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/posts/first-post/index.html")
    assert page.xpath('//link[@rel="canonical"]/@href') == \
        ["https://preview.example/pr-7/posts/first-post/"]
    assert page.xpath('//main//a[@href="/pr-7/about/"]')


def test_a_subpath_with_a_space_or_an_accent_is_encoded_alike_in_bodies_and_templates(hub):
    root = hub("subpath")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://x.example/hub/",
                                                 'url: "https://x.example/our café hub/"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    post = parse_html(root / "public/posts/first-post/index.html")
    assert post.xpath('//main//a[@href="/our%20caf%C3%A9%20hub/about/"]')   # the body's
    assert post.xpath('//main//img[@src="/our%20caf%C3%A9%20hub/images/cup.svg"]')
    assert post.xpath('//header//a[@href="/our%20caf%C3%A9%20hub/"]')   # the theme's
    assert " " not in "".join(_links(post))
    assert run_hubgen("check", cwd=root).code == 0
    # Written already encoded: the same links, and check compares them decoded.
    config.write_text(config.read_text().replace('"https://x.example/our café hub/"',
                                                 "https://x.example/our%20caf%C3%A9%20hub/"))
    assert run_hubgen("build", cwd=root).code == 0
    again = parse_html(root / "public/posts/first-post/index.html")
    assert again.xpath('//main//a[@href="/our%20caf%C3%A9%20hub/about/"]')
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 0, checked.out


def test_thread_people_embed_and_calendar_links_keep_the_subpath(hub):
    root = hub("conversations")
    thread = root / "content/threads/mastodon-brew.yaml"
    thread.write_text(thread.read_text().replace('text: "Stronger cup."',
                                                 'text: "Stronger cup, see [about](/about/)."'))
    result = run_hubgen("build", "--base-url", "https://x.example/hub/", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    _assert_every_link_keeps_the_subpath(list(public.rglob("*.html")))
    page = parse_html(public / "threads/mastodon-brew/index.html")
    assert page.xpath('//li[@id="m-e"]//a[@href="/hub/about/"]')
    upcoming = parse_html(public / "threads/next-chat/index.html")
    assert upcoming.xpath('//a[@href="/hub/threads/next-chat/event.ics"]')
    feed = feedparser.parse((public / "threads/mastodon-brew/feed.xml").read_bytes())
    assert any('href="https://x.example/hub/about/"' in e.content[0].value for e in feed.entries)


def test_srcset_images_keep_the_subpath_in_pages_and_feeds(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + '\n\n<img src="/images/cup.svg" srcset="/images/cup.svg 1x, '
                    '/images/cup@2x.svg 2x" alt="">\n\n![cup](/images/cup.svg)\n')
    result = run_hubgen("build", "--base-url", "https://x.example/hub/", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/posts/the-third/index.html")
    assert page.xpath("//main//img/@srcset") == [
        "/hub/images/cup.svg 1x, /hub/images/cup@2x.svg 2x"]
    # feedparser's sanitizer drops srcset: the feed is read as XML.
    for feed in ("feed.xml", "atom.xml"):
        tree = etree.parse(str(root / "public" / feed))
        bodies = tree.xpath("//*[local-name()='encoded' or local-name()='content']/text()")
        [body] = [b for b in bodies if "srcset" in b]
        assert 'srcset="https://x.example/hub/images/cup.svg 1x, ' \
               'https://x.example/hub/images/cup@2x.svg 2x"' in body


def test_community_links_written_as_site_paths_keep_the_subpath_and_are_absolute_in_json_ld(
        hub):
    root = hub("subpath")
    (root / "content/threads").mkdir()
    (root / "content/threads/forum.yaml").write_text(
        'title: From our own forum\ndate: 2026-03-02 10:00\n'
        'source: {platform: forum, url: "https://forum.example/t/1/"}\nmessages:\n'
        '  - {id: a, author: kim, date: 2026-03-02 10:00, text: "Hello", url: "/forum/t/1/#1"}\n'
        '  - {id: b, author: {name: Lou, url: "https://forum.example/u/lou/"},'
        ' date: 2026-03-02 10:05, text: "Hi", url: "/forum/t/1/?r=https://x.example/#2",'
        ' reply_to: a}\n')
    second = root / "content/posts/2026-03-05-second.md"
    second.write_text(second.read_text().replace(
        "summary:", "image: //cdn.example/hero.png\nimage_alt: A hero\nsummary:", 1))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    _assert_every_link_keeps_the_subpath(public.rglob("*.html"))
    thread = parse_html(public / "threads/forum/index.html")
    assert thread.xpath('//a[@class="message__original"]/@href') == [
        "/hub/forum/t/1/#1", "/hub/forum/t/1/?r=https://x.example/#2"]
    [posting] = [d for d in json_ld(thread) if d["@type"] == "DiscussionForumPosting"]
    assert posting["sameAs"] == ["https://forum.example/t/1/",
                                 "https://x.example/hub/forum/t/1/#1"]
    assert [c["sameAs"] for c in posting["comment"]] == [
        "https://x.example/hub/forum/t/1/?r=https://x.example/#2"]
    [profile] = json_ld(parse_html(public / "people/ana/index.html"))
    assert profile["mainEntity"]["sameAs"] == "https://x.example/hub/about/"
    post = parse_html(public / "posts/second/index.html")
    assert post.xpath('//meta[@property="og:image"]/@content') == \
        ["https://cdn.example/hero.png"]
    [article] = [d for d in json_ld(post) if d["@type"] == "BlogPosting"]
    assert article["image"] == "https://cdn.example/hero.png"


def test_asset_links_a_static_file_by_its_name_whatever_letters_it_holds(hub, tmp_path):
    # '#' and '?' in a file's name were left as written: the browser asked for
    # 'Press%20Kit%20' (the rest a fragment) or 'what' (the rest a query), and got a 404.
    root = hub("subpath")
    names = ["Press Kit #2.txt", "what?.txt", "100%.txt", "café.txt"]
    (root / "static/files").mkdir()
    for name in names:
        (root / "static/files" / name).write_text(name)
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        '{% extends "!theme/page.html" %}{% block content %}{{ super() }}'
        + "".join(f"<a class=file href=\"{{{{ asset('files/{name}') }}}}\">x</a>"
                  for name in names) + "{% endblock %}")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    served = tmp_path / "served"
    served.mkdir()
    (served / "hub").symlink_to(root / "public")
    page = parse_html(root / "public/about/index.html")
    links = page.xpath('//a[@class="file"]/@href')
    assert len(links) == len(names)
    with static_server(served) as origin:
        for link, name in zip(links, names, strict=True):
            with urllib.request.urlopen(urljoin(origin + "hub/about/", link)) as response:
                assert response.read().decode() == name, link
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 0, checked.out
