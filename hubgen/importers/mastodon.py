"""Mastodon: a status and its `/context`, as the REST API gives them.

Accepted exports:
- `{"status": STATUS, "context": CONTEXT}`: `GET /api/v1/statuses/:id` and
  `GET /api/v1/statuses/:id/context` side by side (what `--url` fetches);
- `CONTEXT` alone (`{"ancestors": [...], "descendants": [...]}`): the thread's first post
  must be among the ancestors; replies to the missing status go under its parent;
- `STATUS` alone: a thread of one post.
Only public and unlisted statuses are imported: followers-only, direct, and whatever other
audience a server names (`list`, `local`, `mutuals_only`, `limited`…) are left out, their
replies placed under the nearest post kept above them. HTML `content` becomes the Markdown
subset; mentions are written `@user@instance`, media attachments become links.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import urlsplit

from hubgen.content.markdown import shorten
from hubgen.errors import UsageError
from hubgen.importers.fetching import Fetcher
from hubgen.importers.html_markdown import (
    LinkContext,
    http_address,
    markdown_from_html,
    plain_text_of_html,
)
from hubgen.importers.json_export import ExportError, JsonValue, ShapeError
from hubgen.importers.markdown_subset import MarkedText, markdown_from_text
from hubgen.importers.models import Account, ImportedMessage, ImportedThread, ReadContext
from hubgen.wording import plural

PLATFORM = "mastodon"
EXPORT = "Mastodon status and context"
EXPECTED = ('a status and its context ({"status": …, "context": …}), a context '
            '({"ancestors": […], "descendants": […]}) or a status')
# What anyone may read. Servers name other audiences too (Akkoma's `list`, Pleroma's
# `local`, GoToSocial's `mutuals_only`, `limited`): none of them is public.
PUBLIC = ("public", "unlisted")
AUDIENCES = {"private": "followers-only", "direct": "direct"}
MEDIA_LABELS = {"image": "image", "gifv": "image", "video": "video", "audio": "audio"}
_STATUS_PATH = re.compile(r"/(?:@[^/]+|users/[^/]+/statuses|web/statuses|web/@[^/]+)/(\d+)/?$")


def looks_like(data: Any) -> bool:
    """True when `data` has the shape of a Mastodon export."""
    if not isinstance(data, dict):
        return False
    return ("status" in data and "context" in data) or \
        ("ancestors" in data and "descendants" in data) or \
        ("account" in data and "content" in data and "created_at" in data)


def _handle(acct: str, profile_url: str, fallback_host: str) -> str:
    """`@user@instance` from an account's `acct` (which omits the instance for local users)."""
    acct = acct.strip().lstrip("@")
    if "@" in acct:
        return f"@{acct}"
    host = urlsplit(profile_url).netloc or fallback_host
    return f"@{acct}@{host}" if host else f"@{acct}"


def _account(status: JsonValue, fallback_host: str) -> Account:
    account = status.object("account")
    acct = account.text("acct")
    if not acct.strip():
        raise account.at("acct").fail("an account name")
    url = http_address(account.raw("url"))
    name = account.text("display_name", required=False) or \
        account.text("username", required=False) or acct
    return Account(PLATFORM, _handle(acct, url, fallback_host), name, url)


def _mentions(status: JsonValue, fallback_host: str) -> dict[str, str]:
    found = {}
    for mention in status.items("mentions", required=False):
        url = http_address(mention.raw("url"))
        acct = mention.text("acct", required=False)
        if url and acct:
            found[url.lower().rstrip("/")] = _handle(acct, url, fallback_host)
    return found


def _attachments(status: JsonValue, marked: MarkedText) -> list[str]:
    lines = []
    for media in status.items("media_attachments", required=False):
        url = http_address(media.raw("url")) or http_address(media.raw("remote_url"))
        if not url:
            continue
        kind = MEDIA_LABELS.get(str(media.raw("type", "")), "attachment")
        description = " ".join(str(media.raw("description") or "").split())
        label = f"{kind}: {description}" if description else kind
        lines.append(marked.finish(marked.link(marked.text(label), url)))
    return lines


def _poll(status: JsonValue) -> str:
    poll = status.get("poll")
    if poll is None:
        return ""
    options = []
    for option in poll.items("options", required=False):
        title = option.text("title", required=False)
        votes = option.raw("votes_count")
        count = f" ({plural(votes, 'vote')})" if isinstance(votes, int) else ""
        options.append("- " + markdown_from_text(title + count))
    return "\n".join(options)


def _text(status: JsonValue, links: LinkContext) -> str:
    marked = MarkedText()
    blocks = []
    spoiler = status.text("spoiler_text", required=False).strip()
    if spoiler:
        blocks.append(marked.finish(marked.emphasis(marked.text(f"CW: {spoiler}"), 2)))
    content = markdown_from_html(status.text("content"), links)
    if content:
        blocks.append(content)
    poll = _poll(status)
    if poll:
        blocks.append(poll)
    attachments = _attachments(status, marked)
    if attachments:
        blocks.append("\n".join(attachments))
    return "\n\n".join(blocks)


def _statuses(export: JsonValue) -> tuple[JsonValue | None, list[JsonValue], list[JsonValue]]:
    """The status (if any), the ancestors and the descendants of an accepted export."""
    if not export.is_object():
        raise export.fail(EXPECTED)
    if "status" in export.value or "context" in export.value:
        status = export.object("status")
        context = export.object("context")
        return status, context.items("ancestors"), context.items("descendants")
    if "ancestors" in export.value or "descendants" in export.value:
        ancestors = export.items("ancestors")
        if not ancestors:
            raise ShapeError(f"{export.path}.ancestors", "a list holding the thread's first "
                             "post (a context alone must come with its status: save "
                             '{"status": …, "context": …})', [])
        return None, ancestors, export.items("descendants")
    if "account" in export.value and "content" in export.value:
        return export, [], []
    raise export.fail(EXPECTED)


def _boosted(status: JsonValue | None) -> tuple[JsonValue | None, str]:
    """The post a boost shares (its author, words and address), with a note saying so; any
    other status as it is. A boost has no words of its own: it would be an empty message
    credited to whoever boosted it."""
    if status is None or status.get("reblog") is None:
        return status, ""
    booster = status.object("account").text("acct", required=False)
    boosted = status.object("reblog")
    author = boosted.object("account").text("acct", required=False)
    url = http_address(boosted.raw("url")) or http_address(boosted.raw("uri"))
    return boosted, (f"the status is a boost by @{booster.lstrip('@')}: imported the post it "
                     f"shares, by @{author.lstrip('@')} ({url or 'no address given'})")


def read(export: JsonValue, context: ReadContext) -> ImportedThread:
    """Read a Mastodon export; raises ShapeError at the first value it cannot use."""
    status, ancestors, descendants = _statuses(export)
    status, boost_note = _boosted(status)
    ordered = [*ancestors, *([status] if status is not None else []), *descendants]
    root = ordered[0]
    root_url = http_address(root.raw("url")) or http_address(root.raw("uri"))
    if not root_url:
        raise root.at("url").fail("the post's http(s) address")
    host = urlsplit(root_url).netloc
    messages: list[ImportedMessage] = []
    seen: set[str] = set()
    hidden: dict[str, int] = {}     # audience → how many posts left out
    left_out: dict[str, str | None] = {}    # a post left out → the post it answers
    withheld: set[str] = set()              # their ids and addresses
    for item in ordered:
        identifier = item.identifier("id")
        if identifier in seen:
            continue
        seen.add(identifier)
        visibility = item.text("visibility", required=False)
        if visibility not in PUBLIC:
            if item is root:
                raise ExportError(f"{context.source_name}: the thread's first post is not "
                                  f"public (visibility: {visibility or 'not given'}); hubgen "
                                  "imports public conversations only")
            audience = AUDIENCES.get(visibility, visibility or "no visibility given")
            hidden[audience] = hidden.get(audience, 0) + 1
            left_out[identifier] = item.optional_identifier("in_reply_to_id")
            withheld |= {identifier, http_address(item.raw("url")),
                         http_address(item.raw("uri"))} - {""}
            continue
        url = http_address(item.raw("url")) or http_address(item.raw("uri"))
        links = LinkContext(PLATFORM, root_url, url or root_url, _mentions(item, host))
        messages.append(ImportedMessage(
            id=identifier, author=_account(item, host), date=item.moment("created_at"),
            text=_text(item, links), url=url,
            edited=item.moment("edited_at") if item.raw("edited_at") is not None else None,
            reply_to=None if item is root else item.optional_identifier("in_reply_to_id")))
    notes = [boost_note] if boost_note else []
    above = root.optional_identifier("in_reply_to_id")
    if above is not None:
        notes.append(f"the first post is a reply (to post {above} on {host}): the thread "
                     "above it is not in the export; import the whole thread from its "
                     "first post instead")
    if hidden:
        count = sum(hidden.values())
        notes.append(f"left out {plural(count, 'post')} that "
                     f"{'is' if count == 1 else 'are'} not public ({', '.join(hidden)})")
    moved = 0
    for index, message in enumerate(messages):
        if message.reply_to in left_out:
            messages[index] = dataclasses.replace(
                message, reply_to=_kept_above(message.reply_to, left_out))
            moved += 1
    if moved:
        notes.append(f"{plural(moved, 'reply', 'replies')} to a post left out "
                     f"{'was' if moved == 1 else 'were'} placed under the nearest post "
                     "kept above it")
    fallback = _kept_above(
        status.identifier("id") if status is not None else ancestors[-1].identifier("id"),
        left_out)
    # Words behind a content warning stay behind it: the title (and the file's name, made
    # from it) is the warning itself.
    warning = " ".join(root.text("spoiler_text", required=False).split())
    title = shorten(warning or plain_text_of_html(root.text("content")), 80) or \
        f"Mastodon thread by {messages[0].author.name}"
    return ImportedThread(PLATFORM, http_address(root.raw("uri")) or root_url, root_url, title,
                          tuple(messages), fallback_parent=fallback, notes=tuple(notes),
                          withheld=frozenset(withheld))


def _kept_above(identifier: str | None, left_out: dict[str, str | None]) -> str | None:
    """`identifier`, or the nearest post above it that is not left out (None: none is)."""
    seen = set()
    while identifier in left_out and identifier not in seen:
        seen.add(identifier)
        identifier = left_out[identifier]
    return None if identifier in left_out else identifier


def fetch(url: str, fetcher: Fetcher) -> Any:
    """GET the status and its context from the instance named in a status URL."""
    parts = urlsplit(url)
    match = _STATUS_PATH.search(parts.path)
    if parts.scheme != "https" or not parts.netloc or not match:
        raise UsageError(f"not a Mastodon post address: {url!r} (expected "
                         "https://INSTANCE/@USER/ID)")
    base = f"https://{parts.netloc}"
    path = f"/api/v1/statuses/{match.group(1)}"
    status = fetcher.get_json(base, path)
    context = fetcher.get_json(base, path + "/context")
    return {"status": status, "context": context}
