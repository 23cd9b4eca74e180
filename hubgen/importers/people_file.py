"""The import's side of `content/people.yaml`: who is already known by a platform handle,
which authors are new, and appending them to the end of the file.

The file is never re-dumped: the new entries are appended as text after its last byte, so
everything it held (comments, order, quoting, blank lines) stays byte for byte as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubgen.content.people import read_people, same_platform
from hubgen.content.sanitize import plain_line
from hubgen.content.slugs import slugify
from hubgen.errors import Diagnostics, SourceErrors
from hubgen.importers.json_export import ExportError
from hubgen.importers.models import DELETED, Account
from hubgen.importers.staged_file import StagedFile
from hubgen.importers.thread_yaml import dump_flow

NEW_FILE_HEADER = ("# The people of this hub, keyed by the name threads and posts use.\n"
                   "# role is brand, moderator or community (the default).\n")


def handle_forms(platform: str, handle: str) -> list[str]:
    """The spellings of a handle that name the same account (lowercase, no @ or u/)."""
    text = handle.strip().lower()
    if platform == "reddit":
        for prefix in ("/u/", "u/", "/user/", "@"):
            if text.startswith(prefix):
                text = text[len(prefix):]
                break
        return [text]
    text = text.lstrip("@")
    forms = [text]
    if platform == "discourse" and "@" in text:
        forms.append(text.split("@", 1)[0])   # people.yaml may give the username alone
    return forms


@dataclass(frozen=True)
class NewPerson:
    """An author the import adds to people.yaml."""

    key: str
    name: str
    url: str
    platform: str
    handle: str
    account_id: str = ""

    def entry(self) -> str:
        """The person's line of YAML: `key: {name: ..., role: community, ...}`."""
        fields: dict[str, Any] = {"name": self.name, "role": "community"}
        if self.url:
            fields["url"] = self.url
        fields["handles"] = {self.platform: self.handle}
        if self.account_id:
            fields["ids"] = {self.platform: self.account_id}
        return f"{self.key}: {dump_flow(fields)}"


class PeopleBook:
    """content/people.yaml as an import sees it."""

    def __init__(self, path: Path):
        self.path = path
        diagnostics = Diagnostics()
        people = read_people(path, diagnostics)
        if diagnostics.errors or people is None:
            raise SourceErrors(diagnostics.errors)
        self.people = people
        self.by_handle: dict[tuple[str, str], str] = {}
        # Everyone of people.yaml with a handle, by the handle: more than one is a mistake.
        self.holders: dict[tuple[str, str], list[str]] = {}
        # The author of an account's messages in the earlier import of this thread, where
        # the platform has no stable id: their new posts are theirs too.
        self.earlier: dict[tuple[str, str], str] = {}
        # (platform, handle) → the keys sharing it, the key its messages were given
        self.shared: dict[tuple[str, str], tuple[list[str], str]] = {}
        # An account's stable id (a Bluesky DID) names it whatever its handle is now.
        self.by_id: dict[tuple[str, str], str] = {}
        self.ids: dict[tuple[str, str], str] = {}     # (key, platform) → the id recorded
        for person in self.people.values():
            for platform, handle in person.handles.items():
                for form in handle_forms(platform, handle)[:1]:
                    self.by_handle.setdefault((same_platform(platform), form), person.key)
                    keys = self.holders.setdefault((same_platform(platform), form), [])
                    if person.key not in keys:
                        keys.append(person.key)
            for platform, account_id in person.ids.items():
                account_id = account_id.strip()
                if account_id:
                    self.by_id.setdefault((same_platform(platform), account_id), person.key)
                    self.ids[(person.key, same_platform(platform))] = account_id
        self.new: list[NewPerson] = []

    def remember(self, account: Account, key: str) -> None:
        """`account` is the person `key`: the earlier import of this thread says so (one of
        its messages there is by `key`). The ids people.yaml records come first."""
        known = key in self.people or any(person.key == key for person in self.new)
        handle = plain_line(account.handle)
        if known and not account.account_id and handle and not account.anonymous:
            form = handle_forms(account.platform, handle)[0]
            self.earlier.setdefault((same_platform(account.platform), form), key)
        if account.account_id and known:
            platform = same_platform(account.platform)
            self.by_id.setdefault((platform, account.account_id), key)
            # ... and their handle, given up one day, is not someone else's way in.
            self.ids.setdefault((key, platform), account.account_id)

    def author(self, account: Account) -> str | dict[str, str]:
        """The `author:` of a message: a people.yaml key (known or new), or an inline name.

        An account with a stable id is found by it first; by its handle only when the
        person found has no other id recorded (a handle given up is someone else's later).
        """
        handle = plain_line(account.handle)
        forms = handle_forms(account.platform, handle) if handle else [""]
        if account.anonymous or not forms[0]:
            return {"name": plain_line(account.name) or DELETED}
        platform = same_platform(account.platform)
        if account.account_id:
            key = self.by_id.get((platform, account.account_id))
            if key is not None:
                return key
        for form in forms:
            key = self.earlier.get((platform, form)) or self.by_handle.get((platform, form))
            if key is None:
                continue
            holders = self.holders.get((platform, form), [])
            if len(holders) > 1:
                self.shared[(platform, handle)] = (holders, key)
            recorded = self.ids.get((key, platform), "")
            if account.account_id and recorded and recorded != account.account_id:
                continue
            if account.account_id:
                self.by_id[(platform, account.account_id)] = key
            return key
        wanted = re.sub(r"-{2,}", "-", slugify(f"{account.platform} {forms[0]}"))
        key = self._free_key(wanted or f"{account.platform}-person")
        name = plain_line(account.name) or handle
        self.new.append(NewPerson(key, name, account.url, account.platform, handle,
                                  account.account_id))
        self.by_handle.setdefault((platform, forms[0]), key)
        if account.account_id:
            self.by_id[(platform, account.account_id)] = key
            self.ids[(key, platform)] = account.account_id
        return key

    def _free_key(self, wanted: str) -> str:
        taken = set(self.people) | {person.key for person in self.new}
        key, number = wanted, 2
        while key in taken:
            key = f"{wanted}-{number}"
            number += 1
        return key

    def keep_only(self, used: set[str]) -> None:
        """Forget the new people no message written uses (their messages kept the author
        the curator gave them): people.yaml gets no one nobody speaks as."""
        self.new = [person for person in self.new if person.key in used]

    def stage(self, note: str) -> StagedFile | None:
        """people.yaml with the new people appended, staged beside it (None: nobody new)."""
        if not self.new:
            return None
        old = self.path.read_bytes() if self.path.is_file() else b""
        newline = "\r\n" if b"\r\n" in old else "\n"
        lines = ([] if old else NEW_FILE_HEADER.splitlines()) + \
            ["", f"# {note}", *(person.entry() for person in self.new)]
        addition = newline.join(lines) + newline
        if old and not old.endswith(b"\n"):
            addition = newline + addition
        staged = StagedFile(self.path, old + addition.encode("utf-8"))
        try:
            self._check(staged.temporary)
        except BaseException:
            staged.discard()
            raise
        return staged

    def _check(self, candidate: Path) -> None:
        """The appended file must still read, with everyone old and new in it."""
        diagnostics = Diagnostics()
        people = read_people(candidate, diagnostics) or {}
        wanted = set(self.people) | {person.key for person in self.new}
        if diagnostics.errors or not wanted <= set(people):
            raise ExportError(f"{self.path.name} cannot take new people at its end (it is not "
                              "a mapping of one person per key); add them by hand: "
                              + "; ".join(person.entry() for person in self.new))
