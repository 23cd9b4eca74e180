"""What the dev server adds to HTML responses (never to built files): the reload script
and, while the last build failed, an overlay listing its errors."""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path

from hubgen.errors import Diagnostic


@cache
def reload_script() -> str:
    """The browser side of live reload."""
    return resources.files("hubgen.serve").joinpath("livereload.js").read_text("utf-8")


def _overlay(errors: tuple[Diagnostic, ...], root: Path, built: bool) -> str:
    items = []
    for problem in errors:
        excerpt = problem.excerpt()
        code = ""
        if excerpt is not None:
            code = (f'<pre style="margin:.5em 0;padding:.6em .8em;background:#1e1e1e;color:#f5f5f5;'
                    f'border-radius:6px;overflow:auto;font:13px/1.45 ui-monospace,monospace">'
                    f"{escape(excerpt[0])}\n{escape(excerpt[1])}</pre>")
        hint = f'<p style="margin:.2em 0 0;color:#555">hint: {escape(problem.hint)}</p>' \
            if problem.hint else ""
        items.append(
            f'<li style="margin:0 0 1.2em;list-style:none">'
            f'<p style="margin:0;font-weight:700;font-family:ui-monospace,monospace">'
            f'{escape(problem.location(root))}: {escape(problem.message)}</p>{code}{hint}</li>')
    count = len(errors)
    return (
        '<div id="hubgen-error-overlay" role="alertdialog" aria-modal="true" '
        'aria-labelledby="hubgen-error-title" style="position:fixed;inset:0;z-index:2147483647;'
        'background:rgba(20,20,20,.55);display:flex;align-items:flex-start;justify-content:center;'
        'padding:4vh 3vw;overflow:auto">'
        '<div style="background:#fff;color:#111;max-width:56rem;width:100%;border-radius:10px;'
        'padding:1.4rem 1.6rem;border-top:6px solid #c0392b;font:15px/1.5 system-ui,sans-serif;'
        'box-shadow:0 10px 40px rgba(0,0,0,.35)">'
        f'<h2 id="hubgen-error-title" style="margin:0 0 .8em;font-size:1.15rem">'
        f'The last build failed: {count} error{"s" if count != 1 else ""}</h2>'
        f'<ul style="margin:0;padding:0">{"".join(items)}</ul>'
        f'<p style="margin:1em 0 0;color:#555">{_BEHIND[built]} '
        'Fix the file and save: the page updates by itself.</p></div></div>')


_BEHIND = {True: "This page shows the last good build.",
           False: "Nothing has been built yet, so there is no page to show."}


def inject(html: bytes, *, epoch: int, base_path: str, errors: tuple[Diagnostic, ...],
           root: Path, live_reload: bool, built: bool = True, served: str = "") -> bytes:
    """The page with the reload script (and the error overlay) before </body>; `served` is
    the file it is (404.html for a path with no page), which reloads it when it changes."""
    parts = []
    if errors:
        parts.append(_overlay(errors, root, built))
    if live_reload:
        settings = escape(json.dumps({"epoch": epoch, "base": base_path, "served": served}))
        parts.append(f'<script data-hubgen="{settings}">{reload_script()}</script>')
    if not parts:
        return html
    addition = "".join(parts).encode("utf-8")
    end = html.rfind(b"</body>")
    if end == -1:
        return html + addition
    return html[:end] + addition + html[end:]
