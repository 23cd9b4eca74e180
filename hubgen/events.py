"""Calendar files for scheduled conversations: /threads/SLUG/event.ics, made with icalendar."""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar, Event, vText

from hubgen import __version__
from hubgen.content.models import Thread
from hubgen.content.sanitize import xml_safe
from hubgen.library import Library
from hubgen.plan.urls import Urls

# The words (content/words.py) that say where to follow a chat, by platform.
JOIN_HINT = {
    "twitter": "calendar_follow_on_twitter",
    "mastodon": "calendar_follow_on_mastodon",
    "bluesky": "calendar_follow_on_bluesky",
}


def render_event(thread: Thread, library: Library, urls: Urls) -> bytes:
    """An iCalendar file with one event: the chat's time, hashtag, moderator and questions."""
    config = library.config
    page = urls.absolute(urls.thread(thread))
    host = urls.absolute("/").split("://", 1)[1].split("/", 1)[0]
    calendar = Calendar()
    calendar.add("prodid", f"-//hubgen {__version__}//{xml_safe(config.title)}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{thread.slug}@{host}")
    # RFC 5545 allows no control character in TEXT but tab and the line break (a CR
    # icalendar writes as one): what XML forbids goes, as in the feeds.
    event.add("summary", xml_safe(thread.title))
    if thread.date is None:
        # Only a thread whose date is in error has none: the build fails on that error,
        # and this file is never written.
        return calendar.to_ical()
    # Times in UTC: a fixed offset has no TZID, and every calendar converts UTC to local.
    # DTSTAMP must not come from the clock: the thread's own last change stands in.
    start = thread.date.astimezone(UTC)
    event.add("dtstamp", (thread.lastmod or thread.date).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=thread.duration_minutes))
    event.add("url", page)
    lines = [thread.summary] if thread.summary else []
    conversation = library.conversation(thread)
    if thread.hashtag:
        lines.append(library.words(JOIN_HINT.get(thread.platform, "calendar_join_with"),
                                   hashtag=thread.hashtag) + ".")
    if conversation.moderator:
        lines.append(library.words("calendar_moderator", name=conversation.moderator.name))
    for number, question in enumerate(thread.questions, start=1):
        lines.append(f"{library.words('question_label', number=number)}: {question.text}")
    lines.append(page)
    event.add("description", xml_safe("\n".join(lines)))
    event.add("location", vText(xml_safe(thread.source_url or page)))
    calendar.add_component(event)
    return calendar.to_ical()
