"""A serve session: the first build, the server, the watcher and the rebuild loop, together."""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from hubgen.build import BuildOptions
from hubgen.build.pipeline import config_to_start_with
from hubgen.config import Config
from hubgen.content.sources import content_root
from hubgen.content.themes import default_theme_chain, template_tree, theme_chain
from hubgen.content.words import words_folders
from hubgen.errors import SourceErrors, UsageError
from hubgen.serve.handler import DevServer
from hubgen.serve.rebuilder import BuildReport, Rebuilder
from hubgen.serve.state import SiteState
from hubgen.serve.watcher import SourceWatcher

PORT_TRIES = 20
# The addresses that listen on every interface, and this machine's own for each.
_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def _shown_whole(path: str) -> str:
    """A path as a terminal shows a link whole: a space (or other ASCII a link may not hold)
    percent-encoded, letters beyond ASCII kept readable ('/our café/' → '/our%20café/')."""
    return "".join(letter if ord(letter) > 127 else quote(letter, safe="/%:@!$&'()*+,;=~")
                   for letter in path)


def _network_address(family: socket.AddressFamily) -> str | None:
    """This machine's address on its network: the one a datagram to a documentation-range
    address would leave from (connecting a UDP socket sends nothing)."""
    target = ("2001:db8::1", 9) if family == socket.AF_INET6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect(target)
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address in ("127.0.0.1", "::1", "0.0.0.0", "::") else address


@dataclass(frozen=True)
class ServeOptions:
    """What the user asked of `hubgen serve`."""

    build: BuildOptions
    bind: str = "127.0.0.1"
    port: int = 8000
    poll: bool = False
    live_reload: bool = True
    open_browser: bool = False


def bind_server(options: ServeOptions, state: SiteState, config: Config) -> DevServer:
    """A server on the asked port, or the next free one."""
    last_error: OSError | None = None
    for port in range(options.port, options.port + PORT_TRIES):
        try:
            return DevServer((options.bind, port), state, config.root, options.live_reload)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise UsageError(f"cannot listen on {options.bind}:{port}: {exc.strerror}") \
                    from None
            last_error = exc
    raise UsageError(f"ports {options.port} to {options.port + PORT_TRIES - 1} are all taken "
                     f"({last_error.strerror if last_error else 'in use'}); "
                     "choose another with --port")


def watched_sources(config: Config) -> tuple[list[Path], list[Path]]:
    """Folders and files whose changes rebuild the site (never the output or the cache).

    While the theme cannot be found (a typo in `theme:`, a theme.yaml in error, a parent
    missing), the whole of themes/ is watched: the build says what is wrong, and the fix,
    wherever it is made, builds again.
    """
    folders = [content_root(config), config.root / "templates", config.root / "static"]
    try:
        themes = theme_chain(config)
    except SourceErrors:
        themes = default_theme_chain()
        folders.append(config.root / "themes")
    folders += [folder for theme in themes for folder in (theme.templates, theme.static)]
    folders += words_folders(config, themes)   # i18n/: the site's and each theme's words
    templates = [config.root / "templates", *(theme.templates for theme in themes)]
    # A symlinked folder of templates is read through the link; the watch on the templates
    # folder does not see edits behind it, so where it leads is watched too.
    folders += [linked for folder in templates for linked in template_tree(folder).linked]
    files = [config.path] + [theme.folder / "theme.yaml" for theme in themes]
    return folders, files


def _not_watched(config: Config) -> list[Path]:
    """The output and the cache: what a build writes is never a change to build again."""
    return [config.resolve(config.output), config.resolve(config.cache_dir)]


class ServeSession:
    """Runs `hubgen serve` until stopped."""

    def __init__(self, options: ServeOptions,
                 on_build: BuildReport | None = None):
        self.options = options
        # A hubgen.yaml in error still serves: the first build shows what is wrong.
        self.config = config_to_start_with(options.build)
        self.state = SiteState(self.config.base_path)
        self.rebuilder = Rebuilder(options.build, self.state, on_build,
                                   on_config=self._follow_config)
        self.server: DevServer | None = None
        self.watcher: SourceWatcher | None = None
        self._server_thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where the site is served, base path included: on this machine, for an address
        that listens on all of them (0.0.0.0 is no address a browser can open)."""
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return self._url_at(_LOOPBACK.get(host, host), port)

    @property
    def network_url(self) -> str | None:
        """Where others on the network reach the site, when it listens on all addresses
        (None when it does not, or this machine has no address beyond itself)."""
        assert self.server is not None
        host, port = self.server.server_address[:2]
        if host not in _LOOPBACK:
            return None
        address = _network_address(socket.AF_INET6 if ":" in host else socket.AF_INET)
        return self._url_at(address, port) if address else None

    def _url_at(self, host: str, port: int) -> str:
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{_shown_whole(self.state.snapshot.base_path)}"

    def start(self) -> str:
        """Listen, build once, then serve and watch; returns the URL."""
        # Listening first: an address that cannot be had is said before a long build.
        self.server = bind_server(self.options, self.state, self.config)
        self.rebuilder.build()
        self._server_thread = threading.Thread(target=self.server.serve_forever,
                                               kwargs={"poll_interval": 0.2},
                                               name="hubgen-http", daemon=True)
        self._server_thread.start()
        folders, files = watched_sources(self.config)
        self.watcher = SourceWatcher(self.config.root, folders, files, self.rebuilder.notify,
                                     poll=self.options.poll, excluded=_not_watched(self.config))
        self.watcher.start()
        self.rebuilder.start()
        if self.options.open_browser:
            webbrowser.open(self.url)
        return self.url

    def _follow_config(self, config: Config) -> None:
        """After a good build: watch what its config names (a theme switched to, say),
        and where symlinked folders of templates lead now (a link made or changed)."""
        self.config = config
        if self.watcher is not None:
            with contextlib.suppress(SourceErrors):   # a theme.yaml broken meanwhile: the
                folders, files = watched_sources(config)   # next build says so
                excluded = _not_watched(config)
                if not self.watcher.follows(folders, files, excluded):
                    self.watcher.follow(folders, files, excluded)

    def stop(self) -> None:
        """Stop watching, building and serving; join every thread."""
        if self.watcher is not None:
            self.watcher.stop()
        self.rebuilder.stop()
        self.state.close()
        if self.server is not None:
            if self._server_thread is not None:   # shutdown() waits for serve_forever()
                self.server.shutdown()
            self.server.server_close()
        if self._server_thread is not None:
            self._server_thread.join(timeout=5)
