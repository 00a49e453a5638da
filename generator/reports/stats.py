"""Translation statistics: per locale and per article, what is translated and what will publish."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from html import escape

from generator.config import Config
from generator.content.articles import read_articles
from generator.content.segment import plain_text
from generator.l10n.catalogs import read_article_catalog
from generator.l10n.translate import localize_article, translation_for
from generator.locales import locale_info
from generator.model import MACHINE, Article, Catalog
from generator.report import ContentError, Report

STATUSES = ("translated", "fuzzy", "untranslated")


@dataclass
class Counts:
    """Segments and source words by status; machine-translated is a part of translated."""

    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    machine: int = 0

    def add(self, other: Counts) -> None:
        """Add another count to this one."""
        for name in ("total", "translated", "fuzzy", "untranslated", "machine"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ArticleStats:
    """One article in one locale."""

    article: str
    catalog: str
    segments: Counts = field(default_factory=Counts)
    words: Counts = field(default_factory=Counts)
    completeness: float = 0.0
    published: bool = True


@dataclass
class LocaleStats:
    """One locale: its totals and its articles."""

    locale: str
    segments: Counts = field(default_factory=Counts)
    words: Counts = field(default_factory=Counts)
    completeness: float = 0.0
    published: int = 0
    articles: list[ArticleStats] = field(default_factory=list)


def count_words(msgid: str) -> int:
    """Return the number of words in a segment's source text, markup and placeholders left out."""
    return len(re.sub(r"\{\{.*?\}\}", " ", plain_text(msgid)).split())


def status_of(msgid: str, catalog: Catalog | None) -> tuple[str, bool]:
    """Return (status, machine-translated) of one segment in a catalog."""
    entry = catalog.entries.get(msgid) if catalog else None
    if entry is None or not entry.msgstr:
        return "untranslated", False
    if entry.fuzzy:
        return "fuzzy", False
    return "translated", entry.origin == MACHINE


def article_stats(config: Config, article: Article, locale: str, catalog: Catalog | None) -> ArticleStats:
    """Return the figures of one article in one locale, and whether its policy publishes it."""
    stats = ArticleStats(article.path, f"locales/{locale}/{article.slug}.po")
    info = locale_info(locale, config.source_locale)
    snippets = {s.source: read_article_catalog(config, s.source, info) for s in article.segments if s.source}
    for msgid, source in dict.fromkeys((segment.msgid, segment.source) for segment in article.segments):
        status, machine = status_of(msgid, snippets[source] if source else catalog)
        words = count_words(msgid)
        for counts, amount in ((stats.segments, 1), (stats.words, words)):
            counts.total += amount
            setattr(counts, status, getattr(counts, status) + amount)
            counts.machine += amount if machine else 0
    # the QA review is the build's: the figures count what translators wrote
    localized = localize_article(article, translation_for(config, info, reviewed=False), catalog, snippets)
    stats.completeness = round(localized.completeness, 4)
    stats.published = localized.published
    return stats


def collect_stats(config: Config, locales: tuple[str, ...] = ()) -> tuple[list[LocaleStats], Report]:
    """Return the statistics of every translated locale (or those asked for)."""
    report = Report()
    articles, problems = read_articles(config)
    report.extend(problems)
    result = []
    for locale in locales or config.locales[1:]:
        totals = LocaleStats(locale)
        for article in articles:
            try:
                catalog = read_article_catalog(config, article.path, locale_info(locale, config.source_locale))
            except ContentError as exc:
                report.extend(exc.diagnostics)
                catalog = None
            stats = article_stats(config, article, locale, catalog)
            totals.articles.append(stats)
            totals.segments.add(stats.segments)
            totals.words.add(stats.words)
            totals.published += stats.published
        totals.completeness = (
            round(totals.segments.translated / totals.segments.total, 4) if totals.segments.total else 1.0
        )
        result.append(totals)
    return result, report


def format_json(stats: list[LocaleStats]) -> str:
    """Return the statistics as JSON for tools."""
    return json.dumps({"locales": [asdict(s) for s in stats]}, indent=2, ensure_ascii=False) + "\n"


def format_text(stats: list[LocaleStats]) -> str:
    """Return the statistics as a table for people at a terminal."""
    lines = []
    header = f"{'':34} {'segments':>8} {'transl.':>7} {'fuzzy':>6} {'untr.':>6} {'machine':>7} {'words':>6} {'done':>6}"
    for locale in stats:
        lines += [
            f"{locale.locale}: {locale.completeness:.0%} of segments translated, "
            f"{locale.published} of {len(locale.articles)} articles published",
            header,
        ]
        for item in locale.articles:
            s = item.segments
            mark = "" if item.published else "  (not published)"
            lines.append(
                f"  {item.article[:32]:32} {s.total:8} {s.translated:7} {s.fuzzy:6} {s.untranslated:6} "
                f"{s.machine:7} {item.words.total:6} {item.completeness:6.0%}{mark}"
            )
        lines.append("")
    return "\n".join(lines)


def format_html(stats: list[LocaleStats]) -> str:
    """Return a self-contained status page: progress per locale and article, sortable, linked to catalogs."""
    sections = []
    for locale in stats:
        rows = "\n".join(
            f'<tr><td><a href="{escape(item.catalog)}">{escape(item.article)}</a></td>'
            f'<td data-value="{item.completeness}">{_bar(item.completeness)}</td>'
            f"<td>{item.segments.total}</td><td>{item.segments.translated}</td><td>{item.segments.fuzzy}</td>"
            f"<td>{item.segments.untranslated}</td><td>{item.segments.machine}</td><td>{item.words.total}</td>"
            f"<td>{'yes' if item.published else 'no'}</td></tr>"
            for item in locale.articles
        )
        sections.append(
            f"<section><h2>{escape(locale.locale)} {_bar(locale.completeness)}</h2>"
            f"<p>{locale.published} of {len(locale.articles)} articles published; "
            f"{locale.words.translated} of {locale.words.total} words translated.</p>"
            "<table><thead><tr><th>article</th><th>done</th><th>segments</th><th>translated</th><th>fuzzy</th>"
            "<th>untranslated</th><th>machine</th><th>words</th><th>published</th></tr></thead>"
            f"<tbody>\n{rows}\n</tbody></table></section>"
        )
    return _STATUS_PAGE.replace("{sections}", "\n".join(sections))


def _bar(share: float) -> str:
    percent = f"{share:.0%}"
    return f'<span class="bar"><span style="inline-size:{percent}"></span></span> {percent}'


_STATUS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Translation status</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
table { border-collapse: collapse; inline-size: 100%; margin-block-end: 2rem; }
th, td { border-block-end: 1px solid #ddd; padding: .3rem .5rem; text-align: end; }
th:first-child, td:first-child { text-align: start; }
th { cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
.bar { display: inline-block; inline-size: 8rem; block-size: .7rem; background: #e4e4e4; border-radius: 3px; }
.bar span { display: block; block-size: 100%; background: #2e7d32; border-radius: 3px; }
</style>
</head>
<body>
<h1>Translation status</h1>
{sections}
<script>
document.querySelectorAll("table").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.tabIndex = 0;
    function sort() {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      function key(row) {
        var cell = row.cells[column], value = cell.getAttribute("data-value") || cell.textContent;
        return isNaN(value) ? value.toLowerCase() : Number(value);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") sort(); });
  });
});
</script>
</body>
</html>
"""
