"""The demo hub at the repository root: what a person who clones the repo gets."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import feedparser
from conftest import REPO, parse_html, run_hubgen

# The demo is written as of this day; SOURCE_DATE_EPOCH pins "now" so its upcoming chat
# stays upcoming whenever the suite runs.
DEMO_DAY = str(int(datetime(2026, 11, 22, tzinfo=UTC).timestamp()))


def _build_demo(tmp_path, language: str = "en"):
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("hubgen.yaml", "content", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("\nlanguage: en\n", f"\nlanguage: {language}\n"))
    if not (REPO / f"themes/default/i18n/{language.split('-')[0]}.yaml").is_file():
        # A language hubgen has no words in: an empty word file says English ones are meant.
        (root / "i18n").mkdir()
        (root / f"i18n/{language}.yaml").write_text("# The theme's English words, for now.\n")
    result = run_hubgen("build", cwd=root, env={"SOURCE_DATE_EPOCH": DEMO_DAY})
    assert result.code == 0, result.err
    assert result.err == "", "the demo builds with no warning"
    return root / "public"


def test_the_demo_hub_builds_with_no_warning_and_shows_posts_tags_and_authors(tmp_path):
    public = _build_demo(tmp_path)
    posts = [p for p in (public / "posts").iterdir() if (p / "index.html").is_file()]
    assert len(posts) >= 8
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) >= 8
    assert len({e.author for e in feed.entries}) >= 2
    assert len([p for p in (public / "tags").iterdir() if p.is_dir()]) >= 4
    assert parse_html(public / "about/index.html").xpath("//h1")
    people = parse_html(public / "people/index.html")
    assert people.xpath('//section[@aria-labelledby="brand"]//a')
    assert people.xpath('//section[@aria-labelledby="community"]//a')


def test_the_demo_hub_has_the_four_kinds_of_conversation(tmp_path):
    public = _build_demo(tmp_path)
    threads = parse_html(public / "threads/index.html")
    cards = threads.xpath('//main//article[contains(@class, "card--thread")]')
    assert len(cards) >= 4
    chat = parse_html(public / "threads/northwindchat-decaf-done-right/index.html")
    assert len(chat.xpath('//section[contains(@class, "question-group")]')) == 3
    assert len(chat.xpath('//li[contains(@class, "message")]')) >= 24
    assert chat.xpath('//li[contains(@class, "message--moderator")]')
    mastodon = parse_html(public / "threads/cold-brew-ratios-on-mastodon/index.html")
    assert mastodon.xpath('//li[contains(@class, "message")]//li[contains(@class, "message")]'
                          '//li[contains(@class, "message")]'), "replies nest three deep"
    forum = parse_html(public / "threads/forum-grinder-burrs/index.html")
    assert forum.xpath('//li[contains(@class, "message--brand")]'), "the brand answers"
    assert (public / "threads/northwindchat-holiday-brewing/event.ics").is_file()
    home = parse_html(public / "index.html")
    assert home.xpath('//*[@aria-labelledby="upcoming"]//a')
    assert home.xpath('//*[@aria-labelledby="recent-conversations"]//article')
    assert home.xpath('//*[@id="latest"]')


def test_each_voice_shows_its_handle_on_the_thread_s_own_network(tmp_path):
    public = _build_demo(tmp_path)

    def handles(slug):
        page = parse_html(public / f"threads/{slug}/index.html")
        return {(head.xpath('string(.//*[contains(@class, "message__who")]/a'
                            ' | .//*[contains(@class, "message__who")]/span[1])').strip(),
                 head.xpath('string(.//*[contains(@class, "message__handle")])').strip())
                for head in page.xpath('//header[contains(@class, "message__head")]')}

    forum = handles("forum-grinder-burrs")
    assert ("Ben Okafor", "u/northwind_ben") in forum
    assert all(not handle.startswith("@") for _, handle in forum), forum
    mastodon = handles("cold-brew-ratios-on-mastodon")
    assert ("Ana Ruiz", "@ana@social.northwind.example") in mastodon
    assert all(not handle.startswith("u/") for _, handle in mastodon), mastodon
    chat = handles("northwindchat-decaf-done-right")
    # An X chat shows X handles only: never a Reddit or a fediverse one.
    assert [h for _, h in chat if h.startswith("u/") or h.count("@") > 1] == [], chat
    for name, handle in forum | mastodon | chat:
        assert handle != name, "a handle that only repeats the name is not shown"


def test_people_without_a_bio_are_shown_where_they_speak(tmp_path):
    public = _build_demo(tmp_path)
    people = parse_html(public / "people/index.html")

    def card(name):
        [found] = people.xpath(f'//li[@class="person-card"][.//a[text()="{name}"]]')
        return (found.xpath('string(.//*[contains(@class, "avatar")])'),
                found.xpath('string(.//p[contains(@class, "person-card__bio")])').strip())
    assert card("Jo Pereira") == ("JP", "@jo@toot.example on Mastodon")
    # A Reddit name is its handle: it is not said twice, and its initials are its words'.
    assert card("u/ceramic_and_stubborn") == ("CS", "On Reddit")
    assert card("Ana Ruiz")[1].startswith("Community lead at Northwind.")
    jo = parse_html(public / "people/mastodon-jo-toot-example/index.html")
    meta = jo.xpath('//header[@class="person__header"]//p[contains(@class, "parts")]')[0]
    assert [part.text_content().strip() for part in meta] == [
        "Website", "@jo@toot.example on Mastodon"]
    # A community member's website (an import takes it from their profile) earns no ranking.
    assert meta.xpath('.//a[text()="Website"]/@rel') == ["nofollow ugc noopener"]
    ana = parse_html(public / "people/nw-ana/index.html")
    assert ana.xpath('//header[@class="person__header"]//a[text()="Website"]/@rel') == [
        "noopener"], "the brand's own people are vouched for"
    # How many of their messages the page quotes: one message, two messages.
    headings = {path.parent.name: parse_html(path).xpath('string(//h2[@id="said"])')
                for path in (public / "people").glob("*/index.html")}
    assert headings["reddit-moka-max"] == "In the conversations (1 message)"
    assert headings["nw-ana"] == "In the conversations (7 messages)"


def test_a_listing_that_runs_over_pages_says_page_1_of_2_alike_everywhere(tmp_path):
    public = _build_demo(tmp_path)
    said = {path: parse_html(public / path / "index.html").xpath(
                'string(//*[contains(@class, "listing__sub")]/span[starts-with('
                'translate(., "P", "p"), "page ")])')
            for path in ("page/2", "tags/community", "tags/community/page/2")}
    assert said == {"page/2": "Page 2 of 3", "tags/community": "Page 1 of 2",
                    "tags/community/page/2": "Page 2 of 2"}


def test_the_demo_hub_checks_clean(tmp_path):
    public = _build_demo(tmp_path)
    result = run_hubgen("check", cwd=public.parent, env={"SOURCE_DATE_EPOCH": DEMO_DAY})
    assert result.code == 0, result.out
    assert "Check passed: 0 errors, 0 warnings." in result.out
    assert "is waiting for a brand reply" in result.out


def test_a_post_page_shows_where_it_is_in_the_menu(tmp_path):
    public = _build_demo(tmp_path)
    nav = parse_html(public / "posts/notes-from-huila/index.html").xpath(
        '//nav[@aria-label="Main"]')[0]
    assert nav.xpath('.//a[@class="is-section"]/text()') == ["Posts"]
    home = parse_html(public / "index.html").xpath('//nav[@aria-label="Main"]')[0]
    assert home.xpath('.//a[@aria-current="page"]/text()') == ["Posts"]


def test_an_embedded_upcoming_chat_says_when_and_who_hosts_it(tmp_path):
    public = _build_demo(tmp_path)
    post = parse_html(public / "posts/ten-months-of-listening/index.html")
    [chat] = [embed for embed in post.xpath('//aside[contains(@class, "embed")]')
              if "holiday" in embed.xpath("string(.//a/@href)")]
    text = " ".join(chat.text_content().split())
    assert "Upcoming conversation" in text
    assert "Moderated by Tom Martin" in text and "December 10, 2026 at 8:00 PM" in text
    assert "0 messages" not in text
    [quote] = post.xpath('//aside[contains(@class, "embed--message")]')
    assert "Tom Martin" in quote.xpath('string(.//footer)')
