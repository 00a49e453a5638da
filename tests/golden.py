"""Regenerate the golden output of the sample sites under tests/sites/: `./dev golden`.

Each site's expected/ folder is what `helpgen build` writes for it. Review the diff of a
regeneration like code: it is the change a user will see.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from generator.cli import main

SITES = Path(__file__).resolve().parent / "sites"


def sample_sites() -> list[Path]:
    """Return the sample site projects."""
    return sorted(path for path in SITES.iterdir() if (path / "helpgen.yaml").is_file())


def regenerate(site: Path) -> int:
    """Build one sample site into its expected/ folder."""
    expected = site / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    code = main(["build", "--project", str(site), "--out", str(expected)])
    (expected / ".helpgen-site").unlink(missing_ok=True)
    return code


if __name__ == "__main__":
    sys.exit(max(regenerate(site) for site in sample_sites()))
