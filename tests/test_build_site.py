"""`hubgen build` on a small hub: the pages a reader gets, and what the build says."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from conftest import all_files, json_ld, parse_html, run_hubgen, said

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _post_titles(page) -> list[str]:
    links = page.xpath("//main//article//h2//a | //main//article//h3//a")
    return [a.text_content().strip() for a in links]


def test_build_prints_a_summary_of_pages_and_stages(hub):
    root = hub("minimal")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert result.err == ""
    out = result.out
    assert out.startswith("Built Minimal Hub in ")
    assert re.search(r"pages: \d+ written, 0 unchanged, 0 removed "
                     r"\(3 posts, 1 page, 0 threads, 2 tags\)", out)
    assert "skipped: 1 draft (build them with --drafts); 1 scheduled post, next due " \
           "2099-01-01 00:00 CET (build them with --future)" in out
    assert re.search(r"stages: config [\d.]+ s · read [\d.]+ s · library [\d.]+ s · "
                     r"plan [\d.]+ s · render [\d.]+ s · write [\d.]+ s", out)
    again = run_hubgen("build", cwd=root)
    assert re.search(r"pages: 0 written, \d+ unchanged, 0 removed", again.out)
    quiet = run_hubgen("build", "--quiet", cwd=root)
    assert quiet.out == "" and quiet.err == ""
    verbose = run_hubgen("build", "--verbose", "--output", "other", cwd=root)
    assert "  wrote posts/the-third/index.html" in verbose.out


def test_home_lists_posts_newest_first_and_paginates(built):
    public = built("minimal")
    first = parse_html(public / "index.html")
    second = parse_html(public / "page/2/index.html")
    assert _post_titles(first) == ["Third, with an explicit slug", "Café au lait, naïve résumé"]
    assert _post_titles(second) == ["First post: hello </script><script>alert(1)</script>"]
    assert first.xpath('//a[@href="/page/2/"]'), "page 1 links to page 2"
    assert second.xpath('//a[@href="/"]'), "page 2 links back to page 1"
    assert not (public / "page/3").exists()


def test_every_post_and_page_has_its_own_page_with_slugs(built):
    public = built("minimal")
    for path in ("posts/first-post/index.html", "posts/second/index.html",
                 "posts/the-third/index.html", "about/index.html", "404.html",
                 "tags/index.html", "tags/community/index.html", "tags/listening/index.html",
                 "images/cup.svg", "css/hub.css"):
        assert (public / path).is_file(), path
    post = parse_html(public / "posts/second/index.html")
    assert post.xpath("//h1")[0].text_content().strip() == "Café au lait, naïve résumé"
    assert post.xpath('//time[@datetime="2026-03-05T09:30:00+01:00"]')
    assert "Guest Writer Sam" in post.text_content()
    body = post.xpath("//main")[0]
    assert body.xpath('.//div[contains(@class, "highlight")]//span[@class="k"]'), \
        "code is highlighted with Pygments classes"


def test_drafts_and_future_posts_only_with_their_flags(hub):
    root = hub("minimal")
    run_hubgen("build", cwd=root)
    assert not (root / "public/posts/draft").exists()
    assert not (root / "public/posts/from-the-future").exists()
    result = run_hubgen("build", "--drafts", "--future", cwd=root)
    assert result.code == 0, result.err
    assert (root / "public/posts/draft/index.html").is_file()
    assert (root / "public/posts/from-the-future/index.html").is_file()
    assert "skipped" not in result.out
    run_hubgen("build", cwd=root)
    assert not (root / "public/posts/draft").exists(), "a later build removes what it dropped"


def test_author_is_a_people_key_or_a_plain_name(built):
    public = built("minimal")
    by_key = parse_html(public / "posts/the-third/index.html")
    assert "Kim Lee" in by_key.text_content()
    [ld] = json_ld(parse_html(public / "posts/first-post/index.html"))
    assert ld["author"] == {"@type": "Person", "name": "Ana Ruiz",
                            "url": "https://minimal.example/about/"}


def test_tag_pages_list_their_posts_and_the_tag_index_counts_them(built):
    public = built("minimal")
    tag = parse_html(public / "tags/listening/index.html")
    assert _post_titles(tag) == ["Third, with an explicit slug",
                                 "First post: hello </script><script>alert(1)</script>"]
    index = parse_html(public / "tags/index.html")
    hrefs = [a.get("href") for a in index.xpath("//main//a")]
    assert "/tags/community/" in hrefs and "/tags/listening/" in hrefs


def test_every_page_carries_the_head_a_brand_needs(built):
    public = built("minimal")
    page = parse_html(public / "posts/first-post/index.html")
    assert page.get("lang") == "en"
    assert page.xpath("//title")[0].text == \
        "First post: hello </script><script>alert(1)</script> · Minimal Hub"
    assert page.xpath('//meta[@name="description"]/@content')[0].startswith("Hello from the")
    assert page.xpath('//link[@rel="canonical"]/@href') == \
        ["https://minimal.example/posts/first-post/"]
    assert page.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert page.xpath('//meta[@property="og:url"]/@content') == \
        ["https://minimal.example/posts/first-post/"]
    assert page.xpath('//meta[@name="twitter:card"]/@content')
    feeds = page.xpath('//link[@rel="alternate"]')
    assert {(f.get("type"), f.get("href")) for f in feeds} >= {
        ("application/rss+xml", "/feed.xml"), ("application/atom+xml", "/atom.xml")}
    [ld] = json_ld(page)
    assert ld["@type"] == "BlogPosting"
    assert ld["headline"] == "First post: hello </script><script>alert(1)</script>"
    assert ld["datePublished"] == "2026-03-01T00:00:00+01:00"
    raw = (public / "posts/first-post/index.html").read_text()
    assert "\\u003c/script\\u003e" in raw, "the title cannot close the JSON-LD block"
    home = parse_html(public / "index.html")
    [home_ld] = json_ld(home)
    assert home_ld["@type"] == "WebSite" and home_ld["url"] == "https://minimal.example/"
    for path in public.rglob("*.html"):
        page = parse_html(path)
        assert page.get("lang") == "en", path
        assert len(page.xpath("//title")) == 1, path
        assert bool(page.xpath('//link[@rel="canonical"]')) is (path.name != "404.html"), path
        json_ld(page)  # valid JSON everywhere


def test_the_404_page_names_no_address_of_its_own(built):
    # A host serves it at whatever address was not found: a canonical URL or og:url there
    # would tell search engines and share cards that the missing address is /404.html.
    page = parse_html(built("minimal") / "404.html")
    assert page.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert page.xpath('//link[@rel="canonical"]') == []
    assert page.xpath('//meta[@property="og:url"]') == []
    assert page.xpath('//meta[@property="og:title"]/@content') == ["Page not found"]
    [data] = json_ld(page)
    assert data["@type"] == "WebPage" and "url" not in data


def test_sitemap_lists_every_public_page_with_lastmod_and_robots_points_at_it(built):
    public = built("minimal")
    tree = ET.parse(public / "sitemap.xml")
    urls = {u.findtext("s:loc", namespaces=SITEMAP_NS):
            u.findtext("s:lastmod", namespaces=SITEMAP_NS)
            for u in tree.getroot().findall("s:url", SITEMAP_NS)}
    assert urls["https://minimal.example/posts/second/"] == "2026-03-06T10:00:00+02:00"
    assert urls["https://minimal.example/"] == "2026-04-01T00:00:00+02:00"
    assert "https://minimal.example/about/" in urls
    assert "https://minimal.example/page/2/" in urls
    assert "https://minimal.example/tags/community/" in urls
    assert "https://minimal.example/404.html" not in urls
    html_pages = {p.relative_to(public).as_posix() for p in public.rglob("*.html")}
    # every page but 404.html and the empty conversations list
    assert len(urls) == len(html_pages) - 2
    assert all(urls[u] for u in urls if "/about/" not in u)
    robots = (public / "robots.txt").read_text()
    assert "Sitemap: https://minimal.example/sitemap.xml" in robots


def test_a_robots_txt_of_the_site_s_own_wins_and_other_generated_files_are_not_replaced(hub):
    root = hub("minimal")
    (root / "static").mkdir(exist_ok=True)
    (root / "static/robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    assert run_hubgen("build", cwd=root).code == 0
    assert (root / "public/robots.txt").read_text() == "User-agent: *\nDisallow: /private/\n"
    (root / "static/sitemap.xml").write_text("<urlset/>")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "static/sitemap.xml: error: two items have the URL /sitemap.xml: the generated " \
           "sitemap page and static/sitemap.xml\n  hint: rename or move the static file: " \
           "hubgen makes /sitemap.xml itself." in result.err
    assert (root / "public/robots.txt").read_text() == "User-agent: *\nDisallow: /private/\n"


def test_a_static_file_named_as_hubgen_s_manifest_is_an_error_that_says_so(hub):
    # As a copy of an earlier build's output in static/ would bring.
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    before = all_files(root / "public")
    (root / "static").mkdir(exist_ok=True)
    (root / "static/.hubgen-manifest.json").write_text('{"files": []}')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "static/.hubgen-manifest.json: error: /.hubgen-manifest.json is the name of " \
           "hubgen's own list of the files it wrote into the output folder\n  hint: rename " \
           "the file, or delete it if it came with a copy of an earlier build's output." \
           in result.err
    assert all_files(root / "public") == before


def test_a_link_in_static_that_is_not_published_is_a_warning_that_says_why(hub, tmp_path):
    root = hub("minimal")
    static = root / "static"
    (static / "images").mkdir(parents=True, exist_ok=True)
    (static / "images/cup.txt").write_text("a cup")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP-SECRET")
    (static / "gone.png").symlink_to("/nonexistent/gone.png")
    (static / "secret.txt").symlink_to(outside / "secret.txt")
    (static / "vendor").symlink_to(outside)
    (static / "cup.txt").symlink_to("images/cup.txt")   # inside: published, no word
    (static / "loopy").symlink_to("loopy")               # a traceback once
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "static/gone.png: warning: gone.png is a link to /nonexistent/gone.png, which " \
           "does not exist (or leads round in a loop); it is not published\n  hint: point " \
           "it at the file, or remove it." in result.err
    assert "static/loopy: warning: loopy is a link to loopy, which does not exist" in result.err
    assert f"static/secret.txt: warning: secret.txt is a link to {outside / 'secret.txt'}, " \
           "outside the static folder; it is not published\n  hint: copy the file in" \
           in result.err
    assert f"static/vendor: warning: vendor is a link to a folder ({outside}), which is not " \
           "followed inside a static folder: nothing in it is published" in result.err
    assert result.err.count("warning:") == 4
    public = root / "public"
    assert (public / "cup.txt").read_text() == "a cup"
    assert not any((public / name).exists() for name in ("gone.png", "secret.txt", "vendor"))
    assert "TOP-SECRET" not in "".join(p.read_text(errors="ignore")
                                       for p in public.rglob("*") if p.is_file())
    assert run_hubgen("build", "--strict", cwd=root).code == 1


def test_markdown_extensions_a_blogger_expects(built):
    public = built("minimal")
    first = parse_html(public / "posts/first-post/index.html")
    main = first.xpath("//main")[0]
    assert main.xpath(".//table//th")[0].text == "Brew"
    assert main.xpath('.//div[@class="footnote"]')
    assert main.xpath('.//img[@alt="A coffee cup" and @src="/images/cup.svg"]')
    second = parse_html(public / "posts/second/index.html")
    anchor = second.xpath('//h2[@id="why"]/a[@class="heading-anchor"]')
    assert anchor and anchor[0].get("href") == "#why"
    third = parse_html(public / "posts/the-third/index.html")
    assert "with more after the marker" in third.text_content()


def test_the_manifest_records_the_files_written(built):
    public = built("minimal")
    manifest = json.loads((public / ".hubgen-manifest.json").read_text())
    assert "posts/first-post/index.html" in manifest["files"]
    assert "feed.xml" in manifest["files"]


def test_every_page_has_description_open_graph_twitter_and_feed_links(built):
    public = built("conversations")
    pages = list(public.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        page = parse_html(path)
        assert page.xpath('//meta[@name="description"]/@content')[0].strip(), path
        for prop in ("og:title", "og:description", "og:type", "og:site_name"):
            assert page.xpath(f'//meta[@property="{prop}"]/@content'), (path, prop)
        # The 404 page is served at any address that was not found: it has none to share.
        assert bool(page.xpath('//meta[@property="og:url"]/@content')) is \
            (path.name != "404.html"), path
        assert page.xpath('//meta[@name="twitter:card"]/@content'), path
        assert page.xpath('//link[@rel="alternate" and @type="application/rss+xml"]'), path
        assert json_ld(page), path


def test_tag_pages_and_the_threads_list_paginate(hub):
    root = hub("conversations")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("paginate: 10", "paginate: 1"))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    assert (public / "threads/page/3/index.html").is_file()
    assert not (public / "threads/page/4").exists()
    assert (public / "tags/tweetchat/page/3/index.html").is_file()
    second = parse_html(public / "tags/tweetchat/page/2/index.html")
    assert second.xpath('//a[@href="/tags/tweetchat/"]')
    assert second.xpath('//a[@href="/tags/tweetchat/page/3/"]')


def test_source_date_epoch_decides_what_is_in_the_future(hub):
    root = hub("minimal")
    year_2100 = str(4_102_444_800)
    result = run_hubgen("build", cwd=root, env={"SOURCE_DATE_EPOCH": year_2100})
    assert result.code == 0
    assert (root / "public/posts/from-the-future/index.html").is_file()
    assert "scheduled post" not in result.out


def test_tags_that_share_a_url_are_a_warning_at_the_newer_spelling(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("tags: [listening]", "tags: [listening, C++]"))
    other = root / "content/posts/2026-03-05-second.md"
    other.write_text(other.read_text().replace("tags: [community]", "tags: [community, C#]"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert "content/posts/third.md:6:7: warning: the tags 'C#' and 'C++' share the URL of 'c' " \
           "and are shown as one" in result.err
    assert "hint: write 'C#' here" in result.err


def test_a_tag_is_shown_as_most_posts_write_it_and_a_new_post_never_renames_it(hub):
    root = hub("minimal")      # 'Community' on March 1, 'community' on March 5

    def shown() -> str:
        assert run_hubgen("build", cwd=root).code == 0
        return parse_html(root / "public/tags/community/index.html").xpath("string(//h1)")

    assert shown() == "Tagged: Community"      # a tie: as the oldest post writes it
    newest = root / "content/posts/third.md"
    newest.write_text(newest.read_text().replace("tags: [listening]", "tags: [COMMUNITY]"))
    assert shown() == "Tagged: Community"
    newest.write_text(newest.read_text().replace("tags: [COMMUNITY]", "tags: [community]"))
    assert shown() == "Tagged: community"      # two posts of three write it so


def test_aliases_leave_a_redirect_at_each_old_address(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace(
        "author: kim", "author: kim\naliases: [/old/third, /2026/third.html]"))
    assert run_hubgen("build", cwd=root).code == 0
    for path in ("public/old/third/index.html", "public/2026/third.html"):
        page = parse_html(root / path)
        assert page.xpath('//link[@rel="canonical"]/@href') == \
            ["https://minimal.example/posts/the-third/"]
        assert page.xpath('//meta[@http-equiv="refresh"]/@content') == \
            ["0; url=/posts/the-third/"]
        assert page.xpath('//a/@href') == ["/posts/the-third/"]
    sitemap = (root / "public/sitemap.xml").read_text()
    assert "/old/third/" not in sitemap


def test_a_page_a_permalink_edit_moved_away_is_a_warning_naming_the_alias_to_add(hub):
    # Before, the build removed the published page at the old address and said only
    # "1 removed": every link and bookmark to it found the 404 page, without a word.
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    about = root / "content/pages/about.md"
    about.unlink()                                       # gone on purpose: nothing to say
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {post: "/{year}/{slug}/"}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    warnings = said(result.err, "warning")
    assert len(warnings) == 3, result.err
    assert "content/posts/third.md: warning: 'Third, with an explicit slug' moved from " \
           "/posts/the-third/ to /2026/the-third/: the build removed its page at " \
           "/posts/the-third/, so links and bookmarks to it now lead to the 404 page\n" \
           "  hint: add aliases: [/posts/the-third/] to its front matter to forward them, " \
           "or keep its old permalink." in result.err
    assert not any("about" in line for line in warnings)
    assert not (root / "public/posts/the-third/index.html").exists()

    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("author: kim",
                                             "author: kim\naliases: [/posts/the-third/]"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "warning") == [], result.err
    forward = parse_html(root / "public/posts/the-third/index.html")
    assert forward.xpath('//meta[@http-equiv="refresh"]/@content') == ["0; url=/2026/the-third/"]


def test_a_permalink_edit_that_moves_many_posts_names_ten_and_counts_the_rest(hub):
    root = hub("minimal")
    for number in range(20):
        (root / f"content/posts/note-{number:02d}.md").write_text(
            f"---\ntitle: Note {number}\ndate: 2026-02-{number + 1:02d} 10:00\n---\nA note.\n")
    assert run_hubgen("build", cwd=root).code == 0
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {post: "/notes/{slug}/"}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    warnings = said(result.err, "warning")
    assert len(warnings) == 11, result.err
    assert sum("moved from /posts/" in line for line in warnings) == 10
    assert "hubgen: warning: 13 more posts or pages moved likewise: the build removed " \
           "their pages at their old addresses\n  hint: add each one's old address to its " \
           "aliases:, or keep the old permalinks." in result.err


def test_a_tag_page_that_goes_is_no_post_moved_though_a_post_has_its_name(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    assert (root / "public/tags/listening/index.html").is_file()
    for name in ("2026-03-01-first-post.md", "third.md"):
        post = root / "content/posts" / name
        post.write_text(post.read_text().replace("tags: [Community, listening]",
                                                 "tags: [Community]")
                        .replace("tags: [listening]", "tags: []")
                        .replace("slug: the-third", "slug: listening"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert not (root / "public/tags/listening/index.html").exists()
    assert (root / "public/posts/listening/index.html").is_file()
    assert said(result.err, "warning") == [], result.err


def test_an_alias_is_a_file_only_when_it_names_an_html_page(hub):
    # A host serves a file by its extension: a forwarding page at 'v1.2' or 'page.php' was
    # sent as application/octet-stream, and the browser downloaded it instead of following.
    root = hub("subpath")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace(
        "author: kim", "author: kim\naliases: [/release-v1.2, /old/page.php, /2026/third.HTM]"))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    for path in ("release-v1.2/index.html", "old/page.php/index.html", "2026/third.HTM"):
        page = parse_html(public / path)
        assert page.xpath('//meta[@http-equiv="refresh"]/@content') == \
            ["0; url=/hub/posts/the-third/"], path


def test_a_list_whose_permalink_names_a_file_pages_into_a_folder_of_its_name():
    from hubgen.plan.pagination import page_path, paginate
    assert page_path("/tags/a/", 1) == "/tags/a/" and page_path("/tags/a/", 2) == "/tags/a/page/2/"
    assert page_path("/tags/a.html", 1) == "/tags/a.html"
    assert page_path("/tags/a.html", 3) == "/tags/a/page/3/"
    assert page_path("/v1.0/people/ana", 2) == "/v1.0/people/ana/page/2/"
    pages = paginate(list(range(25)), 10, "/people/ana.html")
    assert [p.path for p in pages] == ["/people/ana.html", "/people/ana/page/2/",
                                       "/people/ana/page/3/"]
    assert pages[1].previous_path == "/people/ana.html" and pages[2].offset == 20


def test_content_left_where_it_is_not_read_is_a_warning_naming_where_it_goes(hub):
    root = hub("conversations")
    content = root / "content"
    (content / "blog").mkdir()
    (content / "blog/2026-03-12-from-hugo.md").write_text("---\ntitle: Hugo's place\n---\nHi\n")
    (content / "contact.md").write_text("---\ntitle: Contact\n---\nWrite to us.\n")
    (content / "README.md").write_text("What this folder holds.\n")
    (content / "threads/2025").mkdir()
    (content / "threads/2025/old-chat.yaml").write_text(
        (content / "threads/chat-one.yaml").read_text())
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages/faq.mdown").write_text("---\ntitle: FAQ\n---\nAsk.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    warnings = said(result.err, "warning")
    assert warnings[:3] == [
        "content/blog/2026-03-12-from-hugo.md: warning: this Markdown file is not in "
        "content/posts/ or content/pages/, so it is not built",
        "content/contact.md: warning: this Markdown file is not in content/posts/ or "
        "content/pages/, so it is not built",
        "content/threads/2025/old-chat.yaml: warning: thread files are read from "
        "content/threads/ itself, not its folders, so this one is not built"]
    assert (root / "public/faq/index.html").is_file(), ".mdown is Markdown too"


def test_posts_copied_in_as_another_tool_keeps_them_are_a_warning_not_lost(hub):
    # Jekyll's _posts/ folder, and pages written in HTML, Nunjucks or reStructuredText:
    # hubgen reads none of them, and said nothing.
    root = hub("minimal")
    content = root / "content"
    for folder in ("_posts", "posts/_posts"):
        (content / folder).mkdir()
        (content / folder / "2026-03-12-from-jekyll.md").write_text(
            "---\ntitle: From Jekyll\n---\nHi\n")
    (content / "posts/2026-03-13-html.html").write_text(
        "---\nlayout: post\ntitle: In HTML\n---\n<p>Hi</p>\n")
    (content / "pages/contact.njk").write_text("---\ntitle: Contact\n---\nWrite to us.\n")
    (content / "posts/2026-03-14-pelican.rst").write_text("Pelican\n#######\n\n:date: 2026\n")
    (content / "posts/trip").mkdir()   # a bundle's resources are no pages
    (content / "posts/trip/index.md").write_text("---\ntitle: Trip\ndate: 2026-03-01\n---\nGo\n")
    (content / "posts/trip/map.html").write_text("<p>A map</p>\n")
    (content / "posts/trip/notes.txt").write_text("Notes\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    not_markdown = "hubgen builds pages from Markdown files, not {} ones, so this one is not built"
    jekyll = ("warning: Jekyll's _posts/ folder is not read (a name starting with '_' keeps a "
              "file or folder out), so its posts are not built")
    assert said(result.err, "warning") == [
        f"content/_posts: {jekyll}",
        f"content/pages/contact.njk: warning: {not_markdown.format('.njk')}",
        f"content/posts/2026-03-13-html.html: warning: {not_markdown.format('.html')}",
        f"content/posts/2026-03-14-pelican.rst: warning: {not_markdown.format('.rst')}",
        f"content/posts/_posts: {jekyll}"]
    assert (root / "public/posts/trip/map.html").is_file()


def test_a_readme_in_posts_or_pages_is_left_alone_unless_it_has_front_matter(hub):
    root = hub("minimal")
    (root / "content/posts/README.md").write_text("# Posts\n\nOne file per post.\n")
    (root / "content/pages/team").mkdir(parents=True)
    (root / "content/pages/team/Readme.md").write_text("Ask Ana before editing.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and result.err == "", result.err
    assert not (root / "public/posts/readme").exists()
    (root / "content/pages/README.md").write_text("---\ntitle: Read me\n---\nA page.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert parse_html(root / "public/readme/index.html").xpath("string(//h1)") == "Read me"


def test_two_tags_of_one_post_sharing_a_url_or_one_making_none_are_warnings(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace(
        "tags: [listening]", 'tags: ["C++", "C#", "🎉", listening, Listening]'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    # Each told at the tag itself.
    assert "content/posts/third.md:6:15: warning: the tags 'C++' and 'C#' share the URL of " \
           "'c' and are shown as one" in result.err
    assert "content/posts/third.md:6:21: warning: the tag '🎉' makes an empty address, so it " \
           "is left out" in result.err
    assert result.err.count("warning") == 2       # a tag written in two cases is one tag


def test_a_dated_permalink_takes_the_day_the_page_shows_in_the_site_s_timezone(tmp_path):
    root = tmp_path / "hub"
    (root / "content/posts").mkdir(parents=True)
    (root / "content/threads").mkdir()
    (root / "hubgen.yaml").write_text(
        "title: T\nurl: https://x.example/\ntimezone: Asia/Tokyo\n"
        "permalinks: {post: '/{year}/{month}/{day}/{slug}/', "
        "thread: '/chats/{year}/{month}/{day}/{slug}/'}\n")
    # 20:00 in London on April 30 is 05:00 on May 1 in Tokyo, the site's timezone.
    (root / "content/posts/late.md").write_text(
        "---\ntitle: Late\ndate: 2026-04-30T20:00:00Z\n---\nBody.\n")
    (root / "content/threads/chat.yaml").write_text(
        "title: Chat\ndate: 2026-04-30T20:00:00+00:00\nstatus: archived\n"
        "source: {platform: mastodon, url: 'https://toot.example/@kim/1'}\n"
        "messages:\n  - {id: '1', author: {name: Kim}, date: 2026-04-30T20:01:00Z, "
        "text: Hello}\n")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    post = parse_html(public / "2026/05/01/late/index.html")
    assert post.xpath("string(//p[contains(@class, 'byline')]//time)") == "May 1, 2026"
    assert (public / "chats/2026/05/01/chat/index.html").is_file()
    assert not (public / "2026/04/30").exists() and not (public / "chats/2026/04/30").exists()


def test_people_and_tags_are_in_a_reader_s_alphabetical_order(hub):
    root = hub("minimal")
    with (root / "content/people.yaml").open("a") as people:
        people.write("zed: {name: zed lowercase}\nzoe: {name: Zoë Ü}\nemile: {name: Émile Zola}\n"
                     "unal: {name: Ünal Y}\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("tags: [listening]", "tags: [Öl, zebra, Éclair]"))
    assert run_hubgen("build", cwd=root).code == 0
    people = parse_html(root / "public/people/index.html")
    assert people.xpath('//a[@class="person-card__name"]/text()') == \
        ["Ana Ruiz", "Émile Zola", "Kim Lee", "Ünal Y", "zed lowercase", "Zoë Ü"]
    tags = parse_html(root / "public/tags/index.html")
    assert tags.xpath('//span[@class="tag-cloud__name"]/text()') == \
        ["Community", "Éclair", "listening", "Öl", "zebra"]


def test_brand_people_are_the_brand_team_on_every_page_that_shows_them(hub):
    root = hub("minimal")     # brand.people: [ana]; ana also has role: brand
    with (root / "content/people.yaml").open("a") as people:
        people.write("sam: {name: Sam Brand, role: brand}\nbo: {name: Bo Listed}\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("people: [ana]", "people: [bo, ana]"))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    people = parse_html(public / "people/index.html")
    assert people.xpath('//section[h2[@id="brand"]]//a[@class="person-card__name"]/text()') \
        == ["Ana Ruiz", "Bo Listed", "Sam Brand"]
    assert people.xpath('//section[h2[@id="community"]]//a[@class="person-card__name"]/text()') \
        == ["Kim Lee"]
    assert "Minimal Co team" in parse_html(public / "people/bo/index.html").text_content()
    home = parse_html(public / "index.html")
    assert home.xpath('//a[@class="aside-person__name"]/text()') == \
        ["Bo Listed", "Ana Ruiz", "Sam Brand"]      # brand.people's order, then by name


def test_a_bundle_s_relative_image_is_its_own_file_on_every_page_that_shows_it(tmp_path):
    root = tmp_path / "hub"
    bundle = root / "content/posts/2026-01-01-trip"
    bundle.mkdir(parents=True)
    (root / "static").mkdir()
    (root / "hubgen.yaml").write_text("title: T\nurl: https://x.example/hub/\n")
    (bundle / "index.md").write_text("---\ntitle: Trip\nimage: cover.svg\nimage_alt: The bay\n"
                                     "---\n![The view](view.svg)\n")
    (bundle / "cover.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (bundle / "view.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "content/posts/2026-01-02-home.md").write_text(
        "---\ntitle: Home\nimage: banner.svg\n---\nA static file's image, as before.\n")
    (root / "static/banner.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    post = parse_html(public / "posts/trip/index.html")
    assert post.xpath('//img[@alt="The bay"]/@src') == ["/hub/posts/trip/cover.svg"]
    assert post.xpath('//meta[@property="og:image"]/@content') == \
        ["https://x.example/hub/posts/trip/cover.svg"]
    assert [block["image"] for block in json_ld(post) if "image" in block] == \
        ["https://x.example/hub/posts/trip/cover.svg"]
    home = parse_html(public / "index.html")
    assert set(home.xpath('//img[@class="card__image"]/@src')) == \
        {"/hub/posts/trip/cover.svg", "/hub/banner.svg"}
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 0 and "broken" not in checked.out + checked.err


def test_a_right_to_left_hub_lays_every_page_out_right_to_left(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("language: en", "language: ar"))
    assert run_hubgen("build", cwd=root).code == 0
    for page in ("index.html", "posts/the-third/index.html", "people/index.html", "404.html"):
        html = parse_html(root / "public" / page)
        assert (html.get("lang"), html.get("dir")) == ("ar", "rtl"), page


def test_editors_and_downloads_leftovers_are_never_published(hub):
    root = hub("minimal")
    for name in ("keep.txt", "movie.swf", "notes.txt.orig", "db.bak", "video.mp4.part",
                 "x.crdownload", ".notes.txt.swp", "draft.txt~", ".DS_Store", "4913",
                 "site.css___jb_old___", "site.css___jb_tmp___", "sed8Hk2Qa"):
        (root / "static" / name).write_text("x")
    assert run_hubgen("build", cwd=root).code == 0
    published = {path.name for path in (root / "public").iterdir()}
    assert {"keep.txt", "movie.swf"} <= published
    assert not published & {"notes.txt.orig", "db.bak", "video.mp4.part", "x.crdownload",
                            ".notes.txt.swp", "draft.txt~", ".DS_Store", "4913",
                            "site.css___jb_old___", "site.css___jb_tmp___", "sed8Hk2Qa"}


def test_the_folder_notes_of_macos_windows_and_kde_are_never_published(hub):
    # A static/ copied from a Mac to a USB stick or a network share holds "._name"
    # (AppleDouble) beside each file; Windows and KDE leave their folder notes. They were
    # published, as .DS_Store and Thumbs.db are not.
    root = hub("minimal")
    images = root / "static/images"
    for name in ("._cup.svg", "desktop.ini", ".directory", "Thumbs.db"):
        (images / name).write_bytes(b"\0\5\26\7\0\2\0\0Mac OS X")
    (images / ".AppleDouble").mkdir()
    (images / ".AppleDouble/cup.svg").write_bytes(b"\0\5\26\7")
    assert run_hubgen("build", cwd=root).code == 0
    published = {path.name for path in (root / "public/images").iterdir()}
    assert published == {"cup.svg"}
    result = run_hubgen("build", "--verbose", cwd=root)
    assert "0 written" in result.out


def test_two_people_keys_making_one_url_are_an_error_at_the_key(hub):
    root = hub("minimal")
    with (root / "content/people.yaml").open("a") as people:
        people.write("Kim: {name: Kim Again}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/people.yaml:3:1: error: two items have the URL /people/kim/: the person " \
           "'Kim' of content/people.yaml and the person 'kim' of content/people.yaml" in result.err
    assert "hint: give one of them another key in people.yaml" in result.err
    (root / "content/people.yaml").write_text("index: {name: Index Person}\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {person: "/people/{slug}.html"}\n')
    result = run_hubgen("build", cwd=root)
    assert "content/people.yaml:1:1: error: two items have the URL /people/index.html: the " \
           "generated people.html page and the person 'index' of content/people.yaml" in result.err
    assert "hint: give the person another key in people.yaml" in result.err
