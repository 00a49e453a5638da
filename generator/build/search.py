"""Search: a Pagefind index of every locale's articles, built into the site, working offline.

Pagefind (its Python package, with the extended binary that segments Chinese and Japanese)
indexes the `data-pagefind-body` of every article page and splits the index by `<html lang>`,
so each locale searches its own pages. The text of a conditional branch is left out of its
page's record and indexed as a record of its own that carries the conditions under which the
branch shows (`meta.hg`), so the theme's `search.js` offers a reader only results from branches
their org state sees. `search.js` loads the index only when a reader starts to type.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generator.build.writer import begin_site, discard_site, swap_folder
from generator.report import Diagnostic, error, warning

#: The folder of the index in the site.
INDEX_DIR = "_pagefind"

_BLOCKS = {"p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "br", "pre", "blockquote", "dt", "dd"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class BranchRecord:
    """The text of one branch of a conditional block, and when it shows.

    `requirements` lists `{"when": condition or None, "unless": [earlier branches' conditions]}`
    from the outermost block in: the branch shows when every requirement holds.
    """

    url: str
    language: str
    title: str
    requirements: list[dict[str, Any]]
    text: list[str] = field(default_factory=list)


class _BranchParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url, self.language, self.title = url, "", ""
        self.depth = 0  # open elements
        self.blocks: list[tuple[int, list[Any]]] = []  # (depth, conditions of the branches so far)
        self.open: list[tuple[int, BranchRecord]] = []  # branches being read, innermost last
        self.records: list[BranchRecord] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "html":
            self.language = (attributes.get("lang") or "").lower()
        if tag in _BLOCKS:
            self.handle_data(" ")  # words of two blocks are two words
        if tag in _VOID:
            return
        self.depth += 1
        if tag == "h1" and not self.title:
            self.in_title = True
        if "hg-cond" in classes:
            self.blocks.append((self.depth, []))
        elif "hg-branch" in classes and self.blocks:
            earlier = self.blocks[-1][1]
            when = attributes.get("data-hg-when")
            node = json.loads(when) if when else None
            outer = self.open[-1][1].requirements if self.open else []
            record = BranchRecord(
                self.url, self.language, self.title, [*outer, {"when": node, "unless": list(earlier)}]
            )
            if node is not None:
                earlier.append(node)
            self.open.append((self.depth, record))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.handle_data(" ")
        if tag in _VOID:
            return
        if tag == "h1":
            self.in_title = False
        if self.open and self.open[-1][0] == self.depth:
            self.records.append(self.open.pop()[1])
        if self.blocks and self.blocks[-1][0] == self.depth:
            self.blocks.pop()
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title and data != " ":
            self.title += data
        if self.open:
            self.open[-1][1].text.append(data)


def branch_records(site: Path) -> Iterator[BranchRecord]:
    """Yield the branches of every article page below `site`, in path order."""
    for page in sorted(site.glob("*/**/index.html")):  # articles may sit in folders
        text = page.read_text(encoding="utf-8")
        if 'class="hg-branch"' not in text:
            continue  # most pages have no conditions: no need to parse them
        parser = _BranchParser("/" + page.parent.relative_to(site).as_posix() + "/")
        parser.feed(text)
        for number, record in enumerate(parser.records, 1):
            # Pagefind keeps one record per URL; search.js drops the fragment again.
            record.url += f"#hg-branch-{number}"
            record.title = record.title or parser.title
            if "".join(record.text).strip():
                yield record


def index_site(site: Path, in_place: bool = False) -> list[Diagnostic]:
    """Index the pages below `site`; return a warning if Pagefind is missing, an error if it fails.

    In a staging folder the index is written where it belongs. In a site updated in place
    (`in_place`), Pagefind writes over the previous index: its files are named by their
    content's hash, and it skips those that exist, so most of a large index is not written
    again (on the corpus, 1.5 s instead of 4 s, and no 8,890 files freed and created). The files
    the new index no longer refers to are deleted after; if that cannot be worked out, the
    index is made afresh beside the site and swapped in.
    """
    # Imported here: every build imports this module, and a build that changes nothing indexes nothing.
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError:
        return [
            warning(
                "site",
                0,
                "search",
                "Pagefind is not installed; the site has no search",
                "pip install 'pagefind[extended]'",
            )
        ]

    def run_in(output: Path) -> list[Diagnostic]:
        try:
            # In a thread of its own: the caller may be running an event loop of its own (a notebook, a server).
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, run(output)).result()
        except Exception as exc:  # Pagefind's service reports its failures as exceptions of its own
            return [error("site", 0, "search", f"Pagefind failed: {str(exc).strip()[:300]}")]
        return _sort_entry(output / "pagefind-entry.json")

    async def run(output: Path) -> None:
        index = PagefindIndex(config=IndexConfig(output_path=str(output)))
        await index.__aenter__()
        try:
            await index.add_directory(path=str(site))
            for record in branch_records(site):
                meta = {"title": record.title, "hg": json.dumps(record.requirements, sort_keys=True)}
                text = " ".join("".join(record.text).split())
                await index.add_custom_record(url=record.url, content=text, language=record.language, meta=meta)
            await index.write_files()
            await _written(output, index)
        finally:
            # Pagefind's own exit writes the files once more, then ends its service at once: passing an
            # exception makes it only end the service, which it now may (everything is written).
            await index.__aexit__(_Closing, _Closing(), None)

    if not in_place:
        return run_in(site / INDEX_DIR)
    problems = run_in(site / INDEX_DIR)
    if problems or _collect_garbage(site / INDEX_DIR):
        return problems
    fresh = begin_site(site)  # beside the site, like a staging folder, and cleaned up with them
    problems = run_in(fresh)
    if problems:
        discard_site(fresh)
        return problems
    swap_folder(fresh, site / INDEX_DIR)
    return []


class _Closing(Exception):
    """Tells Pagefind's index to close without writing its files again."""


#: How long to wait for Pagefind to finish writing the files it said it wrote.
WRITE_WAIT_SECONDS = 30.0


async def _written(output: Path, index: Any) -> None:
    """Return once Pagefind's service has finished writing into `output`.

    Its answer to "write the files" can come before the last file is complete, and the index
    then ends the service at once: on a busy machine this left `pagefind-entry.json` empty and UI
    files cut short (two builds of one site differed; #20). Wait until the service has no file
    of `output` open and the files' sizes stay the same for two looks in a row.
    """
    import asyncio
    import time

    backend = getattr(getattr(index, "_service", None), "_backend", None)
    pid = getattr(backend, "pid", None)
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    previous: dict[str, int] | None = None
    while time.monotonic() < deadline:
        sizes = _sizes(output)
        if sizes == previous and not _writing(pid, output):
            return
        previous = sizes
        await asyncio.sleep(0.05)


def _sizes(folder: Path) -> dict[str, int]:
    """Return the size of every file below a folder."""
    found = {}
    for root, _folders, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                found[path] = os.stat(path).st_size
    return found


def _writing(pid: int | None, folder: Path) -> bool:
    """Return whether process `pid` has a file below `folder` open (Linux's /proc; elsewhere, False)."""
    if pid is None:
        return False
    inside = str(folder.resolve()) + os.sep
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for descriptor in descriptors:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{descriptor}").startswith(inside):
                return True
    return False


def _collect_garbage(index: Path) -> bool:
    """Delete the files of earlier indexes that the index in `index` no longer refers to.

    Each language's meta file (gzip, then Pagefind's signature, then CBOR) names the fragment,
    index and filter files of its index as CBOR text strings `<language>_<hash>`. Return False,
    deleting nothing, when the files are not as expected.
    """
    try:
        entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
        hashes = [language["hash"] for language in entry["languages"].values()]
        metas = {f"pagefind.{name}.pf_meta" for name in hashes}
        languages = sorted({name.rsplit("_", 1)[0] for name in hashes}, key=len, reverse=True)
        named = re.compile(
            rb"(?:([\x60-\x77])|\x78(.))((?:" + b"|".join(re.escape(n.encode()) for n in languages) + rb")_[0-9a-f]+)",
            re.DOTALL,
        )
        live: set[str] = set()
        for meta in metas:
            data = gzip.decompress((index / meta).read_bytes())
            if not data.startswith(b"pagefind_dcd"):
                return False
            for match in named.finditer(data):
                length = match.group(1)[0] - 0x60 if match.group(1) else match.group(2)[0]
                live.add(match.group(3)[:length].decode("ascii"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return False
    for folder in ("fragment", "index", "filter"):
        for file in sorted((index / folder).glob("*")) if (index / folder).is_dir() else []:
            if file.is_file() and file.name.split(".", 1)[0] not in live:
                file.unlink()
    for file in index.glob("pagefind.*.pf_meta"):
        if file.name not in metas:
            file.unlink()
    return True


def remove_index(site: Path) -> None:
    """Delete the search index of a site updated in place by a build without search."""
    shutil.rmtree(site / INDEX_DIR, ignore_errors=True)


def _sort_entry(entry: Path) -> list[Diagnostic]:
    """Write Pagefind's entry file with sorted keys (its languages come in a random order otherwise).

    `_written` has waited for Pagefind to finish: an entry that cannot be read now (a full disk)
    is an error of the index, not a crash (it was `internal error: JSONDecodeError`, #20).
    """
    if not entry.is_file():
        return []
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        message = f"Pagefind wrote no readable {entry.name} ({exc.__class__.__name__}); the site has no search"
        return [error("site", 0, "search", message, "build again; check the free disk space")]
    entry.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    return []
