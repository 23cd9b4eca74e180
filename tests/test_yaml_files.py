"""What any YAML file of a hub may hold (hubgen.yaml, front matter, threads, people.yaml):
each mistake is told at its place, in the user's words, never as a traceback."""

from __future__ import annotations

import pytest
from conftest import parse_html, renumber_embedded_message, run_hubgen, said

RECAP = "content/posts/2026-03-12-recap.md"
THREAD = "content/threads/next-chat.yaml"
PEOPLE = "content/people.yaml"


def _build_with(hub, path: str, old: str, new: str):
    """Build the conversations hub with `old` replaced by `new` in one of its files."""
    root = hub("conversations")
    file = root / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))
    return run_hubgen("build", cwd=root)


DEEP = "[" * 150 + "]" * 150


@pytest.mark.parametrize("path, old, new, place", [
    ("hubgen.yaml", "paginate: 10", f"paginate: 10\nextra: {{deep: {DEEP}}}", "8:113"),
    (RECAP, "author: ana", f"author: ana\nextra: {DEEP}", "5:107"),
    (THREAD, "status: upcoming", f"status: upcoming\nconsent: {DEEP}", "6:109"),
    (PEOPLE, "raj: {name: Raj Patel}", f"raj: {{name: Raj Patel, bio: {DEEP}}}", "7:127"),
], ids=["config", "front matter", "thread", "people"])
def test_a_value_nested_hundreds_deep_is_an_error_at_its_place(hub, path, old, new, place):
    result = _build_with(hub, path, old, new)
    assert result.code == 1
    assert said(result.err, "error") == [f"{path}:{place}: error: the value is nested too deeply"]
    assert "Traceback" not in result.err


@pytest.mark.parametrize("path, old, new, place, code", [
    ("hubgen.yaml", "Conversation Hub", "Conversation\x0bHub", "1:20", "000B"),
    (RECAP, "Recap of chat", "Recap\x07of chat", "2:13", "0007"),
    (THREAD, "next chat", "next\x0cchat", "1:16", "000C"),
    (PEOPLE, "Kim Lee", "Kim\x1bLee", "5:16", "001B"),
    # After letters that take more than one byte in UTF-8: still counted in characters.
    (PEOPLE, "Kim Lee", "Kim Lée Café 日本語 \x1bLee", "5:30", "001B"),
], ids=["config", "front matter", "thread", "people", "people after accents"])
def test_an_invisible_control_character_is_told_where_it_stands(hub, path, old, new, place,
                                                                code):
    result = _build_with(hub, path, old, new)
    assert result.code == 1
    assert said(result.err, "error") == [
        f"{path}:{place}: error: an invisible control character U+{code}"]
    assert "hint: delete it" in result.err
    assert "Traceback" not in result.err


def test_a_control_character_in_a_post_s_text_is_harmless(hub):
    result = _build_with(hub, RECAP, "What we heard:", "What we\x0b heard\x07:")
    assert result.code == 0, result.err


def test_a_key_a_merge_brings_in_may_be_overridden_but_not_written_twice(hub):
    root = hub("conversations")
    people = root / "content/people.yaml"
    people.write_text(people.read_text() +
                      'member: &member {name: Member, role: community, bio: "A member."}\n'
                      'yan: {<<: *member, name: Yan Li, bio: "Roasts at home."}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "Roasts at home." in (root / "public/people/yan/index.html").read_text()
    people.write_text(people.read_text().replace('bio: "Roasts at home."}',
                                                 'bio: "Roasts at home.", bio: "Twice."}'))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [
        "content/people.yaml:9:58: error: the key 'bio' is written twice (first at line 9)"]


@pytest.mark.parametrize("path, old, new, said_as", [
    # YAML reads 1 and true as one key (Python's 1 == True): named as written.
    ("hubgen.yaml", "paginate: 10", "paginate: 10\nextra: {1: one, true: yes}",
     "hubgen.yaml:8:17: error: the key 'true' is read as the same key as '1' (line 8): only "
     "the last would be kept"),
    (RECAP, "author: ana", "author: ana\n~: nothing",
     "content/posts/2026-03-12-recap.md:5:1: warning: unknown front matter key '~'"),
    (THREAD, "status: upcoming", "status: upcoming\nnull: nothing",
     "content/threads/next-chat.yaml:6:1: warning: unknown key 'null' in the thread"),
    ("hubgen.yaml", "paginate: 10", "paginate: 10\nTrue: x",
     "hubgen.yaml:8:1: warning: unknown key 'True' in the config"),
], ids=["one and true", "tilde", "null", "True"])
def test_a_key_that_is_no_text_is_named_as_written(hub, path, old, new, said_as):
    result = _build_with(hub, path, old, new)
    assert said_as in result.err.splitlines()


def test_digits_with_a_leading_zero_stay_the_text_written(hub):
    root = hub("conversations")
    # A phone number and a postcode keep their zeros; a message id and the reply naming it
    # stay the same id (YAML 1.1 read 010 as 8, YAML 1.2 as 10).
    renumber_embedded_message(root, "010", "010")
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "!theme/post.html" %}{% block content %}<p id="call">'
        "{{ site.extra.phone }} {{ site.extra.zip }}</p>{{ super() }}{% endblock %}")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "extra: {phone: 0800123456, zip: 08540}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    post = parse_html(root / "public/posts/recap/index.html")
    assert post.xpath('//p[@id="call"]')[0].text == "0800123456 08540"
    thread = parse_html(root / "public/threads/chat-one/index.html")
    assert thread.xpath('//*[@id="m-010"]//*[@id="m-3"]')   # the reply under its message
    config.write_text(config.read_text().replace("paginate: 10", "paginate: 010"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [
        "hubgen.yaml:7:11: error: paginate must be a whole number, got '010'"]
    assert "hint: write it without the leading zero: 10." in result.err
    config.write_text(config.read_text().replace("paginate: 010", "paginate: 0o4"))
    assert run_hubgen("build", cwd=root).code == 0


@pytest.mark.parametrize("written, shown, hint", [
    ("1e3", "'1e3'", "write a whole number in digits alone, e.g. 10 (no point or exponent)."),
    ("10.0", "10.0", "write a whole number in digits alone, e.g. 10 (no point or exponent)."),
    ("1_000", "'1_000'", "write it without '_': 1000."),
    ('"12"', "'12'", "write the number without quotes: 12."),
])
def test_a_number_that_is_not_whole_gets_a_hint_that_fits_it(hub, written, shown, hint):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("paginate: 2", f"paginate: {written}"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [
        f"hubgen.yaml:8:11: error: paginate must be a whole number, got {shown}"]
    assert f"hint: {hint}" in result.err


def test_lines_are_counted_as_an_editor_counts_them(hub):
    # U+2028, U+2029 and U+0085 (pasted from the web or Word) are no line breaks in an
    # editor; YAML 1.1 and str.splitlines() count them as such.
    root = hub("conversations")
    thread = root / "content/threads/mastodon-brew.yaml"
    thread.write_text(thread.read_text()
                      .replace('text: "1:16, always."', 'text: "1:16,\u2028always.\u2029 Yes\x85"')
                      .replace("date: 2026-04-02 10:07", "date: 2026-04-32 10:07"))
    recap = root / RECAP
    recap.write_text(recap.read_text()
                     .replace("title: Recap of chat one", 'title: "Recap\u2028of chat one"\n'
                              "date: someday")
                     .replace("What we heard:", "What\u2028we heard:\n{{< nosuch >}}"))
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") + said(result.err, "warning") == [
        f"{RECAP}:3:7: error: 'date': cannot read 'someday' as a date",
        "content/threads/mastodon-brew.yaml:8:32: error: 'date': '2026-04-32 10:07' is not a "
        "real date (day is out of range for month)",
        f"{RECAP}:8:1: warning: {{{{< nosuch >}}}} is no embed hubgen knows; the page shows "
        "it as text"]


def test_the_caret_stands_under_the_mistake_after_wide_characters(hub):
    result = _build_with(hub, "content/threads/mastodon-brew.yaml",
                         "{id: c, author: raj, date: 2026-04-02 10:07",
                         "{id: c, author: {name: 日本語 🙂}, date: 2026-04-32 10:07")
    lines = result.err.splitlines()
    at = lines.index("      - {id: c, author: {name: 日本語 🙂}, date: 2026-04-32 10:07, "
                     'text: "1:15 here", url: "https://social.example/@raj/102", reply_to: b}')
    # Each of the four wide characters takes two cells of the terminal.
    assert lines[at + 1] == " " * (4 + len("  - {id: c, author: {name: ") + 2 * 3 + 1 + 2 +
                                   len("}, date: ")) + "^"


@pytest.mark.parametrize("written, error, opened", [
    ('yan: {name: Yan, bio: "unclosed}\nzed: {name: "Zed"}\n',
     "content/people.yaml:9:14: error: YAML syntax error: expected ',' or '}', but got "
     "'<scalar>'", 8),
    ('yan:\n  bio: "unclosed\nzed: {name: "Zed"}\n',
     "content/people.yaml:10:14: error: YAML syntax error: expected <block end>, but found "
     "'<scalar>'", 9),
], ids=["flow", "block"])
def test_a_quote_left_open_is_named_where_it_opens(hub, written, error, opened):
    root = hub("conversations")
    people = root / PEOPLE
    people.write_text(people.read_text() + written)
    result = run_hubgen("build", cwd=root)
    assert said(result.err, "error") == [error]
    assert (f"hint: a quoted value may run on from line {opened}: check for a missing "
            "closing quote.") in result.err
