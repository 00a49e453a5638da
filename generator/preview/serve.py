"""The live preview: `helpgen serve`.

The preview builds the site with `BuildOptions.preview` (every segment carries its translation
status) into a folder of the project's cache, serves it on loopback, and rebuilds whenever
a file of the project changes. The build is the ordinary incremental one, so a change
rebuilds only the pages it affects. Open pages learn of every build over server-sent
events (`/_helpgen/events`) and reload themselves; a build's errors are shown over the page
by the preview script, while the pages of the last good build stay served.

The preview tools (panel, overlay) are injected into each HTML page as it is served; they
are never part of a site that `helpgen build` writes.

Safety: only GET and HEAD; only files inside the built site, never a folder listing; a
request whose Host header names another server is refused, and so is an event stream
opened from another origin (both stop DNS rebinding).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import mimetypes
import os
import shutil
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from generator.build.build import BuildOptions, build_site
from generator.build.cache import CACHE_DIR
from generator.config import CONFIG_NAME, Config, read_config
from generator.locales import locale_info
from generator.report import ContentError, Diagnostic, error

#: Where the preview's own resources are served from; no page of a site lives there.
PREFIX = "/_helpgen/"
#: The top-level names of a project that the preview watches.
WATCHED = ("content", "locales", "templates")
#: Seconds between keep-alive comments on an idle event stream.
HEARTBEAT = 15.0
#: Connections served at once, seconds an idle connection is kept, bytes a file is sent in (#20 item 8).
MAX_CONNECTIONS = 64
CONNECTION_TIMEOUT = 30.0
STREAM_CHUNK = 256 * 1024
_QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


def preview_folder(project_dir: Path) -> Path:
    """Return the folder the preview builds into (in the project's cache; safe to delete)."""
    return project_dir / CACHE_DIR / "preview" / "site"


@dataclasses.dataclass(frozen=True)
class Status:
    """What open pages are told after each build."""

    #: Counts the builds that changed the site on disk; a page older than this reloads.
    generation: int = 0
    building: bool = False
    problems: tuple[Diagnostic, ...] = ()
    #: Seconds the last build took.
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the status as the event stream sends it."""
        return {
            "generation": self.generation,
            "building": self.building,
            "seconds": round(self.seconds, 3),
            "problems": [
                {
                    "file": d.path,
                    "line": d.line,
                    "severity": d.severity,
                    "code": d.code,
                    "message": d.message,
                    "hint": d.hint,
                    "text": d.format(),
                }
                for d in self.problems
            ],
        }


class Preview:
    """A project being previewed: builds it on demand and tells whoever waits about each build."""

    def __init__(self, project_dir: Path, out_dir: Path | None = None, log: Callable[[str], None] | None = None):
        self.project_dir = project_dir.resolve()
        self.out_dir = (out_dir or preview_folder(self.project_dir)).resolve()
        self.log = log or (lambda message: None)
        self.changed = threading.Condition()
        self.status = Status()
        #: A number that changes with every new status (the event streams wait on it).
        self.version = 0
        self.config: Config | None = None
        self.dirty = threading.Event()
        self.stopping = threading.Event()

    # -- building ---------------------------------------------------------------------------

    def build(self) -> Status:
        """Build the preview site once; keep the last good pages when the build fails."""
        self.publish(dataclasses.replace(self.status, building=True))
        started = time.perf_counter()
        written = False
        try:
            config = read_config(self.project_dir)
            options = BuildOptions(out_dir=self.out_dir, jobs=1, background_cleanup=True, search=False, preview=True)
            result = build_site(config, options)
            self.config = config
            problems: tuple[Diagnostic, ...] = tuple(result.report)
            written = result.written
        except ContentError as exc:
            problems = exc.diagnostics
        except Exception as exc:
            self.log(traceback.format_exc())
            problems = (error(CONFIG_NAME, 0, "internal-error", f"{exc.__class__.__name__}: {exc}"),)
        seconds = time.perf_counter() - started
        generation = self.status.generation + (1 if written else 0)
        status = Status(generation, False, problems, seconds)
        self.publish(status)
        errors = sum(1 for d in problems if d.severity == "error")
        self.log(f"built in {seconds:.2f} s: {errors} errors, {len(problems) - errors} warnings")
        for diagnostic in problems:
            if diagnostic.severity == "error":
                self.log(diagnostic.format())
        return status

    def publish(self, status: Status) -> None:
        """Make `status` current and wake every event stream."""
        with self.changed:
            self.status = status
            self.version += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, Status] | None:
        """Return (version, status) once the status is newer than `seen`; None after `timeout` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stopping.is_set(), timeout)
            if self.version == seen:
                return None
            return self.version, self.status

    def run_builder(self) -> None:
        """Build whenever a change is reported, one build at a time, until stopped."""
        while True:
            self.dirty.wait()
            if self.stopping.is_set():
                return
            self.dirty.clear()
            self.build()

    def stop(self) -> None:
        """Stop the builder, the watchers and every event stream."""
        self.stopping.set()
        self.dirty.set()
        with self.changed:
            self.changed.notify_all()

    # -- watching ---------------------------------------------------------------------------

    def watch(self) -> None:
        """Watch content/, locales/ and templates/ (and helpgen.yaml) until stopped; mark the site dirty."""
        restart = threading.Event()
        threading.Thread(target=self._watch_top, args=(restart,), daemon=True, name="helpgen-watch-top").start()
        while not self.stopping.is_set():
            restart.clear()
            folders = [self.project_dir / name for name in WATCHED if (self.project_dir / name).is_dir()]
            if not folders:
                restart.wait(0.5)
                continue
            for _changes in _watch(folders, _Either(self.stopping, restart), recursive=True):
                self.dirty.set()

    def _watch_top(self, restart: threading.Event) -> None:
        """Watch the project folder itself: helpgen.yaml, and the watched folders appearing or going."""
        names = {CONFIG_NAME, *WATCHED}
        for changes in _watch([self.project_dir], self.stopping, recursive=False):
            touched = {Path(path).name for _, path in changes} & names
            if touched:
                self.dirty.set()
            if touched & set(WATCHED):
                restart.set()

    # -- what pages are told ----------------------------------------------------------------

    def page_settings(self) -> dict[str, Any]:
        """Return what the preview script needs: locales, the org schema, the profiles."""
        config = self.config
        if config is None:
            return {"generation": self.status.generation, "locales": [], "fields": [], "profiles": {}}
        locales = [locale_info(tag, config.source_locale) for tag in config.all_locales]
        return {
            "generation": self.status.generation,
            "source": config.source_locale,
            "locales": [{"tag": loc.tag, "segment": loc.url_segment, "name": loc.name} for loc in locales],
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "minimum": f.minimum,
                    "maximum": f.maximum,
                    "choices": list(f.choices),
                    "description": f.description,
                }
                for f in config.org
            ],
            "profiles": {name: dict(values) for name, values in config.profiles.items()},
            "defaultProfile": config.default_profile,
        }


class _Either:
    """Set when either of two events is (watchfiles asks only `is_set`)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def _watch(paths: list[Path], stop: Any, recursive: bool) -> Iterable[set[tuple[Any, str]]]:
    """Yield each batch of changes below `paths`; watchfiles (Rust `notify`) does the watching."""
    import watchfiles

    # step: a batch ends after 50 ms without a change, so an editor's save (write, rename) is one batch.
    return watchfiles.watch(
        *paths, stop_event=stop, step=50, debounce=400, rust_timeout=500, recursive=recursive, raise_interrupt=False
    )


# -- HTTP -----------------------------------------------------------------------------------


def resolve_path(root: Path, raw: str) -> Path | None:
    """Return the file or folder below `root` that a request path names, or None if it names none.

    The path is percent-decoded once; any `.` or `..` segment, any segment starting with a dot,
    a backslash or a NUL, and anything that resolves (through links) outside `root` is refused.
    """
    path = raw.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part.startswith(".") for part in parts):
        return None
    target = root.joinpath(*parts)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None
    if resolved != root and not resolved.is_relative_to(root):
        return None
    return resolved


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """Return the Host header values that name this server (lower case)."""
    names = {"localhost", "127.0.0.1", "[::1]", *(name.lower() for name in extra)}
    if host in ("", "0.0.0.0", "::"):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(f"[{host}]" if ":" in host else host.lower())
    return frozenset({f"{name}:{port}" for name in names} | (names if port == 80 else set()))


def _resource(name: str) -> bytes:
    return resources.files("generator.preview").joinpath(name).read_bytes()


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server for one preview."""

    daemon_threads = True
    request_queue_size = 128  # fifty browsers opening a page and an event stream at once
    #: Connections served at once; one more is closed at once (a hundred slow clients held a hundred threads).
    max_connections = MAX_CONNECTIONS

    def __init__(self, address: tuple[str, int], preview: Preview, extra_hosts: Iterable[str] = ()) -> None:
        self.preview = preview
        self.slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(address, PreviewHandler)
        host, port = self.server_address[:2]
        self.hosts = allowed_hosts(address[0], int(port), extra_hosts)
        self.origins = frozenset(f"http://{name}" for name in self.hosts) | frozenset(
            f"http://{name}:80" for name in self.hosts if ":" not in name.rsplit("]", 1)[-1]
        )
        self.resources = {name: _resource(name) for name in ("preview.js", "preview.css")}

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve a connection in a thread of its own, unless MAX_CONNECTIONS are being served already."""
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, then free its slot."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing about a browser that went away; report anything else briefly."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, _QUIET_ERRORS):
            return
        self.preview.log(f"request from {client_address[0]} failed: {traceback.format_exc(limit=3)}")


class PreviewHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD with the files of the preview site, the event stream and the preview tools."""

    server: PreviewServer
    server_version = "helpgen-preview"
    sys_version = ""
    #: Seconds a connection may sit idle (reading a request, or a client not reading): then it is closed.
    timeout = CONNECTION_TIMEOUT

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for build messages."""

    def do_GET(self) -> None:
        """Answer a GET request."""
        self.answer(body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD request: the headers of a GET."""
        self.answer(body=False)

    def refuse_method(self) -> None:
        """Refuse every method but GET and HEAD."""
        self.send_plain(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = refuse_method

    def answer(self, body: bool) -> None:
        """Serve one GET or HEAD request."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts:
            self.send_plain(HTTPStatus.FORBIDDEN, "this preview answers only to its own address", body=body)
            return
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            self.answer_own(path[len(PREFIX) :], body)
            return
        root = self.server.preview.out_dir
        target = resolve_path(root, self.path)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                query = self.path[len(path) :]
                self.send_plain(HTTPStatus.MOVED_PERMANENTLY, "", {"Location": path + "/" + query}, body=body)
                return
            target = target / "index.html"
        if target is None or not target.is_file():
            self.send_not_found(root, path, body)
            return
        self.send_file(target, HTTPStatus.OK, body)

    def answer_own(self, name: str, body: bool) -> None:
        """Serve the event stream, the status and the preview's script and style sheet."""
        if name == "events":
            self.send_events(body)
        elif name == "status":
            data = json.dumps(self.server.preview.status.to_json(), ensure_ascii=False).encode()
            self.send_bytes(HTTPStatus.OK, data, "application/json", body)
        elif name in self.server.resources:
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self.send_bytes(HTTPStatus.OK, self.server.resources[name], f"{kind}; charset=utf-8", body)
        else:
            self.send_plain(HTTPStatus.NOT_FOUND, "not found", body=body)

    def send_not_found(self, root: Path, path: str, body: bool) -> None:
        """Answer 404 with the locale's own not-found page when there is one."""
        first = path.strip("/").split("/", 1)[0]
        for candidate in (
            root / first / "404.html" if first and not first.startswith(".") else None,
            root / "404.html",
        ):
            if candidate is not None and candidate.is_file() and candidate.resolve().is_relative_to(root):
                self.send_file(candidate, HTTPStatus.NOT_FOUND, body)
                return
        self.send_plain(HTTPStatus.NOT_FOUND, "not found", body=body)

    def send_file(self, file: Path, status: HTTPStatus, body: bool) -> None:
        """Send a file of the site; an HTML page gets the preview tools."""
        settings = self.server.preview.page_settings()  # before reading: a build in between then reloads
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        try:
            handle = file.open("rb")
        except OSError:  # replaced by a build between the check and the read
            self.send_plain(HTTPStatus.NOT_FOUND, "not found", body=body)
            return
        with handle:
            if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
                kind += "; charset=utf-8"
            if kind.startswith("text/html"):  # a page: read whole, to put the preview tools in
                self.send_bytes(status, inject(handle.read(), settings), kind, body)
            else:  # anything else is streamed: a 1 GiB video costs a buffer, not a gigabyte a request
                self.send_stream(status, handle, kind, body)

    def send_stream(self, status: HTTPStatus, handle: BinaryIO, kind: str, body: bool) -> None:
        """Send an open file as the response, in chunks."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if body:
            shutil.copyfileobj(handle, self.wfile, STREAM_CHUNK)

    def send_bytes(
        self, status: HTTPStatus, data: bytes, kind: str, body: bool, headers: dict[str, str] | None = None
    ) -> None:
        """Send a whole response."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def send_plain(
        self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None, body: bool = True
    ) -> None:
        """Send a short plain-text answer."""
        self.send_bytes(status, (text + "\n").encode() if text else b"", "text/plain; charset=utf-8", body, headers)

    def send_events(self, body: bool) -> None:
        """Stream the preview's status as server-sent events: now, and after every build."""
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() not in self.server.origins:
            self.send_plain(HTTPStatus.FORBIDDEN, "event streams are for this preview's own pages", body=body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not body:
            return
        preview = self.server.preview
        seen, status = preview.version, preview.status
        with contextlib.suppress(*_QUIET_ERRORS):
            self.wfile.write(_event(status))
            self.wfile.flush()
            while not preview.stopping.is_set():
                news = preview.wait(seen, HEARTBEAT)
                if news is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen, status = news
                    self.wfile.write(_event(status))
                self.wfile.flush()


def inject(page: bytes, settings: dict[str, Any]) -> bytes:
    """Return a page with the preview's settings, style sheet and script before `</head>`."""
    data = json.dumps(settings, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    tools = (
        f'<link rel="stylesheet" href="{PREFIX}preview.css">'
        f'<script type="application/json" id="hg-preview">{data}</script>'
        f'<script src="{PREFIX}preview.js" defer></script>\n'
    ).encode()
    head = page.find(b"</head>")
    return page[:head] + tools + page[head:] if head >= 0 else tools + page


def _event(status: Status) -> bytes:
    return b"data: " + json.dumps(status.to_json(), ensure_ascii=False).encode() + b"\n\n"


def serve(
    project_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    extra_hosts: Iterable[str] = (),
    log: Callable[[str], None] | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Build the preview, serve it and rebuild on every change until interrupted."""
    log = log or (lambda message: print(f"helpgen: {message}", file=sys.stderr, flush=True))
    gc.set_threshold(50_000, 50, 50)  # as helpgen build does: a build makes many objects and few cycles
    preview = Preview(project_dir, log=log)
    server = PreviewServer((host, port), preview, extra_hosts)  # first: a taken port is said at once
    preview.build()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown if host not in ('', '0.0.0.0', '::') else 'localhost'}:{server.server_address[1]}/"
    for target, name in ((preview.run_builder, "builder"), (preview.watch, "watcher")):
        threading.Thread(target=target, daemon=True, name=f"helpgen-{name}").start()
    (ready or log)(f"previewing {preview.project_dir} at {url} (Ctrl-C to stop)")
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        preview.stop()
        server.server_close()
