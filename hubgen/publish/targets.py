"""The `publish:` section of hubgen.yaml: named targets, each checked with file and line.

```yaml
publish:
  default: pages
  pages: {type: git, repository: "https://github.com/org/site.git", branch: gh-pages}
  server: {type: rsync, destination: "deploy@host.example.com:/srv/hub/"}
  netlify: {type: netlify}
```
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from hubgen.config import Config
from hubgen.errors import Diagnostics
from hubgen.wording import did_you_mean
from hubgen.yamlfile import MarkedList, MarkedMap

DEFAULT_KEY = "default"
DEFAULT_MESSAGE = "Publish {source}"


@dataclass(frozen=True, kw_only=True)
class Target:
    """One place `hubgen publish` can ship the site to."""

    name: str
    kind: str                              # git | rsync | netlify | cloudflare
    position: tuple[int, int] = (0, 0)     # where hubgen.yaml names it


@dataclass(frozen=True, kw_only=True)
class GitTarget(Target):
    """A branch of a git repository (GitHub Pages, GitLab Pages, Codeberg Pages…)."""

    repository: str = "origin"             # a URL, a local path, or a remote of the hub's repo
    branch: str = "gh-pages"
    domain: str = ""                       # written as CNAME when set
    message: str = DEFAULT_MESSAGE         # {source} becomes the hub's commit


@dataclass(frozen=True, kw_only=True)
class RsyncTarget(Target):
    """A folder on this machine or on a server reached over ssh."""

    destination: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class HostTarget(Target):
    """A host that deploys the output folder itself and reads `_headers` and `_redirects`."""

    site: str = ""                         # Netlify: the site's name or ID (--site)
    project: str = ""                      # Cloudflare Pages: the project's name


class _Invalid(ValueError):
    """A setting's bad value; `index` names the bad item of a list."""

    def __init__(self, message: str, hint: str = "", index: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.index = index


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise _Invalid("must be non-empty text", "quote it if it holds special characters.")
    return str(value).strip()


def _not_an_option(value: Any) -> str:
    text = _text(value)
    if text.startswith("-"):
        raise _Invalid(f"must not start with '-', got {text!r}",
                       "write a URL, a path (./-odd-name) or a remote's name.")
    return text


def _branch(value: Any) -> str:
    text = _text(value)
    if text.startswith(("-", "/", "refs/")) or text.endswith(("/", ".", ".lock")) \
            or ".." in text or "//" in text or "@{" in text \
            or not re.fullmatch(r"[A-Za-z0-9._/@+-]+", text):
        raise _Invalid(f"is not a usable branch name: {text!r}", "e.g. branch: gh-pages")
    return text


def _domain(value: Any) -> str:
    text = _text(value)
    if "://" in text or "/" in text:
        raise _Invalid(f"must be a host name alone, got {text!r}",
                       "write only the host, e.g. domain: hub.example.com")
    if not re.fullmatch(r"(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                        r"[A-Za-z][A-Za-z0-9-]{0,62}", text):
        raise _Invalid(f"is not a host name: {text!r}", "e.g. domain: hub.example.com")
    return text.lower()


# The rsync options a target may add: none deletes or removes a file (at the destination or
# in the output folder), and none changes which files are sent or where they go, which
# hubgen decides. An allow-list, not a deny-list: rsync has grown deleting options over
# the years (--force, --remove-sent-files, --delete-missing-args, a --read-batch that
# replays deletions), and another version may add more.
_ALLOWED_LONG = frozenset((
    "verbose", "quiet", "checksum", "archive", "recursive", "links",
    "copy-links", "copy-unsafe-links", "safe-links", "munge-links", "copy-dirlinks",
    "keep-dirlinks", "hard-links", "perms", "executability", "chmod", "acls", "xattrs",
    "owner", "group", "devices", "specials", "times", "atimes", "open-noatime",
    "crtimes", "omit-dir-times", "omit-link-times", "super", "fake-super", "sparse",
    "preallocate", "whole-file", "checksum-choice", "cc", "checksum-seed", "block-size",
    "compress", "compress-choice", "zc", "compress-level", "zl", "skip-compress",
    "numeric-ids", "usermap", "groupmap", "chown", "copy-as", "timeout", "contimeout",
    "backup", "backup-dir", "suffix",
    "ignore-times", "temp-dir", "fuzzy", "partial",
    "partial-dir", "delay-updates", "progress", "info", "debug", "stderr",
    "msgs2stderr", "itemize-changes", "human-readable", "stats", "8-bit-output",
    "bwlimit", "rsh", "rsync-path", "port", "password-file", "address", "sockopts",
    "blocking-io", "outbuf", "ipv4", "ipv6", "protocol", "iconv", "mkpath", "old-args",
    "secluded-args", "protect-args", "trust-sender", "no-motd", "log-file",
    "log-file-format",
))
# Those of them that turn something off as --no-NAME (--no-perms, --no-times…).
_NEGATABLE = frozenset((
    "verbose", "checksum", "recursive", "links", "copy-links", "hard-links", "perms",
    "executability", "acls", "xattrs", "owner", "group", "devices", "specials", "times",
    "atimes", "crtimes", "omit-dir-times", "omit-link-times", "super", "sparse",
    "whole-file", "compress", "partial", "delay-updates", "progress", "human-readable",
    "blocking-io", "iconv", "protect-args", "secluded-args", "motd", "old-args",
    "o", "g", "p", "D",
))
# Short options without a value, and those taking one written right after them (-essh).
_ALLOWED_SHORT = frozenset("vqcarlLkKHpEAXogDtOJSWzPihs468IUNyb")
_SHORT_WITH_VALUE = frozenset("eBT")
# What rsync runs on the server (--rsync-path) must not carry a deleting option either.
_DELETING = re.compile(r"^-(-del(ete[a-z-]*)?|-remove-[a-z-]+|-force[a-z-]*)(=|$)")


def _rsync_option_allowed(option: str) -> bool:
    """True for an rsync option hubgen passes on: one that deletes nothing and leaves which
    files are sent, and where, to hubgen."""
    if option.startswith("--"):
        name, equals, value = option[2:].partition("=")
        if name.startswith("no-") and name[3:] in _NEGATABLE and not equals:
            return True
        if name not in _ALLOWED_LONG:
            return False
        return name != "rsync-path" or not any(_DELETING.match(word) for word in value.split())
    letters = option[1:]
    for index, letter in enumerate(letters):
        if letter in _SHORT_WITH_VALUE and index + 1 < len(letters):
            return True   # the rest is its value
        if letter not in _ALLOWED_SHORT:
            return False
    return bool(letters)


def _rsync_options(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Invalid("must be a list of rsync options",
                       'write each option as one item, e.g. options: ["--chmod=F644", "-z"]')
    options = []
    for index, item in enumerate(value):
        try:
            text = _text(item)
        except _Invalid as exc:
            raise _Invalid(f"item {index + 1} {exc.message}", exc.hint, index) from None
        if not text.startswith("-"):
            raise _Invalid(f"has {text!r}, which is not an option (rsync would read it as a "
                           "file to send)",
                           'write options only, each starting with "-", e.g. "--chmod=F644".',
                           index)
        if _DELETING.match(text):
            raise _Invalid(f"has {text!r}: hubgen deletes only the files it wrote itself",
                           "remove it; stale hubgen files are deleted without it, and the "
                           "destination's other files are kept.", index)
        if not _rsync_option_allowed(text):
            raise _Invalid(f"has {text!r}, which hubgen does not pass on to rsync",
                           "hubgen takes the options that neither delete nor change which "
                           "files are sent (--chmod=, --rsh=, -z, --bwlimit=…): it sends "
                           "exactly what the build wrote, and `hubgen publish --dry-run` "
                           "shows it; write an option with its value in one item "
                           "(--rsh=\"ssh -p 2222\").",
                           index)
        options.append(text)
    return tuple(options)


def _message(value: Any) -> str:
    return _text(value)


@dataclass(frozen=True)
class _Kind:
    """What one type of target takes."""

    label: str
    settings: dict[str, Callable[[Any], Any]]
    required: tuple[str, ...] = ()
    example: str = ""


KINDS: dict[str, _Kind] = {
    "git": _Kind("a git target", {"repository": _not_an_option, "branch": _branch,
                                  "domain": _domain, "message": _message},
                 example='{type: git, repository: "https://github.com/org/site.git", '
                         "branch: gh-pages}"),
    "rsync": _Kind("an rsync target", {"destination": _not_an_option,
                                       "options": _rsync_options},
                   required=("destination",),
                   example='{type: rsync, destination: "deploy@host.example.com:/srv/hub/"}'),
    "netlify": _Kind("a netlify target", {"site": _text}, example="{type: netlify}"),
    "cloudflare": _Kind("a cloudflare target", {"project": _text},
                        example="{type: cloudflare, project: my-hub}"),
}


def _domain_serves_the_url(domain: str, config: Config) -> bool:
    """False when `domain` (a Pages host's CNAME) is the host of a url with a path: Pages
    serves a custom domain's site from its root, so no link of the hub would be found. A
    domain of its own may stand behind another site's path (a proxy), as may no domain."""
    host = urlsplit(config.url).hostname or ""
    return not domain or config.base_path == "/" or domain != host.lower()


def _marked(data: dict[str, Any]) -> MarkedMap:
    return data if isinstance(data, MarkedMap) else MarkedMap(data)


def _read_target(name: str, data: Any, section: MarkedMap, config: Config,
                 diagnostics: Diagnostics) -> Target | None:
    where = f"publish.{name}"
    path = config.path
    if not isinstance(data, dict):
        diagnostics.error(path, *section.value_at(name), f"{where} must be a mapping of settings",
                          f"e.g. {name}: {KINDS['git'].example}")
        return None
    marked = _marked(data)
    kind_name = data.get("type")
    if kind_name is None:
        diagnostics.error(path, *section.key_at(name), f"{where} has no 'type'",
                          f"add type: one of {', '.join(KINDS)}.")
        return None
    if not isinstance(kind_name, str) or kind_name not in KINDS:
        diagnostics.error(path, *marked.value_at("type"),
                          f"unknown publish type {kind_name!r} in {where}",
                          f"{did_you_mean(str(kind_name), KINDS, then=' ')}choose one of "
                          f"{', '.join(KINDS)}.")
        return None
    kind = KINDS[kind_name]
    values: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        if key == "type":
            continue
        check = kind.settings.get(str(key))
        if check is None:
            diagnostics.error(path, *marked.key_at(key), f"{where} has no setting '{key}'",
                              f"{did_you_mean(str(key), kind.settings, then=' ')}"
                              f"{kind.label} takes: "
                              f"type, {', '.join(kind.settings)}.")
            ok = False
            continue
        try:
            values[str(key)] = check(value)
        except _Invalid as exc:
            spot = value.item_at(exc.index) \
                if isinstance(value, MarkedList) and exc.index is not None \
                else marked.value_at(key)
            diagnostics.error(path, *spot,
                              f"{where}.{key} {exc.message}", exc.hint)
            ok = False
    absent = [key for key in kind.required if key not in data]
    if absent:
        diagnostics.error(path, *section.key_at(name),
                          f"{where} is missing {', '.join(absent)}",
                          f"{kind.label} needs {', '.join(kind.required)}, e.g. "
                          f"{name}: {kind.example}")
        ok = False
    if not ok:
        return None
    if kind_name == "git" and not _domain_serves_the_url(values.get("domain", ""), config):
        diagnostics.error(path, *marked.value_at("domain"),
                          f"{where}.domain {values['domain']} serves the site from its root, "
                          f"{config.origin}/, but url: puts it at {config.url}: every link and "
                          f"stylesheet would lead under {config.base_path}, where that domain "
                          "has nothing",
                          f"set url: {config.origin}/ for this domain, or leave domain: out "
                          f"when another site serves this one under {config.base_path}.")
        return None
    position = section.key_at(name)
    if kind_name == "git":
        return GitTarget(name=name, kind=kind_name, position=position, **values)
    if kind_name == "rsync":
        return RsyncTarget(name=name, kind=kind_name, position=position, **values)
    return HostTarget(name=name, kind=kind_name, position=position, **values)


def read_targets(config: Config, diagnostics: Diagnostics) -> dict[str, Target]:
    """Check `publish:` of hubgen.yaml; problems go to `diagnostics` with file and line.

    Returns the valid targets by name (an invalid one is left out, its error recorded).
    """
    data = config.publish
    if not data:
        return {}
    section = _marked(data)
    path = config.path
    targets: dict[str, Target] = {}
    names = [str(key) for key in data if key != DEFAULT_KEY]
    for key, value in data.items():
        if key == DEFAULT_KEY:
            continue
        if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", key):
            diagnostics.error(path, *section.key_at(key),
                              f"publish target name {key!r} is not a plain name",
                              "use letters, digits, '-', '_' or '.', e.g. pages or server; "
                              "it is what you type after hubgen publish.")
            continue
        target = _read_target(key, value, section, config, diagnostics)
        if target is not None:
            targets[key] = target
    if DEFAULT_KEY in data:
        default = data[DEFAULT_KEY]
        if not isinstance(default, str) or default not in names:
            hint = did_you_mean(str(default), names, then=" ")
            diagnostics.error(path, *section.value_at(DEFAULT_KEY),
                              f"publish.default names no target: {default!r}",
                              f"{hint}the targets are: {', '.join(names) or 'none yet'}.")
    return targets


def default_target_name(config: Config) -> str | None:
    """The target `publish.default` names, if any."""
    data = config.publish
    value = data.get(DEFAULT_KEY) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None
