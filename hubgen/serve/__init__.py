"""`hubgen serve`: a live preview that rebuilds on every save and tells the browser."""

from hubgen.serve.session import ServeOptions, ServeSession

__all__ = ["ServeOptions", "ServeSession"]
