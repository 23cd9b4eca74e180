"""Themes: which folders a site's templates and static files come from, in order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hubgen.config import Config
from hubgen.errors import Diagnostic, Diagnostics, SourceErrors
from hubgen.yamlfile import MarkedMap, read_yaml_file, warn_unknown_keys

BUILTIN_THEME = "default"
# What theme.yaml may hold: `extends:`, and keys that describe the theme to people
# (hubgen reads none of them), as Hugo's theme.toml does.
THEME_KEYS = ("extends",)
DESCRIPTIVE_KEYS = ("name", "description", "author", "license", "homepage", "version")


def builtin_themes_dir() -> Path:
    """Where the themes shipped with hubgen are: inside the installed package, or the checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "themes"
    if installed.is_dir():
        return installed
    return package.parent / "themes"


@dataclass(frozen=True)
class Theme:
    """One theme folder: its templates/ and static/."""

    name: str
    folder: Path

    @property
    def templates(self) -> Path:
        """The theme's templates folder."""
        return self.folder / "templates"

    @property
    def static(self) -> Path:
        """The theme's static folder."""
        return self.folder / "static"


def _find_theme(name: str, site_root: Path) -> Path | None:
    for candidate in (site_root / "themes" / name, builtin_themes_dir() / name):
        if candidate.is_dir():
            return candidate
    return None


def theme_chain(config: Config, diagnostics: Diagnostics | None = None) -> list[Theme]:
    """The theme in use, then its parents (`extends:` in theme.yaml), ending with the default.

    Raises SourceErrors for an unknown theme or a loop of parents; an unknown key of a
    theme.yaml is a warning in `diagnostics`, when given.
    """
    chain: list[Theme] = []
    name = config.theme
    asked_by: tuple[Path, tuple[int, int]] = (config.path, config.position_of("theme"))
    while name:
        if "/" in name or "\\" in name or name in (".", ".."):
            # Only a folder of themes/ (or a built-in theme): `../../etc` would lead out.
            raise SourceErrors([Diagnostic(
                asked_by[0], *asked_by[1], f"a theme is named by its folder, not a path: "
                f"'{name}'", "put the theme in themes/NAME/ beside hubgen.yaml and write "
                "its folder's name, e.g. theme: brand for themes/brand/.")])
        folder = _find_theme(name, config.root)
        if folder is None:
            raise SourceErrors([Diagnostic(asked_by[0], *asked_by[1], f"unknown theme '{name}'",
                                           f"put it in themes/{name}/ beside hubgen.yaml, "
                                           f"or use theme: {BUILTIN_THEME}.")])
        if any(t.folder == folder for t in chain):
            raise SourceErrors([Diagnostic(asked_by[0], *asked_by[1],
                                           f"theme '{name}' extends itself through its parents",
                                           "remove the loop of 'extends:' in theme.yaml.")])
        chain.append(Theme(name, folder))
        settings_path = folder / "theme.yaml"
        parent = ""
        if settings_path.is_file():
            settings = read_yaml_file(settings_path)
            if isinstance(settings, MarkedMap):
                if diagnostics is not None:
                    _warn_unknown_keys(settings, settings_path, diagnostics)
                parent = str(settings.get("extends") or "")
                asked_by = (settings_path, settings.value_at("extends"))
        name = parent
    default = default_theme_chain()
    if all(t.folder != default[0].folder for t in chain):
        chain += default
    if diagnostics is not None:
        _warn_unread_templates(config.root, chain, diagnostics)
    return chain


# Where other generators keep templates, by the folder that holds them (the hub's, or a
# theme's): templates left there are never read, and nothing else would say so.
_OTHER_TEMPLATE_FOLDERS = {"hub": ("layouts", "_layouts", "_includes"),
                           "theme": ("layouts",)}
_TEMPLATE_SUFFIXES = (".html", ".htm", ".njk", ".jinja", ".jinja2", ".j2", ".xml")


def _warn_unread_templates(root: Path, chain: list[Theme], diagnostics: Diagnostics) -> None:
    """A warning for a folder of templates named as Hugo, Jekyll or Eleventy name theirs
    (`layouts/`), in the hub or one of its themes: hubgen reads `templates/` alone."""
    places = [(root, "hub", root / "templates")]
    places += [(t.folder, "theme", t.templates) for t in chain if t.folder.is_relative_to(root)]
    for folder, kind, templates in places:
        for name in _OTHER_TEMPLATE_FOLDERS[kind]:
            # Not when templates/ is a link to it (or into it): those are read after all.
            if not (folder / name).is_dir() or _one_within_the_other(folder / name, templates):
                continue
            found = sorted(path for path in (folder / name).rglob("*")
                           if path.suffix in _TEMPLATE_SUFFIXES and path.is_file())
            if found:
                shown = Path(os.path.relpath(templates, root)).as_posix()
                inside = found[0].relative_to(folder / name).as_posix()
                diagnostics.warning(
                    found[0], 0, 0, f"hubgen reads templates from {shown}/, not {name}/: "
                    f"the templates in {name}/ are not used",
                    f"move them to {shown}/ ({name}/{inside} → {shown}/{inside}).")


def _one_within_the_other(first: Path, second: Path) -> bool:
    """Whether the folders `first` and `second`, their links followed, are one, or one
    holds the other."""
    first_real, second_real = os.path.realpath(first), os.path.realpath(second)
    return first_real == second_real or first_real.startswith(second_real + os.sep) \
        or second_real.startswith(first_real + os.sep)


def default_theme_chain() -> list[Theme]:
    """The chain of the built-in theme alone."""
    return [Theme(BUILTIN_THEME, builtin_themes_dir() / BUILTIN_THEME)]


def _warn_unknown_keys(settings: MarkedMap, path: Path, diagnostics: Diagnostics) -> None:
    warn_unknown_keys(settings, [*THEME_KEYS, *DESCRIPTIVE_KEYS], path, diagnostics,
                      "in theme.yaml", f"theme.yaml knows 'extends' (and "
                      f"{', '.join(DESCRIPTIVE_KEYS)}, which describe the theme).")


@dataclass(frozen=True)
class TemplateTree:
    """What a templates folder holds as Jinja's loader sees it."""

    files: tuple[Path, ...]    # every file, by its path through the folder (links kept)
    linked: tuple[Path, ...]   # the real folders that symlinked folders in it lead to


def template_tree(folder: Path) -> TemplateTree:
    """The files of a templates folder, through symlinked folders too (Jinja's loader
    opens `partials/x.html` through a `partials -> /shared` link), and where those
    links lead. A link back to a folder it is in is not entered again."""
    files: list[Path] = []
    linked: list[Path] = []
    if not folder.is_dir():
        return TemplateTree((), ())
    top = str(folder)
    above: dict[str, frozenset[str]] = {top: frozenset({os.path.realpath(top)})}
    for current, subfolders, names in os.walk(top, followlinks=True):
        seen = above.pop(current, frozenset())
        entered = []
        for name in sorted(subfolders):
            path = os.path.join(current, name)
            real = os.path.realpath(path)
            if real in seen:
                continue
            if os.path.islink(path):
                linked.append(Path(real))
            above[path] = seen | {real}
            entered.append(name)
        subfolders[:] = entered
        files += (Path(current, name) for name in sorted(names))
    return TemplateTree(tuple(files), tuple(linked))
