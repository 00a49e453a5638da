"""Search: a Pagefind index of every locale's articles, built into the site, working offline.

Pagefind (its Python package, with the extended binary that segments Chinese and Japanese)
indexes the `data-pagefind-body` of every article page and splits the index by `<html lang>`,
so each locale searches its own pages. The text of a conditional branch is left out of its
page's record and indexed as a record of its own that carries the conditions under which the
branch shows (`meta.hg`), so the theme's `search.js` offers a reader only results from branches
their org state sees. `search.js` loads the index only when a reader starts to type.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .cache import fingerprint
from .report import Diagnostic, error, warning

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


def index_site(site: Path, cache: Path | None = None, jobs: int = 2) -> list[Diagnostic]:
    """Index the pages below `site` (a staging folder), each locale on its own; return any problem.

    Every locale folder gets an index of its own, `jobs` at a time (each in a Pagefind process
    of its own), and the indexes are put together into `site/_pagefind`: Pagefind splits its
    index by language anyway, so each language's files are the same either way. With `cache`
    (a folder), a locale whose pages and branch records did not change reuses its index from
    the last build instead of indexing again.
    """
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
    from importlib.metadata import version

    records: dict[str, list[BranchRecord]] = {}
    for record in branch_records(site):
        records.setdefault(record.url.split("/")[1], []).append(record)
    folders = [
        f.name for f in sorted(site.iterdir()) if f.is_dir() and f.name[0] not in "._" and (f / "index.html").is_file()
    ]
    keys = {folder: _index_key(site, folder, records.get(folder, []), version("pagefind")) for folder in folders}
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=site.parent))
    try:
        outputs = {folder: work / folder for folder in folders}
        todo = []
        for folder in folders:
            kept = cache / folder if cache else None
            if kept and (kept / "key").is_file() and (kept / "key").read_text() == keys[folder]:
                shutil.copytree(kept / "index", outputs[folder])
            else:
                todo.append(folder)

        async def index(folder: str, limit: asyncio.Semaphore) -> None:
            async with limit, PagefindIndex(config=IndexConfig(output_path=str(outputs[folder]))) as pagefind:
                await pagefind.add_directory(path=str(site), glob=f"{folder}/**/*.html")
                for record in records.get(folder, []):
                    meta = {"title": record.title, "hg": json.dumps(record.requirements, sort_keys=True)}
                    text = " ".join("".join(record.text).split())
                    await pagefind.add_custom_record(url=record.url, content=text, language=record.language, meta=meta)

        async def run() -> None:
            limit = asyncio.Semaphore(max(1, jobs))
            await asyncio.gather(*(index(folder, limit) for folder in todo))

        try:
            # In a thread of its own: the caller may be running an event loop of its own (a notebook, a server).
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, run()).result()
        except Exception as exc:  # Pagefind's service reports its failures as exceptions of its own
            return [error("site", 0, "search", f"Pagefind failed: {str(exc).strip()[:300]}")]
        if cache:
            for folder in todo:
                kept = cache / folder
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(outputs[folder], kept / "index")
                (kept / "key").write_text(keys[folder])
        _put_together([outputs[folder] for folder in folders if outputs[folder].is_dir()], site / INDEX_DIR)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return []


def _index_key(site: Path, folder: str, records: list[BranchRecord], pagefind_version: str) -> str:
    """Return the hash of what a locale's index is made of: its pages, its branch records, Pagefind."""
    pages = sorted((site / folder).rglob("*.html"))
    return fingerprint(
        pagefind_version,
        [(page.relative_to(site).as_posix(), fingerprint(page.read_bytes())) for page in pages],
        [(r.url, r.language, r.title, r.requirements, r.text) for r in records],
    )


def _put_together(indexes: list[Path], target: Path) -> None:
    """Merge the indexes of several locales into one folder, with one entry file listing every language."""
    target.mkdir(parents=True, exist_ok=True)
    entry: dict[str, Any] = {}
    for index in indexes:
        for file in sorted(index.rglob("*")):
            if file.is_dir() or file.name == "pagefind-entry.json":
                continue
            destination = target / file.relative_to(index)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.exists():  # Pagefind's scripts and styles: the same in every index
                shutil.copyfile(file, destination)
        if not (index / "pagefind-entry.json").is_file():
            continue
        part = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry.get("languages", {}) | part.get("languages", {})
        entry = {**entry, **part, "languages": languages}
    (target / "pagefind-entry.json").write_text(json.dumps(entry, sort_keys=True, separators=(",", ":")), "utf-8")
