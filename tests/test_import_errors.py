"""Bad input to `hubgen import`: one clear line saying what and where, exit code 1, and not
a byte written anywhere."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from conftest import all_files, read_only, run_hubgen

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
EXPORTS = {
    "mastodon": "mastodon/thread-2026-03-10.json",
    "bluesky": "bluesky/thread_with_replies.json",
    "reddit": "reddit/thread.json",
    "hackernews": "hackernews/item.json",
    "discourse": "discourse/topic.json",
}
NAMES = {
    "mastodon": "Mastodon status and context",
    "bluesky": "Bluesky getPostThread answer",
    "reddit": "Reddit comment page",
    "hackernews": "Hacker News Algolia item",
    "discourse": "Discourse topic",
}


def _fails_and_writes_nothing(root: Path, *args: str, code: int = 1) -> str:
    """Run the import; it must fail with `code`, leave content/ as it was; returns stderr."""
    before = all_files(root / "content")
    result = run_hubgen("import", *args, cwd=root)
    assert result.code == code, (result.out, result.err)
    assert result.out == ""
    assert all_files(root / "content") == before, "nothing written, no temporary file left"
    return result.err


def _saved(root: Path, name: str, data) -> str:
    path = root / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return name


def _fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_file_that_is_not_json(hub):
    root = hub("import-hub")
    name = _saved(root, "export.json", "{ status: 1 }")
    err = _fails_and_writes_nothing(root, "mastodon", name)
    assert err == "Error: export.json is not JSON: Expecting property name enclosed in double " \
        "quotes at line 1, column 3\n"


def test_an_empty_file_a_missing_file_and_one_not_in_utf8(hub):
    root = hub("import-hub")
    assert _fails_and_writes_nothing(root, "reddit", _saved(root, "empty.json", "  \n")) == \
        "Error: empty.json is empty, not JSON\n"
    assert _fails_and_writes_nothing(root, "reddit", "nope.json") == \
        "Error: nope.json: no such file\n"
    (root / "latin.json").write_bytes(b'{"title": "caf\xe9"}')
    assert _fails_and_writes_nothing(root, "reddit", "latin.json") == \
        "Error: latin.json is not UTF-8 text (byte 15: invalid continuation byte)\n"


@pytest.mark.parametrize(("platform", "other"), [
    ("mastodon", "reddit"), ("bluesky", "mastodon"), ("reddit", "discourse"),
    ("hackernews", "bluesky"), ("discourse", "hackernews")])
def test_json_of_another_platform_names_that_platform(hub, platform, other):
    root = hub("import-hub")
    err = _fails_and_writes_nothing(root, platform, str(FIXTURES / EXPORTS[other]))
    assert err == f"Error: {FIXTURES / EXPORTS[other]} holds a {NAMES[other]}, not a " \
        f"{NAMES[platform]}: import it with 'hubgen import {other}'\n"


def _broken(fixture: str, edit) -> dict:
    data = copy.deepcopy(_fixture(fixture))
    edit(data)
    return data


SHAPES = [
    ("reddit", lambda: _broken(EXPORTS["reddit"], lambda d: d[1]["data"]["children"][3]["data"]
                               .__setitem__("created_utc", "yesterday")),
     '$[1].data.children[3].data.created_utc should be a number of seconds since 1970, '
     'found "yesterday"'),
    ("reddit", lambda: _broken(EXPORTS["reddit"], lambda d: d[1]["data"]["children"][0]
                               ["data"]["replies"]["data"]["children"][0].__setitem__("kind",
                                                                                      "t5")),
     '$[1].data.children[0].data.replies.data.children[0].kind should be "t1" or "more", '
     'found "t5"'),
    ("reddit", lambda: [{"kind": "Listing", "data": {"children": []}}, {}],
     "$[0].data.children should be a list holding the t3 post, found an empty list"),
    ("mastodon", lambda: _broken(EXPORTS["mastodon"], lambda d: d["context"]["descendants"][0]
                                 ["account"].pop("acct")),
     "$.context.descendants[0].account.acct should be present, found nothing"),
    ("mastodon", lambda: {"ancestors": [], "descendants": []},
     "$.ancestors should be a list holding the thread's first post (a context alone must come "
     'with its status: save {"status": …, "context": …}), found an empty list'),
    ("mastodon", lambda: [1, 2],
     '$ should be a status and its context ({"status": …, "context": …}), a context '
     '({"ancestors": […], "descendants": […]}) or a status, found a list'),
    ("bluesky", lambda: _broken(EXPORTS["bluesky"], lambda d: d["thread"]["replies"]
                                .__setitem__(1, 42)),
     "$.thread.replies[1] should be a threadViewPost, notFoundPost or blockedPost object, "
     "found 42"),
    ("bluesky", lambda: _broken(EXPORTS["bluesky"], lambda d: d["thread"]["post"]["record"]
                                .__setitem__("createdAt", "tomorrow")),
     '$.thread.post.record.createdAt should be an ISO 8601 date-time text, found "tomorrow"'),
    ("hackernews", lambda: _broken(EXPORTS["hackernews"], lambda d: d["children"][0]["children"]
                                   [0].__setitem__("id", True)),
     "$.children[0].children[0].id should be a Hacker News item id (a whole number), "
     "found true"),
    # Its id goes into the item's address, and that into the file's header comment.
    ("hackernews", lambda: _broken(EXPORTS["hackernews"], lambda d: d.__setitem__(
        "id", "1\ncomments: {kim: granted}")),
     '$.id should be a Hacker News item id (a whole number), found "1\\ncomments: '
     '{kim: granted}"'),
    ("hackernews", lambda: _broken(EXPORTS["hackernews"], lambda d: d["children"][1]
                                   .__setitem__("id", "40000003#x")),
     '$.children[1].id should be a Hacker News item id (a whole number), found "40000003#x"'),
    ("discourse", lambda: _broken(EXPORTS["discourse"], lambda d: d["post_stream"]["posts"][2]
                                  .__setitem__("created_at", None)),
     "$.post_stream.posts[2].created_at should be an ISO 8601 date-time text, found null"),
    ("discourse", lambda: _fixture("discourse/topic_posts.json"),
     "$.post_stream.posts should be a list holding the topic's first post (post_number 1), "
     "found a list"),
]


@pytest.mark.parametrize(("platform", "make", "problem"), SHAPES,
                         ids=[f"{p}-{n}" for n, (p, _, _) in enumerate(SHAPES)])
def test_a_shape_the_importer_does_not_understand_is_shown_at_its_json_path(
        hub, platform, make, problem):
    root = hub("import-hub")
    name = _saved(root, "bad.json", make())
    args = ["--source-url", "https://forum.example/t/x/57"] if platform == "discourse" else []
    err = _fails_and_writes_nothing(root, platform, name, *args)
    assert err == f"Error: bad.json: not a {NAMES[platform]} hubgen can read: {problem}\n"


def test_a_discourse_file_needs_the_forums_address(hub):
    root = hub("import-hub")
    err = _fails_and_writes_nothing(root, "discourse", str(FIXTURES / EXPORTS["discourse"]))
    assert err == f"Error: {FIXTURES / EXPORTS['discourse']}: a Discourse topic's JSON does not " \
        "say which forum it comes from: pass --source-url with the topic's address " \
        "(https://FORUM/t/SLUG/ID)\n"


def test_a_thread_file_written_by_hand_is_replaced_only_with_force(hub):
    root = hub("import-hub")
    export = str(FIXTURES / EXPORTS["hackernews"])
    err = _fails_and_writes_nothing(root, "hackernews", export, "--slug", "hand-kept")
    assert err == "Error: content/threads/hand-kept.yaml was not made by hubgen import; " \
        "hubgen leaves it alone (pass --force to replace it, or --slug to write another " \
        "file)\n"
    result = run_hubgen("import", "hackernews", export, "--slug", "hand-kept", "--force",
                        cwd=root)
    assert result.code == 0, result.err
    assert result.out.startswith("Replaced content/threads/hand-kept.yaml from Hacker News "
                                 "(6 messages, 6 participants)")
    assert (root / "content/threads/hand-kept.yaml").read_text().startswith(
        "# imported by hubgen import hackernews from https://news.ycombinator.com/item?id=")


def test_a_file_imported_from_another_thread_is_left_alone(hub):
    root = hub("import-hub")
    first = run_hubgen("import", "hackernews", str(FIXTURES / EXPORTS["hackernews"]), "--slug",
                       "talk", cwd=root)
    assert first.code == 0, first.err
    err = _fails_and_writes_nothing(root, "mastodon", str(FIXTURES / EXPORTS["mastodon"]),
                                    "--slug", "talk")
    assert err == "Error: content/threads/talk.yaml was imported from another thread " \
        "(hackernews https://news.ycombinator.com/item?id=40000001); hubgen leaves it alone " \
        "(pass --force to replace it, or --slug to write another file)\n"


def test_mistakes_in_people_yaml_stop_the_import(hub):
    root = hub("import-hub")
    people = root / "content/people.yaml"
    people.write_text(people.read_text().replace("role: brand", "role: founder"))
    err = _fails_and_writes_nothing(root, "hackernews", str(FIXTURES / EXPORTS["hackernews"]))
    assert err.startswith("content/people.yaml:4:38: error: unknown role 'founder' for "
                          "'roastery'\n")
    assert err.endswith("Import failed; nothing written.\n")


def test_a_people_file_that_cannot_take_lines_at_its_end(hub):
    root = hub("import-hub")
    (root / "content/people.yaml").write_text("{roastery: {name: Roastery, role: brand}}\n")
    err = _fails_and_writes_nothing(root, "hackernews", str(FIXTURES / EXPORTS["hackernews"]))
    assert err.startswith("Error: people.yaml cannot take new people at its end (it is not a "
                          "mapping of one person per key); add them by hand: "
                          "hackernews-roastery: {name: roastery, role: community, ")


@pytest.mark.parametrize(("folder", "written"), [("content/threads", "the thread"),
                                               ("content", "people.yaml")])
def test_a_folder_the_import_may_not_write_in_is_an_error_and_nothing_is_written(
        hub, folder, written):
    # A content/ checked out by another user (or mounted read-only): a PermissionError
    # traceback from the temporary file.
    root = hub("import-hub")
    (root / "content/threads").mkdir(exist_ok=True)
    with read_only(root / folder):
        err = _fails_and_writes_nothing(root, "hackernews",
                                        str(FIXTURES / EXPORTS["hackernews"]))
    assert "Traceback" not in err
    target = "content/people.yaml" if written == "people.yaml" else "content/threads/"
    assert err.startswith(f"Error: cannot write {target}"), err
    assert f"in {root / folder}; nothing was written. Make the folder writable" in err


@pytest.mark.parametrize("locked", ["content/people.yaml", "thread"])
def test_a_file_the_import_may_not_replace_is_an_error_and_nothing_is_written(hub, locked):
    # A people.yaml or thread file made immutable, or mounted read-only on its own: the
    # rename over it fails. people.yaml was put in place first, so the new people stayed
    # while the thread was refused (or a traceback and no error).
    if os.geteuid() != 0:
        pytest.skip("a file that cannot be replaced needs root's chattr +i")
    root = hub("import-hub")
    export = str(FIXTURES / EXPORTS["hackernews"])
    people = root / "content/people.yaml"
    original = people.read_bytes()
    assert run_hubgen("import", "hackernews", export, cwd=root).code == 0
    thread = root / "content/threads/show-hn-we-measured-40-home-grinders.yaml"
    # Imported again with its people gone: people.yaml changes, and the thread, made anew
    # or short of its last message, too.
    people.write_bytes(original)
    if locked == "thread":
        text = thread.read_text()
        thread.write_text(text[:text.rindex("\n  - ")] + "\n")
        target = thread
    else:
        thread.unlink()
        target = people
    with read_only(target):
        err = _fails_and_writes_nothing(root, "hackernews", export)
    assert "Traceback" not in err
    shown = target.relative_to(root).as_posix()
    assert err.startswith(f"Error: cannot write {shown}: "), err
    assert "nothing was written. The file may not be replaced (made immutable, or mounted " \
           "read-only on its own): make it writable and import again." in err


@pytest.mark.parametrize(("args", "message"), [
    (["mastodon"], "Error: give a file (the saved export, or - for standard input) or "
                   "--url\n"),
    (["hackernews", str(FIXTURES / EXPORTS["hackernews"]), "--title", ""],
     "Error: --title must not be empty: give the thread's title, or leave --title out\n"),
    (["discourse", str(FIXTURES / EXPORTS["discourse"]), "--source-url",
      "http://forum.example.com/t/x/57"],
     "Error: --source-url must be the topic's https address (https://FORUM/t/SLUG/ID); got "
     "'http://forum.example.com/t/x/57'\n"),
    (["mastodon", "x.json", "--url", "https://brew.social/@a/1"],
     "Error: give either a saved export (a file, or - for standard input) or --url, not both\n"),
    (["hackernews", str(FIXTURES / EXPORTS["hackernews"]), "--slug", "Not A Slug"],
     "Error: --slug must be lowercase words joined by hyphens, e.g. 'not-a-slug'; got "
     "'Not A Slug'\n"),
    (["reddit", "--url", "https://example.com/r/x"],
     "Error: not a Reddit thread address: 'https://example.com/r/x' (expected "
     "https://www.reddit.com/r/SUB/comments/ID/…)\n"),
    (["mastodon", "--url", "https://brew.social/@a/1", "--api", "http://api.example"],
     "Error: the API address must be an https:// URL (plain http only for a server on this "
     "machine), got 'http://api.example'\n"),
])
def test_usage_mistakes_exit_with_2(hub, args, message):
    root = hub("import-hub")
    assert _fails_and_writes_nothing(root, *args, code=2) == message


def test_an_unknown_platform_is_refused_by_the_command_line(hub):
    root = hub("import-hub")
    result = run_hubgen("import", "myspace", "x.json", cwd=root)
    assert result.code == 2
    assert "'myspace' is not one of 'mastodon', 'bluesky', 'reddit', 'hackernews', " \
        "'discourse'" in result.err


def test_an_interrupted_import_leaves_the_old_file_whole(hub, monkeypatch):
    from hubgen.importers import ImportOptions, import_thread, staged_file

    root = hub("import-hub")
    path = root / "content/threads/talk.yaml"
    import_thread(ImportOptions(platform="mastodon", source=str(FIXTURES / EXPORTS["mastodon"]),
                                slug="talk", root=root))
    old = path.read_bytes()
    real_replace = staged_file.os.replace

    def interrupted(source, target):
        if Path(target) == path:
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(staged_file.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_thread(ImportOptions(platform="mastodon",
                                    source=str(FIXTURES / "mastodon/thread-2026-03-11.json"),
                                    root=root))
    assert path.read_bytes() == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["hand-kept.yaml", "talk.yaml"]


@pytest.mark.parametrize("text", [
    "__init__ and __main__", "foo__bar", "snake_case stays", "_x_ and *y*", "a_b_c",
    "2 * 3 * 4", "[not a link](x)", "<b>not bold</b> & &amp; kept", "`code` and \\ slash",
    "- not a list", "1. not a list", "> not a quote", "#notatag? # no",
    "type ~~this~~ to strike, ~ alone, ~~~ three",
])
def test_imported_text_reads_back_as_the_platform_showed_it(text):
    # The importer's Markdown, rendered as the thread page renders it, is the same text.
    from lxml import html as lxml_html

    from hubgen.content.sanitize import Community
    from hubgen.importers.markdown_subset import markdown_from_text
    rendered = lxml_html.fragment_fromstring(Community().render(markdown_from_text(text)),
                                             create_parent="div")
    assert not rendered.xpath("//em | //strong | //li | //blockquote | //b | //del")
    assert rendered.text_content().strip() == text


DISCOURSE_QUOTE_AND_PREVIEW = """\
<aside class="quote no-group" data-username="samsaffron" data-post="1" data-topic="57">
<div class="title"><div class="quote-controls"></div>
<img alt="" width="24" height="24" class="avatar"
 src="https://meta.example.org/user_avatar/samsaffron/48/1_2.png"> samsaffron:</div>
<blockquote><p>Grind finer for espresso.</p></blockquote>
</aside>
<p>Agreed. See this:</p>
<aside class="onebox allowlistedgeneric" data-onebox-src="https://brew.example/guide">
<header class="source"><img src="https://brew.example/favicon.ico" class="site-icon">
<a href="https://brew.example/guide">brew.example</a></header>
<article class="onebox-body"><div class="aspect-image"><img src="https://brew.example/og.jpg"
 class="thumbnail"></div>
<h3><a href="https://brew.example/guide">The grind guide</a></h3></article>
</aside>
<p><a class="lightbox" href="https://meta.example.org/uploads/grind.jpg"><img alt="The burrs"
 src="https://meta.example.org/uploads/optimized/grind_690.jpg"></a></p>"""


def test_a_discourse_quote_and_link_preview_lose_their_avatar_and_icons_not_their_images():
    from hubgen.importers.html_markdown import LinkContext, markdown_from_html
    links = LinkContext("discourse", "https://meta.example.org/t/x/57",
                        "https://meta.example.org/")
    text = markdown_from_html(DISCOURSE_QUOTE_AND_PREVIEW, links)
    assert text.split("\n\n") == [
        "samsaffron:", "> Grind finer for espresso.", "Agreed. See this:",
        "[brew.example](https://brew.example/guide)",
        "**[The grind guide](https://brew.example/guide)**",
        "[image: The burrs](https://meta.example.org/uploads/grind.jpg)"]


def test_an_import_header_stays_one_comment_line_whatever_the_address_holds(tmp_path):
    # Each importer checks its thread's address, but the header must not depend on that:
    # a line break there (YAML's U+0085 and U+2028 too) would start real YAML keys.
    import yaml

    from hubgen.importers.thread_yaml import ImportMark, find_imported
    url = ("https://news.ycombinator.com/item?id=1\ncomments: {kim: granted}"
           "\u2028status: live\x85moderator: kim\r x")
    mark = ImportMark("hackernews", url, "1")
    path = tmp_path / "talk.yaml"
    path.write_text(mark.header() + "title: Talk\n", encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"title": "Talk"}
    assert path.read_text(encoding="utf-8").startswith(
        "# imported by hubgen import hackernews from https://news.ycombinator.com/item?id=1"
        "%0Acomments:%20{kim:%20granted}%E2%80%A8status:%20live%C2%85moderator:%20kim%0D%20x "
        "(id 1)\n")
    assert find_imported(tmp_path, mark) == path, "a re-import finds the file again"


def test_a_reimport_names_the_file_and_line_of_a_curators_mistake_and_refuses_an_empty_title(
        hub):
    root = hub("import-hub")
    first = run_hubgen("import", "mastodon", str(FIXTURES / "mastodon/thread-2026-03-10.json"),
                       "--slug", "talk", cwd=root)
    assert first.code == 0, first.err
    path = root / "content/threads/talk.yaml"
    path.write_text(path.read_text().replace("status: archived", "status: closed"))
    line = path.read_text().splitlines().index("status: closed") + 1
    newer = str(FIXTURES / "mastodon/thread-2026-03-11.json")
    err = _fails_and_writes_nothing(root, "mastodon", newer)
    assert err.startswith(f"Error: the imported thread would not build: "
                          f"content/threads/talk.yaml:{line}: unknown status 'closed'")
    assert "(a line of yours, kept from the file)" in err
    assert _fails_and_writes_nothing(root, "mastodon", newer, "--title", " ", code=2) == \
        "Error: --title must not be empty: give the thread's title, or leave --title out\n"


def test_a_cut_file_and_a_saved_html_page_are_told_apart(hub):
    root = hub("import-hub")
    cut = _saved(root, "cut.json", (FIXTURES / EXPORTS["reddit"]).read_text()[:3000])
    err = _fails_and_writes_nothing(root, "reddit", cut)
    assert err.startswith("Error: cut.json is not JSON: Unterminated string starting at line ")
    page = _saved(root, "page.json", "<!DOCTYPE html>\n<html><head><title>Log in</title>"
                                     "</head><body>Log in to continue</body></html>")
    assert _fails_and_writes_nothing(root, "reddit", page) == (
        "Error: page.json is not JSON: this looks like an HTML page (a login or error page?), "
        "not the platform's JSON: save the API response\n")


def test_a_reply_dated_in_year_one_is_skipped_and_named(hub):
    root = hub("import-hub")
    export = _fixture("bluesky/thread_with_replies.json")
    reply = export["thread"]["replies"][0]["post"]
    reply["record"]["createdAt"] = "0001-01-01T00:00:00Z"
    result = run_hubgen("import", "bluesky", _saved(root, "y1.json", export), "--slug", "talk",
                        cwd=root)
    assert result.code == 0, result.err
    rkey = reply["uri"].rsplit("/", 1)[1]
    assert f"note: skipped message {rkey} (" in result.out
    assert "0001-01-01T00:00:00+00:00 is not a real time" in result.out
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    page = (root / "public/threads/talk/index.html").read_text()
    assert f'id="m-{rkey}"' not in page and 'id="m-' in page
