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


def test_placeholder_formats_follow_the_locale(make_site: Callable[..., Path]) -> None:
    from tests.conftest import BASIC_CONFIG

    config = BASIC_CONFIG.replace(
        "  license_threshold: 25\n", "  license_threshold: 25\n  price: 1234.5\n  share: 0.15\n  renewal: 2026-03-01\n"
    )
    body = "Pay {{ price | currency:EUR }}, save {{ share | percent }}, renew on {{ renewal | date:short }}.\n"
    project = make_site({"helpgen.yaml": config, "content/a.md": article("A", body)})
    assert run_helpgen("build", "--project", project).code == 0
    assert "Pay €1,234.50, save 15%, renew on 3/1/26." in (project / "site/en-us/a/index.html").read_text()
    german = (project / "site/de-de/a/index.html").read_text()
    assert "Pay 1.234,50&nbsp;€, save 15&nbsp;%, renew on 01.03.26." in german  # nh3 writes U+00A0 as &nbsp;


def test_bad_placeholder_formats(make_site: Callable[..., Path]) -> None:
    body = "A {{ license_threshold | currency }} B {{ license_threshold | shout }} C {{ links.products | percent }}.\n"
    project = make_site({"content/a.md": article("A", body)})
    result = run_helpgen("build", "--project", project)
    assert result.code == 1
    assert "content/a.md:4: error[placeholder]: currency needs an ISO 4217 code, such as currency:EUR" in result.err
    assert (
        "content/a.md:4: error[placeholder]: unknown format 'shout'; formats are number, percent, currency, date"
        in result.err
    )
    assert "content/a.md:4: error[placeholder]: 'percent' formats a number" in result.err
