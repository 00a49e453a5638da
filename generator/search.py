"""Search: a Pagefind index of every locale's articles, built into the site, working offline.

Pagefind (its Python package, with the extended binary that segments Chinese and Japanese)
indexes the `data-pagefind-body` of every article page and splits the index by `<html lang>`,
so each locale searches its own pages. The theme's `search.js` loads it only when a reader
starts to type.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .report import Diagnostic, warning

#: The folder of the index in the site.
INDEX_DIR = "_pagefind"


def index_site(site: Path) -> list[Diagnostic]:
    """Index the pages below `site` (a staging folder); return a warning if Pagefind is missing or fails."""
    try:
        import pagefind  # noqa: F401 - only to know it is installed
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
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", INDEX_DIR, "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return [warning("site", 0, "search", f"Pagefind failed: {(done.stderr or done.stdout).strip()[:300]}")]
    _sort_entry(site / INDEX_DIR / "pagefind-entry.json")
    return []


def _sort_entry(entry: Path) -> None:
    """Write Pagefind's entry file with sorted keys: its languages come in a random order otherwise."""
    if entry.is_file():
        data = json.loads(entry.read_text(encoding="utf-8"))
        entry.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")), encoding="utf-8")
