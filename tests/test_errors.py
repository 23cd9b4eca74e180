"""A user's mistake gets a clear message: file, line, column, the line with a caret, a hint."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest
from conftest import all_files, clean_env, run_hubgen

EXPECTED = {
    "broken-front-matter": """\
content/posts/2026-01-01-q1.md:2:10: error: YAML syntax error: mapping values are not allowed here
    title: Q1: what is a conversation?
             ^
  hint: a value holding ': ' must be quoted, e.g. title: "Q1: why?"; or check the indentation of this line.
Build failed: 1 error; the previous output is untouched.
""",
    "bad-date": """\
content/posts/launch.md:3:7: error: 'date': cannot read 'May 1st 2026' as a date
    date: May 1st 2026
          ^
  hint: write a date such as 2026-05-01, 2026-05-01 09:30, or with an offset 2026-05-01T09:30:00-04:00.
Build failed: 1 error; the previous output is untouched.
""",
    "impossible-date": """\
content/posts/leap.md:3:7: error: 'date': '2026-02-30' is not a real date (day is out of range for month)
    date: 2026-02-30
          ^
  hint: check the month and day, e.g. 2026-02-28.
Build failed: 1 error; the previous output is untouched.
""",
    "missing-person": """\
content/posts/2026-01-01-hello.md:3:9: error: unknown person 'nw-anna': no such key in content/people.yaml
    author: nw-anna
            ^
  hint: did you mean 'nw-ana'?
Build failed: 1 error; the previous output is untouched.
""",
    "slug-collision": """\
content/posts/2026-02-01-hello-again.md:3:7: error: two items have the URL /posts/hello/: content/posts/2026-02-01-hello-again.md and content/posts/2026-01-01-hello.md
    slug: hello
          ^
  hint: give one of them another 'slug:' in its front matter, or rename the file.
Build failed: 1 error; the previous output is untouched.
""",
    "unknown-template": """\
content/pages/landing.md:3:11: error: unknown template 'fancy.html'
    template: fancy.html
              ^
  hint: put fancy.html in templates/, or remove 'template:' to use the theme's own.
Build failed: 1 error; the previous output is untouched.
""",
    "config-tabs": """\
hubgen.yaml:4:1: error: YAML syntax error: found character '\\t' that cannot start any token
        name: Someone
    ^
  hint: YAML does not allow tabs for indentation: indent with spaces.
Build failed: 1 error; the previous output is untouched.
""",
    "config-invalid": """\
hubgen.yaml:2:6: error: url must be an absolute http(s) URL, got 'hub.example.com/news'
    url: hub.example.com/news
         ^
  hint: write it in full, e.g. url: https://hub.example.com/
hubgen.yaml:3:11: error: timezone is not a known IANA timezone: 'Europe/Pari'
    timezone: Europe/Pari
              ^
  hint: did you mean 'Europe/Paris'?
hubgen.yaml:4:11: error: paginate must be a whole number, got 'ten'
    paginate: ten
              ^
  hint: write a number without quotes, e.g. 10.
hubgen.yaml:5:18: error: feeds.formats has an unknown value 'json'
    feeds: {formats: [rss, json], limit: 0}
                     ^
  hint: choose from rss, atom.
hubgen.yaml:5:38: error: feeds.limit must be at least 1, got 0
    feeds: {formats: [rss, json], limit: 0}
                                         ^
  hint: e.g. 20.
Build failed: 5 errors; the previous output is untouched.
""",
    "many-errors": """\
content/pages/three.md:2:1: error: the front matter has no 'title'
    draft: maybe
    ^
  hint: add a line such as 'title: Listening first'.
content/pages/three.md:2:8: error: 'draft' must be true or false
    draft: maybe
           ^
  hint: write true or false, without quotes.
content/posts/2026-01-01-one.md:3:7: error: 'date': cannot read 'yesterday' as a date
    date: yesterday
          ^
  hint: write a date such as 2026-05-01, 2026-05-01 09:30, or with an offset 2026-05-01T09:30:00-04:00.
content/posts/2026-01-02-two.md:3:7: error: YAML syntax error: a list in [ ] opened here is never closed
    tags: [a
          ^
  hint: close it: a quote with the same quote, '[' with ']', '{' with '}'.
Build failed: 4 errors; the previous output is untouched.
""",
}


@pytest.mark.parametrize("site", sorted(EXPECTED))
def test_broken_hub_gets_the_exact_message_and_exit_code_1(hub, site):
    root = hub(site)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err == EXPECTED[site]
    assert "Traceback" not in result.err + result.out
    assert not (root / "public").exists()


def test_unknown_config_key_warns_with_a_suggestion_and_strict_makes_it_an_error(hub):
    root = hub("config-unknown-key")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert result.err == """\
hubgen.yaml:3:1: warning: unknown key 'paginat' in the config
    paginat: 5
    ^
  hint: did you mean 'paginate'?
hubgen.yaml:4:9: warning: unknown key 'limt' in 'feeds'
    feeds: {limt: 10}
            ^
  hint: did you mean 'limit'?
"""
    strict = run_hubgen("build", "--strict", "--output", "strict-out", cwd=root)
    assert strict.code == 1
    assert "hubgen.yaml:3:1: error: unknown key 'paginat' in the config" in strict.err
    assert "Build failed: 2 errors" in strict.err
    assert not (root / "strict-out").exists()


def test_unknown_front_matter_key_is_a_warning_naming_the_likely_key(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("author: kim", "autor: kim"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert "content/posts/third.md:5:1: warning: unknown front matter key 'autor'" in result.err
    assert "hint: did you mean 'author'?" in result.err


def test_a_failed_build_leaves_the_previous_output_untouched(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    before = all_files(root / "public")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("date: 2026-04-01", "date: someday"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/posts/third.md:4:7: error: 'date': cannot read 'someday' as a date" \
        in result.err
    assert all_files(root / "public") == before


def test_usage_errors_exit_2_without_traceback(hub, tmp_path):
    root = hub("minimal")
    bad_option = run_hubgen("build", "--no-such-option", cwd=root)
    assert bad_option.code == 2
    assert "No such option '--no-such-option'" in bad_option.err
    bad_url = run_hubgen("build", "--base-url", "ftp://x.example/", cwd=root)
    assert bad_url.code == 2
    assert "must be an absolute http(s) URL" in bad_url.err
    empty = tmp_path / "empty"
    empty.mkdir()
    no_config = run_hubgen("build", cwd=empty)
    assert no_config.code == 2
    assert "no hubgen config found" in no_config.err
    for result in (bad_option, bad_url, no_config):
        assert "Traceback" not in result.err


def test_a_config_link_leading_nowhere_says_so(hub):
    # It said only "no hubgen config found", with the link right there.
    root = hub("minimal")
    (root / "hubgen.yaml").rename(root / "site.yaml")
    (root / "hubgen.yaml").symlink_to("configs/hubgen.yaml")
    dangling = run_hubgen("build", cwd=root)
    assert dangling.code == 2
    assert dangling.err.splitlines()[0] == (
        f"Error: {root / 'hubgen.yaml'} is a link to configs/hubgen.yaml, which does not "
        "exist (moved or deleted?): point the link at the hub's config again, or put the "
        "config itself in its place")
    assert not (root / "public").exists()
    (root / "hubgen.yaml").unlink()
    (root / "hubgen.yaml").symlink_to("hubgen.yaml")
    looping = run_hubgen("build", cwd=root)
    assert looping.code == 2
    assert "is a link to hubgen.yaml, which leads round in a loop: point the link" \
        in looping.err
    (root / "hubgen.yaml").unlink()
    (root / "site.yaml").rename(root / "hubgen.yaml")
    assert run_hubgen("build", "--config", str(root / "hubgen.yaml"), cwd=root.parent).code == 0


@pytest.mark.parametrize("command", [("build",), ("check",), ("new", "post", "Hi"),
                                     ("serve", "--port", "0")])
def test_a_command_run_in_a_folder_of_a_hub_names_the_hub_and_how_to_reach_it(hub, command):
    # Run from content/posts/, the error said only "run hubgen in a hub's folder".
    root = hub("minimal")
    result = run_hubgen(*command, cwd=root / "content/posts")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        f"Error: no hubgen config found at {root / 'content/posts'}; this folder is in the "
        f"hub at {root}: run hubgen there (cd ../..) or pass --config ../../hubgen.yaml")
    assert not (root / "content/posts/public").exists()
    assert len(list((root / "content/posts").iterdir())) == 5


@pytest.mark.parametrize("command", [("build",), ("check",), ("new", "post", "Hi"),
                                     ("serve",), ("import", "reddit", "-"), ("publish",),
                                     ("new", "site", "hub")])
def test_a_current_folder_deleted_meanwhile_is_said_without_a_traceback(tmp_path, command):
    # A terminal left in a hub's folder that was deleted and made again (a fresh clone, a
    # branch switched): os.getcwd() raised FileNotFoundError.
    gone = tmp_path / "hub"
    gone.mkdir()
    script = f"cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && " \
        f"exec {shlex.quote(sys.executable)} -m hubgen {shlex.join(command)}"
    completed = subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                               timeout=60, env=clean_env(), stdin=subprocess.DEVNULL)
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.endswith(
        "Error: the current folder no longer exists (deleted or moved away): cd into the "
        "hub's folder again\n")


def test_a_template_named_without_its_suffix_hints_its_whole_name(hub):
    root = hub("unknown-template")
    page = root / "content/pages/landing.md"
    page.write_text(page.read_text().replace("template: fancy.html", "template: landing"))
    (root / "templates").mkdir()
    (root / "templates/landing.html").write_text(
        '{% extends "page.html" %}{% block content %}<p>LANDING</p>{% endblock %}')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "content/pages/landing.md:3:11: error: unknown template 'landing'\n"
        "    template: landing\n              ^\n"
        "  hint: write template: landing.html (a template's whole file name).\n")
    page.write_text(page.read_text().replace("template: landing", "template: landng.html"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "  hint: did you mean 'template: landing.html'? Or put landng.html in templates/.\n" \
        in result.err


def test_many_problems_in_one_file_read_it_once_and_an_edit_is_shown(tmp_path, monkeypatch):
    """A big thread with a warning on each of its thousands of messages printed each
    excerpt by reading and splitting the whole file again: minutes for one build."""
    import hubgen.errors as errors
    from hubgen.errors import Diagnostic

    source = tmp_path / "thread.yaml"
    source.write_text("".join(f"line {n}\n" for n in range(1, 2001)), encoding="utf-8")
    reads = []
    split = errors.editor_lines
    monkeypatch.setattr(errors, "editor_lines", lambda text: reads.append(1) or split(text))
    excerpts = [Diagnostic(source, n, 1, "late").excerpt() for n in range(1, 2001)]
    assert excerpts[1233] == ("line 1234", "^")
    assert len(reads) == 1
    source.write_text("changed\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    assert Diagnostic(source, 1, 1, "late").excerpt() == ("changed", "^")
