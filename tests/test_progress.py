"""The progress line: on a terminal while a build runs, never in pipes or CI; the summary always."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO, article


def run_build(project: Path, terminal: bool, env: dict[str, str]) -> str:
    """Run `helpgen build` with standard error on a pseudo-terminal (or a pipe); return what it wrote there."""
    command = [sys.executable, "-m", "generator", "build", "--project", str(project), "-j1"]
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")} | {"TERM": "xterm"} | env
    if not terminal:
        return subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, check=True).stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed: the build is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait() == 0
    return b"".join(chunks).decode("utf-8")


def test_a_terminal_sees_the_progress_line_and_then_the_summary(make_site: Callable[..., Path]) -> None:
    project = make_site({f"content/a{n}.md": article(f"A {n}", "Text.\n") for n in range(3)})
    shown = run_build(project, terminal=True, env={})
    assert "\r\x1b[Khelpgen: reading 3 articles in 2 locales (1 processes)" in shown
    assert "\r\x1b[Khelpgen: rendering pages" in shown
    after = shown.rsplit("\r\x1b[K", 1)[1]  # the line is cleared before the problems and the summary
    assert "helpgen.yaml: warning[site-url]" in after
    assert after.splitlines()[-1].startswith("helpgen: 6 article pages (6 built, 0 reused), 0 failed; 0 errors")


def test_pipes_and_ci_get_the_summary_only(make_site: Callable[..., Path]) -> None:
    project = make_site({"content/a.md": article("A", "Text.\n")})
    piped = run_build(project, terminal=False, env={})
    in_ci = run_build(project, terminal=True, env={"CI": "true"})
    for output in (piped, in_ci):
        assert "\x1b" not in output
        assert output.splitlines()[-1].startswith("helpgen: 2 article pages (")
