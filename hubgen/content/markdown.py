"""Markdown for posts and pages: Python-Markdown with the extensions a blogger expects.

Root-relative links and images (`/about/`) are given the site's base path
(`/hub/about/`) here, so every body keeps working under a subpath.
"""

from __future__ import annotations

import functools
import html as html_module
import importlib
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hubgen.config import Config
from hubgen.content.models import Embed, Heading
from hubgen.content.slugs import slugify
from hubgen.content.words import Words, english_words
from hubgen.errors import editor_lines

if TYPE_CHECKING:
    import markdown

# Python-Markdown's own; fences in lists and quotes come from SuperFences (highlight.py).
DEFAULT_EXTENSIONS: tuple[str, ...] = (
    "tables", "fenced_code", "footnotes", "abbr", "attr_list", "def_list",
    "admonition", "md_in_html", "sane_lists", "toc", "codehilite",
)
MORE_MARKER = "<!--more-->"

_TAGS = re.compile(r"<[^>]+>")
_BLOCK_EDGES = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|details|div|dl|dt|figcaption|figure|"
    r"footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|"
    r"th|thead|tr|ul)\b[^>]*>", re.IGNORECASE)
_HEADING_ANCHOR = r'<a [^>]*class="heading-anchor"[^>]*>.*?</a>'
# A heading's permalink sign and a footnote's number are no words of the text.
_MARKS = re.compile(_HEADING_ANCHOR + r'|<sup id="fnref[^>]*>.*?</sup>', re.DOTALL)
_HEADING_ANCHORS = re.compile(_HEADING_ANCHOR, re.DOTALL)


class NestedTooDeep(ValueError):
    """Markdown nesting lists or quotes deeper than Python-Markdown can follow: it
    reads each level by recursion, within the frames `converted` gives it (some 200
    levels)."""

    hint = "nest lists and quotes a few levels deep, not hundreds."

    def __init__(self, line: int):
        super().__init__("lists or quotes nested too deep for Markdown to read")
        self.line = line   # 1-based, in the text: the line nested deepest


# The frames Python-Markdown may use below the call of `converted`, wherever it is made
# from: Python's limit counts from the stack's bottom, so text nested near it would read
# on one core and not on workers, in a build and not in serve's rebuild thread.
_MARKDOWN_FRAMES = 800


def converted(md: markdown.Markdown, text: str) -> str:
    """`md.convert(text)`; NestedTooDeep for text nested beyond its reach, the same reach
    however deep the caller's stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + _MARKDOWN_FRAMES)
    try:
        return md.convert(text)
    except RecursionError:
        lines = editor_lines(text) or [""]
        depths = [len(line) - len(line.lstrip(" \t>")) for line in lines]
        raise NestedTooDeep(depths.index(max(depths)) + 1) from None
    finally:
        sys.setrecursionlimit(limit)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def without_heading_anchors(html: str) -> str:
    """A body without its headings' permalink signs (a feed reader shows them as '#')."""
    return _HEADING_ANCHORS.sub("", html) if "heading-anchor" in html else html


# `{{< thread SLUG >}}` embeds a thread; `{{< message SLUG ID >}}` one of its messages. Each
# may be quoted, as Hugo's positional parameters often are (`{{< thread "slug" >}}`); a
# quote left open or closed with the other mark is forgiven (neither a slug nor an id
# holds one).
EMBED = re.compile(r"^ {0,3}\{\{<\s*(?P<kind>thread|message)"
                   r"\s+[\"']?(?P<slug>[^\s>\"']+)[\"']?"
                   r"(?:\s+[\"']?(?P<message>[^\s>\"']+)[\"']?)?\s*>\}\}\s*$")
# Slug and message id are HTML-escaped in it ('q&a' is written 'q&amp;a'): embed_of reads
# them back as written.
EMBED_PLACEHOLDER = re.compile(
    r'<div data-hubgen-embed="([^"]*)" data-message="([^"]*)"></div>')


def embed_placeholder(slug: str, message: str) -> str:
    """The HTML a body holds where an embed goes, until the renderer fills it in."""
    return (f'<div data-hubgen-embed="{html_module.escape(slug)}" '
            f'data-message="{html_module.escape(message)}"></div>')


def embed_of(placeholder: re.Match[str]) -> tuple[str, str]:
    """The slug and message id (as written) of an EMBED_PLACEHOLDER match."""
    return html_module.unescape(placeholder[1]), html_module.unescape(placeholder[2])


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


# A shortcode ({{< name … >}} or {{% name … %}}) as Hugo users write them, alone on its
# line or within one (`[p]({{< ref "p.md" >}})`).
SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*[\w.-]*[^}]*?[>%]\}\}")
# Hugo's link to a page by its source file: `{{< ref "p.md" >}}`, `{{< relref "p" >}}`.
REF_SHORTCODE = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+[\"']?(?P<target>[^\s\"'>%]+)"
                           r"[\"']?\s*[>%]\}\}")
# Liquid (Jekyll, Eleventy) and Nunjucks as their pages hold it: a tag (`{% include x %}`,
# `{% raw %}`) or an output (`{{ site.baseurl }}`, `{{ page.title | upcase }}`). A Hugo
# shortcode's `{{% … %}}` is no Liquid tag.
LIQUID = re.compile(r"(?<!\{)\{%-?\s*(?P<tag>\w+).*?%\}(?!\})"
                    r"|\{\{-?\s*[A-Za-z_][\w.]*(?:\[[^\]\n]*\])*(?:\s*\|[^}\n]*)?\s*-?\}\}")
# A code span: its text is code, not a shortcode.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")
# Four spaces or a tab in: a line that may be indented code.
_INDENTED = re.compile(r"^(?: {4}|\t)")


def _lines_outside_fences(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """The lines of a Markdown body outside fenced code, with their file line."""
    fence = ""
    for offset, line in enumerate(editor_lines(body)):
        marker = _FENCE.match(line)
        if marker and not fence:
            fence = marker[1]
        elif marker and marker[1][0] == fence[0] and len(marker[1]) >= len(fence) \
                and not line[marker.end():].strip():
            fence = ""      # closed by a run as long or longer, with nothing after it
        elif not fence:
            yield first_line + offset, line


def embedded_message(match: re.Match[str]) -> str:
    """The message id an EMBED match names: '' for a whole thread, '?' for a message
    embed that names none (no such message: the build says so)."""
    message = match["message"] or ""
    return "?" if match["kind"] == "message" and not message else message


def find_embeds(body: str, first_line: int) -> tuple[Embed, ...]:
    """The embeds of a Markdown body, with their file line (fenced code is skipped)."""
    if "{{" not in body:
        return ()
    embeds = []
    for number, line in _lines_outside_fences(body, first_line):
        match = EMBED.match(line)
        if match:
            embeds.append(Embed(match["slug"], embedded_message(match), number,
                                line.index("{{") + 1))
    return tuple(embeds)


def unknown_shortcodes(body: str, first_line: int) -> list[tuple[int, int, str]]:
    """The shortcodes of a body that are no embed of hubgen's (`{{< youtube x >}}`, an
    embed within a line) and its Liquid (`{% include x %}`, `{{ site.baseurl }}`): (line,
    column, as written); they would show as text. Code (fenced, indented, or a code span)
    is skipped."""
    if "{{" not in body and "{%" not in body:
        return []
    found = []
    for number, line in _lines_outside_fences(body, first_line):
        if ("{{" not in line and "{%" not in line) or EMBED.match(line) \
                or _INDENTED.match(line):
            continue
        # Blanked, not removed: a column still counts from the line as written.
        text = _CODE_SPAN.sub(lambda span: " " * len(span[0]), line)
        matches = sorted([*SHORTCODE.finditer(text), *LIQUID.finditer(text)],
                         key=lambda match: match.start())
        found += [(number, match.start() + 1, match[0]) for match in matches]
    return found


# The ids the default theme gives the parts of a page: a heading "Comments" or "Main"
# must not take one (a link to #comments, or the skip link to #main, would land on it).
_THEME_IDS = frozenset({"main", "doc-title", "comments", "comments-title", "more", "latest",
                        "upcoming", "posts", "agenda", "highlights", "messages", "participants",
                        "said", "recent-conversations", "recent-title", "hero-title",
                        "tag-title", "thread-title", "isso-thread"})


def _toc_slug(value: str, separator: str) -> str:
    slug = slugify(value) or "section"
    return f"{slug}-section" if slug in _THEME_IDS else slug


def with_base_path(url: str, base_path: str) -> str:
    """Put the site's base path in front of a root-relative URL, percent-encoded as a link
    needs it ('/my hub/' → '/my%20hub/'); leave others alone."""
    if base_path == "/" or not url.startswith("/") or url.startswith("//"):
        return url
    return _encoded_path(base_path) + url[1:]


@functools.lru_cache(maxsize=16)
def _encoded_path(path: str) -> str:
    return quote(path, safe="/%:@!$&'()*+,;=~")


@dataclass(frozen=True)
class RenderedMarkdown:
    """A Markdown body as HTML, with its headings and a plain-text summary."""

    html: str
    summary_html: str
    summary_text: str
    toc: tuple[Heading, ...]
    word_count: int


def _headings(tokens: list[dict[str, Any]]) -> tuple[Heading, ...]:
    # A title is plain text: Python-Markdown's name comes escaped ("Q&amp;A"), and the
    # templates escape what they show.
    return tuple(Heading(t["level"], t["id"], html_module.unescape(_TAGS.sub("", t["name"])),
                         _headings(t.get("children", []))) for t in tokens)


def plain_text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace folded."""
    return " ".join(_words(html))


def _words(html: str) -> list[str]:
    # A block's edge parts words; an inline tag's does not ("[a](x): b" reads "a: b").
    html = _BLOCK_EDGES.sub(" ", _MARKS.sub("", html))
    return html_module.unescape(_TAGS.sub("", html)).split()


# Chinese, Japanese and Korean are written without spaces between words: about two of
# their characters are read in the time of one word (500 a minute against 220 words).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def word_count(words: list[str]) -> int:
    """How many words the text reads as: a run of CJK characters counts half of each."""
    count = float(len(words))
    for word in words:
        if not word.isascii() and (cjk := len(_CJK.findall(word))):
            count += cjk / 2 - 1
    return round(count)


def first_paragraph(html: str) -> str:
    """The text of the first <p> of an HTML fragment that has any (a lone image has
    none, an admonition's title is not one); empty when there is none."""
    for match in re.finditer(r"<p(\s[^>]*)?>(.*?)</p>", html, re.DOTALL):
        if match[1] and "admonition-title" in match[1]:
            continue
        text = plain_text(match[2])
        if text:
            return text
    return ""


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _closed(html: str) -> str:
    """A cut-off piece of well-formed HTML with the tags left open closed."""
    open_tags: list[str] = []
    for match in _TAG.finditer(_COMMENT.sub("", html)):
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if closing:
            if name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name):]
        elif name not in _VOID and not self_closing:
            open_tags.append(name)
    return html + "".join(f"</{name}>" for name in reversed(open_tags))


# What continues the character before it (with the combining marks): a joiner, a
# variation selector, a skin tone, a low surrogate. A cut never falls before one.
_CONTINUING = re.compile(r"[\u200c\u200d\ufe00-\ufe0f\udc00-\udfff"
                         r"\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]")


def shorten(text: str, limit: int = 200) -> str:
    """Cut text to at most `limit` characters, then an ellipsis: at a space in the last third,
    else (text in Chinese or Japanese has few spaces) at the limit, between two characters."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit + 1)
    cut = space if space >= limit - limit // 3 else _character_boundary(text, limit)
    return text[:cut].rstrip(",;:.、。，；： ") + "…"


def _character_boundary(text: str, index: int) -> int:
    """The nearest place at or before `index` that does not split a character."""
    while index > 1 and (_CONTINUING.match(text[index]) or text[index - 1] == "\u200d"
                         or unicodedata.combining(text[index])):
        index -= 1
    return index


def site_extensions(names: tuple[str, ...]) -> list[str]:
    """The extensions a site names that hubgen does not load already, `extra` as its parts.

    One loaded twice would replace hubgen's: a second fenced_code (which `extra` brings)
    takes the place of the reader of fences in lists and quotes.
    """
    from markdown.extensions.extra import extensions as extra_parts
    wanted: list[str] = []
    for name in names:
        short = name.removeprefix("markdown.extensions.")
        for part in extra_parts if short in ("extra", "extra:ExtraExtension") else [name]:
            if part.removeprefix("markdown.extensions.") not in DEFAULT_EXTENSIONS \
                    and part not in wanted:
                wanted.append(part)
    return wanted


def markdown_titles(words: Words) -> tuple[str, str]:
    """What Python-Markdown itself says in a body, in the site's words: the title of a
    heading's permalink and of a footnote's way back. A body's HTML depends on them."""
    return words("heading_link"), words("footnote_backlink")


class MarkdownRenderer:
    """Turns Markdown bodies into HTML for one site. One instance per process."""

    def __init__(self, config: Config, words: Words | None = None):
        self.base_path = config.base_path
        self.config = config
        self.titles = markdown_titles(words or english_words())
        self._engine: markdown.Markdown | None = None

    @property
    def _md(self) -> markdown.Markdown:
        # Made on first use: a rebuild that parses nothing never loads the extensions
        # (or Pygments).
        if self._engine is None:
            import markdown

            from hubgen.content.block_filter import FilteredBlocksExtension
            from hubgen.content.highlight import (
                SharedStyleHtmlFormatter,
                find_lexers_once,
                nested_fences,
            )
            from hubgen.content.inline_filter import FilteredInlineExtension
            from hubgen.content.markdown_extensions import BasePathExtension
            find_lexers_once()
            config = self.config
            heading_link, backlink = self.titles
            extension_configs: dict[str, dict[str, Any]] = {
                "toc": {"permalink": "#", "permalink_class": "heading-anchor",
                        "permalink_title": heading_link, "slugify": _toc_slug,
                        "toc_depth": "2-4"},
                "codehilite": {"css_class": "highlight", "guess_lang": False,
                               "pygments_formatter": SharedStyleHtmlFormatter},
                # Python-Markdown fills the footnote's number into a {} of this one.
                "footnotes": {"BACKLINK_TITLE": backlink.replace("{", "{{")
                              .replace("}", "}}")},
            }
            for name, settings in config.markdown.extension_configs.items():
                extension_configs.setdefault(name, {}).update(settings)
            # Python-Markdown's own extensions are made here, not named: a name has it read
            # the entry points of every installed package to find the extension.
            built_in = [importlib.import_module(f"markdown.extensions.{name}")
                        .makeExtension(**extension_configs.get(name, {}))
                        for name in DEFAULT_EXTENSIONS]
            built_in.insert(2, nested_fences())   # right after fenced_code
            # The filters go last: they work on what every extension has registered.
            extensions: list[Any] = [*built_in, *site_extensions(config.markdown.extensions),
                                     BasePathExtension(self.base_path),
                                     FilteredInlineExtension(), FilteredBlocksExtension()]
            self._engine = markdown.Markdown(extensions=extensions,
                                             extension_configs=extension_configs,
                                             output_format="html")
        return self._engine

    def render(self, text: str) -> RenderedMarkdown:
        """Render one body; the summary is what stands above `<!--more-->`."""
        md = self._md
        md.reset()
        html = converted(md, text)
        toc = _headings(getattr(md, "toc_tokens", []))
        # The marker is cut from the page as rendered: one in code is text there, not a
        # marker, and what stands above it keeps the links and notes defined below.
        if MORE_MARKER in html:
            summary_html = _closed(html.split(MORE_MARKER, 1)[0]).strip()
            summary_text = plain_text(summary_html)
            html = html.replace(MORE_MARKER, "")
        else:
            summary_text = first_paragraph(html)
            summary_html = ""
        words = word_count(_words(html))
        return RenderedMarkdown(html, summary_html, summary_text, toc, words)
