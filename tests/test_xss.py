"""Hostile community text in threads never runs: every file the build writes is inert.

The `hostile` hub (tests/sites/hostile/) puts a broad set of XSS payloads in thread titles,
message texts, inline author names and handles, and question texts. Each message starts with
a marker word (MARKER-NN) that must stay visible: the payloads become harmless text or lose
their dangerous parts, while the messages themselves still render.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from conftest import SITES, json_ld, parse_html, run_hubgen
from lxml import etree, html

THREADS = ("hostile-chat", "second-wave")
MARKERS = {
    "hostile-chat": ["MARKER-TITLE", "MARKER-Q1", "MARKER-NAME", "MARKER-NAME-STYLE",
                     *[f"MARKER-{n:02}" for n in range(1, 11)]],
    "second-wave": ["MARKER-TITLE-2", "MARKER-Q2", "MARKER-Q3", "MARKER-NAME-2",
                    *[f"MARKER-{n:02}" for n in range(11, 23)]],
}
TEXT_FILES = (".html", ".xml", ".ics", ".json", ".txt")
URL_ATTRIBUTES = {"href", "src", "action", "xlink:href", "background", "poster", "data",
                  "srcset", "cite", "codebase", "lowsrc", "dynsrc", "ping"}
NEVER_ALLOWED_ATTRIBUTES = {"srcdoc", "formaction"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
NEVER_IN_CONTENT = {"iframe", "frame", "frameset", "object", "embed", "applet", "form",
                    "isindex", "style", "base", "math"}
ICON_SHAPES = {"path", "g", "circle", "ellipse", "rect", "line", "polyline", "polygon",
               "title", "use"}
NEVER_IN_FEED_XML = {"script", "iframe", "frame", "object", "embed", "applet", "form", "style",
                     "base", "meta", "svg", "math"}
FEED_HTML_FIELDS = {"description", "encoded", "content", "summary"}
ATOM = "http://www.w3.org/2005/Atom"
LIVE_SCRIPT_TAG = re.compile(r"<script(>\s*alert|[\s/]+src)", re.IGNORECASE)
EVALUATED_TEMPLATE = re.compile(r"TPL-[A-Z] (49|36)\b")
URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


@pytest.fixture(scope="module")
def public(tmp_path_factory) -> Path:
    """The hostile hub, built once by the real command."""
    root = tmp_path_factory.mktemp("xss") / "hostile"
    shutil.copytree(SITES / "hostile", root)
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    return root / "public"


def _files(public: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in public.rglob("*") if p.is_file() and p.suffix in suffixes)


def _elements(tree) -> list:
    """Elements only: no comments or processing instructions."""
    return [el for el in tree.iter() if isinstance(el.tag, str)]


def _show(el) -> str:
    return html.tostring(el, encoding="unicode", with_tail=False)[:160]


def _dangerous_url(value: str) -> bool:
    """A URL a browser would run or load inline.

    As the URL standard does: tabs and newlines go anywhere, control characters and spaces
    at either end; the scheme is case-insensitive.
    """
    url = URL_TAB_OR_NEWLINE.sub("", value).strip(C0_AND_SPACE)
    return url.lower().startswith(BAD_SCHEMES)


def _attribute_problems(el) -> list[str]:
    return [f"{name}= on {_show(el)}" for name, value in el.attrib.items()
            if name.lower().startswith("on") or name.lower() in NEVER_ALLOWED_ATTRIBUTES
            or (name.lower() in URL_ATTRIBUTES and _dangerous_url(value))]


def _script_problem(el, theme_scripts: frozenset[str], jsonld_ok: bool) -> list[str]:
    if el.get("type") == "application/ld+json" and jsonld_ok:
        try:
            json.loads(el.text or "")
        except ValueError as exc:
            return [f"invalid JSON-LD ({exc}): {_show(el)}"]
        return []
    return [] if _show(el) in theme_scripts else [f"script: {_show(el)}"]


def _theme_icon(svg) -> bool:
    """The theme's decorative icons: hidden from readers and made of shapes only."""
    return svg.get("aria-hidden") == "true" and all(
        child.tag in ICON_SHAPES for child in _elements(svg)[1:])


def _content_problems(area) -> list[str]:
    return [f"<{el.tag}> in content: {_show(el)}" for el in _elements(area)
            if el.tag in NEVER_IN_CONTENT or (el.tag == "svg" and not _theme_icon(el))]


def live_parts(tree, areas, theme_scripts=frozenset(), jsonld_ok=False) -> list[str]:
    """Everything in `tree` a browser would run or load; `areas` hold the page's content."""
    problems = []
    for el in _elements(tree):
        problems += _attribute_problems(el)
        if el.tag == "script":
            problems += _script_problem(el, theme_scripts, jsonld_ok)
        if el.tag == "base" or (el.tag == "meta"
                                and el.get("http-equiv", "").strip().lower() == "refresh"):
            problems.append(_show(el))
    for area in areas:
        problems += _content_problems(area)
    return problems


def page_problems(page, theme_scripts: frozenset[str]) -> list[str]:
    """live_parts of a whole page: its <main> is content, and no <style> in its body."""
    areas = page.xpath("//main") or page.xpath("//body")
    styles = [f"<style> in body: {_show(el)}" for el in page.xpath("//body//style")]
    return live_parts(page, areas, theme_scripts, jsonld_ok=True) + styles


def fragment_problems(markup: str) -> list[str]:
    """live_parts of an HTML fragment, such as a feed entry's content."""
    fragment = html.fragment_fromstring(markup, create_parent="div")
    return live_parts(fragment, [fragment])


def _visible_text(page) -> str:
    nodes = page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join("".join(nodes).split())


def _has_word(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _feed_html(tree) -> list[str]:
    """The HTML of every description, content and summary element, as the feed wrote it,
    and of every RSS title (many readers show an RSS title as HTML).

    RSS descriptions and content:encoded are HTML; an Atom element is HTML only when its
    type says so (type="text", the default, is shown as text by every reader).
    """
    values = []
    for el in tree.iter(tag=etree.Element):
        name = etree.QName(el)
        kind = el.get("type", "text") if name.namespace == ATOM else "html"
        fields = FEED_HTML_FIELDS | ({"title"} if name.namespace is None else set())
        if name.localname not in fields or kind == "text":
            continue
        children = "".join(etree.tostring(c, encoding="unicode") for c in el)
        values.append(children if kind == "xhtml" else el.text or "")
    return values


def _feedparser_html(data: bytes, where: str) -> list[str]:
    """The same, as a reader's app gets it: every entry's HTML summary and content."""
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, f"{where}: {feed.get('bozo_exception')}"
    details = [d for entry in feed.entries
               for d in [entry.get("summary_detail"), *entry.get("content", [])] if d]
    return [d.value for d in details if d.type in ("text/html", "application/xhtml+xml")]


def _feed_problems(path: Path, tree) -> list[str]:
    """Live elements in the feed's XML itself, then in every piece of HTML it carries."""
    problems = [f"<{etree.QName(el).localname}> {dict(el.attrib)}"
                for el in tree.iter(tag=etree.Element)
                if etree.QName(el).localname.lower() in NEVER_IN_FEED_XML
                or any(str(name).lower().startswith("on") for name in el.attrib)]
    for markup in _feedparser_html(path.read_bytes(), path.name) + _feed_html(tree):
        problems += fragment_problems(markup)
    return problems


def test_the_hostile_hub_builds_its_thread_pages_feeds_and_people(public):
    for path in ("posts/hello/index.html", "threads/feed.xml", "people/eve/index.html",
                 *[f"threads/{slug}/{name}" for slug in THREADS
                   for name in ("index.html", "feed.xml")]):
        assert (public / path).is_file(), path


def test_no_page_holds_a_script_handler_or_dangerous_url(public):
    baseline = parse_html(public / "posts/hello/index.html")
    theme_scripts = frozenset(_show(s) for s in baseline.xpath("//script")
                              if s.get("type") != "application/ld+json")
    pages = _files(public, ".html")
    assert len(pages) >= 6
    found = {p.relative_to(public).as_posix(): page_problems(parse_html(p), theme_scripts)
             for p in pages}
    assert {path: problems for path, problems in found.items() if problems} == {}


@pytest.mark.parametrize("slug", THREADS)
def test_thread_pages_carry_json_ld_that_parses(public, slug):
    assert json_ld(parse_html(public / f"threads/{slug}/index.html"))


def test_links_in_messages_are_nofollow_ugc_noopener(public):
    page = parse_html(public / "threads/second-wave/index.html")
    links = page.xpath("//main//a[@href][contains(@href, 'links.example')"
                       " or contains(concat(' ', @class, ' '), ' mention ')"
                       " or contains(concat(' ', @class, ' '), ' hashtag ')]")
    hrefs = {a.get("href") for a in links}
    assert {"https://links.example/ok-1", "https://links.example/ok-2",
            "https://links.example/ok-3", "mailto:kim@links.example"} <= hrefs
    for a in links:
        assert {"nofollow", "ugc", "noopener"} <= set(a.get("rel", "").split()), _show(a)


@pytest.mark.parametrize("slug", THREADS)
def test_every_message_still_renders_next_to_its_payloads(public, slug):
    text = _visible_text(parse_html(public / f"threads/{slug}/index.html"))
    missing = [m for m in MARKERS[slug] if not _has_word(m, text)]
    assert missing == [], f"missing on the page: {missing}"
    feed = (public / f"threads/{slug}/feed.xml").read_text(encoding="utf-8")
    messages = [m for m in MARKERS[slug] if re.fullmatch(r"MARKER-\d\d", m)]
    assert [m for m in messages if not _has_word(m, feed)] == [], "missing in the feed"


def test_template_syntax_shows_as_written_and_is_never_evaluated(public):
    text = _visible_text(parse_html(public / "threads/second-wave/index.html"))
    for literal in ("TPL-A {{ 7*7 }} TPL-B", "TPL-C {% raw %}{{ 6*6 }}{% endraw %} TPL-D",
                    "TPL-T {{ 7*7 }} TPL-U", "TPL-N {{ 7*7 }} TPL-M", "TPL-Q {{ 7*7 }} TPL-R"):
        assert literal in text, literal
    feed = (public / "threads/second-wave/feed.xml").read_text(encoding="utf-8")
    assert "TPL-A {{ 7*7 }} TPL-B" in feed
    for path in _files(public, *TEXT_FILES):
        assert not EVALUATED_TEMPLATE.search(path.read_text(encoding="utf-8")), path


def test_feeds_parse_and_their_html_is_inert(public):
    found, feeds = {}, 0
    for path in _files(public, ".xml"):
        tree = etree.fromstring(path.read_bytes())
        if etree.QName(tree).localname in ("rss", "feed"):
            feeds += 1
            found[path.relative_to(public).as_posix()] = _feed_problems(path, tree)
    assert feeds >= 4, "the site feeds, the threads feed and one feed per thread"
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_no_file_holds_a_live_script_tag(public):
    files = _files(public, *TEXT_FILES)
    assert any(p.suffix == ".xml" for p in files)
    page = (public / "threads/hostile-chat/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the payload shows as text"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not LIVE_SCRIPT_TAG.search(text), path
        if path.suffix == ".ics":
            assert "<script" not in text.lower() and "javascript:" not in text.lower(), path


def test_a_javascript_url_for_a_person_is_a_build_error(hub):
    root = hub("hostile")
    people = root / "content/people.yaml"
    people.write_text(people.read_text().replace('"https://people.example/eve"',
                                                 '"javascript:alert(1)"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "must be an http(s) URL or a site path" in result.err
    assert not (root / "public").exists()


def test_control_characters_in_community_text_keep_the_feeds_valid(hub):
    root = hub("hostile")
    thread = root / "content/threads/second-wave.yaml"
    thread.write_text(thread.read_text() + (
        '  - id: "99"\n    author: mod\n    date: 2026-03-03T18:19:00+00:00\n'
        '    text: "MARKER-99 &#1; &#14; &#x7f; [ctl](&#1;javascript:alert(112))"\n'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    feed = root / "public/threads/second-wave/feed.xml"
    etree.fromstring(feed.read_bytes())
    assert _has_word("MARKER-99", feed.read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix", ["njk", "j2", "jinja", "svg", "txt", "html"])
def test_a_site_partial_of_any_file_name_escapes_what_it_prints(hub, suffix):
    root = hub("hostile")
    (root / "templates/partials").mkdir(parents=True)
    (root / f"templates/partials/who.{suffix}").write_text(
        '<ul id="who">{% for p, _ in conversation.participants %}<li>{{ p.name }}</li>'
        "{% endfor %}</ul>\n")
    (root / "templates/thread.html").write_text(
        '{% extends "!theme/thread.html" %}'
        f'{{% block body_extra %}}{{% include "partials/who.{suffix}" %}}{{% endblock %}}')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    who = parse_html(root / "public/threads/hostile-chat/index.html").xpath('//ul[@id="who"]')[0]
    assert [item.tag for item in who.iter()] == ["ul"] + ["li"] * len(who), "no markup of a name"
    names = [item.text for item in who]
    assert any("<img src=x onerror=alert('name')>" in name for name in names), names
    assert any("<script>alert('person')</script>" in name for name in names), names
