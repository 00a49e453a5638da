"""The floor: read every page's localized Markdown, render it with markdown-it-py, write one file each.

    python bench/floor.py IN_DIR OUT_DIR

Nothing else: no templates, no catalogs, no checks. This is what a Python tool built on
markdown-it-py cannot go below in one process; bench/build_corpus.py compares helpgen to it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from markdown_it import MarkdownIt


def main(source: Path, target: Path) -> int:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    count = 0
    for folder, _dirs, files in os.walk(source):
        for name in files:
            path = Path(folder) / name
            out = target / path.relative_to(source).with_suffix(".html")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(md.render(path.read_text(encoding="utf-8")), encoding="utf-8")
            count += 1
    print(f"floor: {count} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
