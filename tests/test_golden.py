"""Whole-site golden tests: each sample site under tests/sites/ builds to exactly its expected/ tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_helpgen
from tests.golden import sample_sites

SITES = sample_sites()


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".helpgen-site"
    }


@pytest.mark.parametrize("site", SITES, ids=[s.name for s in SITES])
def test_site_matches_golden_output(site: Path, tmp_path: Path) -> None:
    result = run_helpgen("build", "--project", site, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    built, expected = files(tmp_path / "out"), files(site / "expected")
    assert sorted(built) == sorted(expected), "files differ; after an intended change run ./dev golden"
    for name in expected:
        assert built[name] == expected[name], f"{name} differs; after an intended change run ./dev golden"
