"""Shared test helpers: throw-away sites in a line or two, and running the command line."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def _find_corpus() -> Path:
    """Return where HELPGEN_CORPUS says, else shared/corpus/alchemy-insights beside the checkout or a folder above."""
    if os.environ.get("HELPGEN_CORPUS"):
        return Path(os.environ["HELPGEN_CORPUS"])
    places = [folder / "shared" / "corpus" / "alchemy-insights" for folder in REPO.parents]
    return next((place for place in places if place.is_dir()), places[0])


#: The shared corpus (see _find_corpus).
CORPUS = _find_corpus()


def require_corpus() -> None:
    """Skip the calling test module without the corpus; in CI, where it must be, fail instead."""
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            raise RuntimeError(f"the corpus must be at {CORPUS} in CI (or set HELPGEN_CORPUS)")
        pytest.skip(f"no corpus at {CORPUS} (set HELPGEN_CORPUS)", allow_module_level=True)


def msgfmt_path() -> str:
    """Return GNU gettext's msgfmt; skip without it (`./dev test -m "not slow"` installs nothing), fail in CI."""
    found = shutil.which("msgfmt")
    if found is None:
        if os.environ.get("CI"):
            raise RuntimeError("GNU gettext's msgfmt must be installed in CI (./dev test installs it)")
        pytest.skip("GNU gettext's msgfmt is not installed (./dev test installs it)")
    return found


#: How the tests start Debian's Chromium (installed by ./dev test): headless, nothing from the network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright (./dev test installs both).

    One per test module: Playwright's sync API keeps an event loop in this thread while it runs.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


BASIC_CONFIG = """\
source_locale: en-US
search: false
locales: [en-US, de-DE]
variables:
  license_threshold: 25
  links: {products: "https://example.com/products"}
org:
  assigned_licenses: {type: integer, minimum: 0}
  is_trial: {type: boolean}
  plan: {type: string, enum: [basic, premium]}
profiles:
  small: {assigned_licenses: 10, is_trial: false, plan: basic}
  large: {assigned_licenses: 40, is_trial: false, plan: premium}
default_profile: small
"""


@dataclass
class Run:
    """The outcome of one `helpgen` command."""

    code: int
    out: str
    err: str


def run_helpgen(*args: str | Path) -> Run:
    """Run the command line in-process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return Run(code, out.getvalue(), err.getvalue())


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `files` (path -> text, dedented; or bytes) below `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that makes a project from {path: text}; helpgen.yaml defaults to BASIC_CONFIG."""

    def make(files: Mapping[str, str | bytes] | None = None, name: str = "project") -> Path:
        root = tmp_path / name
        all_files: dict[str, str | bytes] = {"helpgen.yaml": BASIC_CONFIG}
        all_files.update(files or {})
        write_files(root, all_files)
        return root

    return make


def article(title: str, body: str) -> str:
    """Return an article file's text with a title and a body."""
    return f"---\ntitle: {title}\n---\n{textwrap.dedent(body)}"
