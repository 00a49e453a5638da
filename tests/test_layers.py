"""The package's layers, checked by import-linter: content -> l10n -> build -> {preview, sxs, reports} -> cli."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

#: Imports of helpgen's own modules inside functions, and why each is not at the top of its module.
#: Heavy stages (the Markdown parser, Jinja, Babel's PO reader, the QA checks) are imported where an
#: article is parsed or a page rendered, so that a build that changes nothing loads none of them:
#: tests/test_incremental.py::test_a_build_that_changes_nothing_loads_no_parser_templates_or_checks.
#: The command line imports only what the command being run needs: `helpgen --help` stays fast.
NOTHING_CHANGED = "kept out of a build that changes nothing (test_incremental)"
ONLY_WITH_LOCALE = "only `helpgen variants --locale` renders the variants"
LAZY_IMPORTS = {
    ("generator.build.build", "generator.build.pages"): NOTHING_CHANGED,
    ("generator.build.build", "generator.build.search"): NOTHING_CHANGED,
    ("generator.build.page", "generator.build.pages"): NOTHING_CHANGED,
    ("generator.build.page", "generator.content"): NOTHING_CHANGED,
    ("generator.build.page", "generator.content.links"): NOTHING_CHANGED,
    ("generator.build.page", "generator.content.markup"): NOTHING_CHANGED,
    ("generator.build.shard", "generator.build.pages"): NOTHING_CHANGED,
    ("generator.build.shard", "generator.content.articles"): NOTHING_CHANGED,
    ("generator.build.shard", "generator.l10n.translate"): NOTHING_CHANGED,
    ("generator.config", "generator.checks"): NOTHING_CHANGED,
    ("generator.content.markup", "generator.content.segment"): NOTHING_CHANGED,
    ("generator.reports.variants", "generator.build.page"): ONLY_WITH_LOCALE,
    ("generator.reports.variants", "generator.build.pages"): ONLY_WITH_LOCALE,
    ("generator.reports.variants", "generator.content.articles"): ONLY_WITH_LOCALE,
    ("generator.reports.variants", "generator.content.markup"): ONLY_WITH_LOCALE,
    ("generator.reports.variants", "generator.l10n.catalogs"): ONLY_WITH_LOCALE,
    ("generator.reports.variants", "generator.l10n.translate"): ONLY_WITH_LOCALE,
}


def lazy_imports(package: Path) -> set[tuple[str, str]]:
    """Return (module, imported module) for every import of a helpgen module inside a function."""
    found = set()
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                    found.add((module, str(node.module)))
    return found


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the package in `root` with the contracts of pyproject.toml."""
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=environment, capture_output=True, text=True, check=False
    )


def copy_package(tmp_path: Path) -> Path:
    """Copy the package and its contracts into `tmp_path`; return the copy's package folder."""
    shutil.copytree(REPO / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path / "generator"


def test_the_package_keeps_its_layers_and_has_no_cycles() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        ("content/segment.py", "from generator.l10n import catalogs", "importing only downwards BROKEN"),
        ("l10n/catalogs.py", "from generator.cli import main", "importing only downwards BROKEN"),
        ("reports/stats.py", "from generator.preview import serve", "importing only downwards BROKEN"),
        ("content/segment.py", "from generator.content import markup", "No import cycles"),
    ],
)
def test_a_planted_import_breaks_the_contract(tmp_path: Path, module: str, planted: str, broken: str) -> None:
    package = copy_package(tmp_path)
    path = package / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{planted}  # noqa\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in " ".join(result.stdout.split())


def test_every_import_inside_a_function_says_why() -> None:
    found = lazy_imports(REPO / "generator")
    cli = {pair for pair in found if pair[0] == "generator.cli"}  # every command imports what it runs
    assert found - cli - set(LAZY_IMPORTS) == set(), "add the import to LAZY_IMPORTS with its reason, or move it up"
    assert set(LAZY_IMPORTS) - found == set(), "LAZY_IMPORTS names an import that no longer exists"
