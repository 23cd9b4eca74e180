"""`hubgen new` starts a hub and adds content; `hubgen check` finds what a build cannot."""

from __future__ import annotations

import json
import time
from pathlib import Path

import feedparser
from conftest import all_files, parse_html, run_hubgen, said

DAY = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


def test_new_site_then_build_then_check_is_clean(tmp_path):
    made = run_hubgen("new", "site", "acme-hub", cwd=tmp_path, env=DAY)
    assert made.code == 0, made.err
    root = tmp_path / "acme-hub"
    for path in ("hubgen.yaml", "content/people.yaml", "content/pages/about.md",
                 "content/posts/2026-11-22-welcome.md", "content/threads/first-conversation.yaml"):
        assert (root / path).is_file(), path
    assert (root / "static").is_dir() and (root / "templates").is_dir()
    config = (root / "hubgen.yaml").read_text()
    assert config.count("\n# ") >= 10, "every key is explained"
    built = run_hubgen("build", cwd=root, env=DAY)
    assert built.code == 0 and built.err == "", built.err
    assert (root / "public/threads/first-conversation/index.html").is_file()
    checked = run_hubgen("check", cwd=root, env=DAY)
    assert checked.code == 0, checked.out
    assert "Check passed: 0 errors, 0 warnings." in checked.out


def test_a_new_site_s_first_conversation_is_over_when_the_site_is_made(tmp_path):
    made = run_hubgen("new", "site", "acme-hub", cwd=tmp_path, env=DAY)
    assert made.code == 0, made.err
    root = tmp_path / "acme-hub"
    assert run_hubgen("build", cwd=root, env=DAY).code == 0
    moment = time.gmtime(int(DAY["SOURCE_DATE_EPOCH"]))
    for path in ("threads/first-conversation/feed.xml", "threads/feed.xml"):
        feed = feedparser.parse((root / "public" / path).read_bytes())
        dates = [e.published_parsed for e in feed.entries] + [e.updated_parsed
                                                             for e in feed.entries]
        assert dates and max(dates) <= moment, f"{path}: a reply dated after the build"


def test_new_site_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/notes.txt").write_text("mine")
    result = run_hubgen("new", "site", "busy", cwd=tmp_path)
    assert result.code == 2
    assert "is not empty" in result.err
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_new_post_page_and_thread_fill_in_front_matter_and_never_overwrite(hub):
    root = hub("minimal")
    post = run_hubgen("new", "post", "Café: the “first” steps", cwd=root, env=DAY)
    assert post.code == 0, post.err
    assert post.out.strip() == "content/posts/2026-11-22-cafe-the-first-steps.md"
    text = (root / post.out.strip()).read_text()
    assert 'title: "Café: the “first” steps"' in text
    assert "date: 2026-11-22 01:00" in text, "the date is in the site's timezone (Paris)"
    assert 'author: "ana"' in text, "the first brand voice of the config"
    assert "draft: true" in text
    again = run_hubgen("new", "post", "Café: the “first” steps", cwd=root, env=DAY)
    assert again.code == 1
    assert "already has the slug 'cafe-the-first-steps'" in again.err
    assert (root / post.out.strip()).read_text() == text
    page = run_hubgen("new", "page", "Code of conduct", cwd=root)
    assert page.out.strip() == "content/pages/code-of-conduct.md"
    thread = run_hubgen("new", "thread", "Decaf debate", cwd=root, env=DAY)
    assert thread.out.strip() == "content/threads/decaf-debate.yaml"
    build = run_hubgen("build", "--drafts", cwd=root, env=DAY)
    assert build.code == 0 and build.err == "", build.err
    assert (root / "public/threads/decaf-debate/index.html").is_file()


def test_a_missing_anchor_is_placed_at_its_link_not_where_its_fragment_is_written_first(hub):
    # Found by "#team" alone, it was placed at the hashtag two lines above the link.
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nMeet the #team, and [us](/about/#us).\n\n"
                    "[Our team](/about/#team)\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    assert [line for line in said(result.out, "error") if "#team" in line] == [
        "content/posts/third.md:12:12: error: missing anchor: /about/#team (on "
        "posts/the-third/index.html): about/index.html has no element with id 'team'"]


def test_check_finds_broken_links_missing_anchors_and_mixed_content_with_file_and_line(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nSee [the old page](/nope/), [our team](/about/#team)\n"
                    "and ![a photo](http://insecure.example/cup.png), [near](../gone/).\n"
                    "Once more: [the old page](/nope/).\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    out = result.out
    assert "content/posts/third.md:10:20: error: broken link: /nope/ (on posts/the-third/" \
           "index.html) leads to no page\n" \
           "    See [the old page](/nope/), [our team](/about/#team)\n" \
           "                       ^\n" in out, "the line, a caret under the link, as in build"
    assert "content/posts/third.md:10:40: error: missing anchor: /about/#team (on " \
           "posts/the-third/index.html): about/index.html has no element with id 'team'" in out
    # A relative link is found in the post as it is written, not as it resolves.
    assert "content/posts/third.md:11:57: error: broken link: ../gone/ (on posts/the-third/" \
           "index.html) leads to no page" in out
    assert "content/posts/third.md:11:16: error: loads http://insecure.example/cup.png over " \
           "plain http on an https site" in out
    assert "Check failed: 4 errors" in out
    assert not (root / "public").exists(), "check writes nothing"
    as_json = run_hubgen("check", "--format", "json", cwd=root)
    data = json.loads(as_json.out)
    assert data["ok"] is False and data["errors"] == 4
    kinds = sorted(f["kind"] for f in data["findings"] if f["severity"] == "error")
    assert kinds == ["anchor", "link", "link", "mixed-content"]
    assert json.loads(run_hubgen("check", "--format", "json", cwd=root).out) == data


def test_check_places_a_sub_path_hub_s_broken_links_where_they_are_written(hub):
    # The page's link carries the base path its source does not: a link written
    # percent-encoded was told of no line, and one written with the base path already (made
    # /our café hub/our café hub/about/) at another link that held its letters.
    root = hub("subpath")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://x.example/hub/",
                                                 'url: "https://x.example/our café hub/"'))
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nSee [about](<https://x.example/our café hub/about/>).\n"
                    "A [report](/files/My%20Report%231.txt) and "
                    "[about](/our%20caf%C3%A9%20hub/about/).\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    assert said(result.out, "error") == [
        "content/posts/third.md:11:12: error: broken link: "
        "/our%20caf%C3%A9%20hub/files/My%20Report%231.txt (on posts/the-third/index.html) "
        "leads to no page",
        "content/posts/third.md:11:52: error: broken link: "
        "/our%20caf%C3%A9%20hub/our%20caf%C3%A9%20hub/about/ (on posts/the-third/index.html) "
        "leads to no page"]
    assert "hint: write the link from the site's root (/about/): hubgen adds the base path " \
           "/our café hub/ to it." in result.out


def test_check_finds_srcset_images_and_names_a_post_s_image_once(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    text = post.read_text().replace("tags: [listening]",
                                    "tags: [listening]\nimage: /images/nope.jpg")
    post.write_text(text + '\n<img src="/images/cup.svg" srcset="/images/cup.svg 1x, '
                    '/images/big,cup.png 2x" alt="">\n<picture><source srcset="/images/wide.webp" '
                    'media="(min-width: 40em)"><img src="/images/cup.svg" alt=""></picture>\n')
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    errors = said(result.out, "error")
    assert errors == [
        "content/posts/third.md:7:8: error: broken link: /images/nope.jpg (on "
        "posts/the-third/index.html) leads to no page",
        "content/posts/third.md:11:56: error: broken link: /images/big,cup.png (on "
        "posts/the-third/index.html) leads to no page",
        "content/posts/third.md:12:26: error: broken link: /images/wide.webp (on "
        "posts/the-third/index.html) leads to no page"], result.out


def test_a_broken_link_is_placed_where_it_is_the_link_not_inside_a_longer_one(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    text = post.read_text().replace("tags: [listening]",
                                    "tags: [listening]\nimage: /images/cup.svg")
    post.write_text(text + "\n![relative](cup.svg)\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    line = len(text.splitlines()) + 2
    assert said(result.out, "error") == [
        f"content/posts/third.md:{line}:13: error: broken link: cup.svg (on "
        "posts/the-third/index.html) leads to no page"], result.out


def test_a_link_to_a_markdown_source_is_told_the_page_to_link_to(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nSee [the first](2026-03-01-first-post.md) and "
                    "[us](../pages/about.md#team), [us again]({filename}/pages/about.md).\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    assert "content/posts/third.md:10:17: error: broken link: 2026-03-01-first-post.md (on " \
           "posts/the-third/index.html) leads to no page\n" \
           "    See [the first](2026-03-01-first-post.md) and [us](../pages/about.md#team), " \
           "[us again]({filename}/pages/about.md).\n" \
           "                    ^\n" \
           "  hint: link to the page, not its source: /posts/first-post/ is the page of " \
           "posts/2026-03-01-first-post.md." in result.out
    assert result.out.count("hint: link to the page, not its source: /about/ is the page of "
                            "pages/about.md.") == 2


def test_a_link_to_a_page_s_old_address_is_told_where_the_page_is_now(hub):
    # Before, each link to a post a permalink edit had moved got "check the path, or the
    # slug of the page it should reach", while hubgen knew where that page went.
    root = hub("minimal")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\nRead [the third](/posts/the-third/) and "
                     "[nothing](/posts/never-was/).\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {post: "/{year}/{slug}/"}\n')
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    assert "content/pages/about.md:6:18: error: broken link: /posts/the-third/ (on " \
           "about/index.html) leads to no page\n" in result.out, result.out
    assert "  hint: 'Third, with an explicit slug' (posts/third.md) is at /2026/the-third/ " \
           "now: link there (or add aliases: [/posts/the-third/] to its front matter, which " \
           "forwards the old address).\n" in result.out
    assert result.out.count("hint: check the path, or the slug of the page it should " \
                            "reach.") == 1   # /posts/never-was/ is nobody's


def test_check_reads_a_page_s_links_as_a_browser_does(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    # Markup in a textarea is its text; of two same attributes the first counts; and an
    # entity without its ';' followed by a letter stays as written in a value.
    post.write_text(post.read_text() + '\n<textarea aria-label="x"><a href="/nope/">'
                    '</textarea>\n\n<a href="/about/" href="/gone/">About</a>\n\n'
                    '<a href="/ab&copyout/">About again</a>\n')
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    errors = said(result.out, "error")
    assert errors == [
        "content/posts/third.md:14:10: error: broken link: /ab&copyout/ (on "
        "posts/the-third/index.html) leads to no page"], result.out


def test_check_reports_build_errors_drafts_scheduled_and_the_listening_report(hub):
    root = hub("minimal")
    result = run_hubgen("check", cwd=root)
    assert result.code == 0, result.out
    assert "content/posts/draft.md: info: 'Unfinished thoughts' is a draft" in result.out
    assert "content/posts/2099-01-01-from-the-future.md: info: 'From the future' is " \
           "scheduled" in result.out
    conversations = hub("conversations")
    report = run_hubgen("check", cwd=conversations)
    assert "content/threads/chat-one.yaml:19:5: info: Lee Guest is waiting for a brand " \
           "reply" in report.out
    broken = hub("bad-date")
    failed = run_hubgen("check", "--format", "json", cwd=broken)
    assert failed.code == 1
    [finding] = json.loads(failed.out)["findings"]
    assert (finding["path"], finding["line"], finding["column"]) == \
        ("content/posts/launch.md", 3, 7)


def test_check_finds_a_published_page_s_links_to_drafts_and_scheduled_posts(hub):
    # check builds drafts and scheduled posts, to check their links too; but from a
    # published page, a link to one leads nowhere on the site the build publishes.
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nSee [unfinished](/posts/draft/) and "
                    "[the future](../from-the-future/).\n"
                    "Also [secrets](/tags/secret/) at [its old address](/old/draft/).\n")
    draft = root / "content/posts/draft.md"
    # A draft's own links, and its alias's link to it, are not the published site's.
    draft.write_text(draft.read_text().replace("draft: true\n", "draft: true\ntags: [secret]\n"
                                               "aliases: [/old/draft/]\n")
                     + "\nAs [the future](/posts/from-the-future/#nope) says.\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "menu: [{title: Soon, url: /posts/draft/}]\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    errors = said(result.out, "error")
    assert errors == [
        # A draft's own links are checked all the same.
        "content/posts/draft.md:10:17: error: missing anchor: /posts/from-the-future/#nope (on "
        "posts/draft/index.html): posts/from-the-future/index.html has no element with id "
        "'nope'",
        "content/posts/third.md:10:18: error: link to an unpublished page: /posts/draft/ (on "
        "posts/the-third/index.html) leads to 'Unfinished thoughts', which is a draft: the "
        "published site has no page there",
        "content/posts/third.md:10:50: error: link to an unpublished page: "
        "../from-the-future/ (on posts/the-third/index.html) leads to 'From the future', "
        "which is scheduled for 2099-01-01 00:00 +0100: the published site has no page there",
        "content/posts/third.md:11:16: error: link to an unpublished page: /tags/secret/ (on "
        "posts/the-third/index.html) leads to a page that only drafts and posts dated later "
        "make: the published site has no page there",
        "content/posts/third.md:11:52: error: link to an unpublished page: /old/draft/ (on "
        "posts/the-third/index.html) leads to an old address of 'Unfinished thoughts', which "
        "is a draft: the published site has no page there",
        # The menu's link, on every page: said once, where the config has it.
        "hubgen.yaml:10:27: error: link to an unpublished page: /posts/draft/ leads to "
        "'Unfinished thoughts', which is a draft: the published site has no page there",
    ], result.out
    assert "hint: publish it first, or take the link out until it is published." in result.out
    built = run_hubgen("build", cwd=root)
    assert built.code == 0
    assert not (root / "public/posts/draft").exists()


def test_a_published_page_embedding_a_draft_thread_warns_in_build_and_fails_check(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace("tags: [", "draft: true\ntags: [", 1))
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    said = ("content/posts/2026-03-12-recap.md:{}:1: {}: the embedded thread 'chat-one' is a "
            "draft: {} shows nothing in its place")
    hint = ("hint: publish the thread (take out its 'draft: true'), or take the embed out "
            "until it is published.")
    assert said.format(8, "warning", "this page") in built.err
    assert said.format(12, "warning", "this page") in built.err
    assert hint in built.err
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 1
    errors = [line for line in checked.out.splitlines() if ": error: " in line]
    assert errors == [said.format(8, "error", "the published page"),
                      said.format(12, "error", "the published page")], checked.out
    assert hint in checked.out


def test_check_says_which_threads_the_build_waits_for_their_date(hub):
    # An archived thread dated later waits as a post does; an upcoming one is published.
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace("date: 2026-03-10T12:00:00-04:00",
                                                 "date: 2099-03-10T12:00:00-04:00", 1))
    checked = run_hubgen("check", cwd=root)
    assert "content/threads/chat-one.yaml: info: 'Chat one: campaigns or conversations?' is " \
        "scheduled for 2099-03-10T12:00:00-04:00: build leaves it out until then" \
        in checked.out, checked.out
    assert "next-chat.yaml: info:" not in checked.out
    assert run_hubgen("build", cwd=root).code == 0
    assert not (root / "public/threads/chat-one").exists()
    assert (root / "public/threads/next-chat/index.html").is_file()


def test_new_refuses_a_slug_another_item_or_the_site_already_has(hub):
    root = hub("minimal")
    post = run_hubgen("new", "post", "Second", cwd=root)
    assert post.code == 1
    assert "2026-03-05-second.md already has the slug 'second'" in post.err
    page = run_hubgen("new", "page", "Threads", cwd=root)
    assert page.code == 1 and "/threads/ is a page the site makes itself" in page.err
    empty = run_hubgen("new", "page", "???", cwd=root)
    assert empty.code == 2 and "makes an empty slug" in empty.err
    thread = run_hubgen("new", "thread", "Decaf debate", cwd=root)
    assert thread.code == 0
    again = run_hubgen("new", "thread", "Decaf debate", cwd=root)
    assert again.code == 1 and "already" in again.err
    # Under other permalinks, other pages of the site's are in the way.
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {page: "/{slug}.html"}\n')
    for title in ("Index", "404"):
        refused = run_hubgen("new", "page", title, cwd=root)
        assert refused.code == 1
        assert f"/{title.lower()}.html is a page the site makes itself" in refused.err
    assert run_hubgen("new", "page", "Threads", cwd=root).code == 0   # /threads.html is free
    assert run_hubgen("build", cwd=root).code == 0
    (root / "content/pages/threads.md").unlink()
    config.write_text(config.read_text().replace(
        'permalinks: {page: "/{slug}.html"}', 'permalinks: {tag: "/topics/{slug}/"}'))
    refused = run_hubgen("new", "page", "Topics", cwd=root)
    assert refused.code == 1 and "/topics/ is a page the site makes itself" in refused.err
    assert run_hubgen("new", "page", "Posts", cwd=root).code == 0    # the site makes no /posts/
    assert run_hubgen("build", cwd=root).code == 0


def test_new_refuses_a_slug_taken_in_a_subfolder_or_by_front_matter(hub):
    root = hub("minimal")
    (root / "content/posts/2025-10-01-trip").mkdir()
    (root / "content/posts/2025-10-01-trip/index.md").write_text("---\ntitle: Trip\n---\nGo.\n")
    bundled = run_hubgen("new", "post", "Trip", cwd=root)
    assert bundled.code == 1 and "already has the slug 'trip'" in bundled.err
    (root / "content/posts/2025").mkdir()
    (root / "content/posts/2025/roadmap.md").write_text(
        "---\ntitle: Roadmap\ndate: 2025-01-01\n---\nThe plan.\n")
    (root / "content/posts/2025-01-02-other.md").write_text(
        "---\ntitle: Other\ndate: 2025-01-02\nslug: 'Launch Day'\n---\nGo.\n")
    (root / "content/threads").mkdir()
    (root / "content/threads/chat.yaml").write_text(
        "title: Chat\nslug: decaf-debate\nmessages: []\n")
    for kind, title, taken in (("post", "Roadmap", "2025/roadmap.md"),
                               ("post", "Launch day", "2025-01-02-other.md"),
                               ("thread", "Decaf debate", "chat.yaml")):
        result = run_hubgen("new", kind, title, cwd=root)
        assert result.code == 1, (title, result.err)
        assert f"{taken} already has the slug" in result.err
    # A file saved with a byte-order mark, its front matter closed with '...'.
    (root / "content/posts/2025-01-04-marked.md").write_text(
        "\ufeff---\ntitle: Marked\ndate: 2025-01-04\nslug: bom-slug\n...\nBody.\n")
    marked = run_hubgen("new", "post", "BOM slug", cwd=root)
    assert marked.code == 1 and "2025-01-04-marked.md already has the slug" in marked.err
    # A body line that reads like a slug is no slug.
    (root / "content/posts/2025-01-03-notes.md").write_text(
        "---\ntitle: Notes\ndate: 2025-01-03\n---\nslug: tidy\n")
    assert run_hubgen("new", "post", "Tidy", cwd=root).code == 0


def test_new_cuts_a_long_title_s_slug_and_explains_what_it_cannot_write(hub):
    root = hub("minimal")
    long = run_hubgen("new", "post", "a very long title " * 20, cwd=root, env=DAY)
    assert long.code == 0, long.err
    name = Path(long.out.strip()).name
    words = name.removesuffix(".md").split("-")[3:]
    assert words[:4] == ["a", "very", "long", "title"] and len(name) < 100
    assert set(words) == {"a", "very", "long", "title"}, "cut at a word's end"
    japanese = run_hubgen("new", "post", "日本語のタイトル" * 20, cwd=root, env=DAY)
    assert japanese.code == 0, japanese.err
    assert len(Path(japanese.out.strip()).name.encode()) < 255
    assert run_hubgen("build", "--drafts", cwd=root, env=DAY).code == 0

    (root / "content/pages").rename(root / "pages-aside")
    (root / "content/pages").write_text("not a folder")
    blocked = run_hubgen("new", "page", "Hello there", cwd=root)
    assert blocked.code == 2 and "Traceback" not in blocked.err
    assert "cannot write" in blocked.err and "hello-there.md" in blocked.err
    (root / "site.txt").write_text("a file")
    nowhere = run_hubgen("new", "site", "site.txt/hub", cwd=root)
    assert nowhere.code == 2 and "Traceback" not in nowhere.err


def test_new_site_quotes_any_folder_name_into_a_valid_config(tmp_path):
    made = run_hubgen("new", "site", "acme #1: it's [beta]", cwd=tmp_path)
    assert made.code == 0
    # The next step, pasted into a shell as printed, reaches the folder.
    next_step = made.out.rsplit("Next: ", 1)[1].strip()
    assert next_step == "cd 'acme #1: it'\"'\"'s [beta]' && hubgen serve"
    root = tmp_path / "acme #1: it's [beta]"
    built = run_hubgen("build", cwd=root)
    assert built.code == 0 and built.err == "", built.err
    assert parse_html(root / "public/index.html").xpath("//title")[0].text == \
        "Acme #1: It's [beta]"


def test_publish_dry_run_leaves_the_output_folder_alone(hub, tmp_path):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"publish: {{mirror: {{type: rsync, destination: "
                      f"{tmp_path / 'mirror'}}}}}\n")
    assert run_hubgen("build", cwd=root).code == 0
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nChanged.\n")
    before = all_files(root / "public")
    result = run_hubgen("publish", "--dry-run", cwd=root)
    assert result.code == 0, result.err
    assert "(nothing was changed)" in result.out
    assert all_files(root / "public") == before
    assert not (tmp_path / "mirror").exists() or not any((tmp_path / "mirror").iterdir())


def test_a_broken_menu_link_is_reported_once_at_its_line_in_the_config(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "menu:\n  - {title: Gone, url: /gone/}\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    assert result.out.count("broken link: /gone/") == 1
    assert "hubgen.yaml:11:24: error: broken link: /gone/ leads to no page" in result.out


def test_check_reads_a_source_once_to_place_all_the_links_of_its_pages(tmp_path, monkeypatch):
    """On a hub of 3,000 threads, check spent most of its time reading people.yaml and the
    config again for each link of each person's page, to look for where it was written."""
    import hubgen.errors
    from hubgen.check import _place_of

    source = tmp_path / "people.yaml"
    source.write_text("".join(f"p{n}: {{name: P {n}}}\n" for n in range(500)))
    reads = []
    monkeypatch.setattr(hubgen.errors, "open", lambda path, *a, **k: reads.append(path)
                        or open(path, *a, **k), raising=False)  # noqa: SIM115 (the reader closes it)
    places = [_place_of(source, (f"/threads/t-{n}/",)) for n in range(200)]
    assert places == [(0, 0)] * 200
    assert _place_of(source, ("/threads/x/", "P 42")) == (43, 13)
    assert len(reads) == 1
    source.write_text("bio: see /threads/x/\n")
    assert _place_of(source, ("/threads/x/",)) == (1, 10)
