"""Bad articles fail with file:line and the exact message; the other pages still build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import article, run_helpgen

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "articles").glob("bad.*.md"))
GOOD = article("Good", "# Good\n\n## Section\n\nFine.\n")


def expected(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        line.removeprefix("<!-- expect: ").removesuffix(" -->") for line in lines if line.startswith("<!-- expect:")
    ]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_bad_article(fixture: Path, make_site: Callable[..., Path]) -> None:
    project = make_site({f"content/{fixture.name}": fixture.read_text(encoding="utf-8"), "content/good.md": GOOD})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    reported = [line for line in result.err.splitlines() if line.startswith(f"content/{fixture.name}")]
    assert sorted(reported) == sorted(expected(fixture))
    assert (project / "site/en-us/good/index.html").is_file(), "the other article must still build"
    assert not (project / f"site/en-us/{fixture.stem}/index.html").exists()
