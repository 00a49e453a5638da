"""A progress line for long commands: shown on a terminal, silent in CI and in pipes."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """One line that says what a command is doing, rewritten in place at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def update(self, label: str, done: int | None = None, total: int | None = None) -> None:
        """Say what is being done (and how far it got), if a tenth of a second has passed."""
        if not self.enabled:
            return
        now = time.monotonic()
        if done is not None and done != total and now - self.last < 0.1:
            return
        self.last = now
        count = f" {done}/{total}" if done is not None and total else ""
        self.stream.write(f"\r\x1b[Khelpgen: {label}{count}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Remove the progress line before the summary is printed."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
