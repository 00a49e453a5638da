"""`helpgen check`: every translation of every catalog through the QA checks (qa.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.checks import ERROR, OFF
from generator.config import Config
from generator.content.paths import iter_files
from generator.l10n.catalogs import catalog_path, read_catalog, read_theme_catalog
from generator.l10n.qa import CHECKS, LENGTH, Finding, Pair, Settings, length_outliers, run_checks
from generator.locales import locale_info
from generator.model import CatalogEntry
from generator.report import ContentError, Diagnostic, Report

#: Below this many characters of source, a length ratio says nothing.
MIN_LENGTH_FOR_RATIO = 20


@dataclass(frozen=True)
class Problem:
    """One finding at one catalog entry."""

    diagnostic: Diagnostic
    locale: str
    msgid: str
    msgstr: str
    sxs: tuple[str, ...] = ()


@dataclass
class CheckResult:
    """What `helpgen check` found."""

    problems: list[Problem] = field(default_factory=list)
    #: Catalogs that cannot be read, and theme strings whose format does not match their source.
    catalog_errors: list[Diagnostic] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    entries: int = 0


def content_paths(config: Config) -> list[str]:
    """Return every article and snippet below content/ (the files that have catalogs)."""
    return [path for path in iter_files(config.content_dir) if path.endswith(".md") and not path.startswith("_sxs/")]


def entry_pairs(entry: CatalogEntry, locale: str, config: Config) -> list[Pair]:
    """Return the (source, translation) pairs of an entry: one, or one per plural form."""
    settings = Settings(config.qa_keep, config.qa_glossary)
    rtl = locale_info(locale, config.source_locale).direction == "rtl"
    if entry.msgid_plural:
        sources = [entry.msgid] + [entry.msgid_plural] * (len(entry.msgstr_plural) - 1)
        return [
            Pair(source, form, locale, config.source_locale, settings, rtl)
            for source, form in zip(sources, entry.msgstr_plural, strict=True)
            if form
        ]
    return [Pair(entry.msgid, entry.msgstr, locale, config.source_locale, settings, rtl)] if entry.msgstr else []


def check_project(config: Config, locales: tuple[str, ...] = ()) -> CheckResult:
    """Run every check over every translated entry of every article and snippet catalog."""
    result = CheckResult()
    for locale in locales or config.locales[1:]:
        severities = config.severities(locale)
        ratios: dict[tuple[str, int], float] = {}
        owners: dict[tuple[str, int], tuple[CatalogEntry, str]] = {}
        for path in content_paths(config):
            relative = catalog_path(locale, path)
            try:
                catalog = read_catalog(config, locale, relative)
            except ContentError as exc:
                add_catalog_errors(result, exc.diagnostics)
                continue
            for entry in catalog.entries.values():
                pairs = entry_pairs(entry, locale, config)
                result.entries += bool(pairs)
                for pair in pairs:
                    for severity, finding in run_checks(pair, severities, entry.ignored):
                        add(result, relative, entry, locale, severity, finding)
                    source_length = len(pair.source)
                    if source_length >= MIN_LENGTH_FOR_RATIO and LENGTH.id not in entry.ignored:
                        ratios[(relative, entry.line)] = len(pair.translation) / source_length
                        owners[(relative, entry.line)] = (entry, relative)
        add_catalog_errors(result, read_theme_catalog(config, locale_info(locale, config.source_locale))[1])
        severity = severities.get(LENGTH.id, LENGTH.severity)
        if severity != OFF:
            for key in sorted(length_outliers(ratios)):
                entry, relative = owners[key]
                finding = Finding(
                    LENGTH.id, f"length ratio {ratios[key]:.2f} is far from this locale's other translations"
                )
                add(result, relative, entry, locale, severity, finding)
    return result


def add_catalog_errors(result: CheckResult, diagnostics: Iterable[Diagnostic]) -> None:
    """Record problems of whole catalogs (syntax) or of theme strings (format), which are not QA findings."""
    for diagnostic in diagnostics:
        result.catalog_errors.append(diagnostic)
        result.report.add(diagnostic)


def add(result: CheckResult, relative: str, entry: CatalogEntry, locale: str, severity: str, finding: Finding) -> None:
    """Record one finding at its catalog entry."""
    diagnostic = Diagnostic(relative, entry.line, severity, finding.check, finding.message, finding.fix)
    sxs = tuple(i for comment in entry.comments if comment.startswith("sxs: ") for i in comment[5:].split())
    result.problems.append(Problem(diagnostic, locale, entry.msgid, entry.msgstr, sxs))
    result.report.add(diagnostic)


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, object]:
    return {
        "file": diagnostic.path,
        "line": diagnostic.line,
        "severity": diagnostic.severity,
        "check": diagnostic.code,
        "message": diagnostic.message,
        "fix": diagnostic.hint,
    }


def format_check(result: CheckResult, kind: str) -> str:
    """Return the findings as `file:line: severity[check]: message` lines, or as JSON."""
    problems = sorted(result.problems, key=lambda p: p.diagnostic)
    if kind == "json":
        return (
            json.dumps(
                {
                    "entries": result.entries,
                    **(
                        {"catalog_errors": [_diagnostic_json(d) for d in sorted(result.catalog_errors)]}
                        if result.catalog_errors
                        else {}
                    ),
                    "checks": [
                        {"id": c.id, "severity": c.severity, "description": c.description} for c in (*CHECKS, LENGTH)
                    ],
                    "problems": [
                        {
                            "file": p.diagnostic.path,
                            "line": p.diagnostic.line,
                            "severity": p.diagnostic.severity,
                            "check": p.diagnostic.code,
                            "message": p.diagnostic.message,
                            "fix": p.diagnostic.hint,
                            "locale": p.locale,
                            "msgid": p.msgid,
                            "msgstr": p.msgstr,
                            "sxs": list(p.sxs),
                        }
                        for p in problems
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    lines = [d.format() for d in sorted(result.catalog_errors)] + [p.diagnostic.format() for p in problems]
    errors = sum(p.diagnostic.severity == ERROR for p in problems) + len(result.catalog_errors)
    lines.append(f"helpgen: {result.entries} translations checked; {errors} errors, {len(problems) - errors} warnings")
    return "\n".join(lines) + "\n"
