"""Bluesky: `app.bsky.feed.getPostThread`, a `threadViewPost` with nested `replies`.

Accepted export: the API's answer, `{"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
"post": ..., "parent": ..., "replies": [...]}, "threadgate": ...}`. Parents above the post are
climbed to the thread's first post; `notFoundPost` and `blockedPost` entries are skipped and
counted. Left out, and counted, as bsky.app leaves them out for a logged-out reader: replies
the thread's author hid (its threadgate's `hiddenReplies`), posts of an account that asks
not to be shown to logged-out readers (the `!no-unauthenticated` label), and posts a
moderation service hides (`!hide`); their replies go under the nearest post kept above.
A post labelled `porn`, `sexual`, `nudity`, `graphic-media` or `!warn` is kept, opening
with its warning as a Mastodon content warning does. The post text is plain text with
`facets` (UTF-8 byte ranges) marking links, mentions and tags; embedded images, links,
videos and quoted posts become links.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from hubgen.content.markdown import shorten
from hubgen.content.sanitize import HASHTAG, MENTION
from hubgen.errors import UsageError
from hubgen.importers.fetching import Fetcher
from hubgen.importers.html_markdown import autolinks_alone, http_address
from hubgen.importers.json_export import ExportError, JsonValue, ShapeError
from hubgen.importers.markdown_subset import MarkedText
from hubgen.importers.models import Account, ImportedMessage, ImportedThread, ReadContext
from hubgen.wording import plural

PLATFORM = "bluesky"
EXPORT = "Bluesky getPostThread answer"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
BLOCKED = "app.bsky.feed.defs#blockedPost"
APPVIEW = "https://public.api.bsky.app"
WEB = "https://bsky.app"
_WEB_POST = re.compile(r"^/profile/([^/]+)/post/([^/]+)/?$")


def looks_like(data: Any) -> bool:
    """True when `data` has the shape of a getPostThread answer."""
    thread = data.get("thread") if isinstance(data, dict) else None
    return isinstance(thread, dict) and (
        "post" in thread or str(thread.get("$type", "")).startswith("app.bsky."))


def _kind(node: JsonValue) -> str:
    """'post', 'notfound' or 'blocked'; anything else is a shape error."""
    if not node.is_object():
        raise node.fail("a threadViewPost, notFoundPost or blockedPost object")
    kind = node.raw("$type")
    if kind == NOT_FOUND or node.raw("notFound") is True:
        return "notfound"
    if kind == BLOCKED or node.raw("blocked") is True:
        return "blocked"
    if kind in (THREAD_VIEW, None) and "post" in node.value:
        return "post"
    raise node.fail("a threadViewPost, notFoundPost or blockedPost object")


INVALID_HANDLE = "handle.invalid"
NOT_FOR_EVERYONE = "!no-unauthenticated"     # the account asks not to be shown logged out
HIDE = "!hide"                               # a moderation service hides the post
# Labels bsky.app shows a post behind a warning for, and the warning's words.
WARNINGS = {"porn": "adult content", "sexual": "sexually suggestive", "nudity": "nudity",
            "graphic-media": "graphic media", "gore": "graphic media",
            "!warn": "content warning"}


def _labels(*holders: JsonValue | None) -> set[str]:
    """The label values on a post or an account (a negated label takes its value away)."""
    values: set[str] = set()
    for holder in holders:
        labels = holder.raw("labels") if holder is not None and holder.is_object() else None
        for label in labels if isinstance(labels, list) else []:
            value = label.get("val") if isinstance(label, dict) else None
            if isinstance(value, str):
                if label.get("neg") is True:
                    values.discard(value)
                else:
                    values.add(value)
    return values


def _hidden_replies(*threadgates: JsonValue | None) -> set[str]:
    """The at:// URIs of the replies a thread's author hid (a threadgate view's record)."""
    hidden: set[str] = set()
    for gate in threadgates:
        record = gate.raw("record") if gate is not None and gate.is_object() else None
        uris = record.get("hiddenReplies") if isinstance(record, dict) else None
        if isinstance(uris, list):
            hidden.update(uri for uri in uris if isinstance(uri, str))
    return hidden


def _post_address(handle: str, did: str, rkey: str) -> str:
    actor = handle if handle and handle != INVALID_HANDLE else did
    return f"{WEB}/profile/{quote(actor, safe=':.')}/post/{quote(rkey, safe='')}"


def _reply_root(post: JsonValue) -> str:
    """The bsky.app address of the thread's first post when `post` answers another ('' for
    a post of its own)."""
    record = post.get("record")
    reply = record.get("reply") if record is not None and record.is_object() else None
    root = reply.get("root") if reply is not None and reply.is_object() else None
    if root is None or not root.is_object() or root.get("uri") is None:
        return ""
    try:
        did, rkey = _at_uri_parts(root.at("uri"))
    except ShapeError:
        return ""
    return _post_address("", did, rkey)


def _at_uri_parts(uri: JsonValue) -> tuple[str, str]:
    """(authority, record key) of an `at://` post URI."""
    text = uri.value if isinstance(uri.value, str) else ""
    match = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([^/?#]+)", text)
    if not match:
        raise uri.fail("an at:// URI of a post (at://DID/app.bsky.feed.post/KEY)")
    return match.group(1), match.group(2)


class _Reader:
    def __init__(self) -> None:
        self.messages: list[ImportedMessage] = []
        self.ids: dict[str, str] = {}        # at:// URI → message id
        self.skipped = {"notfound": 0, "blocked": 0}
        self.cut_short = 0
        self.root_missing = False
        self.hidden_replies: set[str] = set()
        self.left_out = {"hidden": 0, "unauthenticated": 0, "moderated": 0}
        self.withheld: set[str] = set()      # the record keys and addresses of those left out
        self.moved = 0          # replies to a post left out, placed under one kept above
        self.warned: dict[str, int] = {}      # content label → posts kept with its warning

    def leave_out(self, view: JsonValue) -> str:
        """Why a post must stay out of the hub ('hidden', 'unauthenticated', 'moderated'),
        or '' to keep it."""
        post = view.at("post")
        labels = _labels(post, post.get("author"))
        reason = "hidden" if post.raw("uri") in self.hidden_replies else \
            "unauthenticated" if NOT_FOR_EVERYONE in labels else \
            "moderated" if HIDE in labels else ""
        if reason:
            author_did, rkey = _at_uri_parts(post.at("uri"))
            author = post.get("author")
            handle = str(author.raw("handle", "")) if author is not None else ""
            self.withheld |= {rkey, _post_address(handle, author_did, rkey)}
        return reason

    def message_id(self, uri: str, rkey: str) -> str:
        """The record key of a post, made unique in the thread."""
        if uri in self.ids:
            return self.ids[uri]
        identifier = rkey
        taken = set(self.ids.values())
        number = 2
        while identifier in taken:
            identifier = f"{rkey}-{number}"
            number += 1
        self.ids[uri] = identifier
        return identifier

    def post(self, view: JsonValue, reply_to: str | None) -> str:
        """Read one threadViewPost's post; returns its message id."""
        post = view.object("post")
        uri = post.at("uri")
        did, rkey = _at_uri_parts(uri)
        author = post.object("author")
        handle = author.text("handle")
        author_did = author.text("did", required=False) or did
        # An account whose handle no longer resolves shows as "handle.invalid", which many
        # accounts share: its DID is the one name that tells it from the others.
        account = author_did if handle == INVALID_HANDLE else f"@{handle}"
        name = author.text("displayName", required=False).strip() or account.lstrip("@")
        profile = f"{WEB}/profile/{quote(account.lstrip('@'), safe=':.')}"
        record = post.object("record")
        identifier = self.message_id(uri.value, rkey)
        warnings = sorted({WARNINGS[label] for label in _labels(post) if label in WARNINGS})
        for label in sorted(label for label in _labels(post) if label in WARNINGS):
            self.warned[label] = self.warned.get(label, 0) + 1
        self.messages.append(ImportedMessage(
            id=identifier, author=Account(PLATFORM, account, name, profile, author_did),
            date=record.moment("createdAt"), text=_text(record, post.get("embed"), warnings),
            url=_post_address(handle, author_did, rkey), reply_to=reply_to))
        return identifier

    def replies(self, view: JsonValue, parent: str) -> None:
        """Read the replies below a post, depth first."""
        replies = view.items("replies", required=False)
        count = view.at("post").raw("replyCount")
        if isinstance(count, int) and count > len(replies):
            self.cut_short += 1
        for reply in replies:
            kind = _kind(reply)
            if kind != "post":
                self.skipped[kind] += 1
                continue
            reason = self.leave_out(reply)
            if reason:
                self.left_out[reason] += 1
                before = len(self.messages)
                self.replies(reply, parent)      # its replies: under the post it answers
                self.moved += sum(1 for message in self.messages[before:]
                                  if message.reply_to == parent)
                continue
            self.replies(reply, self.post(reply, parent))

    def ancestors(self, view: JsonValue) -> list[JsonValue]:
        """The posts above `view`, the thread's first post first."""
        chain: list[JsonValue] = []
        parent = view.get("parent")
        while parent is not None:
            kind = _kind(parent)
            if kind != "post":
                self.skipped[kind] += 1
                self.root_missing = True
                break
            chain.insert(0, parent)
            parent = parent.get("parent")
        return chain


def _facet_piece(marked: MarkedText, segment: str, features: list[JsonValue],
                 following: str) -> str:
    """A facet's words (`following` is the text after them, which a bare URL must not
    run into)."""
    for feature in features:
        kind = str(feature.raw("$type", ""))
        if kind.endswith("#link"):
            uri = http_address(feature.raw("uri"))
            if not uri:
                continue
            if segment == uri and autolinks_alone(uri, following):
                return marked.keep(uri)
            return marked.link(marked.text(segment), uri)
        if kind.endswith("#mention") and re.fullmatch(MENTION, segment):
            return marked.keep(segment)
        if kind.endswith("#tag") and re.fullmatch(HASHTAG, segment):
            return marked.keep(segment)
    return marked.text(segment)


def _marked_text(record: JsonValue, marked: MarkedText) -> str:
    text = record.text("text", required=False)
    data = text.encode("utf-8")
    pieces = []
    position = 0
    facets = []
    for facet in record.items("facets", required=False):
        index = facet.object("index")
        start, end = index.raw("byteStart"), index.raw("byteEnd")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise index.fail("a byteStart and byteEnd (whole numbers)")
        facets.append((start, end, facet.items("features", required=False)))
    for start, end, features in sorted(facets, key=lambda f: f[0]):
        if start < position or end > len(data) or start >= end:
            continue          # overlapping or out of range: keep the words as text
        pieces.append(marked.text(data[position:start].decode("utf-8", "replace")))
        segment = data[start:end].decode("utf-8", "replace")
        pieces.append(_facet_piece(marked, segment, features,
                                   data[end:].decode("utf-8", "replace")))
        position = end
    pieces.append(marked.text(data[position:].decode("utf-8", "replace")))
    return "".join(pieces)


def _embed_lines(embed: JsonValue | None, marked: MarkedText) -> list[str]:
    if embed is None or not embed.is_object():
        return []
    kind = str(embed.raw("$type", ""))
    lines: list[str] = []
    if kind.startswith("app.bsky.embed.images"):
        for image in embed.items("images", required=False):
            url = http_address(image.raw("fullsize")) or http_address(image.raw("thumb"))
            alt = " ".join(str(image.raw("alt") or "").split())
            if url:
                lines.append(marked.link(marked.text(f"image: {alt}" if alt else "image"), url))
    elif kind.startswith("app.bsky.embed.video"):
        url = http_address(embed.raw("playlist"))
        alt = " ".join(str(embed.raw("alt") or "").split())
        if url:
            lines.append(marked.link(marked.text(f"video: {alt}" if alt else "video"), url))
    elif kind.startswith("app.bsky.embed.external"):
        external = embed.get("external")
        url = http_address(external.raw("uri")) if external else ""
        title = " ".join(str(external.raw("title") or "").split()) if external else ""
        if url:
            lines.append(marked.link(marked.text(title), url) if title and title != url
                         else marked.keep(url) if autolinks_alone(url)
                         else marked.link(marked.text(url.split("://", 1)[-1]), url))
    elif kind.startswith("app.bsky.embed.recordWithMedia"):
        lines += _embed_lines(embed.get("media"), marked)
        outer = embed.get("record")      # app.bsky.embed.record#view: {"record": viewRecord}
        lines += _quoted(outer.get("record") if outer is not None and outer.is_object()
                         else None, marked)
    elif kind.startswith("app.bsky.embed.record"):
        lines += _quoted(embed.get("record"), marked)
    return lines


def _quoted(record: JsonValue | None, marked: MarkedText) -> list[str]:
    """A quoted post (a viewRecord) as a link to it, with its author."""
    if record is None or not record.is_object() or not isinstance(record.raw("uri"), str) \
            or not str(record.raw("$type", "")).endswith("#viewRecord"):
        return []
    did, rkey = _at_uri_parts(record.at("uri"))
    author = record.get("author")
    if _labels(record, author) & {NOT_FOR_EVERYONE, HIDE}:
        return [marked.text("[a quoted post that is not for everyone]")]
    handle = author.text("handle", required=False) if author is not None else ""
    line = marked.link(marked.text("quoted post"), _post_address(handle, did, rkey))
    if handle and re.fullmatch(MENTION, f"@{handle}"):
        line += marked.text(" by ") + marked.keep(f"@{handle}")
    elif handle:
        line += marked.text(f" by @{handle}")
    return [line]


def _text(record: JsonValue, embed: JsonValue | None, warnings: list[str]) -> str:
    marked = MarkedText()
    blocks = [marked.finish(marked.emphasis(marked.text(f"CW: {', '.join(warnings)}"), 2))] \
        if warnings else []
    blocks.append(marked.finish(_marked_text(record, marked)))
    blocks += [marked.finish(line) for line in _embed_lines(embed, marked)]
    return "\n\n".join(block for block in blocks if block.strip())


def read(export: JsonValue, context: ReadContext) -> ImportedThread:
    """Read a getPostThread answer; raises ShapeError at the first value it cannot use."""
    if not export.is_object():
        raise export.fail('a getPostThread answer ({"thread": {…}})')
    thread = export.object("thread")
    kind = _kind(thread)
    if kind != "post":
        raise ShapeError(thread.path, "a threadViewPost: the post itself is "
                         + ("not found" if kind == "notfound" else "blocked"), thread.value)
    reader = _Reader()
    chain = reader.ancestors(thread)
    first = chain[0] if chain else thread
    reader.hidden_replies = _hidden_replies(export.get("threadgate"),
                                            first.at("post").get("threadgate"))
    reason = reader.leave_out(first)
    if reason:
        why = {"unauthenticated": "its author asks not to be shown to logged-out readers",
               "moderated": "a moderation service hides it"}.get(reason, "the thread's "
                                                                  "author hid it")
        raise ExportError(f"{context.source_name}: the thread's first post is not for "
                          f"everyone ({why}); hubgen imports public conversations only")
    parent: str | None = None
    skipped_above = False
    for ancestor in [*chain, thread]:
        reason = reader.leave_out(ancestor)
        if reason:
            reader.left_out[reason] += 1
            skipped_above = True
            continue
        reader.moved += skipped_above
        skipped_above = False
        parent = reader.post(ancestor, parent)
    before = len(reader.messages)
    reader.replies(thread, parent)
    if skipped_above:          # the post itself is left out: its replies go up
        reader.moved += sum(1 for message in reader.messages[before:]
                            if message.reply_to == parent)
    notes = []
    skipped = reader.skipped
    missing = [text for count, text in (
        (skipped["notfound"], f"{plural(skipped['notfound'], 'post')} not found"),
        (skipped["blocked"], plural(skipped["blocked"], "blocked post"))) if count]
    if missing:
        notes.append(f"skipped {' and '.join(missing)}")
    left_out = reader.left_out
    reasons = [text for count, text in (
        (left_out["hidden"], f"{plural(left_out['hidden'], 'reply', 'replies')} the "
                             "thread's author hid"),
        (left_out["unauthenticated"], f"{plural(left_out['unauthenticated'], 'post')} by "
                                      "accounts that ask not to be shown to logged-out "
                                      "readers"),
        (left_out["moderated"], f"{plural(left_out['moderated'], 'post')} a moderation "
                                "service hides (!hide)")) if count]
    if reasons:
        notes.append(f"left out {', '.join(reasons)}")
    if reader.moved:
        notes.append(f"{plural(reader.moved, 'reply', 'replies')} to a post left out "
                     f"{'was' if reader.moved == 1 else 'were'} placed under the nearest "
                     "post kept above it")
    if reader.warned:
        total = sum(reader.warned.values())
        notes.append(f"{plural(total, 'post')} labelled {', '.join(sorted(reader.warned))} "
                     f"{'is' if total == 1 else 'are'} kept, opening with a content "
                     "warning: check before publishing")
    root_of = _reply_root(first.at("post"))
    if root_of:
        notes.append(f"the first post is a reply: the thread above it is not in the export; "
                     f"import the whole thread from its first post instead: {root_of}")
    elif reader.root_missing:
        notes.append("the thread's first post is not in the export: it starts at the "
                     "earliest post it holds")
    if reader.cut_short:
        notes.append(f"{plural(reader.cut_short, 'post')} "
                     f"{'has' if reader.cut_short == 1 else 'have'} more replies than the "
                     "export holds (fetch with a greater depth)")
    root = reader.messages[0]
    root_post = (chain[0] if chain else thread).at("post")
    # Words behind a content warning stay behind it: the title (and the file's name, made
    # from it) is the warning itself, as for a Mastodon post's.
    warnings = sorted({WARNINGS[label] for label in _labels(root_post) if label in WARNINGS})
    words = f"CW: {', '.join(warnings)}" if warnings else \
        " ".join(root_post.at("record").text("text", required=False).split())
    title = shorten(words, 80) or f"Bluesky thread by {root.author.name}"
    return ImportedThread(PLATFORM, str(root_post.raw("uri")), root.url, title,
                          tuple(reader.messages), fallback_parent=root.id, notes=tuple(notes),
                          withheld=frozenset(reader.withheld))


def fetch(url: str, fetcher: Fetcher) -> Any:
    """GET the thread from the public AppView: a bsky.app post URL or an at:// URI."""
    parts = urlsplit(url)
    if parts.scheme == "at":
        match = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([^/?#]+)", url)
        actor, rkey = (match.group(1), match.group(2)) if match else ("", "")
    else:
        match = _WEB_POST.match(parts.path) if parts.scheme == "https" else None
        actor, rkey = (unquote(match.group(1)), match.group(2)) if match else ("", "")
    if not actor:
        raise UsageError(f"not a Bluesky post address: {url!r} (expected "
                         "https://bsky.app/profile/HANDLE/post/KEY or an at:// URI)")
    if not actor.startswith("did:"):
        answer = fetcher.get_json(APPVIEW, "/xrpc/com.atproto.identity.resolveHandle?"
                                  + urlencode({"handle": actor}))
        did = answer.get("did") if isinstance(answer, dict) else None
        if not isinstance(did, str) or not did.startswith("did:"):
            raise UsageError(f"the Bluesky handle {actor!r} did not resolve to an account")
        actor = did
    query = urlencode({"uri": f"at://{actor}/app.bsky.feed.post/{rkey}", "depth": 1000,
                       "parentHeight": 1000})
    return fetcher.get_json(APPVIEW, f"/xrpc/app.bsky.feed.getPostThread?{query}")
