"""Hostile exports: an export of each platform puts XSS payloads in every field it controls
(HTML content, plain text, facets, display names, handles, titles, profile, post and media
addresses). After importing all five and building, no file of the site holds anything a
browser would run, the thread files' messages hold no raw HTML, and every message still
shows.

The page checks are tests/test_xss.py's own (`page_problems`, `fragment_problems`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import feedparser
import pytest
import yaml
from conftest import SITES, parse_html, run_hubgen
from lxml import etree
from test_xss import LIVE_SCRIPT_TAG, fragment_problems, page_problems

FIXTURES = Path(__file__).parent / "fixtures" / "platforms" / "hostile"
PLATFORMS = ("mastodon", "bluesky", "reddit", "hackernews", "discourse")
MARKERS = {"mastodon": "M", "bluesky": "B", "reddit": "R", "hackernews": "H", "discourse": "D"}
TEXT_FILES = (".html", ".xml", ".ics", ".json", ".txt")


@pytest.fixture(scope="module")
def hub_root(tmp_path_factory) -> Path:
    """The import hub with the five hostile exports imported and the site built."""
    root = tmp_path_factory.mktemp("import-xss") / "import-hub"
    shutil.copytree(SITES / "import-hub", root)
    for platform in PLATFORMS:
        extra = ["--source-url", "https://forum.evil.example/t/xss/66"] \
            if platform == "discourse" else []
        result = run_hubgen("import", platform, str(FIXTURES / f"{platform}.json"), "--slug",
                            f"hostile-{platform}", *extra, cwd=root)
        assert result.code == 0, result.err
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    return root


def _files(public: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in public.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_no_page_holds_a_script_handler_or_dangerous_url(hub_root):
    public = hub_root / "public"
    baseline = parse_html(public / "posts/hello/index.html")
    theme_scripts = frozenset(etree.tostring(s, encoding="unicode", with_tail=False)[:160]
                              for s in baseline.xpath("//script")
                              if s.get("type") != "application/ld+json")
    pages = _files(public, ".html")
    assert len(pages) >= 10
    found = {p.relative_to(public).as_posix(): page_problems(parse_html(p), theme_scripts)
             for p in pages}
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_feeds_parse_and_carry_only_inert_html(hub_root):
    feeds = 0
    for path in _files(hub_root / "public", ".xml"):
        tree = etree.fromstring(path.read_bytes())
        if etree.QName(tree).localname not in ("rss", "feed"):
            continue
        feeds += 1
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False,
                                  resolve_relative_uris=False)
        assert not parsed.bozo, path
        for entry in parsed.entries:
            for detail in [entry.get("summary_detail"), *entry.get("content", [])]:
                if detail and detail.type in ("text/html", "application/xhtml+xml"):
                    assert fragment_problems(detail.value) == [], (path, detail.value[:200])
    assert feeds >= 6, "the site feeds and one feed per imported thread"


def test_no_file_holds_a_live_script_tag(hub_root):
    page = (hub_root / "public/threads/hostile-mastodon/index.html").read_text()
    assert "&lt;script&gt;alert(10)&lt;/script&gt;" in page, "the payload shows as text"
    for path in _files(hub_root / "public", *TEXT_FILES):
        text = path.read_text(encoding="utf-8")
        assert not LIVE_SCRIPT_TAG.search(text), path


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_message_still_shows_next_to_its_payloads(hub_root, platform):
    page = parse_html(hub_root / f"public/threads/hostile-{platform}/index.html")
    text = " ".join("".join(page.xpath("//main//text()")).split())
    for number in (1, 2, 3):
        assert f"MARKER-{MARKERS[platform]}{number}" in text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_thread_files_hold_no_raw_html(hub_root, platform):
    # Message text is Markdown with no HTML. Names and titles are plain text on every
    # platform and kept as the characters they are ("Sam <they/them>"): the page tests
    # above show that no page, feed or file runs them.
    thread = yaml.safe_load((hub_root / f"content/threads/hostile-{platform}.yaml").read_text())
    for message in thread["messages"]:
        assert "<" not in message["text"], message["text"]
        assert message["url"].startswith("https://")
    people = yaml.safe_load((hub_root / "content/people.yaml").read_text())
    for key, person in people.items():
        assert re.fullmatch(r"[a-z0-9-]+", key), key
        assert "\n" not in person["name"]
        assert person.get("url", "https://").startswith("https://")
