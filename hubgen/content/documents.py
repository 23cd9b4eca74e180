"""Reading posts and pages: front matter checked key by key, body rendered to HTML."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from hubgen.config import Config, site_path_problem
from hubgen.content.dates import (
    FILENAME_DATE,
    BadDate,
    date_from_filename,
    parse_date,
    updated_too_early,
)
from hubgen.content.frontmatter import split_front_matter
from hubgen.content.markdown import (
    EMBED,
    LIQUID,
    REF_SHORTCODE,
    MarkdownRenderer,
    NestedTooDeep,
    find_embeds,
    shorten,
    unknown_shortcodes,
)
from hubgen.content.models import (
    Document,
    DocumentKind,
    Heading,
    UnfinishedDocument,
    is_bundle_path,
)
from hubgen.content.slugs import explicit_slug, slug_changed, slugify
from hubgen.errors import Diagnostics, SourceErrors, is_utf16, saved_as_utf16, undecodable
from hubgen.wording import did_you_mean
from hubgen.yamlfile import DuplicateKeys, MarkedList


class _Invalid(ValueError):
    def __init__(self, message: str, hint: str = "", item: int | None = None,
                 others: tuple[_Invalid, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.item = item   # which item of a list is wrong, when one is
        self.others = others   # the list's other wrong items


def _text(value: Any) -> str:
    if value is None:      # `summary:` left empty, as Hugo and Jekyll allow
        return ""
    if isinstance(value, bool | dict | list):
        raise _Invalid("must be text", "quote it if it holds special characters.")
    return str(value).strip()


def _author(value: Any) -> str:
    if isinstance(value, list):   # Hugo's and Eleventy's authors: [a, b]
        raise _Invalid("must be one author, not a list",
                       "write one people.yaml key or name, e.g. author: Ana Ruiz.")
    return _text(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false", "write true or false, without quotes.")
    return value


def _text_list(value: Any) -> tuple[str, ...]:
    if value is None:      # `tags:` left empty
        return ()
    if isinstance(value, str):
        texts = [v.strip() for v in value.split(",")]
    elif not isinstance(value, list):
        raise _Invalid("must be a list of texts", "write it as [a, b].")
    elif wrong := [index for index, v in enumerate(value)
                   if isinstance(v, bool) or not isinstance(v, str | int)]:
        # Each told at its own place: `- [nested]` or `- {a: b}` in a list of texts.
        said = ("must be a list of texts: this item is no text",
                "write each item as plain text; quote one holding [ ] { } or :")
        raise _Invalid(*said, item=wrong[0],
                       others=tuple(_Invalid(*said, item=index) for index in wrong[1:]))
    else:
        texts = [str(v).strip() for v in value]
    # A tag is shared by many posts: one object each, which the build cache writes once.
    return tuple(sys.intern(text) for text in texts if text)


def _site_path_list(value: Any) -> tuple[str, ...]:
    paths = _text_list(value)
    # Every wrong path is told, each at its own place in a list.
    items: list[tuple[int | None, str]] = \
        list(enumerate(str(v).strip() for v in value)) if isinstance(value, list) \
        else [(None, path) for path in paths]
    wrong = [_Invalid(f"{path!r} {problem[0]}", problem[1], item=index)
             for index, path in items if path and (problem := site_path_problem(path))]
    if wrong:
        raise _Invalid(wrong[0].message, wrong[0].hint, wrong[0].item, tuple(wrong[1:]))
    return paths


def _comments(value: Any) -> bool | dict[str, Any]:
    if isinstance(value, bool | dict):
        return value
    raise _Invalid("must be true, false or a mapping of comment settings",
                   "write comments: false to turn comments off on this page.")


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid("must be a mapping", "write it as {key: value}.")
    return value


def _name_of(rel_path: str) -> str:
    """A post's or page's name: a bundle (`posts/2026-03-02-trip/index.md`) is named by
    its folder."""
    return Path(rel_path).parent.name if is_bundle_path(rel_path) else Path(rel_path).stem


# A name opening with a date and then a space, an underscore or a dot.
_DATE_AND_SPACE = re.compile(r"\d{4}-\d{2}-\d{2}[ _.\u00a0]")


def named_by(rel_path: str, kind: str, tz: tzinfo) -> tuple[datetime | None, str]:
    """The date and the slug the file's name gives a post or page (a post's name may open
    with its date)."""
    stem = _name_of(rel_path)
    file_date, rest = date_from_filename(stem, tz)
    return file_date, slugify(rest if kind == "post" else stem)


def _slug(value: Any) -> str:
    text = _text(value)
    if not explicit_slug(text)[0]:
        raise _Invalid(f"{text!r} makes an empty slug", "use letters or digits, e.g. my-post.")
    return text


def _heading_count(toc: tuple[Heading, ...]) -> int:
    """How many headings a table of contents shows, nested ones included."""
    return sum(1 + _heading_count(heading.children) for heading in toc)


# Hints for the Liquid tags Jekyll's and Eleventy's posts hold most.
_LIQUID_HINTS = {
    "highlight": "write a fenced code block: ```ruby on the line before the code, ``` after.",
    "endhighlight": "write a fenced code block: ```ruby on the line before the code, ``` "
                    "after.",
    "raw": "delete it: hubgen shows {{ and {% as written.",
    "endraw": "delete it: hubgen shows {{ and {% as written.",
    "post_url": "link to the post's address, e.g. /posts/SLUG/.",
    "link": "link to the page's address, e.g. /posts/SLUG/.",
    "comment": "delete the comment, or write it as <!-- an HTML comment -->.",
    "endcomment": "delete the comment, or write it as <!-- an HTML comment -->.",
}


def _shortcode_warning(written: str) -> tuple[str, str]:
    """What to say of a shortcode or Liquid the page would show as text, and the hint."""
    liquid = LIQUID.fullmatch(written)
    if liquid:
        name = liquid["tag"] or ""
        if "site.baseurl" in written or "site.url" in written:
            hint = ("delete it: a link from the site's root (/images/a.png) is given the "
                    "site's address and path.")
        else:
            hint = _LIQUID_HINTS.get(name, "hubgen runs no template code in a page: write "
                                     "the text or HTML it stood for.")
        return (f"{written} is Liquid, which hubgen does not run; the page shows it as text",
                hint)
    if EMBED.match(written):
        return (f"{written} embeds only on a line of its own; the page shows it as text",
                "put it on a line by itself, with a blank line before and after.")
    if REF_SHORTCODE.fullmatch(written):
        return (f"{written} is no shortcode hubgen knows; the link keeps it as written",
                "hubgen has no ref shortcode: link to the page's address, e.g. /posts/SLUG/.")
    return (f"{written} is no embed hubgen knows; the page shows it as text",
            "hubgen embeds {{< thread SLUG >}} and {{< message SLUG ID >}}; for anything "
            "else, write its HTML.")


_Checker = Callable[[Any], Any]
# Keys a post or page may carry, and how each is checked. Dates are checked apart
# because they need the site's timezone.
FRONT_MATTER_KEYS: dict[str, _Checker | None] = {
    "title": _text, "date": None, "updated": None, "slug": _slug, "tags": _text_list,
    "author": _author, "summary": _text, "description": _text, "image": _text,
    "image_alt": _text, "draft": _flag, "comments": _comments, "aliases": _site_path_list,
    "toc": _flag, "template": _text, "extra": _mapping,
}


# What Hugo, Pelican and Jekyll call keys hubgen has under another name.
_OTHER_TOOLS_KEYS = {"lastmod": "updated", "modified": "updated", "categories": "tags",
                     "category": "tags", "keywords": "tags", "url": "slug",
                     "permalink": "slug", "excerpt": "summary", "layout": "template",
                     "images": "image", "cover": "image", "authors": "author"}


def _unknown_key_hint(key: str, value: Any = None) -> str:
    if key in ("url", "permalink") and isinstance(value, str) and \
            value.strip().startswith("/") and ":" not in value:
        # The page's whole address: written as its slug, the links to it would break.
        return ("hubgen makes the address from 'slug:' and the permalinks of hubgen.yaml; "
                f"to keep this one working, write 'aliases: [{value.strip()}]'.")
    if key in _OTHER_TOOLS_KEYS:
        return f"hubgen calls it '{_OTHER_TOOLS_KEYS[key]}'."
    return did_you_mean(key, FRONT_MATTER_KEYS, "free-form data goes under 'extra:'.")


_HOLD_BACK = "write 'draft: true' to keep it off the site, or delete the line to publish it."


def _publishing_key(key: str, value: Any, date: datetime | None,
                    tz: tzinfo) -> tuple[bool, str, str] | None:
    """What to say of a key with which Hugo, Jekyll, Pelican or Eleventy decide whether or
    when a page is published (`published: false`, `status: draft`, `expiryDate:`…), which
    hubgen does not read: (is an error, message, hint); None for any other key. Whatever
    would publish what the other tool held back is an error."""
    name = key.lower().replace("_", "")
    if name == "published" and isinstance(value, bool):   # Jekyll's
        held, written = not value, str(value).lower()
    elif name == "status" and isinstance(value, str) and \
            value.strip().lower() in ("draft", "hidden", "published"):   # Pelican's
        held, written = value.strip().lower() != "published", value.strip()
    else:
        held, written = False, ""
    if written and held:
        return (True, f"'{key}: {written}' is not read by hubgen: the page would be "
                "published", _HOLD_BACK)
    if written:
        return (False, f"hubgen does not read '{key}': it publishes every page without "
                "'draft: true'", "delete the line.")
    if name in ("expirydate", "unpublishdate"):
        return (True, f"hubgen has no '{key}': the page would stay published after it",
                "delete the line to keep the page up, or write 'draft: true' to take it down.")
    if name in ("publishdate", "pubdate", "published"):
        try:
            publish = parse_date(value, tz)
        except BadDate:
            publish = None
        if publish is None or date is None or publish > date:
            return (True, f"hubgen has no '{key}': the page would be published at its "
                    "'date', not at this one", "write this moment as the page's 'date:' "
                    "(a post dated later waits for its date), and delete this line.")
        return (False, f"hubgen has no '{key}': it publishes a post at its 'date'",
                "delete the line.")
    if name == "permalink" and value is False:   # Eleventy writes no file for the page
        return True, "'permalink: false' is not read by hubgen: the page would be published", \
            _HOLD_BACK
    if (name == "build" and isinstance(value, dict) and value.get("render") in ("never", False)) \
            or (name == "headless" and value is True):   # Hugo renders no page for it
        return (True, f"'{key}' is not read by hubgen: the page would be published",
                _HOLD_BACK)
    return None


def read_document(path: Path, rel_path: str, kind: DocumentKind, config: Config,
                  renderer: MarkdownRenderer,
                  diagnostics: Diagnostics) -> Document | UnfinishedDocument | None:
    """Read one post or page; problems go to `diagnostics`.

    A file whose front matter cannot be read gives None; one whose front matter
    holds mistakes gives an UnfinishedDocument, so that its author and embeds are
    still checked.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        diagnostics.add(undecodable(path, exc))
        return None
    except OSError as exc:
        diagnostics.error(path, 0, 0, f"cannot read the file: {exc.strerror}")
        return None
    if is_utf16(text):
        diagnostics.add(saved_as_utf16(path))
        return None
    try:
        source = split_front_matter(text, path)
    except DuplicateKeys as exc:   # an error; the rest of the front matter is still checked
        diagnostics.extend(exc.diagnostics)
        source = exc.data
    except SourceErrors as exc:
        diagnostics.extend(exc.diagnostics)
        return None
    meta = source.metadata
    errors_before = len(diagnostics.errors)

    values: dict[str, Any] = {}
    unknown: list[Any] = []
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            unknown.append(key)
            continue
        checker = FRONT_MATTER_KEYS[key]
        if checker is None:
            continue
        try:
            values[key] = checker(meta[key])
        except _Invalid as exc:
            value = meta[key]
            for problem in (exc, *exc.others):
                position = value.item_at(problem.item) if problem.item is not None and \
                    isinstance(value, MarkedList) else meta.value_at(key)
                diagnostics.error(path, *position, f"'{key}' {problem.message}", problem.hint)

    written_tags = meta.get("tags")
    if isinstance(written_tags, str) and "," not in written_tags \
            and len(words := written_tags.split()) > 1:   # Jekyll reads these as tags apart
        diagnostics.warning(path, *meta.value_at("tags"),
                            f"'tags: {written_tags.strip()}' is one tag, as written",
                            f"for {len(words)} tags, as Jekyll reads it, write "
                            f"'tags: [{', '.join(words)}]'; for one, "
                            f"'tags: [{' '.join(words)}]'.")

    dates: dict[str, Any] = {}
    for key in ("date", "updated"):
        if key in meta and meta[key] is not None:
            try:
                dates[key] = parse_date(meta[key], config.tz)
            except BadDate as exc:
                diagnostics.error(path, *meta.value_at(key), f"'{key}': {exc}", exc.hint)

    title = values.get("title", "")
    if not title and "title" not in meta:
        diagnostics.error(path, 2, 1, "the front matter has no 'title'",
                          "add a line such as 'title: Listening first'.")
    elif not title and "title" in meta and not isinstance(meta["title"], dict | list | bool):
        diagnostics.error(path, *meta.value_at("title"), "'title' is empty",
                          f"give the {kind} a title.")

    file_date, file_slug = named_by(rel_path, kind, config.tz)
    date = dates.get("date") or file_date
    for key in unknown:
        said = _publishing_key(meta.name_of(key), meta[key], date, config.tz)
        if said is None:
            diagnostics.warning(path, *meta.key_at(key),
                                f"unknown front matter key '{meta.name_of(key)}'",
                                _unknown_key_hint(meta.name_of(key), meta[key]))
        elif said[0] and values.get("draft"):   # held back whatever the line says
            diagnostics.warning(path, *meta.key_at(key),
                                f"hubgen does not read '{meta.name_of(key)}'",
                                "the page is a draft ('draft: true'): delete the line.")
        else:
            (diagnostics.error if said[0] else diagnostics.warning)(
                path, *meta.key_at(key), *said[1:])
    slug = file_slug
    if values.get("slug"):
        slug, dropped = explicit_slug(values["slug"])
        if dropped:
            diagnostics.warning(path, *meta.value_at("slug"),
                                *slug_changed(values["slug"], slug, dropped))
    if not slug:
        diagnostics.error(path, 1, 1, f"the file name {Path(rel_path).name!r} makes an empty slug",
                          "add 'slug: my-post' to the front matter, or rename the file.")
    too_early = updated_too_early(dates.get("updated"), date, kind)
    if too_early is not None:
        diagnostics.warning(path, *meta.value_at("updated"), *too_early)
    if kind == "post" and date is None and "date" not in meta:
        stem = _name_of(rel_path)
        named = FILENAME_DATE.match(stem)
        if named:   # the name starts with a date, but no such day exists
            diagnostics.error(path, 1, 1, f"the file name starts with {stem[:10]!r}, which is "
                              "not a real date", "check the month and day in the file name "
                              "(e.g. 2026-02-28-my-post.md), or add 'date:' to the front matter.")
        elif _DATE_AND_SPACE.match(stem) and slugify(stem[11:]):
            # Finder and Explorer users write "2026-03-02 Summer trip": the date is there,
            # the hint to start the name with it would puzzle them. (A bundle's name is its
            # folder's, which has no suffix.)
            suffix = Path(rel_path).suffix if Path(rel_path).stem == stem else ""
            diagnostics.error(path, 2, 1, f"the post has no date: its name starts with "
                              f"{stem[:11]!r}, and a date opening a name is read only when "
                              "'-' follows it", f"rename it {stem[:10]}-{slugify(stem[11:])}"
                              f"{suffix} (the date, '-', then the name), or add 'date:' to "
                              "the front matter.")
        else:
            diagnostics.error(path, 2, 1, "the post has no date",
                              "add 'date: 2026-05-01 09:30', or start the file name with "
                              "the date (2026-05-01-my-post.md).")

    for line, column, written in unknown_shortcodes(source.body, source.body_line):
        diagnostics.warning(path, line, column, *_shortcode_warning(written))
    rendered = None
    if len(diagnostics.errors) == errors_before:
        try:
            rendered = renderer.render(source.body)
        except NestedTooDeep as exc:
            diagnostics.error(path, source.body_line + exc.line - 1, 1, str(exc), exc.hint)
    if rendered is None:
        return UnfinishedDocument(source=path, author_ref=values.get("author", ""),
                                  embeds=find_embeds(source.body, source.body_line),
                                  positions={str(key): meta.value_at(key) for key in meta})

    positions = {str(key): meta.value_at(key) for key in meta}
    for listed in ("aliases", "tags"):   # each item's place, for a warning about one
        if values.get(listed):
            positions.update(meta.text_item_positions(listed, len(values[listed])))
    summary = values.get("summary") or shorten(rendered.summary_text)
    return Document(
        kind=kind, source=path, rel_path=rel_path, title=title, slug=slug, date=date,
        updated=dates.get("updated"), html=rendered.html, summary=summary,
        summary_html=rendered.summary_html, description=values.get("description", ""),
        tags=values.get("tags", ()), author_ref=values.get("author", ""),
        image=values.get("image", ""), image_alt=values.get("image_alt", ""),
        draft=values.get("draft", False), comments=values.get("comments", True),
        aliases=values.get("aliases", ()), toc=rendered.toc,
        show_toc=values.get("toc", kind == "post" and _heading_count(rendered.toc) >= 3),
        template=values.get("template", ""), word_count=rendered.word_count,
        embeds=find_embeds(source.body, source.body_line),
        extra=values.get("extra", {}),
        positions=positions,
    )
