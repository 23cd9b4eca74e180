"""Reading `content/people.yaml`: the people who take part in the hub."""

from __future__ import annotations

from pathlib import Path

from hubgen.config import site_path_problem
from hubgen.content.html_links import split_address
from hubgen.content.models import PLATFORMS, Person
from hubgen.errors import Diagnostics, SourceErrors
from hubgen.wording import did_you_mean
from hubgen.yamlfile import DuplicateKeys, MarkedMap, read_yaml_file, warn_unknown_keys

ROLES = ("brand", "moderator", "community")
PERSON_KEYS = ("name", "role", "url", "avatar", "bio", "handles", "ids", "withdrawn")
# The platforms a handle may be given for: the threads' platforms, and "x" for "twitter".
HANDLE_PLATFORMS = (*PLATFORMS, "x")
# Names that stand for the same platform, by the one threads use.
_SAME_PLATFORM = {"x": "twitter", "forum": "discourse"}


def same_platform(name: str) -> str:
    """The one name of a platform that has two ('x' is 'twitter', 'forum' 'discourse')."""
    return _SAME_PLATFORM.get(name, name)


def is_safe_link(value: str) -> bool:
    """True for an absolute http(s) URL or a site-relative path."""
    if value.startswith("/") and not value.startswith("//"):
        return True
    parts = split_address(value)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)


def read_people(path: Path, diagnostics: Diagnostics) -> dict[str, Person] | None:
    """Read people.yaml (a missing file means nobody); problems go to `diagnostics`.

    None when the file is there but cannot be read as a mapping of people: who is a
    person is then unknown.
    """
    if not path.is_file():
        return {}
    try:
        data = read_yaml_file(path)
    except DuplicateKeys as exc:   # an error; everyone is still read, so no one goes missing
        diagnostics.extend(exc.diagnostics)
        data = exc.data
    except SourceErrors as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    if data is None:
        return {}
    if not isinstance(data, MarkedMap):
        diagnostics.error(path, 1, 1, "people.yaml must be a mapping of person keys",
                          "write one person a line, e.g. ana: {name: Ana Ruiz, role: brand}.")
        return None
    people: dict[str, Person] = {}
    for key, entry in data.items():
        person = _read_person(path, key, entry, data, diagnostics)
        if person is not None:
            people[person.key] = person
    return people


def _read_person(path: Path, written_key: object, entry: object, data: MarkedMap,
                 diagnostics: Diagnostics) -> Person | None:
    position, value_position = data.key_at(written_key), data.value_at(written_key)
    key = data.name_of(written_key)   # `1:` is the person '1', `~:` the person '~'
    if not key.strip():
        diagnostics.error(path, *position, "a person's key is empty",
                          "give each person a short key, e.g. ana: {name: Ana Ruiz}.")
        return None
    if "/" in key or site_path_problem(f"/{key}/") is not None:   # a folder of its own
        # The build stops on it; the person is still known, so posts naming them are fine.
        diagnostics.error(path, *position, f"the key {key!r} cannot be part of the address of "
                          "the person's page: a key may not hold '/', '\\', '?', '#' or a "
                          "control character, nor be '.' or '..'",
                          "use letters, digits and '-', e.g. ana-ruiz: {name: Ana Ruiz}.")
    if isinstance(entry, str):
        return Person(key=key, name=entry.strip(), source=path, position=position)
    if not isinstance(entry, MarkedMap):
        diagnostics.error(path, *value_position, f"person '{key}' must be a mapping",
                          f"write e.g. {key}: {{name: Full Name, role: community}}.")
        return Person(key=key, name=key, source=path, position=position)   # still known
    warn_unknown_keys(entry, PERSON_KEYS, path, diagnostics, f"for person '{key}'",
                      f"known keys: {', '.join(PERSON_KEYS)}.")
    fields: dict[str, str] = {}
    for name in ("name", "role", "url", "avatar", "bio"):
        value = entry.get(name)
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            diagnostics.error(path, *entry.value_at(name), f"'{name}' of '{key}' must be text",
                              "quote it if it holds special characters.")
            continue
        fields[name] = str(value).strip()
    if not fields.get("name"):
        diagnostics.error(path, *position, f"person '{key}' has no name",
                          f"add name: to '{key}', e.g. {{name: Full Name}}.")
    role = fields.get("role", "community")
    if role not in ROLES:
        diagnostics.error(path, *entry.value_at("role"), f"unknown role '{role}' for '{key}'",
                          f"choose one of {', '.join(ROLES)}.")
        role = "community"
    for name in ("url", "avatar"):
        value = fields.get(name, "")
        if value and not is_safe_link(value):
            diagnostics.error(path, *entry.value_at(name),
                              f"'{name}' of '{key}' must be an http(s) URL or a site path, "
                              f"got {value!r}",
                              "write https://... or a path starting with '/'.")
            fields[name] = ""
    handles = entry.get("handles", {}) or {}
    if not isinstance(handles, dict):
        diagnostics.error(path, *entry.value_at("handles"),
                          f"'handles' of '{key}' must be a mapping of platform to handle",
                          'write e.g. handles: {mastodon: "@ana@social.example"}.')
        handles = {}
    for platform in handles:
        close = did_you_mean(str(platform), HANDLE_PLATFORMS, cutoff=0.75)
        if str(platform) not in HANDLE_PLATFORMS and close:
            # A misspelt platform's handle is never shown, and imports miss the person;
            # another network (github, linkedin) is the person's own business.
            diagnostics.warning(path, *handles.key_at(platform),
                                f"unknown platform '{platform}' in the handles of '{key}'",
                                close)
    ids = entry.get("ids", {}) or {}
    if not isinstance(ids, dict):
        diagnostics.error(path, *entry.value_at("ids"),
                          f"'ids' of '{key}' must be a mapping of platform to account id",
                          'write e.g. ids: {bluesky: "did:plc:…"}.')
        ids = {}
    handles = _texts_by_platform(path, key, "handle", handles, diagnostics,
                                 f'handles: {{twitter: "@{key}"}}')
    ids = _texts_by_platform(path, key, "account id", ids, diagnostics,
                             'ids: {bluesky: "did:plc:…"}')
    withdrawn = entry.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        diagnostics.error(path, *entry.value_at("withdrawn"),
                          f"'withdrawn' of '{key}' must be true or false",
                          "write withdrawn: true to take this person down everywhere.")
        withdrawn = True   # taken down while in doubt
    # A mistake above fails the build; the person is still known, so that
    # every post and message naming them is not reported as naming no one.
    return Person(withdrawn=bool(withdrawn), key=key, name=fields.get("name") or key, role=role,
                  url=fields.get("url", ""),
                  avatar=fields.get("avatar", ""), bio=fields.get("bio", ""),
                  handles=handles, ids=ids,
                  source=path, position=position)


def _texts_by_platform(path: Path, key: str, what: str, values: dict,
                       diagnostics: Diagnostics, example: str) -> dict[str, str]:
    """A person's `handles` or `ids`, each a text; one that is not is an error at its place
    (a list would become the text "['@zed']", an address no one has)."""
    texts: dict[str, str] = {}
    for platform, value in values.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            place = values.value_at(platform) if isinstance(values, MarkedMap) else (0, 0)
            diagnostics.error(path, *place, f"the {platform} {what} of '{key}' must be text",
                              f"write one {what} for each platform, e.g. {example}.")
            continue
        texts[str(platform)] = str(value)
    return texts
