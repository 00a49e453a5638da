"""Worker processes, one shard each: `-j N` builds with N processes, `-j 1` in this one.

Articles are dealt to the shards in a fixed order (the i-th shard takes every N-th article
path), and every page is rendered from the same inputs whatever N is, so the site is
byte-identical for every number of jobs.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.build.cache import Cache
from generator.build.shard import Gathered, Rendered, Shard
from generator.build.site import Modes, Site
from generator.config import Config
from generator.locales import LocaleInfo

#: Below this many articles per worker, starting processes costs more than it saves.
MIN_ARTICLES_PER_JOB = 40


def default_jobs() -> int:
    """Return the default number of jobs: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


class WorkerError(RuntimeError):
    """A worker process failed; carries its traceback."""


class Workers:
    """Shards of one build, each in a worker process (or one shard here for one job)."""

    def __init__(
        self,
        config: Config,
        locales: list[LocaleInfo],
        jobs: int,
        articles: int,
        cache: Cache,
        config_key: str,
        out_dir: Path,
        modes: Modes,
    ) -> None:
        self.jobs = max(1, min(jobs, articles // MIN_ARTICLES_PER_JOB or 1))
        shard_args = (config, locales, cache, config_key, out_dir, modes)
        self.local = Shard(*shard_args) if self.jobs == 1 else None
        self.connections: list[Connection] = []
        self.processes: list[Any] = []
        if self.local is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            for _ in range(self.jobs):
                ours, theirs = context.Pipe()
                process = context.Process(  # type: ignore[attr-defined]
                    target=_serve, args=(theirs, list(self.connections), os.getpid(), *shard_args), daemon=True
                )
                process.start()
                theirs.close()
                self.connections.append(ours)
                self.processes.append(process)

    def gather(self, paths: list[str]) -> list[Gathered]:
        """Read and localize the articles, dealt to the shards in order."""
        if self.local is not None:
            return [self.local.gather(paths)]
        return self._ask("gather", [(paths[index :: self.jobs],) for index in range(self.jobs)])

    def render(
        self,
        site: Site,
        org: Mapping[str, Any] | None,
        staging: Path,
        previous: Mapping[str, str],
        share: frozenset[str] | None = None,
    ) -> list[Rendered]:
        """Render and write every shard's pages (of the share, if given) that changed since the previous build."""
        if self.local is not None:
            return [self.local.render(site, org, staging, previous, share)]
        return self._ask("render", [(site, org, staging, previous, share)] * self.jobs)

    def _ask(self, operation: str, arguments: list[tuple[Any, ...]]) -> list[Any]:
        for connection, args in zip(self.connections, arguments, strict=True):
            connection.send((operation, args))
        answers = [connection.recv() for connection in self.connections]
        for status, value in answers:
            if status == "error":
                raise WorkerError(value)
        return [value for _, value in answers]

    def close(self) -> None:
        """Stop the worker processes."""
        for connection in self.connections:
            with contextlib.suppress(BrokenPipeError, OSError):
                connection.send(("stop", ()))
            connection.close()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(connection: Connection, others: list[Connection], parent: int, *shard_args: Any) -> None:
    """Run in a worker: answer the main process's requests with one shard.

    A worker must end with the build (#20): it closes the pipe ends of the workers started
    before it, which it inherited (they kept those pipes open after the main process died), and
    asks the kernel to end it when the main process ends, even by SIGKILL.
    """
    for other in others:
        other.close()
    end_with_parent(parent)
    shard = Shard(*shard_args)
    while True:
        try:
            operation, args = connection.recv()
        except EOFError:
            return
        if operation == "stop":
            return
        try:
            connection.send(("ok", getattr(shard, operation)(*args)))
        except Exception:
            connection.send(("error", traceback.format_exc()))


#: prctl's option that sends this process a signal when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """Have this worker ended by SIGTERM when the process that started it ends (Linux; elsewhere, nothing).

    If the parent is already gone (it died between fork and here), end now.
    """
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the closed pipes end the worker at its next request
        return
    if os.getppid() != parent:
        os._exit(0)
