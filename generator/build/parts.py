"""Parts of one site built apart (`helpgen build --shard K/N`), put together by `helpgen merge`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from generator.build.search import index_site
from generator.build.writer import MARKER, begin_site, discard_site, finish_site
from generator.report import ContentError, error

#: The file that says which part of a site a folder holds (`helpgen build --shard K/N`).
PART_MARKER = ".helpgen-part"


def write_part_marker(staging: Path, index: int, count: int, inputs: str, search: bool) -> None:
    """Record in a part's folder which part it is, of which inputs, and whether the whole site is searchable."""
    data = {"part": index, "of": count, "inputs": inputs, "search": search}
    (staging / PART_MARKER).write_text(json.dumps(data) + "\n")


def merge_parts(out_dir: Path, parts: list[Path], background: bool = False) -> int:
    """Put the parts of one site together into `out_dir` (swapped in at once); return the number of files."""
    problems, markers = [], []
    for folder in parts:
        try:
            markers.append(json.loads((folder / PART_MARKER).read_text()))
        except (OSError, ValueError):
            problems.append(error(str(folder), 0, "merge-part", "not a part built with helpgen build --shard K/N"))
    if problems:
        raise ContentError(problems)
    counts = {m["of"] for m in markers} | {len(parts)}
    if len(counts) != 1 or sorted(m["part"] for m in markers) != list(range(1, len(parts) + 1)):
        found = ", ".join(f"{m['part']}/{m['of']}" for m in markers)
        raise ContentError([error(str(out_dir), 0, "merge-parts", f"the parts do not make a whole site ({found})")])
    if len({m["inputs"] for m in markers}) != 1:
        raise ContentError([error(str(out_dir), 0, "merge-inputs", "the parts were built from different inputs")])
    staging = begin_site(out_dir)
    try:
        count = _link_parts(parts, staging)
        if markers[0].get("search"):
            index_site(staging)  # the parts have no index: one for the whole site
        finish_site(staging, out_dir, background=background)
    except BaseException:
        discard_site(staging)
        raise
    return count


def _link_parts(parts: list[Path], staging: Path) -> int:
    seen: dict[str, Path] = {}
    for folder in parts:
        for relative in _all_files(folder):
            if relative in (MARKER, PART_MARKER):
                continue
            source = folder / relative
            if relative in seen:
                if seen[relative].read_bytes() != source.read_bytes():
                    raise ContentError([error(relative, 0, "merge-conflict", f"{seen[relative]} and {source} differ")])
                continue
            seen[relative] = source
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
    return len(seen)


def _all_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
