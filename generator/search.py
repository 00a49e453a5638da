"""Search: a Pagefind index of every locale's articles, built into the site, working offline.

Pagefind (its Python package, with the extended binary that segments Chinese and Japanese)
indexes the `data-pagefind-body` of every article page and splits the index by `<html lang>`,
so each locale searches its own pages. The text of a conditional branch is left out of its
page's record and indexed as a record of its own that carries the conditions under which the
branch shows (`meta.hg`), so the theme's `search.js` offers a reader only results from branches
their org state sees. `search.js` loads the index only when a reader starts to type.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .report import Diagnostic, error, warning
from .writer import replace_folder

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
    (`in_place`), it is written beside the site and then swapped in for the old index at once,
    so that the site never serves half an index.
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

    output = Path(tempfile.mkdtemp(prefix=f".{site.name}.new-", dir=site.parent)) if in_place else site / INDEX_DIR

    async def run() -> None:
        config = IndexConfig(output_path=str(output))
        async with PagefindIndex(config=config) as index:
            await index.add_directory(path=str(site))
            for record in branch_records(site):
                meta = {"title": record.title, "hg": json.dumps(record.requirements, sort_keys=True)}
                text = " ".join("".join(record.text).split())
                await index.add_custom_record(url=record.url, content=text, language=record.language, meta=meta)

    try:
        # In a thread of its own: the caller may be running an event loop of its own (a notebook, a server).
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run()).result()
    except Exception as exc:  # Pagefind's service reports its failures as exceptions of its own
        if in_place:
            shutil.rmtree(output, ignore_errors=True)
        return [error("site", 0, "search", f"Pagefind failed: {str(exc).strip()[:300]}")]
    _sort_entry(output / "pagefind-entry.json")
    if in_place:
        os.chmod(output, 0o755)  # mkdtemp's folder is private
        replace_folder(output, site / INDEX_DIR)
    return []


def remove_index(site: Path) -> None:
    """Delete the search index of a site updated in place by a build without search."""
    shutil.rmtree(site / INDEX_DIR, ignore_errors=True)


def _sort_entry(entry: Path) -> None:
    """Write Pagefind's entry file with sorted keys: its languages come in a random order otherwise."""
    if entry.is_file():
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")), encoding="utf-8")
