"""Code highlighting for Markdown's fenced blocks: Pygments' HTML, without its per-block setup.

Python-Markdown's codehilite makes a new Pygments formatter for every code block,
and each one rebuilds the same style tables from the style (about a third of a
block's cost). This formatter builds them once per style and reuses them; the
HTML is byte for byte Pygments' own, but for the block's `tabindex` (below).

It also finds the lexer for a block's language through Pygments'
`get_lexer_by_name`, which goes through the names of all of Pygments' lexers
every time (about a twentieth of the conversion of a post with one code block):
hubgen has codehilite look each language name up once (`find_lexers_once`).

Fences inside list items and quotes, which Python-Markdown's fenced_code leaves as text,
are read by pymdown-extensions' SuperFences and highlighted by codehilite as fenced_code
has it do (`nested_fences`); community text has them written plain.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

from pygments.formatters.html import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name, get_lexer_by_name
from pygments.util import ClassNotFound


class SharedStyleHtmlFormatter(HtmlFormatter):
    """Pygments' HtmlFormatter, with its style tables made once per style and prefix."""

    _tables: ClassVar[dict[tuple[Any, ...], tuple[dict, dict]]] = {}

    def __init__(self, lang_str: str = "", **options: Any):
        # codehilite passes lang_str to a formatter class; Pygments' own formatter,
        # got by name, never sees it, and hubgen's HTML must not change with it.
        super().__init__(**options)

    def _wrap_pre(self, inner: Any) -> Any:
        # A long line scrolls the block sideways: in the tab order, a keyboard can scroll
        # it too (Safari does not make scrolling boxes focusable by itself), as on GitHub.
        for kind, text in super()._wrap_pre(inner):
            if kind == 0 and text.startswith("<pre"):
                text = '<pre tabindex="0"' + text[len("<pre"):]
            yield kind, text

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        tables = self._tables.get(key)
        if tables is None:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        else:
            self.ttype2class, self.class2style = tables


@functools.cache
def _lexer_class(alias: str | None) -> type[Lexer] | None:
    try:
        return find_lexer_class_by_name(alias)
    except ClassNotFound:
        return None


def lexer_by_name(alias: str | None, /, **options: Any) -> Lexer:
    """Pygments' `get_lexer_by_name`: the lexer with this name (an alias such as 'py'),
    made with `options`; raises ClassNotFound for a name it does not know. Each name,
    as written, is looked up once, known or not."""
    found = _lexer_class(alias)
    if found is None:
        raise ClassNotFound(f"no lexer for alias {alias!r} found")
    return found(**options)


def find_lexers_once() -> None:
    """Have Python-Markdown's codehilite look up each language name once per process.

    codehilite calls the `get_lexer_by_name` it imported from Pygments; that name is
    pointed at `lexer_by_name`, which gives the same lexer for the same arguments (the
    options of a block's attributes included). It is left alone if it is not Pygments'
    function (a codehilite that changed, or someone else's replacement).
    """
    from markdown.extensions import codehilite
    if getattr(codehilite, "get_lexer_by_name", None) is get_lexer_by_name:
        codehilite.get_lexer_by_name = lexer_by_name


# Options of a fence's header that codehilite reads as true or false, as fenced_code does.
_FLAGS = ("linenums", "use_pygments", "guess_lang", "noclasses")


def _fence_options(language: str, inputs: dict[str, str], options: dict[str, Any],
                   attrs: dict[str, Any], md: Any) -> bool:
    """A fence's header options (```python hl_lines="2"), as fenced_code reads them."""
    from markdown.extensions.codehilite import parse_hl_lines
    from markdown.util import parseBoolValue
    for key, value in inputs.items():
        if key == "hl_lines":
            options[key] = parse_hl_lines(value)
        elif key in _FLAGS:
            options[key] = parseBoolValue(value, fail_on_errors=False, preserve_none=True)
        else:
            options[key] = value
    return True


def _fence_html(source: str, language: str, class_name: str, options: dict[str, Any],
                md: Any, **kwargs: Any) -> str:
    """One fenced block, highlighted by codehilite as fenced_code has it do."""
    from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension
    settings = next(ext for ext in md.registeredExtensions
                    if isinstance(ext, CodeHiliteExtension)).getConfigs()
    settings.update(options)
    settings.update(kwargs.get("attrs") or {})
    classes = kwargs.get("classes") or []
    if classes:   # before codehilite's own class, as fenced_code puts them
        settings["css_class"] = f"{' '.join(classes)} {settings['css_class']}"
    style = settings.pop("pygments_style", "default")
    return CodeHilite(source + "\n", lang=language or None, style=style,
                      **settings).hilite(shebang=False)


def plain_fence_html(source: str, language: str, class_name: str, options: dict[str, Any],
                     md: Any, **kwargs: Any) -> str:
    """One fenced block as fenced_code writes it without highlighting (community text)."""
    from html import escape
    return f"<pre><code>{escape(source, quote=False)}\n</code></pre>"


def nested_fences(fence_html: Callable[..., str] = _fence_html) -> Any:
    """An extension for the fences Python-Markdown's fenced_code leaves (those in list
    items and quotes): SuperFences, run after fenced_code, each block written by
    `fence_html`, by default highlighted by codehilite as fenced_code has it do.
    fenced_code keeps the fences at the top level: SuperFences would keep a fence
    written against a paragraph inside it."""
    from markdown.extensions import Extension
    from pymdownx.superfences import SuperFencesCodeExtension

    class NestedFences(Extension):
        def extendMarkdown(self, md: Any) -> None:
            top_level = md.preprocessors["fenced_code_block"]
            SuperFencesCodeExtension(custom_fences=[
                {"name": "*", "class": "highlight", "format": fence_html,
                 "validator": _fence_options}]).extendMarkdown(md)
            # SuperFences keeps its name (its fences look themselves up by it); fenced_code,
            # under another, runs just before it.
            md.preprocessors.register(top_level, "top_level_fenced_code_block", 25.1)

    return NestedFences()
