"""The names and severities of the QA checks, for reading `helpgen.yaml` (the checks are in `qa`)."""

from __future__ import annotations

ERROR, WARNING, OFF = "error", "warning", "off"

#: Every check, in the order `qa.CHECKS` runs them, then `length` (run over a whole locale at once).
CHECK_IDS = (
    "placeholders",
    "markup",
    "links",
    "code",
    "html",
    "quotes",
    "mt-placeholder",
    "invisible",
    "glossary",
    "numbers",
    "untranslated",
    "punctuation",
    "length",
)
