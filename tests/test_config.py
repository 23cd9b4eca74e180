"""The config schema: defaults, checks and suggestions, read through load_config."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubgen.config import Config, load_config
from hubgen.errors import SourceErrors


def _load(tmp_path: Path, text: str, strict: bool = False):
    path = tmp_path / "hubgen.yaml"
    path.write_text(text)
    return load_config(path, strict=strict)


def test_defaults_fill_what_the_file_leaves_out(tmp_path):
    config, warnings = _load(tmp_path, "title: T\nurl: https://x.example\n")
    assert warnings == []
    assert isinstance(config, Config)
    assert config.url == "https://x.example/"
    assert config.base_path == "/"
    assert config.timezone == "UTC"
    assert config.paginate == 10
    assert config.feeds.formats == ("rss", "atom")
    assert config.permalinks.post == "/posts/{slug}/"
    assert config.root == tmp_path.resolve()


def test_a_subpath_url_is_kept_and_normalised(tmp_path):
    config, _ = _load(tmp_path, "title: T\nurl: https://x.example/hub\n")
    assert config.url == "https://x.example/hub/"
    assert config.base_path == "/hub/"
    assert config.origin == "https://x.example"
    # A host is one in any case (RFC 3986): feeds' ids, canonicals and the sitemap write it
    # in lower case, the path as written.
    config, _ = _load(tmp_path, "title: T\nurl: HTTPS://Hub.X.Example:8443/My-Hub\n")
    assert config.url == "https://hub.x.example:8443/My-Hub/"


@pytest.mark.parametrize("text, message", [
    ("url: https://x.example/\n", "missing required key 'title'"),
    ("title: T\nurl: /relative/\n", "url must be an absolute http(s) URL, got '/relative/'"),
    ("title: T\nurl: https://x.example/?a=1\n", "url must not hold a query or a fragment"),
    ("title: T\nurl: https://x.example/\ntimezone: Mars/Olympus\n",
     "timezone is not a known IANA timezone: 'Mars/Olympus'"),
    ("title: T\nurl: https://x.example/\npermalinks: {post: /p/}\n",
     "permalinks.post must hold {slug}, got '/p/'"),
    ("title: T\nurl: https://x.example/\nfeeds: {full_content: yes please}\n",
     "feeds.full_content must be true or false, got 'yes please'"),
    ("title: T\nurl: https://x.example/\ntitle: U\n",
     "the key 'title' is written twice (first at line 1)"),
    ("- a list\n", "the config must be a mapping of keys"),
    ('title: ""\nurl: https://x.example/\n', "title must not be empty"),
    ('title: "   "\nurl: https://x.example/\n', "title must not be empty"),
    ("title: T\nurl: https://x.example/\nlanguage: 42\n",
     "language must be a language tag, got '42'"),
    ('title: T\nurl: "https://hub example.com/"\n',
     "url has no valid host name: 'https://hub example.com/'"),
    ('title: T\nurl: "https://[zz]/"\n', "url has no valid host name: 'https://[zz]/'"),
    ("title: T\nurl: https://user:pw@x.example/\n", "url must not hold a user name or password"),
    ("title: T\nurl: https://x.example:99999/\n",
     "url has an impossible port: 'https://x.example:99999/'"),
])
def test_bad_values_are_errors_with_a_place(tmp_path, text, message):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, text)
    [problem] = caught.value.diagnostics
    assert problem.message == message
    assert problem.path == tmp_path / "hubgen.yaml"
    assert problem.line >= 1 and problem.column >= 1


@pytest.mark.parametrize(("written", "fixed"), [("UTC+2", "Etc/GMT-2"), ("GMT-05:00", "Etc/GMT+5"),
                                                ("+1", "Etc/GMT-1")])
def test_an_offset_for_a_timezone_is_told_to_name_the_place(tmp_path, written, fixed):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, f"title: T\nurl: https://x.example/\ntimezone: '{written}'\n")
    [problem] = caught.value.diagnostics
    assert problem.hint == ("name the place, such as Europe/Berlin, so summer time is followed; "
                            f"a fixed offset is {fixed} (its sign is inverted).")


@pytest.mark.parametrize("key, written, message, hint", [
    # Names the timezone database knows that are no place's time: what they mean depends on
    # the machine that builds.
    ("timezone", "localtime", "timezone is no timezone of a place, got 'localtime': what it "
     "means depends on the machine that builds",
     "name the place, e.g. Europe/Paris, America/New_York or UTC."),
    ("timezone", "Factory", "timezone is no timezone of a place, got 'Factory': what it means "
     "depends on the machine that builds",
     "name the place, e.g. Europe/Paris, America/New_York or UTC."),
    ("timezone", "posixrules", "timezone is no timezone of a place, got 'posixrules': what it "
     "means depends on the machine that builds",
     "name the place, e.g. Europe/Paris, America/New_York or UTC."),
    ("timezone", "right/UTC", "timezone is no timezone of a place, got 'right/UTC': what it "
     "means depends on the machine that builds", "did you mean 'UTC'?"),
    # A locale's underscore for a language tag's hyphen.
    ("language", "en_US", "language must be a language tag, got 'en_US'",
     "did you mean 'en-US'? A language tag joins its parts with '-'."),
])
def test_a_near_miss_gets_the_value_it_meant(tmp_path, key, written, message, hint):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, f"title: T\nurl: https://x.example/\n{key}: {written}\n")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column, problem.message, problem.hint) == (3, len(key) + 3,
                                                                             message, hint)


@pytest.mark.parametrize("permalinks, message", [
    # Out of the output folder: the site would write over the hub's own files, or beyond.
    ('{post: "/../{slug}/"}', "permalinks.post holds '.' or '..' as a folder name, which would "
     "lead out of its folder (hubgen writes only inside the output folder), got '/../{slug}/'"),
    ('{page: "/a/./{slug}/"}', "permalinks.page holds '.' or '..' as a folder name, which would "
     "lead out of its folder (hubgen writes only inside the output folder), got '/a/./{slug}/'"),
    ('{post: "/p\\\\{slug}/"}', "permalinks.post holds '\\', got '/p\\\\{slug}/'"),
    ('{post: "/p/{slug}/?x=1"}', "permalinks.post holds '?' or '#': a static host serves a file "
     "by its path alone, got '/p/{slug}/?x=1'"),
    # A file that is neither a folder's index.html nor an .html page: browsers download it.
    ('{post: "/posts/{slug}"}', "permalinks.post must end with '/' or '.html', "
     "got '/posts/{slug}'"),
    # A tag's or a thread's feeds (and calendar file) go in its folder.
    ('{tag: "/tags/{slug}"}', "permalinks.tag must end with '/', got '/tags/{slug}'"),
    ('{thread: "/threads/{slug}.html"}',
     "permalinks.thread must end with '/', got '/threads/{slug}.html'"),
    # What Python's format() would choke on, mid-build, with a traceback.
    ('{post: "/posts/{title}/"}', "permalinks.post has an unknown placeholder {title}, "
     "got '/posts/{title}/'"),
    ('{post: "/posts/{0}/{slug}/"}', "permalinks.post has an unknown placeholder {0}, "
     "got '/posts/{0}/{slug}/'"),
    ('{post: "/posts/{slug!r}/"}', "permalinks.post has a placeholder with a format, "
     "{slug!r}, got '/posts/{slug!r}/'"),
    ('{post: "/{year:04d}/{slug}/"}', "permalinks.post has a placeholder with a format, "
     "{year:04d}, got '/{year:04d}/{slug}/'"),
    # A page, a tag or a person has no date.
    ('{page: "/{year}/{slug}/"}', "permalinks.page has {year}, got '/{year}/{slug}/': only "
     "posts and threads have a date; {year} is for them"),
    ('{tag: "/tags/{month}/{slug}/"}', "permalinks.tag has {month}, got "
     "'/tags/{month}/{slug}/': only posts and threads have a date; {month} is for them"),
    ('{post: "/posts/{slug}}/"}', "permalinks.post has a '{' or '}' without its partner, "
     "got '/posts/{slug}}/'"),
    # A tag's, a person's or a thread's list page is the folder before the first placeholder.
    ('{person: "/@{slug}/"}', "permalinks.person puts the list of all people at '/', the "
     "home page's address, got '/@{slug}/': the list goes in the folder before the first "
     "placeholder"),
    ('{tag: "/tag-{slug}/"}', "permalinks.tag puts the list of all tags at '/', the home "
     "page's address, got '/tag-{slug}/': the list goes in the folder before the first "
     "placeholder"),
    ('{thread: "/{year}/{month}/{slug}/"}', "permalinks.thread puts the list of all threads "
     "at '/', the home page's address, got '/{year}/{month}/{slug}/': the list goes in the "
     "folder before the first placeholder"),
])
def test_a_permalink_that_cannot_make_a_page_is_an_error_with_its_place(tmp_path, permalinks,
                                                                         message):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, f"title: T\nurl: https://x.example/\npermalinks: {permalinks}\n")
    [problem] = caught.value.diagnostics
    assert problem.message == message
    assert (problem.line, problem.column) == (3, permalinks.index(":") + 15)


def test_permalinks_as_folders_dated_or_as_html_files_are_accepted(tmp_path):
    config, _ = _load(tmp_path, "title: T\nurl: https://x.example/\npermalinks: "
                      '{post: "/{year}/{month}/{day}/{slug}.html", page: "/{slug}.htm", '
                      'person: "/team/{slug}.html", tag: "/topics/{slug}/", '
                      'thread: "/talks/{year}.{month}.{day}/{slug}/"}\n')
    # A post's folder may be the root: posts are listed on the home page.
    assert _load(tmp_path, "title: T\nurl: https://x.example/\npermalinks: "
                 '{post: "/{year}/{slug}/"}\n')[0].permalinks.post == "/{year}/{slug}/"
    # A thread always has a date: {year}.{month}.{day} never leaves '..'.
    assert config.permalinks.thread == "/talks/{year}.{month}.{day}/{slug}/"
    assert config.permalinks.post == "/{year}/{month}/{day}/{slug}.html"
    assert config.permalinks.tag == "/topics/{slug}/"
    assert config.permalinks.page == "/{slug}.htm"


def test_unknown_keys_warn_with_did_you_mean_and_fail_when_strict(tmp_path):
    text = "title: T\nurl: https://x.example/\ntimezne: UTC\nextra: {anything: 1}\n"
    _, warnings = _load(tmp_path, text)
    [warning] = warnings
    assert (warning.line, warning.column) == (3, 1)
    assert warning.message == "unknown key 'timezne' in the config"
    assert warning.hint == "did you mean 'timezone'?"
    with pytest.raises(SourceErrors):
        _load(tmp_path, text, strict=True)


def test_a_key_written_twice_does_not_hide_the_file_s_other_mistakes(tmp_path):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, "title: T\nurl: https://x.example/\npaginate: five\ntitle: U\n")
    assert [(d.line, d.message) for d in caught.value.diagnostics] == [
        (3, "paginate must be a whole number, got 'five'"),
        (4, "the key 'title' is written twice (first at line 1)")]


def test_a_quote_left_open_is_shown_where_it_opens(tmp_path):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, 'title: "Acme\nurl: https://x.example/\ndescription: x\n')
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (1, 8)
    assert problem.message == "YAML syntax error: a quoted value opened here is never closed"


@pytest.mark.parametrize("language, direction", [
    ("en", "ltr"), ("en-GB", "ltr"), ("ar", "rtl"), ("he", "rtl"), ("fa-IR", "rtl"),
    ("ur", "rtl"), ("az-Arab", "rtl"), ("ku-Latn", "ltr"), ("pa-Arab-PK", "rtl"), ("ja", "ltr"),
])
def test_a_language_written_right_to_left_makes_the_site_right_to_left(tmp_path, language,
                                                                       direction):
    config, _ = _load(tmp_path, f"title: T\nurl: https://x.example/\nlanguage: {language}\n")
    assert config.direction == direction


def test_a_key_left_empty_says_to_write_its_value_or_remove_it(tmp_path):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, "title: T\nurl: https://x.example/\npaginate:\n")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (3, 10)
    assert problem.message == "paginate must be a whole number, got nothing"
    assert problem.hint == "write a value after the colon, or remove the line for the default."


@pytest.mark.parametrize("written, place, message", [
    ("menu: [{title: A, url: /a/}\ncopyright: x\n", (3, 7), "a list in [ ] opened here"),
    ("author: {name: A, email: a@b.example\ncopyright: x\n", (3, 9),
     "a mapping in { } opened here"),
])
def test_a_bracket_left_open_before_the_next_key_is_told_where_it_opened(tmp_path, written,
                                                                       place, message):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, "title: T\nurl: https://x.example/\n" + written)
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == place
    assert problem.message == f"YAML syntax error: {message} is never closed"


def test_a_missing_comma_inside_a_list_of_several_lines_is_told_where_it_is(tmp_path):
    with pytest.raises(SourceErrors) as caught:
        _load(tmp_path, "title: T\nurl: https://x.example/\nmenu: [{title: A, url: /a/},\n"
                        "  {title: B url: /b/} {x: 1}]\n")
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.column) == (4, 16)
    assert problem.message == "YAML syntax error: expected ',' or '}', but got ':'"
