"""Curated threads and the people in them: reading, pages, feeds, calendar, structured data."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta

import feedparser
import icalendar
import pytest
from conftest import all_files, json_ld, parse_html, renumber_embedded_message, run_hubgen, said

BROKEN_THREAD = """\
content/people.yaml:2:27: error: 'url' of 'kim' must be an http(s) URL or a site path, got 'javascript:alert(1)'
    kim: {name: Kim Lee, url: "javascript:alert(1)"}
                              ^
  hint: write https://... or a path starting with '/'.
content/people.yaml:4:30: error: 'avatar' of 'sam' must be an http(s) URL or a site path, got 'ftp://x.example/sam.png'
    sam: {name: Sam Doe, avatar: "ftp://x.example/sam.png"}
                                 ^
  hint: write https://... or a path starting with '/'.
content/people.yaml:5:28: error: unknown role 'founder' for 'pat'
    pat: {name: Pat Lee, role: founder}
                               ^
  hint: choose one of brand, moderator, community.
content/threads/bad.yaml:3:20: error: unknown platform 'myspace'
    source: {platform: myspace, url: "https://myspace.example/1"}
                       ^
  hint: known platforms: twitter, mastodon, bluesky, reddit, hackernews, discourse, forum.
content/threads/bad.yaml:4:9: error: unknown status 'finished'
    status: finished
            ^
  hint: choose one of upcoming, live, archived.
content/threads/bad.yaml:5:12: error: the moderator 'tomm' is not a person of content/people.yaml
    moderator: tomm
               ^
  hint: did you mean 'tom'?
content/threads/bad.yaml:10:10: error: duplicate message id '1' (first at line 9)
      - {id: "1", author: ana, date: 2026-01-10T12:02:00Z, text: "Again"}
             ^
  hint: give each message its own id.
content/threads/bad.yaml:11:81: error: 'reply_to: 9' names no message of this thread
      - {id: "2", author: ana, date: 2026-01-10T12:03:00Z, text: "Reply", reply_to: "9"}
                                                                                    ^
  hint: use the id of an earlier message.
content/threads/bad.yaml:12:81: error: 'answers: q7' names no question of this thread
      - {id: "3", author: ana, date: 2026-01-10T12:04:00Z, text: "Answer", answers: q7}
                                                                                    ^
  hint: known questions: q1.
content/threads/bad.yaml:13:23: error: unknown person 'anna': no such key in content/people.yaml
      - {id: "4", author: anna, date: 2026-01-10T12:05:00Z, text: "Who am I?"}
                          ^
  hint: did you mean 'ana'?
content/threads/bad.yaml:14:85: warning: message '5' is dated before the message '1' it replies to
      - {id: "5", author: ana, date: 2026-01-10T11:00:00Z, text: "Too early", reply_to: "1"}
                                                                                        ^
  hint: check both dates and their offsets.
content/threads/bad.yaml:15:86: error: messages reply to each other in a circle: 6 → 7 → 6
      - {id: "6", author: ana, date: 2026-01-10T12:06:00Z, text: "Circle one", reply_to: "7"}
                                                                                         ^
  hint: one of them must reply to an earlier message, or to none.
content/threads/bad.yaml:15:86: warning: message '6' is dated before the message '7' it replies to
      - {id: "6", author: ana, date: 2026-01-10T12:06:00Z, text: "Circle one", reply_to: "7"}
                                                                                         ^
  hint: check both dates and their offsets.
Build failed: 11 errors; the previous output is untouched.
"""


def test_thread_and_people_mistakes_are_reported_together_with_exact_places(hub):
    root = hub("broken-thread")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err == BROKEN_THREAD


def test_an_unknown_key_of_a_person_is_a_warning_at_the_key_with_the_nearest_one(hub):
    root = hub("conversations")
    people = root / "content/people.yaml"
    text = people.read_text()
    people.write_text(text + "lee:\n  name: Lee Park\n  bi0: Roasts on Sundays\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    line = len(text.splitlines()) + 3
    assert said(result.err, "warning") == [
        f"content/people.yaml:{line}:3: warning: unknown key 'bi0' for person 'lee'"]
    assert "did you mean 'bio'?" in result.err


def test_a_draft_thread_with_a_published_thread_s_slug_never_shows_its_messages(hub):
    root = hub("conversations")
    (root / "content/threads/other.yaml").write_text(
        'title: Another chat\ndraft: true\nslug: chat-one\n'
        'date: 2026-03-11T12:00:00-04:00\n'
        'source: {platform: bluesky, url: "https://bsky.app/profile/talk.example/post/1"}\n'
        'messages:\n  - {id: "1", author: raj, date: 2026-03-11T12:01:00-04:00, '
        'text: "DRAFT-WORDS from the other chat"}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    leaked = [name for name, data in all_files(public).items() if b"DRAFT-WORDS" in data]
    assert leaked == []
    page = parse_html(public / "threads/chat-one/index.html")
    assert len(_messages(page)) == 8, "the published thread's own messages"


def test_an_upcoming_thread_s_prepared_messages_are_published_nowhere(hub):
    root = hub("conversations")
    chat = root / "content/threads/next-chat.yaml"
    chat.write_text(chat.read_text() + 'messages:\n  - {id: "1", author: tom, '
                    'date: 2099-06-01T19:01:00-04:00, text: "Q1: PREPARED-WORDS"}\n')
    post = root / "content/posts/2026-03-12-recap.md"
    post.write_text(post.read_text() + "\n{{< message next-chat 1 >}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    line = len(post.read_text().splitlines())
    assert f"content/posts/2026-03-12-recap.md:{line}:1: warning: the thread 'next-chat' is " \
           "upcoming: its message '1' is not shown until it is live" in result.err
    public = root / "public"
    leaked = [name for name, data in all_files(public).items() if b"PREPARED-WORDS" in data]
    assert leaked == []
    assert b"2099-06-01T19:01" not in (public / "sitemap.xml").read_bytes()
    assert "What should we roast next?" in parse_html(
        public / "threads/next-chat/index.html").text_content()


def _messages(page, section_id=None):
    scope = f'//section[@aria-labelledby="{section_id}"]' if section_id else "//main"
    return page.xpath(f'{scope}//li[contains(@class, "message")]')


def _depth(element) -> int:
    return len(element.xpath('ancestor::li[contains(@class, "message")]'))


def test_replies_nest_under_what_they_answer_and_questions_group_answers(built):
    public = built("conversations")
    page = parse_html(public / "threads/mastodon-brew/index.html")
    depths = {li.get("id"): _depth(li) for li in _messages(page)}
    assert depths == {"m-a": 0, "m-b": 1, "m-c": 2, "m-d": 3, "m-e": 4, "m-f": 4}
    [f] = page.xpath('//li[@id="m-f"]')
    assert f.xpath('ancestor::li[1]/@id') == ["m-d"]

    chat = parse_html(public / "threads/chat-one/index.html")
    q1 = [li.get("id") for li in _messages(chat, "q-q1")]
    q2 = [li.get("id") for li in _messages(chat, "q-q2")]
    assert q1 == ["m-1", "m-2", "m-3", "m-4", "m-5"]
    assert q2 == ["m-6", "m-7"]
    assert [li.get("id") for li in _messages(chat, "more")] == ["m-8"]
    heading = chat.xpath('//h2[@id="q-q1"]')[0].text_content()
    assert "Q1" in heading and "What is a conversation?" in heading


TWEETCHAT_OF_REPLIES = """\
title: Answers as replies
date: 2026-03-01T12:00:00-04:00
source: {platform: twitter, url: "https://x.com/talk/status/9"}
status: archived
moderator: tom
questions:
  - {id: q1, text: "What is a conversation?"}
  - {id: q2, text: "How do brands listen?"}
messages:
  - {id: "1", author: tom, text: "Q1: What is a conversation?"}
  - {id: "2", author: kim, text: "A1: both sides listen", reply_to: "1", answers: q1}
  - {id: "3", author: raj, text: "A1: a dialogue", reply_to: "1", answers: q1}
  - {id: "4", author: ana, text: "Agreed", reply_to: "3"}
  - {id: "5", author: kim, text: "A2: by reading", reply_to: "4", answers: q2}
  - {id: "6", author: raj, text: "Nice chat"}
"""


def test_answers_replying_to_the_question_s_message_are_grouped_under_it(hub):
    root = hub("conversations")
    (root / "content/threads/replies.yaml").write_text(TWEETCHAT_OF_REPLIES)
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/threads/replies/index.html")
    placed = {section: [(li.get("id"), _depth(li)) for li in _messages(page, section)]
              for section in ("q-q1", "q-q2", "more")}
    # The moderator's question heads its answers; a reply to an answer stays under it, and
    # an answer to another question replying there heads that question's answers.
    assert placed == {"q-q1": [("m-1", 0), ("m-2", 1), ("m-3", 1), ("m-4", 2)],
                      "q-q2": [("m-5", 0)], "more": [("m-6", 0)]}
    assert not page.xpath('//p[@class="empty"]')
    assert len(_messages(page)) == 6
    assert "6 messages from 4 voices" in page.xpath('//p[@class="meta parts"]')[0].text_content()


def test_brand_voices_moderator_featured_times_and_original_links_are_marked(built):
    public = built("conversations")
    page = parse_html(public / "threads/chat-one/index.html")
    [ana] = page.xpath('//li[@id="m-3"]')
    assert "message--brand" in ana.get("class")
    assert ana.xpath('.//*[contains(@class, "voice__mark--brand")]')[0].text == "Talk Co"
    [tom] = page.xpath('//li[@id="m-1"]')
    assert "message--moderator" in tom.get("class")
    [kim] = page.xpath('//li[@id="m-2"]')
    assert "message--featured" in kim.get("class")
    time = kim.xpath('./article//time')[0]
    assert time.get("datetime") == "2026-03-10T12:03:00-04:00"
    assert time.text == "Mar 10, 2026, 12:03 PM EDT"
    assert kim.xpath('./article//a[@href="https://x.com/kim/status/12"]')[0].text == \
        "View original"
    assert page.xpath('//section[@aria-labelledby="highlights"]//blockquote')
    join = page.xpath('//a[@href="https://x.com/talk/status/1"]')
    assert join and join[0].text == "Join the conversation on X"
    mastodon = parse_html(public / "threads/mastodon-brew/index.html")
    assert mastodon.xpath('//a[@href="https://social.example/@talk/100"]')[0].text == \
        "Reply on Mastodon"
    hashtag = mastodon.xpath('//li[@id="m-a"]//a[@class="hashtag"]')[0]
    assert hashtag.get("href") == "https://social.example/tags/brewing"
    assert hashtag.get("rel") == "nofollow ugc noopener"


def test_participants_are_listed_with_how_often_each_spoke(built):
    public = built("conversations")
    page = parse_html(public / "threads/mastodon-brew/index.html")
    rows = [" ".join(li.text_content().split())
            for li in page.xpath('//section[@aria-labelledby="participants"]//li')]
    assert rows == ["KL Kim Lee 2 messages", "RP Raj Patel 2 messages",
                    "AR Ana Ruiz Talk Co 1 message", "BO Ben Okafor Talk Co 1 message"]


def test_upcoming_chat_on_the_home_page_with_a_calendar_file(built):
    public = built("conversations")
    home = parse_html(public / "index.html")
    upcoming = home.xpath('//*[@aria-labelledby="upcoming"]')[0]
    assert "The next chat" in upcoming.text_content()
    assert upcoming.xpath('.//time[@datetime="2099-06-01T19:00:00-04:00"]')
    assert "7:00 PM EDT" in upcoming.text_content()
    assert "Brewing on Mastodon" in home.xpath('//*[@aria-labelledby="recent-conversations"]'
                                              )[0].text_content()
    page = parse_html(public / "threads/next-chat/index.html")
    [add] = page.xpath('//a[@href="/threads/next-chat/event.ics"]')
    assert add.text == "Add to calendar"
    calendar = icalendar.Calendar.from_ical((public / "threads/next-chat/event.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "The next chat"
    start = event.decoded("dtstart")
    assert start == datetime(2099, 6, 1, 23, 0, tzinfo=UTC), "7 PM in New York"
    assert (event.decoded("dtend") - start).total_seconds() == 90 * 60
    assert str(event["url"]) == "https://talk.example/threads/next-chat/"
    description = str(event["description"])
    assert "Q1: What should we roast next?" in description
    assert "Moderator: Tom Martin." in description
    assert "#TalkChat" in description


def test_a_calendar_file_holds_no_control_character(hub):
    # RFC 5545 allows none in TEXT but tab and the escaped line break; YAML's escapes let a
    # thread file carry any.
    root = hub("conversations")
    chat = root / "content/threads/next-chat.yaml"
    chat.write_text(chat.read_text()
                    .replace("title: The next chat",
                             'title: "The\\x01 next\\x7f chat\\x0c\\uffff\\ufffe\\x1b"\n'
                             'summary: "Bring\\0 your\\x08 beans\\r\\nand\\tyour grinder\\x1f"')
                    .replace('"What should we roast next?"', '"What\\x02 should we roast\\x7f?"'))
    assert run_hubgen("build", cwd=root).code == 0
    text = (root / "public/threads/next-chat/event.ics").read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    forbidden = re.compile("[\x00-\x08\x0a-\x1f\x7f\ufffe\uffff]")
    assert [line for line in lines if forbidden.search(line)] == []
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["summary"]) == "The next chat"
    assert str(event["description"]).startswith(
        "Bring your beans and your grinder\nFollow #TalkChat on X during the chat.\n")
    assert "Q1: What should we roast?\n" in str(event["description"])


def test_a_chat_moved_earlier_is_stamped_with_its_update_and_warns_of_nothing(hub):
    root = hub("conversations")
    chat = root / "content/threads/next-chat.yaml"
    chat.write_text(chat.read_text().replace("date: 2099-06-01T19:00:00-04:00",
                                             "date: 2099-05-20T19:00:00-04:00\n"
                                             "updated: 2099-01-02T10:00:00Z"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0 and "warning" not in result.err, result.err
    calendar = icalendar.Calendar.from_ical(
        (root / "public/threads/next-chat/event.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstamp") == datetime(2099, 1, 2, 10, 0, tzinfo=UTC)
    assert event.decoded("dtstart") == datetime(2099, 5, 20, 23, 0, tzinfo=UTC)


def test_a_thread_s_tag_warning_is_told_at_the_tag_itself(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace(
        "tags: [tweetchat, community]", 'tags: [tweetchat, "C++", "C#", "🎉"]'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "content/threads/chat-one.yaml:4:26: warning: the tags 'C++' and 'C#' share the " \
           "URL of 'c' and are shown as one" in result.err
    assert "content/threads/chat-one.yaml:4:32: warning: the tag '🎉' makes an empty " \
           "address, so it is left out" in result.err


def test_a_past_chat_still_marked_upcoming_is_a_warning(hub):
    root = hub("conversations")
    thread = root / "content/threads/next-chat.yaml"
    thread.write_text(thread.read_text().replace("2099-06-01", "2026-01-01"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert "content/threads/next-chat.yaml:5:9: warning: the thread is still marked upcoming, " \
           "but its date 2026-01-01T19:00:00-04:00 has passed" in result.err


def test_an_upcoming_chat_dated_without_a_time_of_day_is_a_warning(hub):
    root = hub("conversations")
    thread = root / "content/threads/next-chat.yaml"
    thread.write_text(thread.read_text().replace("2099-06-01T19:00:00-04:00", "2099-06-01"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    calendar = icalendar.Calendar.from_ical(
        (root / "public/threads/next-chat/event.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2099, 6, 1, 4, 0, tzinfo=UTC), \
        "a day alone is read as midnight in New York"
    assert "content/threads/next-chat.yaml:2:7: warning: the chat is upcoming, but its date " \
           "gives no time of day: its page and its calendar file say it starts at midnight" \
           in result.err
    assert "hint: write the time it starts: date: 2099-06-01 HH:MM." in result.err
    # With its hour, and for an archived thread (a day is enough), nothing is said.
    thread.write_text(thread.read_text().replace("date: 2099-06-01", "date: 2099-06-01 19:00"))
    assert "no time of day" not in run_hubgen("build", cwd=root).err
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace("2026-03-10T12:00:00-04:00", "2026-03-10", 1))
    assert "no time of day" not in run_hubgen("build", cwd=root).err


def test_a_chat_s_status_warning_says_what_to_set_at_each_moment_of_its_life(hub):
    root = hub("conversations")
    thread = root / "content/threads/next-chat.yaml"
    thread.write_text(thread.read_text().replace("2099-06-01", "2026-01-01"))
    start = datetime(2026, 1, 1, 23, tzinfo=UTC).timestamp()   # 19:00 at -04:00, 90 minutes

    def said_at(minutes: int) -> str:
        result = run_hubgen("build", cwd=root,
                            env={"SOURCE_DATE_EPOCH": str(int(start + minutes * 60))})
        assert result.code == 0, result.err
        return result.err

    upcoming = "warning: the thread is still marked upcoming"
    during, after = said_at(30), said_at(91)
    assert upcoming in during and upcoming in after
    assert "hint: set status: live while it is held, then archived (and add its messages); " \
           "or move the date." in during, "archiving a chat being held says it is over"
    assert "hint: set status: archived (and add its messages), or move the date." in after
    # Marked live a day early, its page would say 'Live now' all day.
    thread.write_text(thread.read_text().replace("status: upcoming", "status: live"))
    early = said_at(-60 * 24)
    assert "content/threads/next-chat.yaml:5:9: warning: the thread is marked live, but its " \
           "date 2026-01-01T19:00:00-04:00 is still to come: its page says 'Live now'" in early
    assert "hint: keep status: upcoming until it starts, or move the date." in early
    assert "warning" not in said_at(0) and "warning" not in said_at(90)


def test_messages_dated_after_the_build_in_a_published_thread_are_a_warning(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    # The curator copied the platform's UTC times and left out the offset: read in New
    # York, the chat's last two messages are dated four hours after they were written.
    thread.write_text(thread.read_text()
                      .replace("2026-03-10T12:22:00-04:00", "2026-03-10 16:22")
                      .replace("2026-03-10T12:30:00-04:00", "2026-03-10 16:30"))
    evening = str(int(datetime(2026, 3, 10, 17, tzinfo=UTC).timestamp()))   # 13:00 there
    result = run_hubgen("build", cwd=root, env={"SOURCE_DATE_EPOCH": evening})
    assert result.code == 0, result.err
    feed = feedparser.parse((root / "public/threads/chat-one/feed.xml").read_bytes())
    assert feed.entries[0].published_parsed > time.gmtime(int(evening)), \
        "the feed says the message was written after this build"
    assert "content/threads/chat-one.yaml:19:92: warning: message '7' (and 1 more) is " \
           "dated 2026-03-10T16:22:00-04:00, after this build's moment: the feeds and the " \
           "sitemap would say the thread changed then" in result.err
    assert "a UTC time ends in Z" in result.err
    # Minutes ahead are clocks a little apart (an import, then a build), not a mistake.
    just_before = str(int(datetime(2026, 3, 10, 20, 20, tzinfo=UTC).timestamp()))
    assert "after this build's moment" not in run_hubgen(
        "build", cwd=root, env={"SOURCE_DATE_EPOCH": just_before}).err
    # Once that moment has passed, the same dates are no longer in the future.
    later = str(int(datetime(2026, 3, 11, tzinfo=UTC).timestamp()))
    assert "after this build's moment" not in run_hubgen(
        "build", cwd=root, env={"SOURCE_DATE_EPOCH": later}).err


def test_a_chat_still_marked_live_after_its_end_is_a_warning(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace("status: archived", "status: live\nduration: 30"))
    started = datetime(2026, 3, 10, 16, tzinfo=UTC).timestamp()   # 12:00 in New York
    warning = "content/threads/chat-one.yaml:6:9: warning: the thread is still marked live, " \
              "but its date 2026-03-10T12:00:00-04:00 and its 30 minutes have passed"
    for minutes, warned in ((29, False), (31, True), (60 * 24 * 365 * 2, True)):
        result = run_hubgen("build", cwd=root,
                            env={"SOURCE_DATE_EPOCH": str(int(started + minutes * 60))})
        assert result.code == 0, result.err
        assert (warning in result.err) is warned, (minutes, result.err)
    assert "set status: archived" in result.err
    # Without a duration, a chat is an hour long, as its calendar file says.
    thread.write_text(thread.read_text().replace("duration: 30\n", ""))
    result = run_hubgen("build", cwd=root, env={"SOURCE_DATE_EPOCH": str(int(started + 3700))})
    assert "its 60 minutes have passed" in result.err


def test_a_live_chat_is_called_live_on_every_page_that_shows_it(hub):
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    # Three days long, as an AMA may be: the recap embedding it is out on its second day.
    thread.write_text(thread.read_text().replace("status: archived",
                                                 "status: live\nduration: 4320"))
    during = datetime(2026, 3, 12, 16, 0, tzinfo=UTC).timestamp()   # noon in New York
    result = run_hubgen("build", cwd=root, env={"SOURCE_DATE_EPOCH": str(int(during))})
    assert result.code == 0, result.err
    public = root / "public"
    link = "/threads/chat-one/"
    kinds = {}
    for page in ("threads/index.html", "tags/tweetchat/index.html", "posts/recap/index.html"):
        tree = parse_html(public / page)
        [kind] = tree.xpath(f'//main//*[self::article or self::aside][.//a[@href="{link}"]]'
                            '/descendant::*[contains(@class, "card__kind")][1]')
        kinds[page] = " ".join(kind.text_content().split())
    assert kinds == {"threads/index.html": "Live conversation X (Twitter)",
                     "tags/tweetchat/index.html": "Live conversation",
                     "posts/recap/index.html": "Live conversation"}, kinds


def test_threads_index_lists_every_thread_with_platform_and_counts(built):
    public = built("conversations")
    page = parse_html(public / "threads/index.html")
    cards = page.xpath('//main//article[contains(@class, "card--thread")]')
    titles = [c.xpath(".//h2//a")[0].text for c in cards]
    assert titles == ["The next chat", "Brewing on Mastodon",
                      "Chat one: campaigns or conversations?"]
    chat = " ".join(cards[2].text_content().split())
    assert "X (Twitter)" in chat and "7 messages" in chat and "5 participants" in chat
    assert "Mastodon" in " ".join(cards[1].text_content().split())


def test_tag_pages_and_tag_feeds_hold_threads_beside_posts(built):
    public = built("conversations")
    page = parse_html(public / "tags/tweetchat/index.html")
    links = [a.get("href") for a in page.xpath("//main//article//h2//a")]
    assert links == ["/threads/next-chat/", "/posts/recap/", "/threads/chat-one/"]
    feed = feedparser.parse((public / "tags/tweetchat/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.link for e in feed.entries] == [
        "https://talk.example/threads/next-chat/", "https://talk.example/posts/recap/",
        "https://talk.example/threads/chat-one/"]


def test_thread_feeds_new_threads_and_one_conversation(built):
    public = built("conversations")
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((public / "threads" / name).read_bytes())
        assert not feed.bozo
        assert [e.title for e in feed.entries] == [
            "The next chat", "Brewing on Mastodon", "Chat one: campaigns or conversations?"]
        assert "7 messages from 5 voices" in feed.entries[2].summary
    messages = feedparser.parse((public / "threads/mastodon-brew/feed.xml").read_bytes())
    assert not messages.bozo
    assert [e.link for e in messages.entries] == [
        f"https://talk.example/threads/mastodon-brew/#m-{i}" for i in "fedcba"]
    first = messages.entries[0]
    assert first.title == "Ben Okafor: Both are great."
    assert first.author == "Ben Okafor"
    assert first.published.endswith(("-0400", "-04:00"))
    assert 'rel="nofollow ugc noopener"' in messages.entries[-1].content[0].value


def test_feeds_and_calendars_say_community_text_as_it_reads_not_as_written(hub):
    root = hub("conversations")
    brew = root / "content/threads/mastodon-brew.yaml"
    brew.write_text(brew.read_text().replace(
        '"Both are great."', '"Press <Enter>, then **really** read [the docs](https://d.example/)"'))
    chat = root / "content/threads/next-chat.yaml"
    chat.write_text(chat.read_text().replace(
        '"What should we roast next?"', '"Which **burr** for a <Moka> pot? See [this](/about/)"'))
    one = root / "content/threads/chat-one.yaml"
    one.write_text(one.read_text().replace('"How do brands listen?"', '"How do *brands* listen?"'))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    for name in ("feed.xml", "atom.xml"):
        first = feedparser.parse((public / "threads/mastodon-brew" / name).read_bytes()).entries[0]
        # An RSS reader reads a title as HTML: there, it holds the text escaped.
        as_read = html.unescape if name == "feed.xml" else str
        assert as_read(first.title) == "Ben Okafor: Press <Enter>, then really read the docs"
        assert as_read(first.summary) == "Press <Enter>, then really read the docs"
    calendar = icalendar.Calendar.from_ical((public / "threads/next-chat/event.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert "Q1: Which burr for a <Moka> pot? See this\n" in str(event["description"]) + "\n"
    page = parse_html(public / "threads/chat-one/index.html")
    assert page.xpath('//h2[@id="q-q2"]')[0].text_content() == "Q2 How do brands listen?"


def test_people_pages_by_role_with_posts_and_messages_in_place(built):
    public = built("conversations")
    index = parse_html(public / "people/index.html")
    groups = {h.get("id"): [a.text for a in h.xpath("following-sibling::ul[1]//a")]
              for h in index.xpath("//main//h2")}
    assert groups == {"brand": ["Ana Ruiz", "Ben Okafor"], "moderators": ["Tom Martin"],
                      "community": ["Kim Lee", "Raj Patel"]}
    kim = parse_html(public / "people/kim/index.html")
    said = kim.xpath('//section[@aria-labelledby="said"]//li')
    assert len(said) == 4
    links = [a.get("href") for a in kim.xpath('//a[text()="See it in place"]')]
    assert "/threads/chat-one/#m-2" in links and "/threads/mastodon-brew/#m-d" in links
    ana = parse_html(public / "people/ana/index.html")
    assert ana.xpath('//section[@aria-labelledby="posts"]//a[@href="/posts/recap/"]')


def test_avatars_are_local_or_initials_unless_remote_ones_are_allowed(hub):
    root = hub("conversations")
    assert run_hubgen("build", cwd=root).code == 0
    tom = parse_html(root / "public/people/tom/index.html")
    assert tom.xpath('//img[contains(@class, "avatar") and @src="/images/tom.svg"]')
    ben = parse_html(root / "public/people/ben/index.html")
    assert not ben.xpath('//img[contains(@src, "cdn.example")]')
    assert ben.xpath('//span[contains(@class, "avatar--initials")]')[0].text == "BO"
    for path in (root / "public").rglob("*.html"):
        assert "cdn.example" not in path.read_text(), path
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "avatars: {remote: true}\n")
    assert run_hubgen("build", cwd=root).code == 0
    ben = parse_html(root / "public/people/ben/index.html")
    assert ben.xpath('//img[@src="https://cdn.example/ben.png"]')


def test_a_withdrawn_person_disappears_from_every_output_file(built):
    public = built("conversations")
    for relative, content in all_files(public).items():
        text = content.decode("utf-8", "replace")
        for trace in ("Zoe", "Quartermaine", "ZOE-SECRET-TEXT", "x.com/zoe"):
            assert trace not in text, f"{trace} in {relative}"
    assert not (public / "people/zoe").exists()
    page = parse_html(public / "threads/chat-one/index.html")
    [removed] = page.xpath('//li[@id="m-4"]')
    assert "removed at the author's request" in removed.text_content()
    assert removed.xpath('.//li[@id="m-5"]'), "the reply stays in place"
    guest = parse_html(public / "posts/by-zoe/index.html")
    assert "Talk Team" in guest.text_content()


@pytest.mark.parametrize("source", [
    "https://x.com/zoe/status/14/",            # her message's own post
    "https://twitter.com/Zoe/status/14?s=20",  # the same, as a share link gives it
    "https://x.com/zoe/status/999",            # another post of hers
])
def test_a_thread_whose_source_is_a_withdrawn_person_s_post_links_to_no_source(hub, source):
    # Its address names them (x.com/zoe/...): the page keeps the hashtag's search instead.
    root = hub("conversations")
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text().replace('url: "https://x.com/talk/status/1"',
                                                 f'url: "{source}"'))
    assert run_hubgen("build", cwd=root).code == 0
    for relative, content in all_files(root / "public").items():
        text = content.decode("utf-8", "replace").lower()
        assert "x.com/zoe" not in text and "twitter.com/zoe" not in text, relative
    page = parse_html(root / "public/threads/chat-one/index.html")
    assert set(page.xpath('//a[@class="button"]/@href')) == \
        {"https://x.com/search?q=%23TalkChat&f=live"}
    assert "sameAs" not in json_ld(page)[0]


@pytest.mark.parametrize("platform", ["x", "twitter"])
def test_a_source_naming_a_withdrawn_person_by_the_handle_people_yaml_gives_goes(hub, platform):
    # Her message has no address of its own: only her handle, under either name of X,
    # says that the thread's source is her post.
    root = hub("conversations")
    people = root / "content/people.yaml"
    people.write_text(people.read_text().replace(
        "zoe: {name: Zoe Quartermaine, role: community, withdrawn: true}",
        f'zoe: {{name: Zoe Quill, withdrawn: true, handles: {{{platform}: "@zoequill"}}}}'))
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text(thread.read_text()
                      .replace('url: "https://x.com/talk/status/1"',
                               'url: "https://x.com/zoequill/status/1"')
                      .replace(', url: "https://x.com/zoe/status/14"', ""))
    assert run_hubgen("build", cwd=root).code == 0
    for relative, content in all_files(root / "public").items():
        assert b"zoequill" not in content.lower(), relative
    page = parse_html(root / "public/threads/chat-one/index.html")
    assert set(page.xpath('//a[@class="button"]/@href')) == \
        {"https://x.com/search?q=%23TalkChat&f=live"}
    assert "sameAs" not in json_ld(page)[0]


def test_a_thread_s_source_naming_someone_else_is_kept(built):
    page = parse_html(built("conversations") / "threads/chat-one/index.html")
    assert json_ld(page)[0]["sameAs"] == "https://x.com/talk/status/1"


def test_an_id_that_cannot_name_an_anchor_is_an_error_at_it(hub):
    root = hub("conversations")
    brew = root / "content/threads/mastodon-brew.yaml"
    brew.write_text(brew.read_text().replace('{id: c,', '{id: "c d",').replace(
        "reply_to: c}", 'reply_to: "c d"}'))
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace("{id: q1,", '{id: "q<1>",').replace(
        "answers: q1", 'answers: "q<1>"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/threads/mastodon-brew.yaml:8:10: error: the id 'c d' holds ' ', which " \
           "cannot be part of the message's address (#m-ID)" in result.err
    assert "content/threads/chat-one.yaml:10:10: error: the id 'q<1>' holds '<'" in result.err
    assert "Build failed: 2 errors" in result.err     # nothing else blamed on it
    # What a fragment may hold is fine: a Bluesky record key's '~', an '@', a '/'.
    brew.write_text(brew.read_text().replace('"c d"', '"3k~x@a/b+c"'))
    chat.write_text(chat.read_text().replace('"q<1>"', '"q.1"'))
    assert run_hubgen("build", cwd=root).code == 0


def _brew_edited_and_built(hub, written: str, instead: str):
    """The conversations hub built after one edit of its Mastodon thread: (hub, the run)."""
    root = hub("conversations")
    brew = root / "content/threads/mastodon-brew.yaml"
    brew.write_text(brew.read_text().replace(written, instead))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    return root, result


def test_featured_message_without_consent_is_a_warning(hub):
    _, result = _brew_edited_and_built(hub, 'text: "Stronger cup."',
                                       'text: "Stronger cup.", featured: true')
    assert "content/threads/mastodon-brew.yaml:10:83: warning: message 'e' is featured, but " \
           "its author 'raj' has not granted consent" in result.err


@pytest.mark.parametrize("noted", ['"Lee Guest": granted', '"@leeg": granted',
                                   '"Lee Guest": granted, "@leeg": granted'])
def test_an_inline_author_grants_consent_by_their_name_or_handle(hub, noted):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace("consent: {kim: granted}",
                                             f"consent: {{kim: granted, {noted}}}")
                    .replace('text: "Do you read every reply?",',
                             'text: "Do you read every reply?", featured: true,'))
    result = run_hubgen("build", "--strict", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == []
    page = parse_html(root / "public/threads/chat-one/index.html")
    highlights = page.xpath('//section[@aria-labelledby="highlights"]')[0].text_content()
    assert "Do you read every reply?" in highlights


def test_consent_for_no_author_of_the_thread_is_a_warning_naming_the_nearest(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace("consent: {kim: granted}",
                                             'consent: {kim: granted, "Lee Gest": granted}')
                    .replace('text: "Do you read every reply?",',
                             'text: "Do you read every reply?", featured: true,'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/threads/chat-one.yaml:8:10: warning: consent is noted for 'Lee Gest', who is "
        "not in people.yaml",
        "content/threads/chat-one.yaml:19:163: warning: message '7' is featured, but its "
        "author 'Lee Guest' has not granted consent"]
    assert "hint: did you mean 'Lee Guest'?" in result.err
    assert 'note consent: {"Lee Guest": granted}' in result.err


def test_thread_pages_carry_discussion_forum_posting_json_ld(built):
    public = built("conversations")
    page = parse_html(public / "threads/mastodon-brew/index.html")
    [data] = json_ld(page)
    assert data["@type"] == "DiscussionForumPosting"
    assert data["headline"] == "Brewing on Mastodon"
    assert data["url"] == "https://talk.example/threads/mastodon-brew/"
    assert data["datePublished"] == "2026-04-02T10:00:00-04:00"
    # The opening post is the posting; its replies are the comments, never itself again.
    assert data["author"] == {"@type": "Person", "name": "Ana Ruiz",
                              "url": "https://talk.example/people/ana/"}
    assert data["text"] == "What is your ratio? #brewing"
    assert data["interactionStatistic"]["userInteractionCount"] == 5
    [reply] = data["comment"]
    assert (reply["author"]["name"], reply["text"]) == ("Kim Lee", "1:16, always.")
    deep = reply["comment"][0]["comment"][0]
    assert deep["url"] == "https://talk.example/threads/mastodon-brew/#m-d"
    assert [c["text"] for c in deep["comment"]] == ["Stronger cup.", "Both are great."]
    assert page.xpath('//meta[@property="og:type"]/@content') == ["article"]
    assert page.xpath('//meta[@property="og:title"]/@content')
    chat = json_ld(parse_html(public / "threads/chat-one/index.html"))[0]
    assert (chat["author"]["name"], chat["text"]) == ("Tom Martin", "Our first tweetchat, moderated "
                                                      "by Tom.")
    assert chat["comment"][0]["text"] == "Q1: What is a conversation? #TalkChat"
    lifted = chat["comment"][0]["comment"][0]["comment"][0]["comment"]
    assert [c["text"] for c in lifted] == ["Replying to a removed voice"]


def test_a_tweetchat_without_a_summary_is_its_moderator_s_posting_of_every_question(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace(
        'summary: "Our first **tweetchat**, moderated by Tom."\n', ""))
    assert run_hubgen("build", cwd=root).code == 0
    [data] = json_ld(parse_html(root / "public/threads/chat-one/index.html"))
    assert (data["author"]["name"], data["text"]) == (
        "Tom Martin", "Chat one: campaigns or conversations?")
    assert [c["text"] for c in data["comment"]] == [
        "Q1: What is a conversation? #TalkChat", "Q2: How do brands listen?",
        "Will there be a recap?"], "each question a comment, none the posting"


def test_a_thread_whose_opening_post_is_taken_down_is_posted_by_the_brand(hub):
    root, _ = _brew_edited_and_built(hub, 'text: "What is your ratio? #brewing",',
                                     'text: "What is your ratio? #brewing", removed: true,')
    [data] = json_ld(parse_html(root / "public/threads/mastodon-brew/index.html"))
    assert data["author"]["name"] == "Talk Co", "a reply never stands in for the opener"
    assert data["text"] == "Brewing on Mastodon"
    assert [c["text"] for c in data["comment"]] == ["1:16, always."]
    assert data["interactionStatistic"]["userInteractionCount"] == 5


def test_posts_embed_a_thread_or_one_message_as_a_card(built):
    public = built("conversations")
    post = parse_html(public / "posts/recap/index.html")
    cards = post.xpath('//main//aside[contains(@class, "embed")]')
    assert len(cards) == 2
    assert cards[0].xpath('.//a[@href="/threads/chat-one/"]')
    assert "7 messages" in cards[0].text_content()
    assert cards[1].xpath('.//a[@href="/threads/chat-one/#m-2"]')
    assert "one where both sides" in cards[1].text_content()
    assert "{{< thread not-a-real-embed-in-code >}}" in post.text_content()
    feed = (public / "feed.xml").read_text()
    assert "https://talk.example/threads/chat-one/#m-2" in feed


def test_a_message_whose_id_holds_an_ampersand_is_embedded_as_that_message(hub):
    root = hub("conversations")
    renumber_embedded_message(root, '"q&a"', "q&a")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    cards = parse_html(root / "public/posts/recap/index.html").xpath(
        '//main//aside[contains(@class, "embed")]')
    assert len(cards) == 2
    assert "embed--message" in cards[1].get("class")
    assert cards[1].xpath('.//a[@href="/threads/chat-one/#m-q&a"]')
    assert "one where both sides" in cards[1].text_content()


def test_removed_and_withdrawn_messages_change_no_date_or_count_the_site_shows(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text()
                    .replace('answers: q1, reply_to: "1", featured: true}',
                             'answers: q1, reply_to: "1", removed: true, '
                             'edited: 2026-06-01T01:01:00-04:00}')
                    .replace('url: "https://x.com/zoe/status/14", reply_to: "3"}',
                             'url: "https://x.com/zoe/status/14", reply_to: "3", '
                             'edited: 2026-06-02T02:02:00-04:00}'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    hidden = [name for name, data in all_files(public).items()
              if b"2026-06-01" in data or b"2026-06-02" in data]
    assert hidden == []
    [thread] = [d for d in json_ld(parse_html(public / "threads/chat-one/index.html"))
                if d.get("@type") == "DiscussionForumPosting"]
    assert thread["dateModified"] < "2026-06"

    def shown_count(page):
        [card] = [c for c in parse_html(public / page).xpath("//main//article")
                  if c.xpath('.//a[@href="/threads/chat-one/"]')]
        return re.search(r"(\d+) messages", card.text_content())[1]
    assert shown_count("tags/tweetchat/index.html") == shown_count("threads/index.html") == "6"


def test_a_template_of_one_s_own_that_forgets_node_visible_shows_nothing_taken_down(hub):
    # The default theme tests `node.visible`; a site's own thread template that printed
    # every node's message, or looped over thread.messages, published a withdrawn
    # person's words, name and links, and what the curators removed.
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace(
        'text: "Will there be a recap?", url: "https://x.com/kim/status/18"}',
        'text: "SPAM-REMOVED-TEXT", url: "https://spam.example/18", removed: true}'))
    (root / "templates").mkdir()
    (root / "templates/thread.html").write_text(
        '{% extends "!theme/thread.html" %}{% block content %}{{ super() }}<div id="naive">'
        "{% for node in conversation.nodes %}<p>{{ node.message.speaker.name }} "
        "{{ node.message.speaker.key }} {{ node.message.html|safe }} {{ node.message.text }} "
        "{{ node.message.url }}</p>{% endfor %}"
        "{% for m in thread.messages %}<p>{{ m.speaker.key }} {{ m.speaker.name }} "
        "{{ m.html|safe }} {{ m.text }} {{ m.url }}</p>{% endfor %}</div>{% endblock %}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = (root / "public/threads/chat-one/index.html").read_text()
    naive = parse_html(root / "public/threads/chat-one/index.html").xpath('//div[@id="naive"]')
    assert "Replying to a removed voice" in naive[0].text_content()   # the others stay
    for trace in ("ZOE-SECRET-TEXT", "x.com/zoe", "zoe", "Quartermaine", "SPAM-REMOVED-TEXT",
                  "spam.example"):
        assert trace not in page, trace


def test_linked_from_cleans_what_it_is_given_as_it_marks_it_safe(hub):
    # `message.text|linked_from(thread)` (the raw text, not the cleaned HTML) put a
    # message's script on the page: the filter marks its result safe.
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace(
        'text: "Will there be a recap?"',
        'text: "Recap? <img src=x onerror=alert(1)><script>alert(2)</script>'
        '<a href=\'javascript:alert(3)\'>me</a> [notes](notes/)"'))
    (root / "templates").mkdir()
    (root / "templates/thread.html").write_text(
        '{% extends "!theme/thread.html" %}{% block content %}{{ super() }}<div id="raw">'
        "{% for node in conversation.nodes %}<div>{{ node.message.text|linked_from(thread) }}"
        "</div>{% endfor %}</div>{% endblock %}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/threads/chat-one/index.html")
    [raw] = page.xpath('//div[@id="raw"]')
    assert "Recap?" in raw.text_content()
    assert not raw.xpath(".//script | .//img | .//*[@onerror]")
    assert not [a for a in raw.xpath(".//a/@href") if "javascript" in a.lower()]


def test_a_hashtag_with_a_space_is_a_warning_at_it_naming_the_hashtag_to_write(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace('hashtag: "#TalkChat"', 'hashtag: "talk chat"'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert said(result.err, "warning") == [
        "content/threads/chat-one.yaml:5:74: warning: '#talk chat' is no hashtag a platform "
        "links: its search and the chat's join link would look for something else"]
    assert "hint: write #talkchat:" in result.err


def test_an_image_in_a_message_is_a_link_to_it_named_by_its_alt_text(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace(
        'text: "A1: one where both sides *listen*."',
        'text: "A1: one where both sides *listen*. ![my latte art](https://img.example/l.jpg)'
        ' [![the menu](https://img.example/m.jpg)](https://cafe.example/menu)"'))
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/threads/chat-one/index.html")
    message = page.xpath('//li[@id="m-2"]//div[contains(@class, "message__text")]')[0]
    assert not message.xpath(".//img") and "![" not in message.text_content()
    links = {a.text_content(): a.get("href") for a in message.xpath(".//a")}
    assert links == {"my latte art": "https://img.example/l.jpg",
                     "the menu": "https://cafe.example/menu"}


def test_relative_links_in_a_message_lead_where_they_do_on_its_thread_page(hub):
    root = hub("conversations")
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace(
        'text: "A1: one where both sides *listen*."',
        'text: "A1: one where both sides *listen*. See [the notes](notes/), [the question]'
        '(#m-1) and [the guide](/guide/)."'))
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    wanted = {"the notes": "/threads/chat-one/notes/", "the question": "/threads/chat-one/#m-1",
              "the guide": "/guide/"}
    thread = parse_html(public / "threads/chat-one/index.html")
    in_place = {a.text_content(): a.get("href") for a in thread.xpath('//*[@id="m-2"]//a')}
    assert {k: v for k, v in in_place.items() if k in wanted} == \
        {"the notes": "notes/", "the question": "#m-1", "the guide": "/guide/"}
    for page, where in ((public / "posts/recap/index.html", '//aside[contains(@class, "embed")]'),
                        (public / "people/kim/index.html", '//li[@class="contribution"]')):
        links = {a.text_content(): a.get("href")
                 for a in parse_html(page).xpath(f"{where}//a")}
        assert {k: v for k, v in links.items() if k in wanted} == wanted, page


def test_an_embed_of_an_unknown_thread_or_message_names_the_post_line(hub):
    root = hub("conversations")
    post = root / "content/posts/2026-03-12-recap.md"
    post.write_text(post.read_text().replace("{{< thread chat-one >}}", "{{< thread chat-on >}}")
                    .replace("{{< message chat-one 2 >}}", "{{< message chat-one 99 >}}"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/posts/2026-03-12-recap.md:8:1: error: the embedded thread 'chat-on' does " \
           "not exist\n" in result.err
    assert "hint: did you mean 'chat-one'?" in result.err
    assert "content/posts/2026-03-12-recap.md:12:1: error: the thread 'chat-one' has no " \
           "message '99'" in result.err


def test_the_listening_report_lists_questions_waiting_for_a_brand_reply(hub):
    root = hub("conversations")
    result = run_hubgen("build", "--report", cwd=root)
    assert result.code == 0
    assert "listening: 2 community questions wait for a brand reply" in result.out
    assert result.out.split("Listening report")[1] == """\
: community questions waiting for a brand reply, oldest first
  Chat one: campaigns or conversations? (content/threads/chat-one.yaml)
    2026-03-10 12:22 EDT  Lee Guest: Do you read every reply?
      https://talk.example/threads/chat-one/#m-7
    2026-03-10 12:30 EDT  Kim Lee: Will there be a recap?
      https://talk.example/threads/chat-one/#m-8
"""


def test_brand_people_must_be_people_and_empty_keys_are_errors(hub):
    root = hub("conversations")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("people: [ana]", "people: [ana, anna-b]"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert "hubgen.yaml:6:38: warning: brand.people names 'anna-b', who is not in " \
           "content/people.yaml" in result.err
    people = root / "content/people.yaml"
    people.write_text(people.read_text() + '"": {name: Nobody}\n')
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "content/people.yaml:8:1: error: a person's key is empty" in result.err


def test_embed_lines_in_code_blocks_stay_text(hub):
    root = hub("conversations")
    post = root / "content/posts/2026-03-12-recap.md"
    post.write_text(post.read_text() + "\nAn example:\n\n    {{< message nosuch 1 >}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/posts/recap/index.html")
    code = [pre.text_content() for pre in page.xpath("//main//pre")]
    assert any("{{< message nosuch 1 >}}" in text for text in code)


def test_a_prolific_voice_has_their_posts_on_numbered_pages(hub):
    root = hub("conversations")
    for number in range(230):
        (root / f"content/posts/many-{number:03d}.md").write_text(
            f"---\ntitle: Note {number}\ndate: 2025-01-01 10:00\nauthor: ana\n---\n"
            f"Note number {number}.\n".replace("2025-01-01 10:00",
                                               f"2025-{1 + number // 28:02d}-"
                                               f"{1 + number % 28:02d} 10:00"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    pages = [parse_html(public / "people/ana/index.html"),
             parse_html(public / "people/ana/page/2/index.html"),
             parse_html(public / "people/ana/page/3/index.html")]
    assert not (public / "people/ana/page/4").exists()
    listed = []
    for number, page in enumerate(pages, start=1):
        section = page.xpath('//section[@aria-labelledby="posts"]')[0]
        cards = section.xpath('.//article[contains(@class, "card")]//h3/a/@href')
        rows = section.xpath('.//ol[contains(@class, "post-list")]')
        assert len(rows) == 1
        assert int(rows[0].get("start")) == (number - 1) * 100 + len(cards) + 1
        listed += cards + rows[0].xpath("./li/a/@href")
        assert page.xpath('//p[@class="pagination__status"]')[0].text == f"Page {number} of 3"
        said = page.xpath('//section[@aria-labelledby="said"]')
        assert bool(said) == (number == 1)   # what Ana said stands on her first page
        title = page.xpath("//title")[0].text
        assert title.startswith("Ana Ruiz (page 2 of 3)" if number == 2 else "Ana Ruiz")
    assert len(pages[0].xpath('//section[@aria-labelledby="posts"]//article')) == 6
    notes = [href for href in listed if href.startswith("/posts/many-")]
    assert len(notes) == 230 and len(set(listed)) == len(listed)   # each post once
    assert notes[0] == "/posts/many-229/" and notes[-1] == "/posts/many-000/"   # newest first
    assert pages[1].xpath('//a[@rel="prev"]/@href') == ["/people/ana/"]
    assert pages[1].xpath('//a[@rel="next"]/@href') == ["/people/ana/page/3/"]
    sitemap = (public / "sitemap.xml").read_text()
    assert "https://talk.example/people/ana/page/3/" in sitemap


def test_a_big_community_goes_on_over_numbered_pages_of_people_with_the_team_first(hub):
    root = hub("conversations")
    people = root / "content/people.yaml"
    people.write_text(people.read_text() + "".join(
        f"member-{number:03d}: {{name: Member {number:03d}}}\n" for number in range(250)))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    pages = [parse_html(public / "people/index.html"),
             parse_html(public / "people/page/2/index.html"),
             parse_html(public / "people/page/3/index.html")]
    assert not (public / "people/page/4").exists()
    listed, groups = [], []
    for number, page in enumerate(pages, start=1):
        groups.append([h.get("id") for h in page.xpath("//main//h2")])
        listed += page.xpath('//main//a[@class="person-card__name"]/@href')
        assert page.xpath('//p[@class="pagination__status"]')[0].text == f"Page {number} of 3"
        assert f"Page {number} of 3." in page.xpath('//p[@class="listing__sub"]')[0].text
    # Every person once, 120 to a page; the team and the moderators on the first.
    assert len(listed) == 255 and len(set(listed)) == 255
    assert groups == [["brand", "moderators", "community"], ["community"], ["community"]]
    assert listed[:3] == ["/people/ana/", "/people/ben/", "/people/tom/"]
    assert len(pages[0].xpath('//a[@class="person-card__name"]')) == 120
    assert len(pages[2].xpath('//a[@class="person-card__name"]')) == 15
    assert pages[1].xpath('//a[@rel="prev"]//text()') == ["Previous page"]
    assert pages[1].xpath('//a[@rel="prev"]/@href') == ["/people/"]
    assert pages[1].xpath('//a[@rel="next"]/@href') == ["/people/page/3/"]
    assert pages[1].xpath("//title")[0].text.startswith("People (page 2 of 3)")
    sitemap = (public / "sitemap.xml").read_text()
    assert "https://talk.example/people/page/3/" in sitemap


def test_a_reply_chain_of_any_length_shows_in_full_nested_to_a_readable_depth(hub):
    from hubgen.conversations import MAX_REPLY_DEPTH
    root = hub("conversations")
    lines = ['title: "A very long chain"', "date: 2026-03-11T12:00:00-04:00",
             'source: {platform: mastodon, url: "https://social.example/@a/1"}', "messages:"]
    for number in range(1, 1201):
        # A long self-thread by one voice, a community question deep in it, and the
        # brand's answer to that question one reply further down.
        author = "ana" if number == 602 else "{name: Long Writer, handle: '@lw'}"
        text = "Is it ever answered?" if number == 601 else f"Part {number} of the chain."
        reply = f', reply_to: "{number - 1}"' if number > 1 else ""
        minute = (datetime(2026, 3, 11, 12, tzinfo=UTC) + timedelta(minutes=number)).isoformat()
        lines.append(f'  - {{id: "{number}", author: {author}, date: {minute}, '
                     f'text: "{text}"{reply}}}')
    (root / "content/threads/long-chain.yaml").write_text("\n".join(lines) + "\n")
    result = run_hubgen("build", "--report", cwd=root)
    assert result.code == 0, result.err[-2000:]
    page = parse_html(root / "public/threads/long-chain/index.html")
    messages = page.xpath('//li[contains(@class, "message")]')
    assert [m.get("id") for m in messages] == [f"m-{n}" for n in range(1, 1201)]   # in order
    deepest = max(len(m.xpath("ancestor::ol[contains(@class, 'replies')]")) for m in messages)
    assert deepest == MAX_REPLY_DEPTH + 1
    assert json_ld(page)   # its JSON-LD block, nested as deep as the page, still parses
    # The question deep in the chain has the brand's reply below it: it is not waiting.
    assert "Is it ever answered?" not in result.out.split("Listening report")[1]


def test_every_circle_of_replies_is_reported_once_at_its_first_message(hub):
    root = hub("conversations")
    # In file order: a reply into the circle b → c → d → b, the circle itself (met first
    # at d), a message replying to itself, and a second circle e → f → e.
    replies = {"a": "c", "d": "b", "x": None, "c": "d", "s": "s", "f": "e", "b": "c",
               "e": "f"}
    lines = ['title: "Circles"', "date: 2026-03-11T12:00:00-04:00",
             'source: {platform: mastodon, url: "https://social.example/@a/1"}', "messages:"]
    for number, (key, parent) in enumerate(replies.items()):
        reply = f", reply_to: {parent}" if parent else ""
        lines.append(f"  - {{id: {key}, author: ana, date: 2026-03-11T12:{number:02d}:00Z, "
                     f"text: Hello{reply}}}")
    (root / "content/threads/circles.yaml").write_text("\n".join(lines) + "\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    circles = [line for line in result.err.splitlines() if "in a circle" in line]
    assert circles == [
        "content/threads/circles.yaml:6:77: error: messages reply to each other in a circle: "
        "d → b → c → d",
        "content/threads/circles.yaml:9:77: error: messages reply to each other in a circle: "
        "s → s",
        "content/threads/circles.yaml:10:77: error: messages reply to each other in a circle: "
        "f → e → f"]


def test_a_reply_asks_when_its_plain_text_ends_with_a_question_mark_however_written():
    from hubgen.content.models import Message, Speaker
    from hubgen.content.sanitize import Community
    from hubgen.conversations import _asks_or_opens

    def reply(text: str) -> Message:
        return Message(id="m", speaker=Speaker(name="Ana"), date=None, text=text,
                       html=Community().render(text), reply_to="root")

    assert _asks_or_opens(reply("Any news on refills?"))
    assert _asks_or_opens(reply("Any news on refills&#63;"))     # an entity of one
    assert _asks_or_opens(reply("Refills? <b>soon</b>?  "))
    assert not _asks_or_opens(reply("Refills? Soon, they said."))
    assert not _asks_or_opens(reply("Thanks &amp; see you"))
    assert not _asks_or_opens(reply("Thanks for the refills"))
    assert _asks_or_opens(reply("Any news on **refills?**"))       # as it reads, not as written
    assert _asks_or_opens(Message(id="m", speaker=Speaker(name="Ana"), date=None,
                                  text="Thanks", html=""))   # it opens a conversation


def test_thread_feeds_are_linked_as_built_and_found_by_readers(hub):
    root = hub("conversations")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "feeds: {formats: [atom]}\n")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    page = parse_html(public / "threads/chat-one/index.html")
    [follow] = page.xpath('//a[text()="Follow this conversation"]')
    assert follow.get("href") == "/threads/chat-one/atom.xml"
    assert follow.get("type") == "application/atom+xml"
    assert page.xpath('//head/link[@rel="alternate"]/@href') == [
        "/threads/chat-one/atom.xml", "/atom.xml"]
    index = parse_html(public / "threads/index.html")
    assert index.xpath('//head/link[@rel="alternate"]/@href') == ["/threads/atom.xml",
                                                                 "/atom.xml"]
    checked = run_hubgen("check", cwd=root)
    assert checked.code == 0, checked.out


def test_an_upcoming_thread_s_date_is_no_change_in_sitemaps_and_feeds(hub):
    root = hub("conversations")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    sitemap = (public / "sitemap.xml").read_text()
    assert "2099" not in sitemap, "a date to come is no page's last change"
    feed = feedparser.parse((public / "threads/feed.xml").read_bytes())
    assert "2099" not in feed.feed.get("updated", "")
    # A thread's own feed is named by its feed's address, never by an entry's.
    atom = (public / "threads/chat-one/atom.xml").read_text()
    own_id = re.search(r"<id>([^<]+)</id>", atom)[1]
    assert own_id == "https://talk.example/threads/chat-one/atom.xml"
    entry_ids = {entry.id for path in public.rglob("atom.xml")
                 for entry in feedparser.parse(path.read_bytes()).entries}
    assert "https://talk.example/threads/chat-one/" in entry_ids and own_id not in entry_ids


def test_an_archived_thread_dated_later_waits_for_its_date_as_a_post_does(hub):
    root = hub("conversations")
    threads = root / "content/threads"
    (threads / "recap-to-come.yaml").write_text(
        "title: Recap to come\ndate: 2099-05-01 10:00\ntags: [laterwords]\n"
        "source: {platform: forum, url: \"https://forum.example/t/9\"}\n"
        "messages:\n  - {id: a, author: raj, date: 2099-05-01 10:01, text: \"SECRETWORDS\"}\n")
    (threads / "on-air.yaml").write_text(
        "title: On air\ndate: 2099-05-01 10:00\nstatus: live\n"
        "source: {platform: forum, url: \"https://forum.example/t/10\"}\n"
        "messages:\n  - {id: a, author: raj, date: 2099-05-01 10:01, text: \"LIVEWORDS\"}\n")
    recap = root / "content/posts/2026-03-12-recap.md"
    # Quoted, as Hugo's users write a shortcode's parameters.
    recap.write_text(recap.read_text() + "\n{{< thread \"recap-to-come\" >}}\n\n"
                     "{{< message 'on-air' \"a\" >}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "1 scheduled thread, next due 2099-05-01 10:00 EDT (build them with --future)" \
        in result.out
    assert "content/posts/2026-03-12-recap.md:" in result.err
    assert "warning: the embedded thread 'recap-to-come' is scheduled for 2099-05-01 10:00 " \
        "-0400: this page shows nothing in its place" in result.err
    published = all_files(root / "public")
    assert not [path for path, data in published.items()
                if b"SECRETWORDS" in data or b"Recap to come" in data or b"laterwords" in data]
    live = [path for path, data in published.items() if b"LIVEWORDS" in data]
    assert {"posts/recap/index.html", "threads/on-air/index.html"} <= set(live), \
        "a live thread is published before its date, its quoted embed too"
    future = run_hubgen("build", "--future", cwd=root)
    assert future.code == 0, future.err
    page = parse_html(root / "public/threads/recap-to-come/index.html")
    assert page.xpath('//span[contains(@class, "badge--scheduled")]')
    assert [path for path, data in all_files(root / "public/posts").items()
            if b"Recap to come" in data], "the embed shows the thread in a --future build"
    check = run_hubgen("check", cwd=root)
    assert "content/threads/recap-to-come.yaml: info: 'Recap to come' is scheduled" in check.out
    assert "error: the embedded thread 'recap-to-come' is scheduled for 2099-05-01 10:00 " \
        "-0400: the published page shows nothing in its place" in check.out


def test_an_edited_message_is_a_change_of_its_page_feed_entry_and_sitemap(hub):
    root, _ = _brew_edited_and_built(hub, 'text: "1:16, always.",', 'text: "1:16, always '
                                     '(corrected).", edited: 2026-06-01T09:00:00+02:00,')
    public = root / "public"
    page = parse_html(public / "threads/mastodon-brew/index.html")
    [edited] = page.xpath('//li[@id="m-b"]//*[@class="message__edited"]')
    assert edited.text_content().strip() == "edited Jun 1, 2026, 3:00 AM EDT"
    assert edited.xpath(".//time/@datetime") == ["2026-06-01T09:00:00+02:00"]
    assert not page.xpath('//li[@id="m-c"]//*[@class="message__edited"]')
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((public / "threads/mastodon-brew" / name).read_bytes())
        entry = next(e for e in feed.entries if e.link.endswith("#m-b"))
        assert entry.updated_parsed[:5] == (2026, 6, 1, 7, 0), name
        assert entry.published_parsed[:5] == (2026, 4, 2, 14, 5), name
    sitemap = (public / "sitemap.xml").read_text()
    lastmod = re.search(r"threads/mastodon-brew/</loc>\s*<lastmod>([^<]+)<", sitemap)
    edit = datetime(2026, 6, 1, 7, tzinfo=UTC)
    assert datetime.fromisoformat(lastmod[1]) == edit
    [data] = json_ld(page)
    assert datetime.fromisoformat(data["dateModified"]) == edit
    assert datetime.fromisoformat(data["comment"][0]["dateModified"]) == edit


def test_an_edit_dated_before_its_message_is_warned_of_at_its_place(hub):
    _, result = _brew_edited_and_built(hub, 'text: "1:16, always.",',
                                       'text: "1:16", edited: 2026-04-01 09:00,')
    assert "content/threads/mastodon-brew.yaml:7:" in result.err
    assert "warning: 'edited' (2026-04-01 09:00-04:00) is before the message's date " \
        "(2026-04-02 10:05-04:00)" in result.err
    assert "set 'edited:' to when it last changed, after its date." in result.err


def test_one_message_from_one_voice_is_counted_in_the_singular(hub):
    root = hub("conversations")
    (root / "content/threads/solo.yaml").write_text(
        "title: Solo\ndate: 2026-03-01 10:00\nsummary: Just one.\n"
        "source: {platform: forum, url: \"https://forum.example/t/1\"}\n"
        "messages:\n  - {id: a, author: raj, date: 2026-03-01 10:01, text: \"Alone\"}\n")
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/threads/solo/index.html")
    assert "1 message from 1 voice" in " ".join(page.xpath("string(//main)").split())
    feed = feedparser.parse((root / "public/threads/feed.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.title == "Solo"]
    assert entry.summary == "Just one. (1 message from 1 voice)"


def test_characters_xml_forbids_in_the_config_or_an_id_never_break_a_feed(hub):
    root = hub("conversations")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace(
        "description: Where the brand talks with its community",
        'description: "Where the brand\\x01 talks"').replace(
        "author: {name: Talk Team,", 'author: {name: "Talk\\x02 Team",'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    for name in ("feed.xml", "atom.xml", "threads/chat-one/feed.xml"):
        feed = feedparser.parse((root / "public" / name).read_bytes())
        assert not feed.bozo, (name, feed.bozo_exception)
    assert feedparser.parse((root / "public/atom.xml").read_bytes()).feed.subtitle == \
        "Where the brand talks"
    brew = root / "content/threads/mastodon-brew.yaml"
    brew.write_text(brew.read_text().replace('{id: f,', '{id: "f\\uFFFE",'))
    broken = run_hubgen("build", cwd=root)
    assert broken.code == 1
    assert "content/threads/mastodon-brew.yaml:11:" in broken.err
    assert "which cannot be part of the message's address (#m-ID)" in broken.err
    assert "bug in hubgen" not in broken.err


class _CountedTuple(tuple):
    """A tuple that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_embedding_many_messages_of_a_thread_looks_each_up_without_walking_the_thread(hub):
    """A post embedding 4,000 messages of a 20,000-message thread took minutes to build:
    each embed walked every message twice, once to check its id and once to find it."""
    import dataclasses
    from pathlib import Path

    from hubgen.build import BuildOptions, build_site
    from hubgen.content.models import Embed, UnfinishedDocument
    from hubgen.conversations import build_conversation
    from hubgen.errors import Diagnostics
    from hubgen.library import _check_embeds

    root = hub("conversations")
    library = build_site(BuildOptions(root=root), write=False).library
    thread = next(t for t in library.threads if t.slug == "chat-one")
    counted = dataclasses.replace(thread, messages=_CountedTuple(thread.messages))
    ids = [m.id for m in thread.messages]
    post = UnfinishedDocument(source=Path("post.md"), embeds=tuple(
        Embed("chat-one", ids[n % len(ids)], line=n + 5) for n in range(200)))
    diagnostics = Diagnostics()
    _CountedTuple.walks = 0
    _check_embeds(post, {"chat-one": counted}, diagnostics)
    assert not list(diagnostics) and _CountedTuple.walks == 1

    conversation = build_conversation(thread, library.people, set())
    conversation.__dict__["nodes"] = _CountedTuple(conversation.nodes)
    _CountedTuple.walks = 0
    found = [conversation.find(ids[n % len(ids)]) for n in range(200)]
    assert [node.message.id for node in found] == [ids[n % len(ids)] for n in range(200)]
    assert conversation.find("no-such-id") is None
    assert _CountedTuple.walks == 1
