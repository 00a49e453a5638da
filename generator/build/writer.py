"""Write the site: into a new folder swapped in at once, or, incrementally, only the changed pages.

A full build writes all pages into a new folder beside the output, then swaps it in at once;
an incremental build writes only the changed pages into the site, each atomically.

A full build that fails or is killed before the swap leaves the previous site as it was. helpgen
only ever replaces or deletes a folder that it created itself (it leaves a marker file in
it), and refuses an output folder that is the project, one of its input folders, or `/`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.model import Page
from generator.report import ContentError, Diagnostic, error, warning

#: The file that marks a folder as a site helpgen built (and so may replace).
MARKER = ".helpgen-site"


def check_output_dir(out_dir: Path, project_dir: Path) -> None:
    """Refuse an output folder that helpgen must never replace; raise ContentError."""
    out, project = out_dir.resolve(), project_dir.resolve()
    protected = [Path("/"), Path.home().resolve(), project]
    protected += [project / name for name in ("content", "locales", "templates", "generator", "tests", ".git")]
    if out in protected or out in project.parents:
        raise ContentError(
            [
                error(
                    str(out_dir),
                    0,
                    "output-refused",
                    f"refusing to write the site over {out}",
                    "choose an output folder of its own, such as site/",
                )
            ]
        )
    if out.exists() and not out.is_dir():
        raise ContentError([error(str(out_dir), 0, "output-refused", f"{out} exists and is not a folder")])
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ContentError(
            [
                error(
                    str(out_dir),
                    0,
                    "output-refused",
                    f"{out} is not empty and was not built by helpgen; refusing to replace it",
                    "empty it or choose another output folder",
                )
            ]
        )


def claim_outputs(
    generated: Iterable[tuple[str, str]], files: Iterable[tuple[str, Path]], project_dir: Path
) -> tuple[list[tuple[str, Path]], list[Diagnostic]]:
    """Return the files to copy that write no output path twice, and an error for each that would.

    `generated` are (output path, source) of the pages helpgen makes; a page always wins, and of
    two files the first by source path. Both sources are named, so that the writer never lets one
    silently overwrite the other (and the result never depends on the order of writing). Paths
    that differ only by letter case get a warning (`case_conflicts`).
    """
    claimed = dict(generated)
    kept, problems = [], []
    for output, relative, source in sorted((o, _relative(s, project_dir), s) for o, s in files):
        if output in claimed:
            message = f"{relative} and {claimed[output]} both write {output} in the site"
            problems.append(error(relative, 0, "output-conflict", message, f"rename or move {relative}"))
            continue
        claimed[output] = relative
        kept.append((output, source))
    return kept, problems + case_conflicts(claimed.items())


def case_conflicts(outputs: Iterable[tuple[str, str]]) -> list[Diagnostic]:
    """Return a warning for each output path that differs from an earlier one only by letter case.

    Both are written here, but on a case-insensitive file system or CDN (Windows, macOS, many
    object stores) one replaces the other (#20).
    """
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for output, source in sorted(outputs):
        first = seen.setdefault(output.casefold(), (output, source))
        if first[0] != output:
            message = f"{source} writes {output}, which differs from {first[0]} of {first[1]} only by letter case"
            hint = "rename one: on a case-insensitive file system or CDN one would replace the other"
            problems.append(warning(source, 0, "output-case", message, hint))
    return problems


def _relative(path: Path, project_dir: Path) -> str:
    try:
        return path.relative_to(project_dir).as_posix()
    except ValueError:
        return str(path)


def begin_site(out_dir: Path) -> Path:
    """Create the staging folder of a new site, beside `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))


_made_folders: set[str] = set()


def write_page(staging: Path, page: Page) -> None:
    """Write one page into the staging folder (worker processes call this too).

    Plain os calls, and each folder made once: this runs for every page of a large site.
    """
    path = os.path.join(staging, page.path)
    folder = os.path.dirname(path)
    if folder not in _made_folders:
        os.makedirs(folder, exist_ok=True)
        _made_folders.add(folder)
    try:
        _write_file(path, page.content, os.O_EXCL)
    except FileNotFoundError:  # a folder removed since it was made (a site updated in place)
        os.makedirs(folder, exist_ok=True)
        _write_file(path, page.content, os.O_EXCL)
    except FileExistsError:  # a page of a site being updated in place: replaced at once, never half written
        temporary = f"{path}.{os.getpid()}.tmp"
        _write_file(temporary, page.content, os.O_TRUNC)
        os.replace(temporary, path)


def _write_file(path: str, content: bytes, mode: int) -> None:
    """Write all of `content` to a new file at `path`; on any failure, leave no file behind.

    `os.write` may write less than it is given (a nearly full disk): it is called until every
    byte is written, and an error then (ENOSPC) removes the partial file rather than leaving a
    truncated page, or an empty `.tmp`, in the site (#20).
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
    except BaseException:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    os.close(descriptor)


class PageWriter:
    """Write pages in batches: keep them (up to LIMIT bytes) and write them one after another.

    Making folders and files one at a time between renders cost more system time than the same
    calls in one run (corpus, 8,766 pages, `-j1`, three runs each: 14.6-15.2 s page by page,
    12.0-14.0 s in batches), for 30 MiB of memory.
    """

    LIMIT = 64 * 1024 * 1024

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.pending: list[Page] = []
        self.size = 0

    def write(self, page: Page) -> None:
        """Keep a page to write; write the batch once it holds LIMIT bytes."""
        self.pending.append(page)
        self.size += len(page.content)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        """Write every page kept."""
        for page in self.pending:
            write_page(self.staging, page)
        self.pending.clear()
        self.size = 0

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:  # an error stops the build; its staging folder is discarded
            self.flush()


def finish_site(staging: Path, out_dir: Path, files: Iterable[tuple[str, Path]] = (), background: bool = False) -> None:
    """Copy `files` into the staging folder, mark it as helpgen's, and swap it in place of `out_dir`."""
    for relative, source in files:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (staging / MARKER).write_text("This folder was built by helpgen and is replaced by every build.\n")
    swap_folder(staging, out_dir.resolve(), background)


def update_files(site: Path, files: Iterable[tuple[str, Path]] = ()) -> None:
    """Copy into a site updated in place the files that differ from its copies (size or time)."""
    for relative, source in files:
        target = site / relative
        mine, theirs = source.stat(), target.stat() if target.is_file() else None
        if theirs is None or (theirs.st_size, theirs.st_mtime_ns) != (mine.st_size, mine.st_mtime_ns):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # copy2 keeps the time that the next build compares
    (site / MARKER).write_text("This folder was built by helpgen and is replaced by every build.\n")


def discard_site(staging: Path) -> None:
    """Remove a staging folder after a failed build."""
    shutil.rmtree(staging, ignore_errors=True)


def swap_folder(staging: Path, out_dir: Path, background: bool = False) -> None:
    """Put `staging` (from `begin_site`) in place of `out_dir`; the old one is removed only once the new one is there.

    On Linux both folders are exchanged in one atomic step (renameat2), so `out_dir` is never
    missing, not even for an instant. With `background`, the old site is deleted by a detached
    process, so that the command returns as soon as the new site is in place.
    """
    os.chmod(staging, 0o755)  # mkdtemp's folder is private
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        retired = staging.with_name(staging.name.replace(".new-", ".old-"))
        staging.rename(retired)
    else:
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        retired.rmdir()
        out_dir.rename(retired)
        try:
            staging.rename(out_dir)
        except BaseException:
            retired.rename(out_dir)
            raise
    if background:
        remove_in_background(retired)
    else:
        shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2(RENAME_EXCHANGE); False where it is not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0)


def remove_in_background(folder: Path) -> None:
    """Delete a retired site in a detached process (the next build finishes the job if it is cut short)."""
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen(
        [sys.executable, "-c", code, str(folder)],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def remove_leftovers(out_dir: Path) -> None:
    """Delete staging and retired folders that an interrupted build left beside `out_dir`."""
    out_dir = out_dir.resolve()
    if not out_dir.parent.is_dir():
        return
    for prefix in (f".{out_dir.name}.new-", f".{out_dir.name}.old-"):  # names only helpgen's mkdtemp makes
        for stale in out_dir.parent.glob(f"{prefix}*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)


def read_previous(out_dir: Path, relative: str) -> bytes | None:
    """Return a file of the previous site, to keep serving a page whose new build failed."""
    path = out_dir / relative
    if (out_dir / MARKER).is_file() and path.is_file():
        return path.read_bytes()
    return None
