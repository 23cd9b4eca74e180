"""Reading curated threads: content/threads/SLUG.yaml, checked field by field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hubgen.config import Config
from hubgen.content.dates import DATE_HINT, BadDate, parse_date, updated_too_early, without_time
from hubgen.content.markdown import MarkdownRenderer, NestedTooDeep, shorten
from hubgen.content.models import PLATFORMS, Message, Question, Speaker, Thread
from hubgen.content.people import is_safe_link
from hubgen.content.sanitize import HASHTAG, NOT_XML, Community, plain, plain_line
from hubgen.content.slugs import explicit_slug, slug_changed, slugify
from hubgen.errors import Diagnostics, SourceErrors
from hubgen.wording import did_you_mean
from hubgen.yamlfile import DuplicateKeys, MarkedList, MarkedMap, read_yaml_file, warn_unknown_keys

STATUSES = ("upcoming", "live", "archived")
CONSENT = ("asked", "granted", "declined")
THREAD_KEYS = ("title", "date", "updated", "slug", "summary", "tags", "source", "status",
               "moderator", "questions", "messages", "consent", "comments", "draft",
               "duration")
MESSAGE_KEYS = ("id", "author", "date", "text", "url", "reply_to", "answers", "featured",
                "removed", "edited")   # edited: the platform's last edit, kept by imports
SOURCE_KEYS = ("platform", "url", "hashtag")
SPEAKER_KEYS = ("name", "handle", "url")


# What to write in a required value left empty.
_FILL_IN = {"title": "give the thread a title.",
            "text": 'write the message\'s words (text: "" if it has none), or mark it taken '
                    "down with removed: true.",
            "platform": f"name where the conversation took place: {', '.join(PLATFORMS)}."}


def _check_keys(data: MarkedMap, known: tuple[str, ...], where: str, path: Path,
                diagnostics: Diagnostics) -> None:
    warn_unknown_keys(data, known, path, diagnostics, f"in {where}",
                      f"known keys: {', '.join(known)}.")


def _identifier(value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


# An id names its message's (or question's) anchor: #m-ID, in pages and feeds' links,
# where a space, a '#' or '%', a quote or a bracket would break or change the address;
# nor may it hold a character XML forbids (NOT_XML): a feed's entry id holds it.
_ID_UNFIT = re.compile(r"[\s\x00-\x1f\x7f#%\"'<>\\`{}|^\[\]]")


def _id_problem(identifier: str) -> str | None:
    """Why an id cannot name an anchor, or None."""
    unfit = _ID_UNFIT.search(identifier) or NOT_XML.search(identifier)
    if unfit is None:
        return None
    return (f"the id {identifier!r} holds {unfit[0]!r}, which cannot be part of the "
            "message's address (#m-ID)")


class _ThreadReader:
    """Reads one thread file; every problem goes to the diagnostics."""

    def __init__(self, path: Path, config: Config, renderer: MarkdownRenderer,
                 community: Community, diagnostics: Diagnostics):
        self.path = path
        self.config = config
        self.renderer = renderer
        self.community = community
        self.diagnostics = diagnostics

    def error(self, position: tuple[int, int], message: str, hint: str = "") -> None:
        self.diagnostics.error(self.path, *position, message, hint)

    def text(self, data: MarkedMap, key: str, required: bool = False,
             blank: bool = False) -> str:
        """The text of `key`; with `required`, one missing or left empty (`key:`) is an
        error, and so is a blank one ("") unless `blank` allows it."""
        value = data.get(key)
        if value is None and key not in data:
            if required:
                self.error(data.position, f"missing '{key}'", f"add '{key}:' here.")
            return ""
        if isinstance(value, bool | dict | list):
            self.error(data.value_at(key), f"'{key}' must be text",
                       "quote it if it holds special characters.")
            return ""
        text = "" if value is None else str(value).strip()
        if required and not text and (value is None or not blank):
            self.error(data.value_at(key), f"'{key}' is empty",
                       _FILL_IN.get(key, f"write its value after '{key}:'."))
        return text

    def flag(self, data: MarkedMap, key: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(data.value_at(key), f"'{key}' must be true or false",
                       "write true or false, without quotes.")
            return default
        return value

    def date(self, data: MarkedMap, key: str, required: bool = False):
        if data.get(key) is None:
            if required:
                self.error(data.position, f"missing '{key}'", DATE_HINT)
            return None
        try:
            return parse_date(data[key], self.config.tz)
        except BadDate as exc:
            self.error(data.value_at(key), f"'{key}': {exc}", exc.hint)
            return None

    def one_id(self, item: MarkedMap, key: str, what: str) -> str | None:
        """The id of the one message (or question) `key` names; a list, a mapping or a
        boolean is an error, where it would otherwise be ignored."""
        value = item.get(key)
        if isinstance(value, bool | dict | list):
            example = '"1"' if what == "message" else "q1"
            self.error(item.value_at(key), f"'{key}' must be one {what} id",
                       f"a message {'replies to' if what == 'message' else 'answers'} one "
                       f"{what}: write e.g. {key}: {example}.")
            return None
        return _identifier(value)

    def community_html(self, data: MarkedMap, key: str, text: str, platform: str,
                       source_url: str) -> str:
        """The safe HTML of community `text`, the value of `key`; '' and an error when it
        nests too deep to read."""
        try:
            return self.community.render(text, platform, source_url)
        except NestedTooDeep as exc:
            self.too_deep(data, key, exc)
            return ""

    def too_deep(self, data: MarkedMap, key: str, exc: NestedTooDeep) -> None:
        """Report text nested too deep to read, at its value."""
        self.error(data.value_at(key), f"'{key}': {exc} (its line {exc.line})", exc.hint)

    def link(self, data: MarkedMap, key: str) -> str:
        value = self.text(data, key)
        if value and not is_safe_link(value):
            self.error(data.value_at(key), f"'{key}' must be an http(s) URL or a site path, "
                       f"got {value!r}", "write https://... or a path starting with '/'.")
            return ""
        return value

    def read(self) -> Thread | None:
        try:
            data = read_yaml_file(self.path)
        except DuplicateKeys as exc:   # an error; the rest of the thread is still checked
            self.diagnostics.extend(exc.diagnostics)
            data = exc.data
        except SourceErrors as exc:
            self.diagnostics.extend(exc.diagnostics)
            return None
        if not isinstance(data, MarkedMap):
            self.error((1, 1), "a thread file must be a mapping of keys",
                       "start with 'title: ...' and 'date: ...'.")
            return None
        _check_keys(data, THREAD_KEYS, "the thread", self.path, self.diagnostics)
        title = self.text(data, "title", required=True)
        # A title stands in while the build goes on to find every mistake (a feed needs
        # one); the error keeps anything from being written.
        title = title or self.path.stem
        date = self.date(data, "date", required=True)
        updated = self.date(data, "updated")
        status = self.text(data, "status") or "archived"
        if status not in STATUSES:
            self.error(data.value_at("status"), f"unknown status '{status}'",
                       f"choose one of {', '.join(STATUSES)}.")
        if status == "upcoming" and date is not None and without_time(data.get("date")):
            self.diagnostics.warning(
                self.path, *data.value_at("date"),
                "the chat is upcoming, but its date gives no time of day: its page and "
                "its calendar file say it starts at midnight",
                f"write the time it starts: date: {date.date().isoformat()} HH:MM.")
        # A chat coming up is announced, and edited, before its date.
        too_early = updated_too_early(updated, date, "thread") if status != "upcoming" else None
        if too_early is not None:
            self.diagnostics.warning(self.path, *data.value_at("updated"), *too_early)
        slug_text = self.text(data, "slug")
        slug = file_slug(self.path)
        if slug_text:
            slug, dropped = explicit_slug(slug_text)
            if dropped:
                self.diagnostics.warning(self.path, *data.value_at("slug"),
                                         *slug_changed(slug_text, slug, dropped))
        if not slug:
            self.error(data.value_at("slug") if slug_text else (1, 1),
                       "the thread's slug is empty", "set 'slug: my-thread'.")
        platform, source_url, hashtag = self.source(data)
        tags = self.tags(data)
        moderator = self.text(data, "moderator") or None
        questions = self.questions(data, platform, source_url)
        messages = self.messages(data, platform, source_url, {q.id for q in questions})
        consent = self.consent(data)
        comments = data.get("comments", True)
        if not isinstance(comments, bool | dict):
            self.error(data.value_at("comments"), "'comments' must be true, false or a mapping",
                       "write comments: false to turn comments off on this thread.")
        duration = data.get("duration", 60)
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            self.error(data.value_at("duration"), "'duration' must be a number of minutes",
                       "e.g. duration: 60")
            duration = 60
        summary_source = self.text(data, "summary")
        # A thread with errors is still returned: the build fails on the recorded
        # errors anyway, and the Library can then report its unknown people too.
        rendered = None
        try:
            rendered = self.renderer.render(summary_source) if summary_source else None
        except NestedTooDeep as exc:
            self.too_deep(data, "summary", exc)
        summary_html = rendered.html if rendered else ""
        summary_text = shorten(rendered.summary_text) if rendered else ""
        return Thread(
            source=self.path, rel_path=f"threads/{self.path.name}", slug=slug, title=title,
            date=date, updated=updated, summary=summary_text, summary_html=summary_html,
            tags=tags, platform=platform, source_url=source_url, hashtag=hashtag,
            status=status, moderator=moderator, questions=questions, messages=messages,
            consent=consent, comments=comments if isinstance(comments, bool | dict) else True,
            draft=self.flag(data, "draft"), duration_minutes=duration,
            positions={**{str(k): data.value_at(k) for k in data},
                       **data.text_item_positions("tags", len(tags))},
        )

    def source(self, data: MarkedMap) -> tuple[str, str, str]:
        source = data.get("source")
        if source is None:
            self.error(data.position, "missing 'source'",
                       "add source: {platform: mastodon, url: \"https://...\"}.")
            return "", "", ""
        if not isinstance(source, MarkedMap):
            self.error(data.value_at("source"), "'source' must be a mapping",
                       "write source: {platform: mastodon, url: \"https://...\"}.")
            return "", "", ""
        _check_keys(source, SOURCE_KEYS, "'source'", self.path, self.diagnostics)
        platform = self.text(source, "platform", required=True)
        if platform and platform not in PLATFORMS:
            close = did_you_mean(platform, PLATFORMS)
            self.error(source.value_at("platform"), f"unknown platform '{platform}'",
                       f"{close} known platforms: {', '.join(PLATFORMS)}.".lstrip())
        url = self.text(source, "url")
        if url and not (url.startswith(("https://", "http://")) and is_safe_link(url)):
            self.error(source.value_at("url"), f"the source 'url' must be an http(s) URL, "
                       f"got {url!r}", "link the original thread, e.g. https://...")
            url = ""
        hashtag = self.text(source, "hashtag")
        if hashtag and not hashtag.startswith("#"):
            hashtag = "#" + hashtag
        if hashtag and not re.fullmatch(HASHTAG, hashtag):
            joined = "#" + re.sub(r"\W", "", hashtag)
            self.diagnostics.warning(
                self.path, *source.value_at("hashtag"),
                f"'{hashtag}' is no hashtag a platform links: its search and the chat's "
                "join link would look for something else",
                (f"write {joined}: " if re.fullmatch(HASHTAG, joined) else "")
                + "a hashtag is letters, digits and _ after '#', with no spaces or "
                "punctuation, and not digits alone.")
        return platform, url, hashtag

    def tags(self, data: MarkedMap) -> tuple[str, ...]:
        value = data.get("tags", [])
        if isinstance(value, str):
            value = [v for v in value.split(",")]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.error(data.value_at("tags"), "'tags' must be a list of texts",
                       "write it as [a, b].")
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())

    def questions(self, data: MarkedMap, platform: str, source_url: str) -> tuple[Question, ...]:
        value = data.get("questions")
        if value is None:
            return ()
        if not isinstance(value, MarkedList):
            self.error(data.value_at("questions"), "'questions' must be a list",
                       "write each as - {id: q1, text: ...}.")
            return ()
        questions: list[Question] = []
        seen: dict[str, tuple[int, int]] = {}
        for index, item in enumerate(value):
            position = value.item_at(index)
            if not isinstance(item, MarkedMap):
                self.error(position, "a question must be a mapping",
                           "write - {id: q1, text: What is ...?}")
                continue
            _check_keys(item, ("id", "text"), "a question", self.path, self.diagnostics)
            identifier = _identifier(item.get("id")) or f"q{index + 1}"
            if problem := _id_problem(identifier):
                self.error(item.value_at("id"), problem, "write it without spaces or signs, "
                           "e.g. id: q1.")
            if identifier in seen:
                self.error(item.value_at("id"), f"the question id '{identifier}' is used twice "
                           f"(first at line {seen[identifier][0]})",
                           "give each question its own id.")
                continue
            seen[identifier] = item.value_at("id")
            html = self.community_html(item, "text", self.text(item, "text", required=True),
                                       platform, source_url)
            questions.append(Question(identifier, plain(html), html, position))
        return tuple(questions)

    def speaker(self, item: MarkedMap) -> Speaker | None:
        value = item.get("author")
        if value is None:
            self.error(item.position, "the message has no 'author'",
                       "add author: KEY (a person of people.yaml) or {name: ..., handle: ...}.")
            return None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return Speaker(key=str(value).strip())
        if isinstance(value, MarkedMap):
            _check_keys(value, SPEAKER_KEYS, "an author", self.path, self.diagnostics)
            # Plain text, as in people.yaml ("Sam <they/them>"): escaped wherever shown.
            name = plain_line(self.text(value, "name"))
            handle = plain_line(self.text(value, "handle"))
            if not name and not handle:
                self.error(item.value_at("author"), "an inline author needs a 'name' or a "
                           "'handle'", "write author: {name: Kim Lee, handle: \"@kim\"}.")
                return None
            url = self.text(value, "url")
            if url and not (url.startswith(("https://", "http://")) and is_safe_link(url)):
                self.error(value.value_at("url"), f"the author's 'url' must be an http(s) URL, "
                           f"got {url!r}", "link the author's profile, e.g. https://...")
                url = ""
            return Speaker(name=name or handle, handle=handle, url=url)
        self.error(item.value_at("author"), "'author' must be a people.yaml key or a mapping",
                   "write author: KEY or {name: ..., handle: ..., url: ...}.")
        return None

    def messages(self, data: MarkedMap, platform: str, source_url: str,
                 question_ids: set[str]) -> tuple[Message, ...]:
        value = data.get("messages")
        if value is None:
            return ()
        if not isinstance(value, MarkedList):
            self.error(data.value_at("messages"), "'messages' must be a list",
                       "write each message as - {id: \"1\", author: ..., text: ...}.")
            return ()
        messages: list[Message] = []
        first_seen: dict[str, int] = {}
        for index, item in enumerate(value):
            position = value.item_at(index)
            if not isinstance(item, MarkedMap):
                self.error(position, "a message must be a mapping",
                           "write - {id: \"1\", author: ..., date: ..., text: ...}.")
                continue
            _check_keys(item, MESSAGE_KEYS, "a message", self.path, self.diagnostics)
            identifier = _identifier(item.get("id"))
            if identifier is None:
                self.error(item.position, "the message has no 'id'",
                           "give each message an id, e.g. id: \"1\".")
                continue
            if problem := _id_problem(identifier):
                self.error(item.value_at("id"), problem, "write it without spaces or signs, "
                           "e.g. id: \"12\".")
            if identifier in first_seen:
                self.error(item.value_at("id"), f"duplicate message id '{identifier}' (first "
                           f"at line {first_seen[identifier]})", "give each message its own id.")
                continue
            first_seen[identifier] = item.value_at("id")[0]
            speaker = self.speaker(item)
            removed = self.flag(item, "removed")
            # A message taken down may have lost its words; any other must have some, or
            # say it has none: an import writes text: "" for a post whose words are its
            # thread's title.
            text = self.text(item, "text", required=not removed, blank=True)
            answers = self.one_id(item, "answers", "question")
            if answers is not None and answers not in question_ids:
                known = ", ".join(sorted(question_ids)) or "none: add 'questions:'"
                self.error(item.value_at("answers"), f"'answers: {answers}' names no question "
                           "of this thread", f"known questions: {known}.")
            date, edited = self.date(item, "date"), self.date(item, "edited")
            if too_early := updated_too_early(edited, date, "message", "edited"):
                self.diagnostics.warning(self.path, *item.value_at("edited"), *too_early)
            messages.append(Message(
                id=identifier, speaker=speaker or Speaker(name="?"),
                date=date, text=text,
                html=self.community_html(item, "text", text, platform, source_url),
                url=self.link(item, "url"), reply_to=self.one_id(item, "reply_to", "message"),
                answers=answers, featured=self.flag(item, "featured"),
                removed=removed, edited=edited, position=position,
                positions={str(k): item.value_at(k) for k in item},
            ))
        by_id = {m.id: m for m in messages}
        self.reply_cycles(messages, by_id)
        for message in messages:
            if message.reply_to is None:
                continue
            parent = by_id.get(message.reply_to)
            position = message.positions.get("reply_to", message.position)
            if parent is None:
                self.error(position, f"'reply_to: {message.reply_to}' names no message of "
                           "this thread", "use the id of an earlier message.")
            elif parent.id == message.id:
                self.error(position, "a message cannot reply to itself",
                           "use the id of an earlier message.")
            elif parent.date and message.date and message.date < parent.date:
                self.diagnostics.warning(
                    self.path, *position, f"message '{message.id}' is dated before the message "
                    f"'{parent.id}' it replies to", "check both dates and their offsets.")
        return tuple(messages)

    def reply_cycles(self, messages: list[Message], by_id: dict[str, Message]) -> None:
        """Messages that reply to each other in a circle would vanish from the page.

        Each message's chain of replies is followed up only until it meets a message an
        earlier chain passed, so a thread of any depth is checked in one pass. A circle
        is reported at its first message in the file.
        """
        order = {message.id: index for index, message in reversed(list(enumerate(messages)))}
        chain_of: dict[str, int] = {}   # message id -> the chain that first passed it
        circles: list[list[str]] = []
        for chain, message in enumerate(messages):
            passed: list[str] = []
            current: Message | None = message
            while current is not None and current.id not in chain_of:
                chain_of[current.id] = chain
                passed.append(current.id)
                current = by_id.get(current.reply_to or "")
            if current is None or chain_of[current.id] != chain:
                continue   # the top of the thread, or where an earlier chain went on
            circle = passed[passed.index(current.id):]
            start = circle.index(min(circle, key=order.__getitem__))
            circles.append(circle[start:] + circle[:start])
        for circle in sorted(circles, key=lambda circle: order[circle[0]]):
            first = by_id[circle[0]]
            self.error(first.positions.get("reply_to", first.position),
                       "messages reply to each other in a circle: "
                       f"{' → '.join([*circle, circle[0]])}",
                       "one of them must reply to an earlier message, or to none.")

    def consent(self, data: MarkedMap) -> dict[str, str]:
        value = data.get("consent")
        if value is None:
            return {}
        if not isinstance(value, MarkedMap):
            self.error(data.value_at("consent"), "'consent' must be a mapping of person to "
                       "asked, granted or declined", "write consent: {kim: granted}.")
            return {}
        result = {}
        for key, state in value.items():
            state_text = str(state).strip() if isinstance(state, str) else ""
            if state_text not in CONSENT:
                self.error(value.value_at(key), f"consent of '{key}' must be one of "
                           f"{', '.join(CONSENT)}", "write e.g. kim: granted.")
                continue
            result[str(key)] = state_text
        return result


def file_slug(path: Path) -> str:
    """The slug a thread file's name gives it, when the file names none of its own."""
    return slugify(path.stem) or path.stem


def read_thread(path: Path, config: Config, renderer: MarkdownRenderer, community: Community,
                diagnostics: Diagnostics) -> Thread | None:
    """Read one thread file; problems go to `diagnostics` and give None."""
    return _ThreadReader(path, config, renderer, community, diagnostics).read()
