"""Diagnostics: what went wrong, where, collected instead of printed from deep inside a stage."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place, printed compiler-style."""

    path: str
    line: int
    severity: str
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        r"""Return the diagnostic as `file:line: severity[code]: message (hint)`, on one line.

        Control, bidi and other invisible characters (from a file's name or a quoted text) are
        written as escapes: a newline in a file name must not forge a diagnostic of its own (#20).

        >>> Diagnostic("content/a\nb.md", 3, "error", "x", "bad").format()
        'content/a\\nb.md:3: error[x]: bad'
        """
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        return printable(f"{text} ({self.hint})" if self.hint else text)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """Return text with its control and format characters (categories Cc, Cf, Zl, Zp) written as escapes."""
    if text.isprintable():
        return text
    return "".join(
        _ESCAPES.get(c, f"\\u{ord(c):04x}") if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text
    )


def unexpected(path: str, exc: Exception, what: str) -> Diagnostic:
    """Return the error of one input that failed in a way helpgen does not foresee (a bug to report).

    It fails that input only (`what`: "build this article", "import this file"), never the command.
    """
    reason = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    return error(path, 0, "unexpected", f"helpgen could not {what} ({reason})", "please report it")


class ContentError(Exception):
    """Raised by a stage for one bad input; carries the diagnostics that explain it."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("; ".join(d.format() for d in self.diagnostics))


def error(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    """Return an error diagnostic."""
    return Diagnostic(path, line, ERROR, code, message, hint)


def warning(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    """Return a warning diagnostic."""
    return Diagnostic(path, line, WARNING, code, message, hint)


@dataclass
class Report:
    """The diagnostics of one command run, kept in the order they were found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen.update(self.diagnostics)

    def add(self, diagnostic: Diagnostic) -> None:
        """Record one diagnostic, once."""
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record several diagnostics."""
        for diagnostic in diagnostics:
            self.add(diagnostic)

    @property
    def errors(self) -> list[Diagnostic]:
        """Return the error diagnostics."""
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Return the warning diagnostics."""
        return [d for d in self.diagnostics if d.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        """Return whether the run failed: any error, or with `strict`, any warning."""
        return bool(self.errors or (strict and self.warnings))

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self.diagnostics))

    def summary(self) -> str:
        """Return a one-line count of errors and warnings."""
        errors, warnings = len(self.errors), len(self.warnings)
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
