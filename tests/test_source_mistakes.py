"""One mistake in a source file is reported once, where it is, and hides no other."""

from __future__ import annotations

import pytest
from conftest import SITES, all_files, parse_html, run_hubgen, said


def _post_errors(hub, files: dict[str, str]) -> tuple[list[str], str]:
    """The errors of a build of the minimal hub with these posts added, and all it printed."""
    root = hub("minimal")
    for name, text in files.items():
        (root / "content/posts" / name).write_text(text)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    return said(result.err, "error"), result.err


def _files(folder) -> dict:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# A post whose author is no one of people.yaml, and the error it gives.
NOBODY_S_POST = ("content/posts/who.md:4:9: error: unknown person 'nobody-here': "
                 "no such key in content/people.yaml")


def _add_post_by_nobody(root) -> None:
    (root / "content/posts/who.md").write_text(
        "---\ntitle: Who\ndate: 2026-03-09\nauthor: nobody-here\n---\nBody\n")


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("old, new, error", [
    # A bad field: the person is still known to the posts and messages naming them.
    ("ana: {name: Ana Ruiz, role: brand,", "ana: {name: Ana Ruiz, role: brnd,",
     "content/people.yaml:2:29: error: unknown role 'brnd' for 'ana'"),
    # A key written twice: no one of the file goes missing.
    ("raj: {name: Raj Patel}", "raj: {name: Raj Patel, name: Raj P.}",
     "content/people.yaml:7:24: error: the key 'name' is written twice (first at line 7)"),
    # A handle that is no text (of a withdrawn person, whose handles are compared with
    # the threads' addresses).
    ("withdrawn: true}", "withdrawn: true, handles: {twitter: ['@zed']}}",
     "content/people.yaml:6:84: error: the twitter handle of 'zoe' must be text"),
    ("raj: {name: Raj Patel}", "raj: {name: Raj Patel, ids: {bluesky: {did: x}}}",
     "content/people.yaml:7:39: error: the bluesky account id of 'raj' must be text"),
])
def test_one_mistake_in_people_yaml_is_the_only_error(hub, old, new, error):
    root = hub("conversations")
    _edit(root / "content/people.yaml", old, new)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [error]


def test_an_address_python_cannot_split_is_told_never_a_traceback(hub):
    # '[' opens an IPv6 address in a host; anything else after it is no address at all.
    root = hub("conversations")
    _edit(root / "content/people.yaml", "withdrawn: true}",
          'withdrawn: true, handles: {mastodon: "@zoe@[social"}}')
    _edit(root / "content/threads/chat-one.yaml", 'url: "https://x.com/talk/status/1"',
          'url: "https://[x.com/talk/status/1"')
    _edit(root / "content/threads/mastodon-brew.yaml", 'url: "https://social.example/@raj/102"',
          'url: "https://[social.example/@raj/102"')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "content/threads/chat-one.yaml:5:34: error: the source 'url' must be an http(s) URL, "
        "got 'https://[x.com/talk/status/1'",
        "content/threads/mastodon-brew.yaml:8:74: error: 'url' must be an http(s) URL or a "
        "site path, got 'https://[social.example/@raj/102'"]
    assert "Traceback" not in result.err


def test_a_link_python_cannot_split_in_a_post_builds_and_check_tells_it(hub):
    root = hub("minimal")
    (root / "content/posts/bad-link.md").write_text(
        "---\ntitle: Bad link\ndate: 2026-03-09\n---\nSee [x](https://[bad/) and "
        "![y](https://[cdn/y.png).\n")
    (root / "hubgen.yaml").write_text((root / "hubgen.yaml").read_text() +
                                      "publish: {netlify: {type: netlify}}\n")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 1
    assert said(checked.out, "error") == [
        "content/posts/bad-link.md:5:9: error: broken link: https://[bad/ (on "
        "posts/bad-link/index.html) is no valid address",
        "content/posts/bad-link.md:5:33: error: broken link: https://[cdn/y.png (on "
        "posts/bad-link/index.html) is no valid address"]
    assert "Traceback" not in checked.out + checked.err


def test_a_misspelt_platform_in_handles_is_a_warning_with_a_suggestion(hub):
    root = hub("conversations")
    _edit(root / "content/people.yaml", "handles: {mastodon:", "handles: {mastadon:")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "content/people.yaml:5:49: warning: unknown platform 'mastadon' in the handles " \
           "of 'kim'" in result.err
    assert "did you mean 'mastodon'?" in result.err


def test_a_message_without_text_is_an_error_unless_taken_down(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    _edit(thread, 'text: "Agreed, @kim!"', 'txt: "Agreed, @kim!"')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "content/threads/chat-one.yaml:15:5: error: missing 'text'"]
    assert "did you mean 'text'?" in result.err
    _edit(thread, 'txt: "Agreed, @kim!"', "removed: true")
    assert run_hubgen("build", cwd=root).code == 0


def test_the_real_yaml_mistake_is_reported_not_a_tab_the_file_may_hold(hub):
    # libyaml reads a tab after "title:"; the mistake is the list never closed.
    errors, _ = _post_errors(hub, {"tabbed.md": "---\ntitle:\tHello\ntags: [a, b\n---\nBody\n"})
    assert errors == ["content/posts/tabbed.md:3:7: error: YAML syntax error: a list "
                      "in [ ] opened here is never closed"]


def test_a_key_written_twice_in_front_matter_hides_no_other_mistake_of_the_file(hub):
    errors, _ = _post_errors(
        hub, {"twice.md": "---\ntitle: One\ntitle: Two\ndate: yesterday\n---\nBody\n"})
    assert errors == [
        "content/posts/twice.md:3:1: error: the key 'title' is written twice (first at line 2)",
        "content/posts/twice.md:4:7: error: 'date': cannot read 'yesterday' as a date"]


def test_a_file_name_with_a_day_that_does_not_exist_says_so(hub):
    errors, _ = _post_errors(hub, {"2026-02-30-leap.md": "---\ntitle: Leap\n---\nBody\n"})
    assert errors == ["content/posts/2026-02-30-leap.md:1:1: error: the file name "
                      "starts with '2026-02-30', which is not a real date"]


def test_a_line_without_its_colon_is_named_with_the_right_hint(hub):
    errors, printed = _post_errors(hub, {"colon.md": "---\ntitle: Colon\ntags\n---\nBody\n",
                                         "listed.md": "---\n- {a: 1, a: 2}\n---\nBody\n"})
    assert errors == [
        "content/posts/colon.md:3:1: error: YAML syntax error: could not find expected ':'",
        "content/posts/listed.md:2:1: error: the front matter must be a mapping of keys",
        "content/posts/listed.md:2:10: error: the key 'a' is written twice (first at line 2)"]
    assert "check for a missing colon" in printed


def test_another_network_under_handles_is_not_a_mistake(hub):
    root = hub("conversations")
    _edit(root / "content/people.yaml", "handles: {mastodon:",
          "handles: {github: kimlee, mastodon:")
    result = run_hubgen("build", "--strict", cwd=root)
    assert result.code == 0, result.err


def test_every_post_naming_an_unknown_person_is_told_so(hub):
    errors, _ = _post_errors(hub, {
        f"{name}.md": f"---\ntitle: {name}\ndate: 2026-03-09\nauthor: nobody-here\n---\nBody\n"
        for name in ("a", "b")})
    assert [line.split(": error: ")[0] for line in errors] == [
        "content/posts/a.md:4:9", "content/posts/b.md:4:9"]


def test_an_unknown_theme_is_reported_with_the_content_s_mistakes(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: nosuch\n")
    _add_post_by_nobody(root)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert [line.split(": error: ")[1] for line in said(result.err, "error")] == [
        "unknown person 'nobody-here': no such key in content/people.yaml",
        "unknown theme 'nosuch'"]
    assert not (root / "public").exists()


def test_wrong_config_values_are_reported_with_the_content_s_mistakes(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    before = _files(root / "public") | _files(root / ".hubgen-cache")
    config = root / "hubgen.yaml"
    _edit(config, "paginate: 2", "paginate: five")
    _edit(config, "limit: 20", "limit: 0")
    config.write_text(config.read_text() + "output: [elsewhere]\ncache_dir: [nowhere]\n"
                      "menu: [{title: Home}, {url: /about/}]\n")
    _add_post_by_nobody(root)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        NOBODY_S_POST,
        "hubgen.yaml:8:11: error: paginate must be a whole number, got 'five'",
        "hubgen.yaml:9:38: error: feeds.limit must be at least 1, got 0",
        "hubgen.yaml:10:9: error: output must be text, got ['elsewhere']",
        "hubgen.yaml:11:12: error: cache_dir must be text, got ['nowhere']",
        "hubgen.yaml:12:8: error: missing required key 'menu[0].url'",
        "hubgen.yaml:12:23: error: missing required key 'menu[1].title'"]
    # The defaults that stood in for the wrong values wrote nothing anywhere.
    assert _files(root / "public") | _files(root / ".hubgen-cache") == before
    assert not (root / "nowhere").exists() and not (root / "elsewhere").exists()
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 1
    assert "paginate must be a whole number" in checked.out + checked.err
    assert "unknown person 'nobody-here'" in checked.out + checked.err


@pytest.mark.parametrize("old, new, error", [
    ("title: Minimal Hub", "title: ''", "hubgen.yaml:1:8: error: title must not be empty"),
    ("url: https://minimal.example/", "url: minimal.example",
     "hubgen.yaml:2:6: error: url must be an absolute http(s) URL, got 'minimal.example'"),
    ("url: https://minimal.example/\n", "", "hubgen.yaml:1:1: error: missing required key 'url'"),
])
def test_a_wrong_title_or_url_is_reported_with_the_content_s_mistakes(hub, old, new, error):
    root = hub("minimal")
    _edit(root / "hubgen.yaml", old, new)
    _add_post_by_nobody(root)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        NOBODY_S_POST, error]
    assert not (root / "public").exists()


def test_a_wrong_front_matter_value_hides_none_of_the_post_s_other_mistakes(hub):
    errors, _ = _post_errors(hub, {"bad.md": "---\ntitle: Bad\ndate: 2026-13-01\n"
                                             "author: zedd\n---\nHi.\n\n{{< thread nope >}}\n"})
    assert errors == [
        "content/posts/bad.md:3:7: error: 'date': '2026-13-01' is not a real date "
        "(month must be in 1..12)",
        "content/posts/bad.md:4:9: error: unknown person 'zedd': no such key in "
        "content/people.yaml",
        "content/posts/bad.md:8:1: error: the embedded thread 'nope' does not exist"]


def _chat_errors(hub, *edits: tuple[str, str]) -> list[str]:
    """The errors (their messages) of a build of the conversations hub with its first chat
    edited."""
    root = hub("conversations")
    for old, new in edits:
        _edit(root / "content/threads/chat-one.yaml", old, new)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    return [line.split(": error: ")[1] for line in said(result.err, "error")]


def test_an_impossible_date_in_a_thread_hides_none_of_its_other_mistakes(hub):
    assert _chat_errors(
        hub, ("date: 2026-03-10T12:03:00-04:00", "date: 2026-02-30T12:03:00-04:00"),
        ("author: ana, date: 2026-03-10T12:04", "author: anna, date: 2026-03-10T12:04")) == [
        "'date': '2026-02-30T12:03:00-04:00' is not a real date (day is out of range for month)",
        "unknown person 'anna': no such key in content/people.yaml"]


def test_a_yaml_mistake_in_people_yaml_is_the_only_error(hub):
    # Who is a person is unknown until the file reads: no one is reported unknown meanwhile.
    root = hub("conversations")
    _edit(root / "content/people.yaml", "raj: {name: Raj Patel}", "raj: {name: [Raj Patel}")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    [error] = said(result.err, "error")
    assert error.startswith("content/people.yaml:7:")
    assert "never closed" in error or "YAML syntax error" in error


@pytest.mark.parametrize("edit, error", [
    (lambda text: text.replace('title: "Chat one: campaigns or conversations?"',
                               "title: Chat one: campaigns?"),
     "content/threads/chat-one.yaml:1:16: error: YAML syntax error"),
    (lambda text: "- " + text.replace("\n", "\n  "),
     "content/threads/chat-one.yaml:1:1: error: a thread file must be a mapping of keys"),
])
def test_a_thread_file_that_does_not_read_is_not_blamed_on_the_posts_that_embed_it(
        hub, edit, error):
    # The recap post embeds chat-one and one of its messages: the thread file is there, so
    # "the embedded thread does not exist, use the slug of a file in content/threads/"
    # would send the writer looking for a mistake that is not in the post.
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(edit(chat.read_text()))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    [only] = said(result.err, "error")
    assert only.startswith(error)
    assert "recap.md" not in result.err


def test_a_post_embedding_a_thread_file_that_is_not_there_is_still_an_error(hub):
    root = hub("conversations")
    (root / "content/threads/chat-one.yaml").unlink()
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/posts/2026-03-12-recap.md:8:1: error: the embedded thread 'chat-one' " \
           "does not exist" in said(result.err, "error")


def test_a_thread_s_wrong_date_with_undated_messages_is_the_only_error(hub):
    assert _chat_errors(hub, ("date: 2026-03-10T12:00:00-04:00", "date: 2026-03-10 noon"),
                        (" date: 2026-03-10T12:01:00-04:00,", "")) == [
        "'date': cannot read '2026-03-10 noon' as a date"]


def test_a_people_yaml_that_reads_but_names_no_one_hides_no_unknown_person(hub):
    root = hub("minimal")
    (root / "content/people.yaml").write_text('"": {name: Nobody at all}\n')
    _add_post_by_nobody(root)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert NOBODY_S_POST in said(result.err, "error")


@pytest.mark.parametrize("aliases, error", [
    ("[/about/]", "content/posts/third.md:7:11: error: the alias /about/ is the URL of "
     "content/pages/about.md"),
    ("[/old/, /posts/The-Third/]", "content/posts/third.md:7:18: error: the alias "
     "/posts/The-Third/ is the page's own URL (/posts/the-third/: URLs that differ only in "
     "case are one file on many disks)"),
    ("[/old/, /old]", "content/posts/third.md:7:18: error: the alias /old/ is an alias of the "
     "same page, listed twice"),
    # Two pages' aliases: the later in the site's order is blamed.
    ("[/2026/first.html]", "content/posts/2026-03-01-first-post.md:2:11: error: the alias "
     "/2026/first.html is an alias of content/posts/third.md too"),
])
def test_an_alias_another_page_has_is_blamed_where_it_is_written(hub, aliases, error):
    root = hub("minimal")
    _edit(root / "content/posts/2026-03-01-first-post.md", "---\n",
          "---\naliases: [/2026/first.html]\n")
    _edit(root / "content/posts/third.md", "tags: [listening]\n",
          f"tags: [listening]\naliases: {aliases}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [error]
    assert "hint: remove it from 'aliases', or change it to the old URL it stands for." \
        in result.err


def test_an_update_dated_before_the_post_or_thread_is_a_warning_where_it_is_written(hub):
    root = hub("minimal")
    _edit(root / "content/posts/2026-03-05-second.md", "updated: 2026-03-06T10:00:00+02:00",
          "updated: 2026-03-04 18:00")
    conversations = hub("conversations")
    _edit(conversations / "content/threads/mastodon-brew.yaml", "date: 2026-04-02 10:00\n",
          "date: 2026-04-02 10:00\nupdated: 2026-04-01 10:00\n")
    for hub_root, line, what in ((root, "content/posts/2026-03-05-second.md:4:10", "post"),
                                 (conversations, "content/threads/mastodon-brew.yaml:3:10",
                                  "thread")):
        result = run_hubgen("build", cwd=hub_root)
        assert result.code == 0, result.err
        date, updated = ("2026-03-05 09:30+01:00", "2026-03-04 18:00+01:00") \
            if what == "post" else ("2026-04-02 10:00-04:00", "2026-04-01 10:00-04:00")
        assert f"{line}: warning: 'updated' ({updated}) is before the {what}'s date ({date}): " \
               "readers and feeds would see it changed before it was published" in result.err
        assert "hint: set 'updated:' to when it last changed, after its date." in result.err
    # An update after the date (the subpath hub's second post) warns of nothing.
    assert "'updated'" not in run_hubgen("build", cwd=hub("subpath")).err


def test_every_wrong_alias_is_told_at_its_own_place(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    _edit(post, "tags: [listening]\n",
          "tags: [listening]\naliases: [/old/, /../a/, /older/, /../b/]\n")
    leaving = "holds '.' or '..' as a folder name, which would lead out of its folder " \
        "(hubgen writes only inside the output folder)"
    assert said(run_hubgen("build", cwd=root).err, "error") == [
        f"content/posts/third.md:7:18: error: 'aliases' '/../a/' {leaving}",
        f"content/posts/third.md:7:35: error: 'aliases' '/../b/' {leaving}"]
    # Written twice: the second is blamed, where it stands.
    _edit(post, "aliases: [/old/, /../a/, /older/, /../b/]", "aliases: [/old/, /older/, /old/]")
    assert said(run_hubgen("build", cwd=root).err, "error") == [
        "content/posts/third.md:7:27: error: the alias /old/ is an alias of the same page, "
        "listed twice"]


def test_what_a_hugo_user_writes_is_read_or_told_in_hubgen_s_words(hub):
    root = hub("minimal")
    posts = root / "content/posts"
    (posts / "2026-03-02-empty.md").write_text(
        "---\ntitle: Empty keys\ntags:\nsummary:\nlastmod: 2026-03-03\ncategories: [a]\n"
        "---\nBody words here.\n")
    (posts / "2026-03-03-toml.md").write_text('+++\ntitle = "Toml"\n+++\nBody.\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/posts/2026-03-02-empty.md:5:1: warning: unknown front matter key " \
           "'lastmod'\n    lastmod: 2026-03-03\n    ^\n  hint: hubgen calls it 'updated'." \
           in result.err
    assert "hint: hubgen calls it 'tags'." in result.err
    assert "content/posts/2026-03-03-toml.md:1:1: error: the front matter is TOML or JSON; " \
           "hubgen reads YAML front matter" in result.err
    assert "Build failed: 1 error" in result.err      # empty tags: and summary: are fine


def test_a_page_s_old_address_in_url_or_permalink_is_told_to_be_kept_as_an_alias(hub):
    # "hubgen calls it 'slug'" was the hint: written as the slug, /blog/2019/old-name/
    # became /posts/blog-2019-old-name/, and every link to the old address broke.
    root = hub("minimal")
    (root / "content/posts/2019-05-01-old.md").write_text(
        "---\ntitle: Old\nurl: /blog/2019/old-name/\n---\nBody\n")
    (root / "content/posts/2019-05-02-jekyll.md").write_text(
        "---\ntitle: Jekyll\npermalink: /about-us/\n---\nBody\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "content/posts/2019-05-01-old.md:3:1: warning: unknown front matter key 'url'\n" \
           "    url: /blog/2019/old-name/\n    ^\n  hint: hubgen makes the address from 'slug:' " \
           "and the permalinks of hubgen.yaml; to keep this one working, write " \
           "'aliases: [/blog/2019/old-name/]'." in result.err
    assert "to keep this one working, write 'aliases: [/about-us/]'." in result.err
    assert "calls it 'slug'" not in result.err
    # As the hint says, the old address leads to the page.
    post = root / "content/posts/2019-05-01-old.md"
    post.write_text(post.read_text().replace("url:", "aliases: [").replace("/\n---", "/]\n---"))
    assert run_hubgen("build", cwd=root).code == 0
    forward = parse_html(root / "public/blog/2019/old-name/index.html")
    assert forward.xpath("//link[@rel='canonical']/@href") == [
        "https://minimal.example/posts/old/"]


def test_jekyll_s_tags_parted_by_spaces_are_a_warning_not_one_tag_made_silently(hub):
    root = hub("minimal")
    (root / "content/posts/2019-05-01-jekyll.md").write_text(
        "---\ntitle: Jekyll\ntags: coffee community\n---\nBody\n")
    (root / "content/posts/2019-05-02-pelican.md").write_text(
        "---\ntitle: Pelican\ntags: cold brew, summer\n---\nBody\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/posts/2019-05-01-jekyll.md:3:7: warning: 'tags: coffee community' is one "
        "tag, as written"]
    assert "hint: for 2 tags, as Jekyll reads it, write 'tags: [coffee, community]'; for " \
           "one, 'tags: [coffee community]'." in result.err
    tags = parse_html(root / "public/tags/index.html").text_content()
    assert "cold brew" in tags and "summer" in tags


def test_a_list_of_authors_is_told_to_be_one_not_to_be_quoted(hub):
    # The hint was "quote it if it holds special characters": quoted, the list's brackets
    # became the author's name on the page.
    errors, printed = _post_errors(
        hub, {"hugo.md": '---\ntitle: Two\ndate: 2026-03-09\nauthor: ["Ana", "Ben"]\n---\nB\n'})
    assert errors == ["content/posts/hugo.md:4:9: error: 'author' must be one author, not a list"]
    assert "hint: write one people.yaml key or name, e.g. author: Ana Ruiz." in printed
    assert "quote it" not in printed


def test_a_shortcode_hubgen_does_not_know_is_a_warning_at_its_line(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n{{< youtube dQw4w9WgXcQ >}}\n\n{{< threads x >}}\n"
                    "\n```\n{{< youtube in-code >}}\n```\n"
                    "\n````md\n```\n{{< youtube in-a-longer-fence >}}\n```\n````\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    warnings = said(result.err, "warning")
    assert warnings == [
        "content/posts/third.md:10:1: warning: {{< youtube dQw4w9WgXcQ >}} is no embed hubgen "
        "knows; the page shows it as text",
        "content/posts/third.md:12:1: warning: {{< threads x >}} is no embed hubgen knows; "
        "the page shows it as text"]


def test_a_shortcode_within_a_line_is_a_warning_at_its_place(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + '\nSee [it]({{< ref "2026-03-05-second.md" >}}) and '
                    "{{< youtube abc >}} inline.\n\nNot `{{< youtube in-code >}}`, but "
                    "{{< thread x >}} here.\n\n    {{< youtube indented-code >}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert said(result.err, "warning") == [
        'content/posts/third.md:10:10: warning: {{< ref "2026-03-05-second.md" >}} is no '
        "shortcode hubgen knows; the link keeps it as written",
        "content/posts/third.md:10:50: warning: {{< youtube abc >}} is no embed hubgen knows; "
        "the page shows it as text",
        "content/posts/third.md:12:36: warning: {{< thread x >}} embeds only on a line of its "
        "own; the page shows it as text"]
    checked = run_hubgen("check", cwd=root)
    assert "content/posts/third.md:10:10: error: broken link: {{< ref " in checked.out
    assert "hint: link to the page, not its source: /posts/second/ is the page of " \
           "posts/2026-03-05-second.md." in checked.out

@pytest.mark.parametrize("written, error, hint", [
    # Near the ends of the calendar: shown in UTC or the site's timezone, it would leave it.
    ("9999-12-31T23:59:00-12:00", "'9999-12-31 23:59:00-12:00' is a date out of range",
     "write a date from 0001-01-03 to 9999-12-29"),
    ('"0001-01-01T00:00:00+14:00"', "'0001-01-01T00:00:00+14:00' is a date out of range",
     "write a date from 0001-01-03 to 9999-12-29"),
    # A wrong time is no wrong month or day.
    ("2026-05-01 24:00", "'2026-05-01 24:00' is not a real time (hour must be in 0..23)",
     "check the time: hours run from 00 to 23"),
    ("2026-05-01T09:30:00+25:00", "'2026-05-01T09:30:00+25:00' has an offset no place has",
     "an offset runs from -12:00 to +14:00"),
    ('"2026-05-01 9:30"', "cannot read '2026-05-01 9:30' as a date",
     "write the hour with two digits: 2026-05-01 09:30."),
])
def test_a_date_hubgen_cannot_use_is_told_at_its_place(hub, written, error, hint):
    errors, printed = _post_errors(
        hub, {"dated.md": f"---\ntitle: Dated\ndate: {written}\n---\nBody\n"})
    assert errors == [f"content/posts/dated.md:3:7: error: 'date': {error}"]
    assert f"hint: {hint}" in printed
    assert "Traceback" not in printed


@pytest.mark.parametrize("path, old, new, errors", [
    # A title or a message's text left empty, as one missing is.
    ("content/threads/mastodon-brew.yaml", "title: Brewing on Mastodon", 'title: ""',
     ["content/threads/mastodon-brew.yaml:1:8: error: 'title' is empty"]),
    ("content/threads/mastodon-brew.yaml", "title: Brewing on Mastodon", "title:",
     ["content/threads/mastodon-brew.yaml:1:7: error: 'title' is empty"]),
    ("content/threads/mastodon-brew.yaml", 'text: "1:16, always."', "text:",
     ["content/threads/mastodon-brew.yaml:7:55: error: 'text' is empty"]),
    # A message replies to one message and answers one question.
    ("content/threads/mastodon-brew.yaml", "reply_to: a}", 'reply_to: ["a"]}',
     ["content/threads/mastodon-brew.yaml:7:123: error: 'reply_to' must be one message id"]),
    ("content/threads/chat-one.yaml", "answers: q1}", "answers: [q1, q2]}",
     ["content/threads/chat-one.yaml:13:153: error: 'answers' must be one question id"]),
    ("content/threads/chat-one.yaml", "answers: q2}", "answers: true}",
     ["content/threads/chat-one.yaml:18:141: error: 'answers' must be one question id"]),
    # A chat coming up whose date is no date: told there, and its calendar file is no
    # error of its own.
    ("content/threads/next-chat.yaml", "date: 2099-06-01T19:00:00-04:00",
     "date: 2026-02-30 18:00",
     ["content/threads/next-chat.yaml:2:7: error: 'date': '2026-02-30 18:00' is not a real "
      "date (day is out of range for month)"]),
])
def test_an_empty_or_wrong_value_of_a_thread_is_the_only_error(hub, path, old, new, errors):
    root = hub("conversations")
    _edit(root / path, old, new)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == errors
    assert "likely a bug" not in result.err


def test_a_chat_dated_at_the_end_of_the_calendar_is_told_at_its_date(hub):
    root = hub("conversations")
    _edit(root / "content/threads/next-chat.yaml", "date: 2099-06-01T19:00:00-04:00",
          "date: 9999-12-31T23:00:00+00:00")
    result = run_hubgen("build", "--future", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "content/threads/next-chat.yaml:2:7: error: 'date': '9999-12-31 23:00:00+00:00' is a "
        "date out of range"]


@pytest.mark.parametrize("name, text, error, hint", [
    ("blank.md", "\n\n---\ntitle: Blank\ndate: 2026-03-09\n---\nBody\n",
     "content/posts/blank.md:3:1: error: the front matter's '---' must be the file's first line",
     "delete the blank lines above it"),
    ("dashes.md", "---\ntitle: Dashes\ndate: 2026-03-09\n----\nBody\n",
     "content/posts/dashes.md:4:1: error: the front matter is never closed: '----' is not '---'",
     "a line holding exactly three dashes"),
    ("latin.md", "---\ntitle: Café\ndate: 2026-03-09\n---\nBody\n",
     "content/posts/latin.md:2:11: error: the file is not UTF-8 text: byte 0xE9 here (invalid "
     "continuation byte)", "save the file as UTF-8"),
])
def test_a_file_s_frame_mistake_is_told_at_its_line(hub, name, text, error, hint):
    root = hub("minimal")
    data = text.encode("latin-1" if name == "latin.md" else "utf-8")
    (root / "content/posts" / name).write_bytes(data)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [error]
    assert hint in result.err


def test_a_people_yaml_that_is_not_utf_8_is_told_at_the_byte(hub):
    root = hub("minimal")
    (root / "content/people.yaml").write_bytes(b"ana: {name: Ana Ruiz}\nkim: {name: K\xefm}\n")
    result = run_hubgen("build", cwd=root)
    assert "content/people.yaml:2:14: error: the file is not UTF-8 text: byte 0xEF here " \
           "(invalid continuation byte)" in said(result.err, "error")


def test_a_page_with_an_empty_title_is_told_to_have_one(hub):
    root = hub("minimal")
    (root / "content/pages/empty.md").write_text('---\ntitle: ""\n---\nBody\n')
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [
        "content/pages/empty.md:2:8: error: 'title' is empty"]
    assert "hint: give the page a title." in result.err


def test_a_wrong_item_of_a_list_is_told_at_the_item(hub):
    errors, _ = _post_errors(hub, {"listed.md": (
        "---\ntitle: Listed\ndate: 2026-03-09\ntags:\n  - coffee\n  - [nested]\n"
        "  - {a: b}\n---\nBody\n")})
    assert errors == [
        "content/posts/listed.md:6:5: error: 'tags' must be a list of texts: this item is no text",
        "content/posts/listed.md:7:5: error: 'tags' must be a list of texts: this item is no text"]


def test_a_tag_warning_and_a_wrong_comments_place_are_told_at_the_item(hub):
    root = hub("minimal")
    (root / "content/posts/tagged.md").write_text(
        "---\ntitle: Tagged\ndate: 2026-03-09\ntags:\n  - coffee\n  - Coffee Talk\n"
        "  - coffee-talk\n  - '!!!'\n---\nBody\n")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    assert said(built.err, "warning") == [
        "content/posts/tagged.md:7:5: warning: the tags 'Coffee Talk' and 'coffee-talk' share "
        "the URL of 'coffee-talk' and are shown as one",
        "content/posts/tagged.md:8:5: warning: the tag '!!!' makes an empty address, so it is "
        "left out"]
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "comments:\n  provider: giscus\n"
                      "  on: [posts, thread]\n  giscus: {repo: a/b, repo_id: R, category: C, "
                      "category_id: D}\n")
    line = config.read_text().splitlines().index("  on: [posts, thread]") + 1
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        f"hubgen.yaml:{line}:15: error: comments.on names 'thread', which is none of posts, "
        "threads, pages"]
    assert "hint: did you mean 'threads'? e.g. on: [posts, threads]" in result.err


def test_a_name_too_long_for_the_disk_is_an_error_at_its_slug_and_a_long_tag_is_left_out(hub):
    """A 300-character slug or people.yaml key, or a tag of 90 CJK letters, stopped the
    build with an OSError traceback ('File name too long') while writing."""
    root = hub("minimal")
    (root / "content/posts/long.md").write_text(
        f"---\ntitle: Long\ndate: 2026-03-09\nslug: {'a' * 300}\n"
        f"tags: [{'日' * 90}, brewing]\n---\nBody\n")
    with (root / "content/people.yaml").open("a") as people:
        people.write(f"{'k' * 256}: {{name: Kay}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "Traceback" not in result.err
    errors = said(result.err, "error")
    assert [line.split(": error: ")[0] for line in errors] == [
        "content/people.yaml:3:1", "content/posts/long.md:4:7"]
    assert "a name of 300 bytes" in errors[1]
    assert [line.split(": warning: ")[0] for line in said(result.err, "warning")] == [
        "content/posts/long.md:5:8"]

    (root / "content/posts/long.md").write_text(
        f"---\ntitle: Long\ndate: 2026-03-09\ntags: [{'日' * 90}, brewing]\n---\nBody\n")
    (root / "content/people.yaml").write_text(
        (SITES / "minimal/content/people.yaml").read_text())
    assert run_hubgen("build", cwd=root).code == 0
    tags = [p.name for p in (root / "public/tags").iterdir() if p.is_dir()]
    assert "brewing" in tags and not any(name.startswith("日") for name in tags)


def test_lists_nested_hundreds_deep_are_an_error_where_they_are_not_a_traceback(hub):
    """A list nested 300 levels deep, in a post or in a community message, stopped the
    build with a RecursionError from Python-Markdown."""
    import json

    deep = "\n".join("    " * level + "- item" for level in range(300))
    root = hub("conversations")
    (root / "content/posts/deep.md").write_text(
        f"---\ntitle: Deep\ndate: 2026-03-09\n---\nIntro\n\n{deep}\n")
    _edit(root / "content/threads/chat-one.yaml", 'text: "Will there be a recap?"',
          f"text: {json.dumps(deep)}")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert said(result.err, "error") == [
        "content/posts/deep.md:306:1: error: lists or quotes nested too deep for Markdown "
        "to read",
        "content/threads/chat-one.yaml:20:67: error: 'text': lists or quotes nested too "
        "deep for Markdown to read (its line 300)"]



def _static_file_named_about(root) -> None:
    (root / "static/about").write_text("x")


def _alias_in_the_static_image_s_name(root) -> None:
    _edit(root / "content/posts/third.md", "tags: [listening]\n",
          "tags: [listening]\naliases: [/images/cup.svg/]\n")


@pytest.mark.parametrize("make, error, hint", [
    # A file of static/ named as a page's folder: a clean build failed with a traceback,
    # a cached one replaced the page with the file.
    (_static_file_named_about,
     "static/about: error: /about is a file (static/about) where /about/ needs a folder "
     "(content/pages/about.md)",
     "rename or move the static file, or give the other item another 'slug:'."),
    # An alias whose folder is a static file's name: the image was lost.
    (_alias_in_the_static_image_s_name,
     "content/posts/third.md:7:11: error: /images/cup.svg is a file (static/images/cup.svg) "
     "where /images/cup.svg/ needs a folder (content/posts/third.md)",
     "remove it from 'aliases', or change it to the old URL it stands for."),
], ids=["static file", "alias"])
def test_a_file_where_another_item_needs_a_folder_is_an_error_before_anything_is_written(
        hub, make, error, hint):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    before = all_files(root / "public")
    make(root)
    for args in ((), ("--no-cache",)):
        result = run_hubgen("build", *args, cwd=root)
        assert result.code == 1, result.err
        assert said(result.err, "error") == [error]
        assert f"hint: {hint}" in result.err
        assert "Traceback" not in result.err
        assert all_files(root / "public") == before
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 1 and error in checked.out


def test_what_another_tool_holds_back_is_an_error_never_published(hub):
    # Jekyll's published: false, Pelican's status: draft, Hugo's expiryDate and a
    # publishDate later than the post's date: hubgen reads none of them, and would publish.
    root = hub("minimal")
    posts = root / "content/posts"
    held = {"jekyll": "published: false", "pelican": "Status: draft",
            "expiring": "expiryDate: 2026-04-01", "embargo": "publishDate: 2099-01-01",
            "eleventy": "permalink: false"}
    for name, line in held.items():
        (posts / f"2026-03-09-{name}.md").write_text(
            f"---\ntitle: Held {name}\n{line}\n---\nNot for readers yet.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert not (root / "public").exists()
    errors = said(result.err, "error")
    assert len(errors) == len(held)
    assert "content/posts/2026-03-09-jekyll.md:3:1: error: 'published: false' is not read by " \
           "hubgen: the page would be published" in errors
    assert "content/posts/2026-03-09-pelican.md:3:1: error: 'Status: draft' is not read by " \
           "hubgen: the page would be published" in errors
    assert "hint: write 'draft: true' to keep it off the site" in result.err
    assert any("hubgen has no 'expiryDate'" in error for error in errors)
    assert any("hubgen has no 'publishDate'" in error for error in errors)

    # Written as hubgen reads it, the same post stays off the site; what publishes
    # anyway is a warning.
    for path in posts.glob("2026-03-09-*.md"):
        path.unlink()
    (posts / "2026-03-07-jekyll.md").write_text(
        "---\ntitle: Held\npublished: false\ndraft: true\n---\nNot for readers yet.\n")
    (posts / "2026-03-08-public.md").write_text(
        "---\ntitle: Public\npublished: true\npublishDate: 2026-03-01\n---\nFor readers.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/posts/2026-03-07-jekyll.md:3:1: warning: hubgen does not read 'published'",
        "content/posts/2026-03-08-public.md:3:1: warning: hubgen does not read 'published': "
        "it publishes every page without 'draft: true'",
        "content/posts/2026-03-08-public.md:4:1: warning: hubgen has no 'publishDate': it "
        "publishes a post at its 'date'"]
    assert not (root / "public/posts/jekyll").exists()
    home = parse_html(root / "public/index.html")
    assert "Held" not in home.text_content()
    assert (root / "public/posts/public/index.html").is_file()


def test_liquid_in_a_post_from_jekyll_is_a_warning_at_its_place(hub):
    # Jekyll's and Eleventy's template code: printed as text on the page, without a word
    # ({% endhighlight %} even went into the paragraph's attributes).
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n"
                    "\n![Logo]({{ site.baseurl }}/images/cup.svg) and {{ page.title | upcase }}"
                    "\n\n`{% in a code span %}`, {{% shortcode %}}, {{ two words }}\n"
                    "\n```\n{% in a fence %}\n```\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/posts/third.md:11:1: warning: {% highlight ruby %} is Liquid, which hubgen "
        "does not run; the page shows it as text",
        "content/posts/third.md:13:1: warning: {% endhighlight %} is Liquid, which hubgen "
        "does not run; the page shows it as text",
        "content/posts/third.md:15:9: warning: {{ site.baseurl }} is Liquid, which hubgen "
        "does not run; the page shows it as text",
        "content/posts/third.md:15:48: warning: {{ page.title | upcase }} is Liquid, which "
        "hubgen does not run; the page shows it as text",
        "content/posts/third.md:17:25: warning: {{% shortcode %}} is no embed hubgen knows; "
        "the page shows it as text"]
    assert "hint: write a fenced code block: ```ruby on the line before the code" in result.err
    assert "hint: delete it: a link from the site's root (/images/a.png) is given" in result.err
    page = parse_html(root / "public/posts/the-third/index.html")
    assert "{{ page.title | upcase }}" in page.text_content()   # what the warning says
