"""Conversations: a thread's messages as reply trees, with who spoke and who is waiting.

Built by the Library from a Thread and the people index; templates, feeds and
JSON-LD read these objects and never walk reply_to themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import quote

from hubgen.content.models import Message, Person, Question, Speaker, Thread, initials_of
from hubgen.content.people import same_platform
from hubgen.content.sanitize import hashtag_url, plain
from hubgen.content.slugs import name_order
from hubgen.content.words import Words, english_words

REMOVED_BY_AUTHOR = "removed at the author's request"
REMOVED_BY_CURATOR = "removed by the hub's curators"
# Replies nest this many levels deep; below the last level, the rest of a chain follows
# its message one after the other, as forums show it ("continue this thread"). A chain
# of any length then shows in full, and nothing that walks the tree goes deeper.
MAX_REPLY_DEPTH = 6


@dataclass(frozen=True)
class Participant:
    """A voice of a conversation, resolved against people.yaml."""

    name: str
    key: str | None = None
    handle: str = ""
    url: str = ""            # where they are on the platform, or their own site
    avatar: str = ""
    role: str = "community"
    is_brand: bool = False
    is_moderator: bool = False
    withdrawn: bool = False
    person: Person | None = None

    @property
    def initials(self) -> str:
        """One or two letters for a badge when there is no avatar."""
        return initials_of(self.name)

    @property
    def identity(self) -> str:
        """What tells two voices apart: the people.yaml key, else name and handle."""
        return self.key or f"{self.name}|{self.handle}"


@dataclass(frozen=True)
class MessageNode:
    """A message in its place in the reply tree."""

    message: Message
    speaker: Participant
    children: tuple[MessageNode, ...]
    depth: int
    removed_note: str = ""        # why the text is not shown ('' when it is)

    @property
    def visible(self) -> bool:
        """True when the message's text and author may be shown."""
        return not self.removed_note

    @property
    def anchor(self) -> str:
        """The id of the message's element on the thread page."""
        return f"m-{self.message.id}"

    def walk(self):
        """This node and every reply below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class QuestionGroup:
    """A tweetchat question and the answers grouped under it."""

    question: Question
    nodes: tuple[MessageNode, ...]


@dataclass(frozen=True)
class Conversation:
    """A thread made readable: trees, questions, participants and counts."""

    thread: Thread
    roots: tuple[MessageNode, ...]
    groups: tuple[QuestionGroup, ...]
    others: tuple[MessageNode, ...]        # with questions: messages answering none of them
    participants: tuple[tuple[Participant, int], ...]   # and how many times each spoke
    moderator: Participant | None
    waiting: tuple[MessageNode, ...]       # community questions still without a brand reply

    # Computed once: every page and feed that shows the thread asks again.
    @cached_property
    def nodes(self) -> tuple[MessageNode, ...]:
        """Every message node in reading order."""
        return tuple(node for root in self.roots for node in root.walk())

    @cached_property
    def visible_nodes(self) -> tuple[MessageNode, ...]:
        """The nodes whose text may be shown."""
        return tuple(node for node in self.nodes if node.visible)

    @property
    def message_count(self) -> int:
        """How many messages are shown."""
        return len(self.visible_nodes)

    @property
    def participant_count(self) -> int:
        """How many people spoke."""
        return len(self.participants)

    @property
    def featured(self) -> list[MessageNode]:
        """The curator's highlights that may be shown."""
        return [node for node in self.visible_nodes if node.message.featured]

    @cached_property
    def _by_id(self) -> dict[str, MessageNode]:
        return {node.message.id: node for node in self.nodes}

    def find(self, message_id: str) -> MessageNode | None:
        """The node of one message id."""
        return self._by_id.get(message_id)


# The words (see content/words.py) of a link to a conversation's own page, and of one to
# a search for its hashtag, by platform.
JOIN_WORDING = {
    "twitter": ("join_on_twitter", "follow_on_twitter"),
    "mastodon": ("join_on_mastodon", "follow_on_mastodon"),
    "bluesky": ("join_on_bluesky", "follow_on_bluesky"),
    "reddit": ("join_on_reddit", "search_on_reddit"),
    "hackernews": ("join_on_hackernews", "search_on_hackernews"),
    "discourse": ("join_on_forum", "follow_on_forum"),
    "forum": ("join_on_forum", "follow_on_forum"),
}


@dataclass(frozen=True)
class JoinLink:
    """Where a reader joins a conversation, worded for its platform."""

    label: str
    url: str


def join_link(thread: Thread, words: Words | None = None) -> JoinLink | None:
    """The thread's own URL, else a search for its hashtag; None when there is neither.
    Worded in `words` (English without)."""
    words = words if words is not None else english_words()
    by_url, by_hashtag = JOIN_WORDING.get(thread.platform, ("join_elsewhere", "follow_hashtag"))
    if thread.source_url and thread.status != "upcoming":
        return JoinLink(words(by_url), thread.source_url)
    if thread.hashtag:
        search = hashtag_search_url(thread.hashtag, thread.platform, thread.source_url)
        if search:
            return JoinLink(words(by_hashtag, hashtag=thread.hashtag), search)
    if thread.source_url:
        return JoinLink(words(by_url), thread.source_url)
    return None


def hashtag_search_url(hashtag: str, platform: str, source_url: str) -> str:
    """A live search for a hashtag on its platform."""
    tag = hashtag.lstrip("#")
    if platform == "twitter":
        return f"https://x.com/search?q=%23{quote(tag)}&f=live"
    if platform == "reddit":
        return f"https://www.reddit.com/search/?q=%23{quote(tag)}"
    if platform == "hackernews":
        return f"https://hn.algolia.com/?q={quote(tag)}"
    return hashtag_url(tag, platform, source_url)


def handle_on(person: Person, platform: str) -> str:
    """The person's handle on the thread's platform: never one from another network."""
    for name, handle in person.handles.items():
        if handle and same_platform(name) == same_platform(platform):
            return str(handle)
    return ""


def participant_for(speaker: Speaker, people: dict[str, Person], brand_keys: set[str],
                    moderator: str | None, platform: str = "") -> Participant:
    """Resolve a message's author: a person of people.yaml, or an inline name."""
    if speaker.key is not None:
        person = people.get(speaker.key)
        if person is None:
            return Participant(name=speaker.key, key=speaker.key)
        return Participant(
            name=person.name, key=person.key, handle=handle_on(person, platform),
            url=person.url, avatar=person.avatar, role=person.role,
            is_brand=person.role == "brand" or person.key in brand_keys,
            is_moderator=person.key == moderator, withdrawn=person.withdrawn, person=person)
    return Participant(name=speaker.name, handle=speaker.handle, url=speaker.url)


def _asks_or_opens(message: Message) -> bool:
    if message.reply_to is None and message.answers is None:
        return True
    # Plain text can end with "?" only if the message holds one, or an entity of one.
    if "?" not in message.text and "&" not in message.text:
        return False
    return plain(message.html).rstrip().endswith("?")


def _depth_first(children: dict[str | None, list[Message]], start: str | None) -> list[Message]:
    """Every message below `start` in the reply tree, depth first (without recursion:
    a chain can be thousands of replies long)."""
    found: list[Message] = []
    stack = list(reversed(children.get(start, [])))
    while stack:
        message = stack.pop()
        found.append(message)
        stack.extend(reversed(children.get(message.id, [])))
    return found


def _waiting(roots: tuple[MessageNode, ...], answered: set[str]) -> tuple[MessageNode, ...]:
    waiting = []
    for root in roots:
        for node in root.walk():
            speaker = node.speaker
            if not node.visible or speaker.is_brand or speaker.is_moderator:
                continue
            if not _asks_or_opens(node.message):
                continue
            if node.message.id in answered:
                continue
            waiting.append(node)
    return tuple(sorted(waiting, key=lambda n: n.message.date.timestamp()
                        if n.message.date else float("inf")))


_WITHDRAWN = Participant(name="", withdrawn=True)   # who a withdrawn person's message is by


def taken_down(message: Message, withdrawn: bool) -> Message:
    """`message` as a page may know it once taken down: its place in the conversation
    (id, reply, date), none of its words or links; nor its author, when they withdrew
    (one whose message the curators removed is still in the conversation)."""
    message = replace(message, text="", html="", url="", featured=False, edited=None)
    return replace(message, speaker=Speaker()) if withdrawn else message


def _trees(children: dict[str | None, list[Message]], speakers: dict[str, Participant],
           notes: tuple[str, str]) -> tuple[MessageNode, ...]:
    """The reply trees `children` describes (the messages under None are their roots)."""
    def node(message: Message, depth: int) -> MessageNode:
        speaker = speakers[message.id]
        note = notes[0] if speaker.withdrawn else notes[1] if message.removed else ""
        if speaker.withdrawn:
            speaker = _WITHDRAWN
        if note:
            # Nothing of it stays for a template to show: a theme of one's own that forgets
            # to test `node.visible` must not publish what was taken down. (The library's
            # shown threads come so already; a conversation of any other does not.)
            message = taken_down(message, speaker.withdrawn)
        if depth < MAX_REPLY_DEPTH:
            kids = tuple(node(child, depth + 1) for child in children.get(message.id, []))
        else:   # the rest of the chain, one after the other
            kids = tuple(node(reply, depth + 1) for reply in _depth_first(children, message.id)) \
                if depth == MAX_REPLY_DEPTH else ()
        return MessageNode(message, speaker, kids, depth, note)

    return tuple(node(m, 0) for m in children.get(None, []))


def _question_of(children: dict[str | None, list[Message]]) -> dict[str, str | None]:
    """The question each message is shown under (None: under none of them). An answer is
    under the question it answers; a message opening the thread without `answers:` is under
    the one question its replies answer (the moderator's "Q1: ..."), if they name just one;
    any other message is under its parent's question."""
    roots = {m.id for m in children.get(None, [])}
    question: dict[str, str | None] = {}
    for message in _depth_first(children, None):   # each parent before its replies
        if message.answers or message.id not in roots:
            question[message.id] = message.answers or question[message.reply_to or ""]
        else:
            asked = {r.answers for r in children.get(message.id, []) if r.answers}
            question[message.id] = asked.pop() if len(asked) == 1 else None
    return question


def _question_groups(thread: Thread, children: dict[str | None, list[Message]],
                     speakers: dict[str, Participant], notes: tuple[str, str]
                     ) -> tuple[tuple[QuestionGroup, ...], tuple[MessageNode, ...]]:
    """A tweetchat's messages by question, and those under none: each message shown once.
    An answer replying to a message under another question (or under none, as the
    question's own message replied to by answers to several) leaves it to head its own
    question's list; an answer to an answer of the same question stays nested under it."""
    if not thread.questions:
        return (), ()
    question = _question_of(children)
    shown: dict[str | None, list[Message]] = {}
    for parent, replies in children.items():
        for message in replies:
            if message.id not in question:   # in a circle of replies (an error): never shown
                continue
            lifted = parent is not None and message.answers is not None \
                and question[parent] != message.answers
            shown.setdefault(None if lifted else parent, []).append(message)
    # The lifted answers take their places among the others in the thread's order.
    order = {m.id: index for index, m in enumerate(thread.messages)}
    shown[None] = sorted(shown.get(None, []), key=lambda m: order[m.id])
    heads = _trees(shown, speakers, notes)
    groups = tuple(QuestionGroup(q, tuple(n for n in heads if question[n.message.id] == q.id))
                   for q in thread.questions)
    return groups, tuple(n for n in heads if question[n.message.id] is None)


def build_conversation(thread: Thread, people: dict[str, Person], brand_keys: set[str],
                       notes: tuple[str, str] = (REMOVED_BY_AUTHOR, REMOVED_BY_CURATOR)
                       ) -> Conversation:
    """Arrange a thread's messages into reply trees and question groups; `notes` say why
    a message is not shown (its author withdrew, the curators removed it)."""
    voices: dict[Speaker, Participant] = {}   # a voice speaks many times in a thread
    speakers = {}
    for m in thread.messages:
        if m.id in thread.withheld_ids:   # taken down by the library, its author too
            speakers[m.id] = _WITHDRAWN
            continue
        voice = voices.get(m.speaker)
        if voice is None:
            voice = voices[m.speaker] = participant_for(m.speaker, people, brand_keys,
                                                        thread.moderator, thread.platform)
        speakers[m.id] = voice
    children: dict[str | None, list[Message]] = {}
    ids = {m.id for m in thread.messages}
    for message in thread.messages:
        parent = message.reply_to if message.reply_to in ids else None
        children.setdefault(parent, []).append(message)

    roots = _trees(children, speakers, notes)
    # The messages with a reply from the brand somewhere below them, in the reply tree
    # as written (deep replies are shown flattened, but still answer what they reply to).
    answered: set[str] = set()
    for message in reversed(_depth_first(children, None)):
        for reply in children.get(message.id, []):
            voice = speakers[reply.id]
            if reply.id in answered or (voice.is_brand and not voice.withdrawn):
                answered.add(message.id)
                break
    groups, others = _question_groups(thread, children, speakers, notes)
    counts: Counter[str] = Counter()
    first: dict[str, Participant] = {}
    for root in roots:
        for item in root.walk():
            if item.visible:
                counts[item.speaker.identity] += 1
                first.setdefault(item.speaker.identity, item.speaker)
    participants = tuple((first[k], counts[k]) for k in sorted(
        counts, key=lambda k: (-counts[k], name_order(first[k].name))))

    moderator = None
    if thread.moderator and thread.moderator in people \
            and not people[thread.moderator].withdrawn:
        moderator = participant_for(Speaker(key=thread.moderator), people, brand_keys,
                                    thread.moderator, thread.platform)
    return Conversation(thread, roots, groups, others, participants, moderator,
                        _waiting(roots, answered))
