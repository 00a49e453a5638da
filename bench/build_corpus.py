"""Measure helpgen on the real corpus against the floor, in one run, as whole processes.

    .venv/bin/python bench/build_corpus.py [--runs 3] [--fresh]

From a fresh clone it imports the shared corpus (zh-CN and de-DE into one project under
bench/work/), then measures, each as the median of --runs whole-process runs with `sync`
before each:

- the full build with -j1 and with the default number of jobs (no cache, no previous site);
- a rebuild with nothing changed; a rebuild after one catalog entry changed; a rebuild after
  one source article changed (default jobs, with the cache);
- the floor: reading every page's localized Markdown, rendering it with markdown-it-py and
  writing one file each, nothing else, in one process (bench/floor.py).

It prints each figure, pages per second, the peak memory of the largest process, and the
ratios to the floor and to the full build. Figures are only comparable within one run.

Earlier runs' output is moved aside, not deleted, until the end (see `discard`): on this
machine's disk, mass deletions slow down the file creations of the next minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("HELPGEN_CORPUS") or REPO.parent / "shared" / "corpus" / "alchemy-insights")
WORK = REPO / "bench" / "work"
PROJECT = WORK / "project"
CATALOG = PROJECT / "locales" / "zh-CN" / "cancel-power-bi.po"
ARTICLE = PROJECT / "content" / "cancel-power-bi.md"
sys.path.insert(0, str(REPO))


def run(command: list[str]) -> tuple[float, int, str]:
    """Run a command after `sync`; return (seconds, peak RSS in MiB of its largest process, stderr's last line)."""
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    wait_for_cleanup()
    return seconds, usage.ru_maxrss // 1024, (stderr.strip().splitlines() or [""])[-1]


#: Outputs of earlier runs are moved here, and deleted only once everything is measured.
TRASH = WORK / "trash"
#: Seconds during which ext4 does not reuse a deleted inode (`recently_deleted` in fs/ext4/ialloc.c:
#: 60 s, longer while the inode table is unwritten; this is after `sync`).
INODE_REUSE_DELAY = 65


def discard(path: Path) -> None:
    """Move an earlier run's output out of the way, without deleting it.

    Deleting a site of 17,500 files and folders just before a run made that run seconds slower:
    on ext4 without a journal (this machine's disk), every new inode the run allocates is looked
    for past the inodes deleted in the last minute, and `perf` showed a fifth of a build's time in
    the kernel's `recently_deleted`. It would measure what the benchmark did just before, not the
    build, and it hit the build (17,500 inodes) four times as hard as the floor (8,800).
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{sum(1 for _ in TRASH.iterdir())}-{path.name}")


def empty_trash(wait: bool) -> None:
    """Delete the outputs of the runs; with `wait`, then wait until freed inodes can be reused without cost.

    Waiting also covers files deleted before the benchmark started (a test run just before deletes
    thousands of temporary files on the same disk): the first measurements would pay for them.
    """
    if TRASH.exists():
        shutil.rmtree(TRASH)
    subprocess.run(["sync"], check=True)
    if wait:
        print(f"(waiting {INODE_REUSE_DELAY} s: inodes freed in the last minute make file creation slow)")
        time.sleep(INODE_REUSE_DELAY)


def wait_for_cleanup() -> None:
    """Wait until the detached deletion of a replaced site is done, so that runs do not overlap."""
    while any(PROJECT.glob(".site.old-*")):
        time.sleep(0.05)


def helpgen(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def prepare(fresh: bool) -> int:
    """Import the corpus (once) and write the floor's input; return the number of pages."""
    # Bytecode for helpgen's modules, as an installed package has (with PYTHONDONTWRITEBYTECODE
    # set, as on the reference machine, an editable install would compile them on every run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "generator")], check=True)
    if fresh or not (PROJECT / "helpgen.yaml").is_file():
        shutil.rmtree(WORK, ignore_errors=True)
        for locale in ("zh-CN", "de-DE"):
            seconds, memory, summary = run(
                helpgen("import-sxs", str(CORPUS / locale), "--locale", locale, "--project", str(PROJECT))
            )
            print(f"import {locale}: {seconds:.2f} s, {memory} MiB  ({summary})")
    return write_floor_input()


def write_floor_input() -> int:
    """Write each page's localized Markdown (the article with its catalog's translations put in)."""
    from generator.l10n.catalogs import parse_catalog

    floor_in = WORK / "floor-in"
    discard(floor_in)
    pages = 0
    for article in sorted((PROJECT / "content").rglob("*.md")):
        relative = article.relative_to(PROJECT / "content").as_posix()
        if relative.startswith("_"):
            continue
        text = article.read_text(encoding="utf-8")
        for locale in ("en-US", "zh-CN", "de-DE"):
            localized = text
            catalog = PROJECT / "locales" / locale / relative.replace(".md", ".po")
            if locale != "en-US" and catalog.is_file():
                entries = parse_catalog(catalog.read_bytes(), locale, str(catalog)).entries.values()
                for entry in sorted(entries, key=lambda e: -len(e.msgid)):
                    if entry.msgstr:
                        localized = localized.replace(entry.msgid, entry.msgstr)
            target = floor_in / locale / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(localized, encoding="utf-8")
            pages += 1
    return pages


def clean() -> None:
    discard(PROJECT / "site")
    discard(PROJECT / ".helpgen-cache")


def toggle(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text.replace(new, old, 1), encoding="utf-8")


def measure(name: str, runs: int, before: object, command: list[str]) -> tuple[float, int]:
    times, memories = [], []
    for _ in range(runs):
        if callable(before):
            before()
        seconds, memory, summary = run(command)
        times.append(seconds)
        memories.append(memory)
    median = statistics.median(times)
    print(f"{name:32} {median:7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)}; peak {max(memories)} MiB)")
    print(f"{'':32} {summary}")
    return median, max(memories)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="import the corpus again")
    parser.add_argument(
        "--no-search", action="store_true", help="build without the Pagefind index (helpgen build --no-search)"
    )
    args = parser.parse_args()
    pages = prepare(args.fresh)
    empty_trash(wait=True)  # what an interrupted run left, and anything deleted just before
    build = helpgen("build", "--project", str(PROJECT), "--out", str(PROJECT / "site"))
    if args.no_search:
        build.append("--no-search")
    floor_out = WORK / "floor-out"
    print(f"{pages} pages; {os.cpu_count()} cores; search index {'off' if args.no_search else 'on'}\n")
    originals = {path: path.read_bytes() for path in (CATALOG, ARTICLE)}
    try:
        return report(args, pages, build, floor_out)
    finally:  # the toggles below flip a file once per run: put both back as they were
        for path, data in originals.items():
            path.write_bytes(data)
        empty_trash(wait=False)


def report(args: argparse.Namespace, pages: int, build: list[str], floor_out: Path) -> int:
    """Measure everything and print the figures and ratios."""
    j1, j1_memory = measure("full build -j1", args.runs, clean, [*build, "-j1"])
    jd, jd_memory = measure("full build, default jobs", args.runs, clean, build)
    run(build)
    nochange, _ = measure("no-change rebuild", args.runs, None, build)
    entry, _ = measure(
        "one catalog entry changed",
        args.runs,
        lambda: toggle(CATALOG, "Power BI在管理中心Microsoft 365取消。", "Power BI 在管理中心Microsoft 365取消。"),
        build,
    )
    source, _ = measure(
        "one source article changed",
        args.runs,
        lambda: toggle(ARTICLE, "Power BI can be canceled", "Power BI can be cancelled"),
        build,
    )
    floor, floor_memory = measure(
        "floor (markdown-it-py only)",
        args.runs,
        lambda: discard(floor_out),
        [sys.executable, str(REPO / "bench" / "floor.py"), str(WORK / "floor-in"), str(floor_out)],
    )
    print()
    print(f"pages per second: -j1 {pages / j1:.0f}, default jobs {pages / jd:.0f}, floor {pages / floor:.0f}")
    print(f"full build -j1 / floor:            {j1 / floor:.3f}  (target <= 1.5)")
    print(f"full build default jobs / floor:   {jd / floor:.3f}  (target <= 0.8)")
    print(f"no-change rebuild / full build:    {nochange / jd:.3f}  (target <= 0.10)")
    print(f"one catalog entry / full build:    {entry / jd:.3f}  (target <= 0.15)")
    print(f"one source article / full build:   {source / jd:.3f}")
    print(
        f"peak memory, largest process: -j1 {j1_memory} MiB, default jobs {jd_memory} MiB, "
        f"floor {floor_memory} MiB  (target <= 500 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
