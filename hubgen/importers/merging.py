"""Re-import: a newer export merged into the thread file without undoing the curator's work.

Each message has fields that follow the platform (`author`, `date`, `url`, `reply_to`,
`text`: an edited post gets its new text) and fields that are the curator's (`featured`,
`removed`, `answers`, and anything else they added), which are never touched, but for a
post the platform now keeps from the public (made followers-only, hidden by the thread's
author), which is taken down with `removed: true`.

An export older than the file's version of a post (its `edited:` time is later than the
export's) leaves the post's text and `edited:` as they are. The same version of a post (the
same `edited:` time, or none on either side) whose text in the file differs from the
export's keeps the file's: the curator changed it, the platform did not (on a platform
whose export tells edits: not Discourse, whose posts take the export's text). A post deleted or
removed on the platform (`[deleted]`, `[removed]`, `[dead]`, `[hidden]`) always takes its
new text: a takedown wins over any older or curated words. A post never changes its
author: a message whose author is a people.yaml key keeps that key (the account may have
a new handle; the person, their role, consent and withdrawal stay), unless the platform
now hides the author (a deleted account).

Messages are matched by id, then by permalink; a message of the file that the new export
lacks (deleted on the platform, or left out of this export) is kept. New messages are
placed by date.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from hubgen.content.dates import BadDate, parse_date
from hubgen.importers.thread_yaml import plain_data

PLATFORM_FIELDS = ("author", "date", "edited", "url", "reply_to", "text")
# What an edit changes: an export older than the file's version of a post leaves them be.
EDITED_FIELDS = ("edited", "text")
# What a platform shows of a post deleted, removed or hidden: it replaces any earlier words.
GONE_TEXTS = frozenset({"[deleted]", "[removed]", "[dead]", "[hidden]"})


@dataclass
class MergedMessages:
    """The messages to write, and what the merge did."""

    messages: list[dict[str, Any]]
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0         # in the file, not in this export: left as they were
    newer: int = 0        # edited since this export was made: the file's text kept
    moved: int = 0        # replies whose parent is missing, placed under a known post
    withheld: int = 0     # published before, kept from the public now: taken down
    # ids whose text the curator changed and the platform did not: the file's text kept
    curated: list[str] = dataclasses.field(default_factory=list)
    # ids whose text in the file differed and that the platform edited since: its new
    # text replaced the file's (any edit of the curator's to them is gone)
    replaced: list[str] = dataclasses.field(default_factory=list)
    # ids whose text in the file differed, on a platform that does not say whether the post
    # was edited: the export's text replaced the file's
    differed: list[str] = dataclasses.field(default_factory=list)
    comments_lost: bool = False   # a comment of the file's could not be written back


def _identifier(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value).strip()


def _same(field: str, old: Any, new: Any, tz: tzinfo) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if field in ("date", "edited"):
        try:
            return parse_date(old, tz) == new
        except BadDate:
            return False
    if field == "author":
        return plain_data(old) == new
    return _identifier(old) == _identifier(new)


def _moment(message: dict[str, Any], tz: tzinfo, field: str = "date") -> datetime | None:
    try:
        return parse_date(message[field], tz) if message.get(field) is not None else None
    except BadDate:
        return None


def _older(update: dict[str, Any], original: dict[str, Any], tz: tzinfo) -> bool:
    """True when the export's post is an older version than the file's: edited earlier,
    or not edited where the file's was (a post's version is its last edit, else its
    creation)."""
    mine = _moment(original, tz, "edited")
    if mine is None:
        return False
    theirs = update.get("edited") or update.get("date")
    return isinstance(theirs, datetime) and theirs < mine


def _place(messages: list[dict[str, Any]], moments: list[datetime | None],
           message: dict[str, Any], when: datetime) -> None:
    """Insert after the last message dated no later than it (the root stays first);
    `moments` holds the messages' dates, read once."""
    at = 1 if messages else 0
    for index, other in enumerate(moments):
        if index == 0 or other is None or other <= when:
            at = index + 1
    messages.insert(at, message)
    moments.insert(at, when)


def settle_replies(messages: list[dict[str, Any]], from_export: set[str], root_id: str,
                   fallback: str | None) -> int:
    """Replies whose parent is missing (or that reply in a circle) go under `fallback`, else
    under the root. Only messages of the export are touched. Returns how many moved."""
    by_id = {_identifier(m.get("id")): m for m in messages}
    target = fallback if fallback in by_id else root_id
    moved = 0
    for message in messages:
        identifier = _identifier(message.get("id"))
        if identifier not in from_export or identifier == root_id:
            continue
        parent = _identifier(message.get("reply_to"))
        if parent not in by_id or parent == identifier:
            message["reply_to"] = target if target != identifier else root_id
            moved += 1
    for message in messages:
        identifier = _identifier(message.get("id"))
        if identifier not in from_export or identifier == root_id:
            continue
        seen = {identifier}
        parent = by_id.get(_identifier(message.get("reply_to")))
        while parent is not None:
            parent_id = _identifier(parent.get("id"))
            if parent_id in seen:
                message["reply_to"] = root_id
                moved += 1
                break
            seen.add(parent_id)
            parent = by_id.get(_identifier(parent.get("reply_to")))
    return moved


def merge_messages(existing: list[Any], incoming: list[dict[str, Any]], root_id: str,
                   fallback: str | None, tz: tzinfo,
                   withheld: frozenset[str] = frozenset(),
                   edits_known: bool = True) -> MergedMessages:
    """The file's messages (`existing`, as read) updated by the export's (`incoming`); one
    of the file's that the platform now keeps from the public (`withheld`: by id or
    permalink) is taken down (`removed: true`). `edits_known` is False for a platform
    whose export does not say when a post was edited: a text that differs from the file's
    then replaces it (it may be the platform's edit)."""
    originals = [plain_data(m) for m in existing if isinstance(m, dict)]
    by_id = {_identifier(m.get("id")): m for m in originals}
    by_url = {str(m["url"]): m for m in originals if m.get("url")}
    renamed: dict[str, str] = {}
    matched: dict[str, dict[str, Any]] = {}      # id in the file → the export's message
    fresh: list[dict[str, Any]] = []
    for message in incoming:
        identifier = message["id"]
        twin = by_id.get(identifier)
        if twin is None and message.get("url"):
            twin = by_url.get(message["url"])
        if twin is None:
            fresh.append(message)
            continue
        twin_id = _identifier(twin.get("id"))
        renamed[identifier] = twin_id
        matched[twin_id] = message
    result = MergedMessages(messages=[])
    for original in originals:
        identifier = _identifier(original.get("id"))
        message = dict(original)
        update = matched.get(identifier)
        if update is None and (identifier in withheld or original.get("url") in withheld):
            if message.get("removed") is not True:
                message["removed"] = True
                result.withheld += 1
        elif update is None:
            result.kept += 1
        else:
            gone = _identifier(update.get("text")) in GONE_TEXTS
            older = _older(update, original, tz) and not gone
            result.newer += older
            rewritten = not older and not _same("text", original.get("text"),
                                                update.get("text"), tz)
            same_version = _same("edited", original.get("edited"), update.get("edited"), tz)
            curated = rewritten and not gone and same_version and edits_known
            if curated:
                result.curated.append(identifier)
            elif rewritten and not gone and original.get("text") is not None:
                (result.differed if same_version else result.replaced).append(identifier)
            for field in PLATFORM_FIELDS:
                value = update.get(field)
                if (older or curated) and field in EDITED_FIELDS:
                    continue
                if field == "author" and isinstance(original.get("author"), str) \
                        and isinstance(value, str):
                    continue
                if field == "reply_to" and value is not None:
                    value = renamed.get(value, value)
                if value is None:
                    message.pop(field, None)
                else:
                    message[field] = value
        result.messages.append(message)
    moments = [_moment(m, tz) for m in result.messages]
    for message in sorted(fresh, key=lambda m: (m["id"] != root_id, m["date"])):
        if message.get("reply_to") is not None:
            message = {**message, "reply_to": renamed.get(message["reply_to"],
                                                          message["reply_to"])}
        if originals:
            _place(result.messages, moments, message, message["date"])
        else:
            result.messages.append(message)
    from_export = set(matched) | {m["id"] for m in fresh}
    result.moved = settle_replies(result.messages, from_export, renamed.get(root_id, root_id),
                                  renamed.get(fallback or "", fallback))
    result.added = len(fresh)
    originals_by_id = {_identifier(m.get("id")): m for m in originals}
    for message in result.messages:
        identifier = _identifier(message.get("id"))
        original = originals_by_id.get(identifier)
        if original is None or identifier not in matched:
            continue
        changed = False
        for field in PLATFORM_FIELDS:
            old, new = original.get(field), message.get(field)
            if _same(field, old, new, tz):
                if old is None:
                    message.pop(field, None)
                else:
                    message[field] = old        # keep how the file wrote it
            else:
                changed = True
        result.updated += changed
        result.unchanged += not changed
    return result
