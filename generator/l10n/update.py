"""The translator's workflow commands: `helpgen extract` and `helpgen update`."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.config import Config
from generator.content.articles import parse_snippet, read_articles, read_snippet
from generator.content.paths import iter_files
from generator.content.sources import SNIPPETS
from generator.l10n.catalogs import (
    THEME_CATALOG,
    CatalogMessage,
    catalog_path,
    messages_in_current_order,
    read_existing,
    theme_catalog_path,
    write_catalog,
)
from generator.l10n.extract import THEME_TEMPLATE, article_messages, segment_messages, template_path, theme_messages
from generator.l10n.merge import merge_messages, translation_memory
from generator.model import Article
from generator.report import ContentError, Report


@dataclass
class UpdateResult:
    """What `extract` or `update` did."""

    report: Report = field(default_factory=Report)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def templates_of(
    config: Config, articles: list[Article], report: Report | None = None
) -> dict[str, list[CatalogMessage]]:
    """Return the template messages of every article and snippet, keyed by path, and of the theme."""
    templates = {article.path: article_messages(article, config.variables) for article in articles}
    for path in iter_files(config.content_dir / SNIPPETS):
        if not path.endswith(".md"):
            continue
        snippet = f"{SNIPPETS}/{path}"
        try:
            _, _, segments = parse_snippet(config, snippet, read_snippet(config, snippet))
        except ContentError as exc:
            if report is not None:
                report.extend(exc.diagnostics)
            continue
        templates[snippet] = segment_messages(segments, f"content/{snippet}", config.variables)
    templates[THEME_CATALOG] = theme_messages(config)
    return templates


def extract_templates(config: Config) -> UpdateResult:
    """Write one POT per article and one for the theme into locales/."""
    result = UpdateResult()
    articles, problems = read_articles(config)
    result.report.extend(problems)
    for path, messages in templates_of(config, articles, result.report).items():
        target = f"locales/{THEME_TEMPLATE}" if path == THEME_CATALOG else template_path(path)
        record(result, target, write_catalog(config, None, target, messages))
    return result


def update_catalogs(config: Config, locales: tuple[str, ...] = ()) -> UpdateResult:
    """Create or update every catalog of the given locales (default: all translated locales)."""
    result = UpdateResult()
    articles, problems = read_articles(config)
    result.report.extend(problems)
    broken = {p.path for p in problems}
    templates = templates_of(config, articles, result.report)
    for locale in locales or config.locales[1:]:
        paths = {path: _catalog_of(locale, path) for path in templates}
        existing = {}
        for path, relative in paths.items():
            try:
                existing[path] = read_existing(config, relative)
            except ContentError as exc:
                result.report.extend(exc.diagnostics)
        memory = translation_memory([existing[p][1] for p in sorted(existing) if p != THEME_CATALOG])
        for path, template in templates.items():
            if path not in existing or f"content/{path}" in broken:
                continue  # never rewrite a catalog we could not read, or whose article did not parse
            headers, messages, data = existing[path]
            # The header is rewritten with today's Plural-Forms: the forms must be in today's order too.
            messages = messages_in_current_order(locale, headers.get("Plural-Forms", ""), messages)
            merged = merge_messages(template, messages, memory)
            try:
                written = write_catalog(config, locale, paths[path], merged, headers, expected=data)
            except ContentError as exc:  # a translator saved it meanwhile: their file is left alone
                result.report.extend(exc.diagnostics)
                continue
            record(result, paths[path], written)
    return result


def _catalog_of(locale: str, path: str) -> str:
    return theme_catalog_path(locale) if path == THEME_CATALOG else catalog_path(locale, path)


def record(result: UpdateResult, path: str, written: bool) -> None:
    """Note whether one file was written or already up to date."""
    (result.written if written else result.unchanged).append(path)
