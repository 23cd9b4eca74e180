"""Rendering: routes become bytes. Pure functions of a route and the Library; no file I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubgen.render.renderer import Renderer

__all__ = ["Renderer"]


def __getattr__(name: str) -> Any:
    # Loaded when first asked for: a build that renders nothing uses hubgen.render.assets
    # and never loads Jinja.
    if name == "Renderer":
        from hubgen.render.renderer import Renderer
        return Renderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
