"""The theme in the site's language: words from i18n/LANG.yaml, plural forms, dates."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml
from conftest import REPO, parse_html, run_hubgen, said
from lxml import html as lxml_html

from hubgen.build import BuildOptions, build_site
from hubgen.build.cache import BuildCache
from hubgen.render.saying import SCRIPT_WORDS

WORDS = REPO / "themes/default/i18n"
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _words(language: str) -> dict:
    return yaml.safe_load((WORDS / f"{language}.yaml").read_text())


def _forms(word) -> list[str]:
    return list(word.values()) if isinstance(word, dict) else [word]


def _english_phrases(language: str) -> set[str]:
    """The English words the language says otherwise, cut at their placeholders."""
    english, other = _words("en"), _words(language)
    phrases = set()
    for key, word in english.items():
        if key.startswith("js_"):
            continue
        for form in _forms(word):
            if form in _forms(other[key]):
                continue
            for part in re.split(r"\{\w+\}", form):
                part = part.strip(" .:()")
                if len(part) >= 4:
                    phrases.add(part)
    return phrases


def _shown(path: Path) -> str:
    """What a reader (or a screen reader) gets of a page: its text and labels."""
    page = parse_html(path)
    for script in page.xpath("//script|//style"):
        script.drop_tree()
    labels = page.xpath("//@aria-label|//@title|//@alt|//@placeholder|"
                        "//meta[contains(@name, 'description') or contains(@name, 'title') or "
                        "contains(@property, 'description') or contains(@property, 'title')]"
                        "/@content")
    return page.text_content() + "\n" + "\n".join(labels)


def _set_language(root: Path, language: str) -> None:
    config = root / "hubgen.yaml"
    config.write_text(re.sub(r"\nlanguage: \S+\n", f"\nlanguage: {language}\n",
                             config.read_text()))


def test_a_german_hub_has_no_english_theme_word_on_any_page(built):
    public = built("german-hub")
    phrases = _english_phrases("de")
    assert {"Newer posts", "Moderated by", "min read", "Skip to content"} <= phrases
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = _shown(page)
        found = sorted(p for p in phrases if re.search(rf"\b{re.escape(p)}\b", text))
        assert not found, f"{page.relative_to(public)} says {found}"
    post = (public / "posts/rueckblick/index.html").read_text()
    blob = parse_html(public / "posts/rueckblick/index.html").xpath(
        "//script[@data-comments-words]")
    assert len(blob) == 1, "the comments script is handed its German words"
    said_by_script = json.loads(blob[0].text)
    german = _words("de")
    assert said_by_script == {k[3:]: v for k, v in german.items() if k.startswith("js_")}
    assert "</script" not in blob[0].text.lower()
    assert "Kommentare laden" in post


def test_a_german_hub_counts_dates_and_feeds_in_german(built):
    public = built("german-hub")
    threads = _shown(public / "index.html")
    assert "1 Nachricht" in threads and "1 Nachrichten" not in threads
    assert "3 Nachrichten" in threads
    thread = _shown(public / "threads/erster-chat/index.html")
    assert "3 Nachrichten von 3 Stimmen" in thread
    assert "Moderiert von Tom Becker" in thread
    assert "10.03.2026, 12:01 MEZ" in thread, "a message's time, German style"
    assert "auf Wunsch der verfassenden Person entfernt" in thread
    post = _shown(public / "posts/rueckblick/index.html")
    assert "12. März 2026" in post and "Aktualisiert am 20. März 2026" in post
    assert "Von Anna Weber" in post
    upcoming = _shown(public / "threads/naechster-chat/index.html")
    assert "Mittwoch, 1. Dezember 2027" in upcoming
    assert "Seien Sie dabei am Mittwoch, 1. Dezember, 18:00 MEZ mit #KaffeeChat." in upcoming
    assert parse_html(public / "index.html").xpath("//nav[@class='pagination']/@aria-label") \
        == ["Seitennavigation"]
    feed = feedparser.parse((public / "threads/feed.xml").read_bytes())
    assert feed.feed.title == "Kaffeegespräche: Gespräche"
    summaries = {entry.title: entry.summary for entry in feed.entries}
    assert summaries["Der nächste Chat"].endswith("(Ein geplantes Gespräch)")
    assert "3 Nachrichten von 3 Stimmen" in summaries["Erster Chat: Kampagne oder Gespräch?"]
    assert "Diese Seite ist umgezogen nach" in _shown(public / "alt/rueckblick/index.html")
    assert "kimlange auf dem Forum" in _shown(public / "people/kim/index.html")
    index = parse_html(public / "page/2/index.html")
    assert index.xpath("//title/text()") == ["Kaffeegespräche (Seite 2 von 2)"]
    [event] = icalendar.Calendar.from_ical(
        (public / "threads/naechster-chat/event.ics").read_bytes()).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert "\nF1: " in description and "Q1" not in description, description


@pytest.mark.parametrize("language, newer, date", [
    ("fr", "Articles plus récents", "12 mars 2026"),
    ("es", "Artículos más recientes", "12 de marzo de 2026"),
])
def test_french_and_spanish_hubs(hub, language, newer, date):
    root = hub("german-hub")
    _set_language(root, language)
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and said(result.err, "warning") == [], result.err
    assert newer in _shown(root / "public/page/2/index.html")
    assert date in _shown(root / "public/posts/rueckblick/index.html")


def test_a_regional_language_falls_back_to_its_language(hub):
    root = hub("german-hub")
    _set_language(root, "de-AT")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and said(result.err, "warning") == [], result.err
    assert "Neuere Beiträge" in _shown(root / "public/page/2/index.html")


def test_a_site_file_changes_one_word_and_keeps_the_others(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text("newer_posts: Jüngere Beiträge\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = _shown(root / "public/page/2/index.html")
    assert "Jüngere Beiträge" in page and "Ältere Beiträge" in page


def test_a_site_template_that_makes_its_own_i18n_says_its_own_words(hub):
    # A template's i18n("key") is compiled to the word; one that sets i18n itself is not.
    root = hub("german-hub")
    (root / "templates/partials").mkdir(parents=True, exist_ok=True)
    (root / "templates/partials/footer.html").write_text(
        '{% set i18n = {"tags": "Etiketten"}.get %}\n'
        '<footer class="site-footer"><p>{{ i18n("tags") }}</p></footer>\n')
    (root / "templates/partials/badge.html").write_text(
        '{% macro badge(i18n) %}<b class="badge">{{ i18n("posts") }}</b>{% endmacro %}\n')
    (root / "templates/404.html").write_text(
        '{% extends "base.html" %}{% from "partials/badge.html" import badge %}\n'
        '{% block content %}{{ badge({"posts": "Texte"}.get) }}'
        '<p class="said">{{ i18n("tags") }}</p>{% endblock %}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/404.html")
    assert page.xpath("//footer/p/text()") == ["Etiketten"]
    assert page.xpath("//b[@class='badge']/text()") == ["Texte"]
    assert page.xpath("//p[@class='said']/text()") == ["Schlagwörter"]
    assert "Schlagwörter" in page.xpath("string(//nav[@class='site-nav'])")


def test_the_site_s_words_win_over_its_theme_s_and_those_over_the_default(hub):
    root = hub("german-hub")
    theme = root / "themes/brand"
    (theme / "i18n").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    (theme / "i18n/de.yaml").write_text(
        "newer_posts: Neuere Texte\nolder_posts: Ältere Texte\n")
    (theme / "i18n/en.yaml").write_text("pagination: Pages\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: brand\n")
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text("older_posts: Frühere Texte\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and said(result.err, "warning") == [], result.err
    page = parse_html(root / "public/page/2/index.html")
    shown = _shown(root / "public/page/2/index.html")
    assert "Neuere Texte" in shown and "Frühere Texte" in shown
    assert "Ältere Texte" not in shown
    assert page.xpath("//nav[@class='pagination']/@aria-label") == ["Seitennavigation"], \
        "the default theme's German comes before any English"


def test_a_polish_site_file_says_each_plural_form(hub):
    root = hub("german-hub")
    _set_language(root, "pl")
    (root / "i18n").mkdir()
    (root / "i18n/pl.yaml").write_text(
        'messages_count: {one: "{count} komentarz", few: "{count} komentarze", '
        'many: "{count} komentarzy", other: "{count} komentarza"}\n')
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        '{% extends "!theme/page.html" %}{% block body %}'
        '{% for n in [1, 3, 5, 22] %}<p class="count">{{ i18n("messages_count", count=n) }}'
        '</p>{% endfor %}{% endblock %}')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/ueber/index.html")
    assert page.xpath("//p[@class='count']/text()") == [
        "1 komentarz", "3 komentarze", "5 komentarzy", "22 komentarze"]


def test_a_site_template_s_dates_are_in_the_language(hub):
    root = hub("german-hub")
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        '{% extends "!theme/page.html" %}{% block body %}'
        '<p class="d">{{ "2026-03-12"|date }}</p>'
        '<p class="d">{{ "2026-03-12"|date("%A, %-d. %B %Y") }}</p>'
        '<p class="d">{{ "2026-03-12"|date("%a %b") }}</p>'
        '<p class="d">{{ "2026-03-12 15:00"|date("medium_time") }}</p>'
        '<p class="d">{{ "2026-03-12"|date("%%B %%-d: %B") }}</p>{% endblock %}')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/ueber/index.html")
    assert page.xpath("//p[@class='d']/text()") == [
        "12. März 2026", "Donnerstag, 12. März 2026", "Do. März", "12.03.2026, 15:00 MEZ",
        "%B %-d: März"]   # '%%' is a percent sign, never the start of a name


def test_a_language_without_words_warns_once_and_speaks_english(hub):
    root = hub("german-hub")
    _set_language(root, "sv")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    warnings = said(result.err, "warning")
    assert len(warnings) == 1 and "'sv'" in warnings[0], result.err
    assert "i18n/sv.yaml" in result.err
    assert "Newer posts" in _shown(root / "public/page/2/index.html")
    post = _shown(root / "public/posts/rueckblick/index.html")
    assert "March 12, 2026" in post and "mars" not in post, "its dates are English too"
    strict = run_hubgen("build", "--strict", cwd=root)
    assert strict.code != 0 and len(said(strict.err, "error")) == 1, strict.err


def test_mistakes_in_a_word_file_are_told_where_they_are(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text(
        "newr_posts: Jüngere Beiträge\n"
        "older_posts: [Ältere, Beiträge]\n"
        'messages_count: {one: "{count} Nachricht", several: "{count} Nachrichten"}\n'
        "moderated_by: Moderiert von {nmae}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code != 0
    errors = said(result.err, "error")
    assert any(line.startswith("i18n/de.yaml:2:14: error:") for line in errors), result.err
    assert any(line.startswith("i18n/de.yaml:3:") and "'several'" in line
               for line in errors), result.err
    assert any(line.startswith("i18n/de.yaml:3:") and "'other'" in line
               for line in errors), result.err
    assert any(line.startswith("i18n/de.yaml:4:") and "{nmae}" in line
               for line in errors), result.err
    warning = [line for line in said(result.err, "warning") if "newr_posts" in line]
    assert warning and warning[0].startswith("i18n/de.yaml:1:1:"), result.err
    assert "did you mean 'newer_posts'?" in result.err


def test_a_placeholder_with_a_format_is_told_in_the_word_file_alone(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text(
        'messages_count: {one: "{count:>5} Nachricht", other: "{count!r} Nachrichten"}\n'
        'newer_posts: "{count.__class__} Beiträge"\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    errors = said(result.err, "error")
    assert [line.split(": error:")[0] for line in errors] == [
        "i18n/de.yaml:1:23", "i18n/de.yaml:1:54", "i18n/de.yaml:2:14"], result.err


def test_a_misspelt_word_in_a_template_stops_the_build_at_its_line(hub):
    # It would show the key itself, "newer_postz", on every page of the published hub.
    root = hub("german-hub")
    assert run_hubgen("build", cwd=root).code == 0
    before = (root / "public/404.html").read_bytes()
    (root / "templates/partials").mkdir(parents=True, exist_ok=True)
    (root / "templates/partials/footer.html").write_text(
        '<footer class="site-footer">\n<p>{{ i18n("tags") }}</p>\n'
        '<p>{{ i18n("newer_postz") }}</p>\n</footer>\n')
    (root / "templates/404.html").write_text(
        '{% extends "!theme/404.html" %}\n'
        '{% block content %}{{ i18n("shop_open", hours=9) }}{% endblock %}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "templates/404.html:2:1: error: template error: i18n('shop_open'): no word file has "
        "that key",
        "templates/partials/footer.html:3:1: error: template error: i18n('newer_postz'): no "
        "word file has that key"], result.err
    assert re.search(r"hint: did you mean 'newer_posts?'\? Or add newer_postz to i18n/en\.yaml",
                     result.err), result.err
    assert "hint: add shop_open: ... to i18n/en.yaml beside hubgen.yaml" in result.err
    assert (root / "public/404.html").read_bytes() == before
    # A word of the site's own, in its English file and its language's, is said.
    (root / "i18n").mkdir()
    (root / "i18n/en.yaml").write_text("shop_open: Open from {hours}\n")
    (root / "i18n/de.yaml").write_text("shop_open: Geöffnet ab {hours} Uhr\n")
    (root / "templates/partials/footer.html").write_text(
        '<footer class="site-footer"><p>{{ i18n("newer_posts") }}</p></footer>\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/404.html")
    assert "Geöffnet ab 9 Uhr" in page.text_content()
    assert page.xpath("//footer/p/text()") == ["Neuere Beiträge"]


def test_a_word_file_that_is_no_yaml_is_told_with_its_place(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text("newer_posts: Jüngere Beiträge\nolder_posts: [oops\n")
    result = run_hubgen("build", cwd=root)
    assert result.code != 0
    assert re.search(r"^i18n/de\.yaml:\d+:\d+: error:", result.err, re.M), result.err


def test_a_word_edited_under_the_cache_equals_a_clean_build(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    words = root / "i18n/de.yaml"
    words.write_text("newer_posts: Jüngere Beiträge\nheading_link: Hierher verlinken\n")
    options = BuildOptions(root=root, now=NOW, output=root / "public")
    cache = BuildCache()
    build_site(options, cache=cache, write=False)
    words.write_text("newer_posts: Frischere Beiträge\nheading_link: Abschnitt verlinken\n")
    incremental = build_site(options, cache=cache, write=False).files
    clean = build_site(options, write=False).files
    assert incremental == clean
    assert "Frischere Beiträge" in incremental["page/2/index.html"].decode()
    post = lxml_html.fromstring(incremental["posts/bohnen/index.html"])
    assert set(post.xpath("//a[@class='heading-anchor']/@title")) == {"Abschnitt verlinken"}


def test_a_word_file_replaced_by_one_of_the_same_size_and_time_is_read_again(hub):
    root = hub("german-hub")
    (root / "i18n").mkdir()
    words = root / "i18n/de.yaml"
    words.write_text("newer_posts: Jüngere Beiträge\n")
    options = BuildOptions(root=root, now=NOW, output=root / "public")
    build_site(options, write=False)
    stamp = words.stat()
    replacement = root / "i18n/.de.yaml.new"   # as a checkout or a copy keeping times does
    replacement.write_text("newer_posts: Neuere Geschichten\n")
    assert replacement.stat().st_size == stamp.st_size
    os.utime(replacement, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.replace(replacement, words)
    page = build_site(options, write=False).files["page/2/index.html"].decode()
    assert "Neuere Geschichten" in page


def test_an_english_hub_keeps_its_words_and_dates(built):
    public = built("conversations")
    home = _shown(public / "index.html")
    assert "Latest posts" in home and "Skip to content" in home
    assert re.search(r"\b(January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) \d{1,2}, \d{4}\b", home)
    assert not parse_html(public / "index.html").xpath("//script[@data-comments-words]")


def test_the_comments_script_says_its_notices_in_german(hub):
    from browser import chromium
    from serving import static_server
    root = hub("german-hub")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    # The words come in a JSON block the browser never runs: the site's policy, which
    # allows no inline script, lets the page read them.
    policy = ("Content-Security-Policy: default-src 'self'; script-src 'self' "
              "https://giscus.app; frame-src https://giscus.app")
    with static_server(root / "public", [policy]) as base, chromium() as browser:
        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.route("https://giscus.app/**", lambda route: route.abort())
        page.goto(base + "posts/rueckblick/")
        button = page.locator("[data-comments-load]")
        assert button.inner_text() == "Kommentare laden"
        button.click()
        note = page.locator("[data-comments-target] .comments__failed")
        note.wait_for(timeout=5000)
        assert note.inner_text() == (
            "Die Kommentare konnten gerade nicht geladen werden: Ein Inhaltsblocker oder das "
            "Netzwerk hält giscus (GitHub Discussions) womöglich auf. Versuchen Sie es später "
            "noch einmal.")
        assert not [line for line in console if "Content Security Policy" in line], console


def test_a_word_file_made_while_serving_is_watched(hub):
    from serving import wait_until

    from hubgen.serve import ServeOptions, ServeSession
    root = hub("german-hub")
    session = ServeSession(ServeOptions(BuildOptions(root=root), port=0))
    session.start()
    try:
        assert "Neuere Beiträge" in session.state.snapshot.files["page/2/index.html"].decode()
        (root / "i18n").mkdir()
        (root / "i18n/de.yaml").write_text("newer_posts: Jüngere Beiträge\n")
        assert wait_until(lambda: "Jüngere Beiträge" in
                          session.state.snapshot.files["page/2/index.html"].decode())
    finally:
        session.stop()


@pytest.mark.parametrize("width", [320, 390])
def test_the_german_demo_fits_a_small_phone(tmp_path, width):
    """German words are long: no page scrolls sideways, and no button, menu or meta line
    runs out of its box."""
    from browser import chromium
    from serving import static_server
    from test_demo import _build_demo
    from test_theme_browser import PAGES
    public = _build_demo(tmp_path, language="de")
    spilled = """() => [...document.querySelectorAll(
        '.button, .pagination__link, .post-nav__link, .site-nav a, .meta, .card__kind, '
        + '.comments__remember, .eyebrow')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.className + ': ' + e.textContent.trim().slice(0, 40))"""
    with static_server(public) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        wrong, german = {}, 0
        for path in PAGES:
            page.goto(base + path.lstrip("/"))
            scroll = page.evaluate("document.documentElement.scrollWidth")
            found = page.evaluate(spilled)
            if scroll > width or found:
                wrong[path] = (scroll, found)
            german += "Zum Inhalt springen" in page.content()
    assert german == len(PAGES), "the pages are in German"
    assert wrong == {}


def _replies_notice(page_path: Path) -> dict[str, str]:
    """What the replies section of a page tells its reader of the provider."""
    [section] = parse_html(page_path).xpath("//section[@data-hubgen-comments]")

    def shown(xpath: str) -> str:
        return " ".join(section.xpath(xpath)[0].text_content().split())
    return {"name": section.get("data-provider-name"),
            "remember": shown(".//label[@class='comments__remember']"),
            "forget": shown(".//button[@data-comments-forget]")}


def test_mastodon_and_bluesky_replies_are_named_in_the_site_s_language(hub):
    root = hub("comments-fediverse")
    _set_language(root, "de")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    posts = root / "public/posts"
    assert _replies_notice(posts / "mastodon-replies/index.html") == {
        "name": "Antworten von Mastodon",
        "remember": "Meine Wahl für Antworten von Mastodon auf dieser Website merken",
        "forget": "Antworten von Mastodon nicht mehr automatisch laden"}
    assert _replies_notice(posts / "bluesky-replies/index.html")["name"] == \
        "Antworten von Bluesky"
    # The site's own word wins over the theme's.
    (root / "i18n").mkdir()
    (root / "i18n/de.yaml").write_text("mastodon_replies: Mastodon-Antworten\n")
    assert run_hubgen("build", cwd=root).code == 0
    assert _replies_notice(posts / "mastodon-replies/index.html")["forget"] == \
        "Mastodon-Antworten nicht mehr automatisch laden"


def test_an_english_site_names_mastodon_replies_as_it_always_did(built):
    public = built("comments-fediverse")
    assert _replies_notice(public / "posts/mastodon-replies/index.html") == {
        "name": "Mastodon replies",
        "remember": "Remember my choice for Mastodon replies on this site",
        "forget": "Stop loading Mastodon replies automatically"}


def test_markdown_s_own_titles_are_in_the_site_s_language(hub):
    root = hub("german-hub")
    (root / "content/posts/2026-03-15-fussnoten.md").write_text(
        "---\ntitle: Fußnoten\n---\n## Herkunft\n\nAus Huila.[^1]\n\n[^1]: Kolumbien.\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    post = parse_html(root / "public/posts/fussnoten/index.html")
    assert post.xpath("//a[@class='heading-anchor']/@title") == ["Link zu diesem Abschnitt"]
    assert post.xpath("//a[@class='footnote-backref']/@title") == ["Zurück zum Text"]
    # A title the site sets in its Markdown settings stays as written.
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "markdown: {extension_configs: "
                      "{toc: {permalink_title: Anker}}}\n")
    assert run_hubgen("build", cwd=root).code == 0
    post = parse_html(root / "public/posts/fussnoten/index.html")
    assert post.xpath("//a[@class='heading-anchor']/@title") == ["Anker"]
    assert post.xpath("//a[@class='footnote-backref']/@title") == ["Zurück zum Text"]


def test_an_empty_word_file_under_the_cache_gives_the_language_its_dates(hub):
    root = hub("german-hub")
    _set_language(root, "sv")
    options = BuildOptions(root=root, now=NOW, output=root / "public")
    cache = BuildCache()
    build_site(options, cache=cache, write=False)
    (root / "i18n").mkdir()
    (root / "i18n/sv.yaml").write_text("")   # English words are meant, in Swedish dates
    incremental = build_site(options, cache=cache, write=False).files
    assert incremental == build_site(options, write=False).files
    post = incremental["posts/rueckblick/index.html"].decode()
    assert "12 mars 2026" in post and "Newer posts" in incremental["page/2/index.html"].decode()


@pytest.mark.parametrize("written, tag", [("DE", "de"), ("de-at", "de-AT"), ("DE-at", "de-AT")])
def test_a_language_tag_finds_its_words_whatever_its_case(hub, written, tag):
    root = hub("german-hub")
    _set_language(root, written)
    (root / "i18n").mkdir()
    (root / "i18n/de-at.yaml").write_text("older_posts: Frühere Beiträge\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and said(result.err, "warning") == [], result.err
    page = root / "public/page/2/index.html"
    assert parse_html(page).get("lang") == tag
    assert "Neuere Beiträge" in _shown(page)
    assert ("Frühere Beiträge" in _shown(page)) == (tag == "de-AT"), \
        "a word file's name is a language tag in any case too"
    feed = feedparser.parse((root / "public/feed.xml").read_bytes())
    assert feed.feed.language == tag


def _script_s_own_words() -> dict:
    """The English words js/comments.js holds itself: its WORDS literal, read as JSON."""
    script = (REPO / "themes/default/static/js/comments.js").read_text(encoding="utf-8")
    literal = re.search(r"const WORDS = Object\.assign\((\{\n.*?\n  \}), pageWords\(\)\)",
                        script, re.DOTALL)
    assert literal, "js/comments.js no longer starts its words as WORDS = Object.assign({…"
    return json.loads(re.sub(r"^(\s*)(\w+):", r'\1"\2":', literal[1], flags=re.MULTILINE))


def test_the_comments_script_s_own_words_are_en_yaml_s():
    # An English page hands the script no words, for it says en.yaml's js_ words itself:
    # were its own to drift from them, English pages would say other words than en.yaml.
    english = {key.removeprefix(SCRIPT_WORDS): word for key, word in _words("en").items()
               if key.startswith(SCRIPT_WORDS)}
    assert len(english) > 30
    assert _script_s_own_words() == english
