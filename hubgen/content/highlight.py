"""Code highlighting for Markdown's fenced blocks: Pygments' HTML, without its per-block setup.

Python-Markdown's codehilite makes a new Pygments formatter for every code block,
and each one rebuilds the same style tables from the style (about a third of a
block's cost). This formatter builds them once per style and reuses them; the
HTML is byte for byte Pygments' own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.formatters.html import HtmlFormatter


class SharedStyleHtmlFormatter(HtmlFormatter):
    """Pygments' HtmlFormatter, with its style tables made once per style and prefix."""

    _tables: ClassVar[dict[tuple[Any, ...], tuple[dict, dict]]] = {}

    def __init__(self, lang_str: str = "", **options: Any):
        # codehilite passes lang_str to a formatter class; Pygments' own formatter,
        # got by name, never sees it, and hubgen's HTML must not change with it.
        super().__init__(**options)

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        tables = self._tables.get(key)
        if tables is None:
            super()._create_stylesheet()
            self._tables[key] = (self.ttype2class, self.class2style)
        else:
            self.ttype2class, self.class2style = tables
