"""Rendering: routes become bytes. Pure functions of a route and the Library; no file I/O."""

from hubgen.render.renderer import Renderer

__all__ = ["Renderer"]
