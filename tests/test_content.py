"""Reading content: slugs, dates and front matter, the pieces users meet most."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import parse_html, run_hubgen, said

from hubgen.content.dates import BadDate, date_from_filename, parse_date
from hubgen.content.slugs import slugify

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("title, slug", [
    ("Café au lait, naïve résumé", "cafe-au-lait-naive-resume"),
    ("Straße & Smørrebrød", "strasse-and-smorrebrod"),
    ("  Listening -- first!  ", "listening-first"),
    ("Łódź coffee_club", "lodz-coffee-club"),
    ("日本のコーヒー", "日本のコーヒー"),
    ("Кофе и сообщество", "кофе-и-сообщество"),
    ("What's #NorthwindChat?", "whats-northwindchat"),
])
def test_unicode_titles_slugify_readably(title, slug):
    assert slugify(title) == slug


def test_dates_without_offset_are_in_the_site_timezone():
    assert parse_date("2026-05-01 09:30", PARIS) == datetime(2026, 5, 1, 9, 30, tzinfo=PARIS)
    assert parse_date(date(2026, 5, 1), PARIS) == datetime(2026, 5, 1, tzinfo=PARIS)
    assert parse_date("2026-05-01", PARIS).utcoffset() == timedelta(hours=2)
    aware = parse_date("2026-05-01T09:30:00-04:00", PARIS)
    assert aware.utcoffset() == timedelta(hours=-4)
    assert parse_date("2026-05-01T13:30:00Z", PARIS).utcoffset() == timedelta(0)
    assert parse_date(datetime(2026, 1, 1, 12), PARIS).tzinfo is PARIS
    with pytest.raises(BadDate):
        parse_date("May 1st", PARIS)


def test_a_time_the_clocks_skipped_is_shown_as_they_showed_it():
    # Paris went from 02:00 to 03:00 on 2026-03-29: 02:30 never happened there; it was
    # shown as 02:30+01:00, a time of day no clock showed.
    skipped = parse_date("2026-03-29 02:30", PARIS)
    assert (skipped.hour, skipped.minute, skipped.utcoffset()) == (3, 30, timedelta(hours=2))
    assert skipped == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    twice = parse_date("2026-10-25 02:30", PARIS)   # the first of the two, in summer time
    assert (twice.hour, twice.utcoffset()) == (2, timedelta(hours=2))


def test_a_leading_date_in_a_file_name_gives_the_date_and_the_slug():
    moment, rest = date_from_filename("2026-05-01-listening-first", PARIS)
    assert moment == datetime(2026, 5, 1, tzinfo=PARIS)
    assert rest == "listening-first"
    assert date_from_filename("2026-13-45-nope", PARIS) == (None, "2026-13-45-nope")
    assert date_from_filename("about", PARIS) == (None, "about")


def test_a_document_with_its_author_is_a_copy_equal_to_dataclasses_replace():
    import dataclasses
    from pathlib import Path

    from hubgen.content.models import Author, Document
    document = Document(kind="post", source=Path("content/posts/a.md"), rel_path="posts/a.md",
                        title="A", slug="a", date=None, updated=None, html="<p>a</p>",
                        summary="a", summary_html="", tags=("x",), author_ref="ana",
                        extra={"k": 1}, positions={"title": (2, 8)})
    author = Author(name="Ana", key="ana")
    resolved = document.with_author(author)
    assert resolved == dataclasses.replace(document, author=author)
    assert resolved.author is author and document.author is None
    assert type(resolved) is Document and resolved.position_of("title") == (2, 8)


def test_a_posts_date_permalink_takes_the_day_the_site_shows(tmp_path):
    import dataclasses
    from datetime import UTC, datetime, timedelta, timezone
    from pathlib import Path

    from hubgen.config import load_config
    from hubgen.content.models import Document
    from hubgen.plan import Urls

    (tmp_path / "hubgen.yaml").write_text(
        "title: T\nurl: https://x.example/\ntimezone: Asia/Tokyo\n"
        "permalinks: {post: '/{year}/{month}/{day}/{slug}/'}\n")
    urls = Urls(load_config(tmp_path / "hubgen.yaml")[0])
    evening_in_utc = datetime(2026, 4, 30, 20, 0, tzinfo=UTC)   # 05:00 on May 1 in Tokyo
    post = Document(kind="post", source=Path("content/posts/a.md"), rel_path="posts/a.md",
                    title="A", slug="a", date=evening_in_utc, updated=None, html="",
                    summary="", summary_html="")
    same_instant_in_paris = dataclasses.replace(
        post, date=evening_in_utc.astimezone(timezone(timedelta(hours=2))))
    morning_in_utc = dataclasses.replace(post, date=datetime(2026, 4, 30, 9, 0, tzinfo=UTC))
    assert urls.document(post) == "/2026/05/01/a/"
    assert urls.document(same_instant_in_paris) == "/2026/05/01/a/"
    assert urls.document(morning_in_utc) == "/2026/04/30/a/"   # asked after: not reused
    assert urls.document(post) == "/2026/05/01/a/"


def test_a_summary_in_japanese_is_cut_near_its_limit_not_at_its_first_space(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    head, _, _ = post.read_text().partition("\n---\n")
    body = "今日は iPhone について話します。" + "日本語の文章を書きます" * 30
    post.write_text(head + "\n---\n" + body + "\n")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/the-third/index.html")
    [summary] = page.xpath('//meta[@name="description"]/@content')
    assert summary == body[:200] + "…"


def test_a_summary_cut_between_characters_keeps_each_character_whole():
    from hubgen.content.markdown import shorten
    assert shorten("x" * 199 + "e\u0301" + "y" * 9) == "x" * 199 + "…"
    assert shorten("x" * 198 + "👩\u200d💻" + "y" * 9) == "x" * 198 + "…"
    assert shorten("word " * 60) == ("word " * 40).strip() + "…"


def test_an_explicit_slug_of_url_safe_characters_is_kept_as_written(hub):
    root = hub("minimal")
    posts = root / "content/posts"
    third = posts / "third.md"
    third.write_text(third.read_text().replace("slug: the-third", "slug: my_old_post"))
    second = posts / "2026-03-05-second.md"
    second.write_text(second.read_text().replace("summary:", "slug: v1.2-release\nsummary:"))
    first = posts / "2026-03-01-first-post.md"
    first.write_text(first.read_text().replace("title:", "slug: My Post\ntitle:", 1))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert sorted(p.name for p in (root / "public/posts").iterdir()) == \
        ["my-post", "my_old_post", "v1.2-release"]
    assert said(result.err, "warning") == [
        "content/posts/2026-03-01-first-post.md:2:7: warning: 'slug' 'My Post' becomes "
        "'my-post' in the address, since it holds ' '"]


def test_slugs_that_differ_only_in_case_clash(hub):
    root = hub("minimal")
    third = root / "content/posts/third.md"
    third.write_text(third.read_text().replace("slug: the-third", "slug: MyPost"))
    second = root / "content/posts/2026-03-05-second.md"
    second.write_text(second.read_text().replace("summary:", "slug: mypost\nsummary:"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "error: two items have the URL /posts/" in result.err


def test_file_names_that_differ_only_in_unicode_form_are_told_apart(hub):
    # café.md written with é as one letter (NFC) and as e plus an accent (NFD): the
    # error named two files that looked the same.
    root = hub("minimal")
    for form in ("NFC", "NFD"):
        name = unicodedata.normalize(form, "café.md")
        (root / "content/posts" / name).write_text(
            f"---\ntitle: Café {form}\ndate: 2026-01-01\n---\nHi.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "error: two items have the URL /posts/cafe/" in result.err
    assert "they differ only in how their accented letters are stored (Unicode NFC and NFD" \
        in result.err


def test_a_thread_s_explicit_slug_is_kept_as_written(hub):
    root = hub("conversations")
    thread = root / "content/threads/mastodon-brew.yaml"
    thread.write_text("slug: Brew_2026\n" + thread.read_text())
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert (root / "public/threads/Brew_2026/index.html").is_file()
