"""Discourse: a topic's JSON (`/t/:id.json`), its posts in `post_stream.posts`.

Accepted export: `{"id": 57, "title": ..., "slug": ..., "post_stream": {"posts": [...],
"stream": [...]}}`, holding the topic's first post. A post replies to
`reply_to_post_number`, or to the first post. Whispers and small actions ("closed",
"pinned globally") are left out; a post hidden by the forum's flags is kept as `[hidden]`,
its author shown without a page of the hub. The JSON does not name the forum, so a file needs
`--source-url` (the topic's address); `--url` fetches the topic and every post it lists.
`cooked` is HTML; relative links resolve against the forum.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from hubgen.content.sanitize import plain_line
from hubgen.errors import UsageError
from hubgen.importers.fetching import Fetcher
from hubgen.importers.html_markdown import LinkContext, http_address, markdown_from_html
from hubgen.importers.json_export import ExportError, JsonValue, ShapeError
from hubgen.importers.models import (
    DELETED,
    Account,
    ImportedMessage,
    ImportedThread,
    ReadContext,
)

PLATFORM = "discourse"
EXPORT = "Discourse topic"
EXPECTED = 'a topic ({"id": …, "title": …, "post_stream": {"posts": […]}})'
HIDDEN = "[hidden]"
KEPT_POST_TYPES = (1, 2)         # regular and moderator action; not small actions, whispers
POSTS_PER_REQUEST = 20
_TOPIC_PATH = re.compile(r"^(.*?)/t/(?:[^/]+/)?(\d+)(?:/\d+)?/?$")


def looks_like(data: Any) -> bool:
    """True when `data` has the shape of a Discourse topic."""
    return isinstance(data, dict) and isinstance(data.get("post_stream"), dict)


def forum_of(topic_url: str) -> tuple[str, str] | None:
    """(forum base address, topic id) of a topic URL such as https://x/forum/t/slug/57/3."""
    parts = urlsplit(topic_url)
    match = _TOPIC_PATH.match(parts.path)
    if parts.scheme != "https" or not parts.netloc or not match:
        return None
    return f"https://{parts.netloc}{match.group(1)}", match.group(2)


def _author(post: JsonValue, base: str) -> Account:
    username = post.text("username", required=False).strip()
    if not username:
        return Account(PLATFORM, "", DELETED)
    host = urlsplit(base).netloc
    name = post.text("name", required=False).strip() or username
    return Account(PLATFORM, f"@{username}@{host}", name, f"{base}/u/{quote(username)}")


def read(export: JsonValue, context: ReadContext) -> ImportedThread:
    """Read a topic; raises ShapeError at the first value it cannot use."""
    if not export.is_object() or "post_stream" not in export.value:
        raise export.fail(EXPECTED)
    stream = export.object("post_stream")
    posts = stream.items("posts")
    numbers = {post.at("post_number").value for post in posts if post.is_object()
               and "post_number" in post.value}
    if 1 not in numbers:
        raise ShapeError(stream.path + ".posts", "a list holding the topic's first post "
                         "(post_number 1)", stream.raw("posts"))
    forum = forum_of(context.source_url) if context.source_url else None
    if forum is None:
        raise ExportError(f"{context.source_name}: a Discourse topic's JSON does not say "
                          "which forum it comes from: pass --source-url with the topic's "
                          "address (https://FORUM/t/SLUG/ID)")
    base = forum[0]
    topic_id = export.identifier("id")
    slug = export.text("slug", required=False) or "topic"
    topic_url = f"{base}/t/{quote(slug)}/{quote(topic_id)}"
    links = LinkContext(PLATFORM, topic_url, base + "/")
    messages: list[ImportedMessage] = []
    left_out = hidden = 0
    for post in sorted(posts, key=lambda p: p.at("post_number").value
                       if isinstance(p.raw("post_number"), int) else 0):
        number = post.at("post_number")
        if isinstance(number.value, bool) or not isinstance(number.value, int):
            raise number.fail("a whole number")
        post_type = post.raw("post_type", 1)
        if post_type not in KEPT_POST_TYPES:
            left_out += 1
            continue
        reply_number = post.raw("reply_to_post_number")
        reply_to = None if number.value == 1 else str(reply_number) \
            if isinstance(reply_number, int) and not isinstance(reply_number, bool) else "1"
        url = topic_url if number.value == 1 else f"{topic_url}/{number.value}"
        author = _author(post, base)
        text = markdown_from_html(post.text("cooked", required=False), links)
        if post.flag("hidden"):   # flagged by the forum: kept in place, its words not shown
            hidden += 1
            text = HIDDEN
            author = Account(PLATFORM, "", author.name)    # and its author gets no page
        messages.append(ImportedMessage(
            id=str(number.value), author=author, date=post.moment("created_at"),
            text=text, url=http_address(url), reply_to=reply_to))
    notes = []
    listed = stream.raw("stream")
    missing = len(listed) - len(posts) if isinstance(listed, list) else 0
    if missing > 0:
        notes.append(f"{missing} post{'' if missing == 1 else 's'} of the topic "
                     f"{'is' if missing == 1 else 'are'} not in this export (a topic's JSON "
                     "holds its first 20 posts; import with --url to fetch them all)")
    if hidden:
        notes.append(f"{hidden} post{'' if hidden == 1 else 's'} hidden by the forum's flags "
                     f"kept as {HIDDEN}")
    if left_out:
        notes.append(f"left out {left_out} whisper{'' if left_out == 1 else 's'} or small "
                     "action" + ("" if left_out == 1 else "s"))
    title = plain_line(export.text("title", required=False)) or \
        plain_line(html.unescape(export.text("fancy_title", required=False))) or \
        f"Discourse topic {topic_id}"
    # The topic's number names it: the slug in its address follows the title's edits.
    return ImportedThread(PLATFORM, f"{base}/t/{quote(topic_id)}", topic_url, title,
                          tuple(messages), fallback_parent="1", notes=tuple(notes))


def fetch(url: str, fetcher: Fetcher) -> Any:
    """GET the topic, then every post its stream lists that the first answer left out."""
    forum = forum_of(url)
    if forum is None:
        raise UsageError(f"not a Discourse topic address: {url!r} (expected "
                         "https://FORUM/t/SLUG/ID)")
    base, topic_id = forum
    topic = fetcher.get_json(base, f"/t/{topic_id}.json")
    stream = topic.get("post_stream") if isinstance(topic, dict) else None
    if not isinstance(stream, dict) or not isinstance(stream.get("posts"), list) \
            or not isinstance(stream.get("stream"), list):
        return topic
    have = {post.get("id") for post in stream["posts"] if isinstance(post, dict)}
    wanted = [post_id for post_id in stream["stream"] if post_id not in have]
    for start in range(0, len(wanted), POSTS_PER_REQUEST):
        chunk = wanted[start:start + POSTS_PER_REQUEST]
        query = urlencode([("post_ids[]", post_id) for post_id in chunk])
        more = fetcher.get_json(base, f"/t/{topic_id}/posts.json?{query}")
        more_posts = more.get("post_stream", {}).get("posts") if isinstance(more, dict) else None
        if isinstance(more_posts, list):
            stream["posts"].extend(post for post in more_posts if isinstance(post, dict))
    return topic
