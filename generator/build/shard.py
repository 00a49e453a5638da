"""A shard: the articles one process builds, from source files to written pages.

A build splits the articles into shards (one per worker process, or one in all for `-j1`).
Each shard works in two steps. `gather` reads its articles and catalogs and localizes them,
and returns only what the rest of the site needs to know (titles, anchors, what is published).
`render` then renders its pages, knowing the whole site, and writes them into the staging
folder. Parsed articles, catalogs, templates and the Markdown parser stay in the shard's
process from one step to the next; they are loaded once per worker, never per page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build.cache import Cache, code_fingerprint, fingerprint
from generator.build.page import link_targets, page_context, render_page
from generator.build.site import Modes, Site, Summary, page_path, theme_fingerprint
from generator.build.writer import PageWriter
from generator.config import Config
from generator.content.paths import check_relative_path, read_inside
from generator.content.sources import read_article_bytes, snippet_path
from generator.l10n.catalogs import catalog_path, parse_catalog, read_catalog_file, read_theme_catalog
from generator.locales import LocaleInfo
from generator.model import Catalog, LocalizedArticle
from generator.report import ContentError, Diagnostic, unexpected

if TYPE_CHECKING:
    from generator.build.pages import Theme

# The Markdown parser, the templates and the checks are imported where an article is parsed or a
# page is rendered: a build that changes nothing does neither, and its workers start at once.


@dataclass
class Gathered:
    """What `Shard.gather` found, and what the cache should remember of it."""

    summaries: list[Summary] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: article path -> (key of its inputs, summary, diagnostics, summary of its last good build), for the next build
    known: dict[str, tuple[str, Summary | None, list[Diagnostic], Summary | None]] = field(default_factory=dict)
    #: Whether any article was read afresh (otherwise the cache already holds `known`).
    changed: bool = False


@dataclass
class Rendered:
    """What `Shard.render` did: pages built, or unchanged since the last build."""

    keys: dict[str, str] = field(default_factory=dict)
    rebuilt: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Source:
    """An article's inputs: its bytes, its catalogs' bytes and the key of each locale's page content."""

    data: bytes
    #: locale -> the catalog's bytes (None: none is needed, or there is none; an error: it cannot be read)
    catalogs: dict[str, CatalogBytes]
    keys: dict[str, str]
    #: snippet path -> (its bytes, locale -> its catalog's bytes)
    snippets: dict[str, tuple[bytes, dict[str, CatalogBytes]]] = field(default_factory=dict)


#: A catalog's bytes as read: None where there is none, the error where it cannot be read, so that
#: one bad catalog fails its locale's page only, not the article in every locale.
CatalogBytes = bytes | ContentError | None


#: Name of the cache entry that remembers every article's summary between builds.
KNOWN = "summaries"


class Shard:
    """The articles one process builds, kept in memory between gathering and rendering."""

    def __init__(
        self,
        config: Config,
        locales: list[LocaleInfo],
        cache: Cache,
        config_key: str,
        out_dir: Path,
        modes: Modes,
    ) -> None:
        self.config = config
        self.modes = modes
        self.locales = locales
        self.cache = cache
        self.config_key = config_key
        self.out_dir = out_dir
        self.sources: dict[str, _Source] = {}
        self.summaries: dict[str, Summary] = {}
        self.localized: dict[str, dict[str, LocalizedArticle]] = {}
        self.themes: dict[str, Theme] = {}
        self.theme_keys: dict[str, str] = {}
        self.theme_catalogs: dict[str, Catalog | None] = {}

    def gather(self, paths: list[str]) -> Gathered:
        """Read the articles at `paths` (below content/); parse and localize those whose inputs changed."""
        gathered = Gathered()
        known = self.cache.load("state", KNOWN) or {}
        for path in paths:
            try:
                source = self.read_source(path)
            except ContentError as exc:
                gathered.diagnostics.extend(exc.diagnostics)
                continue
            key = fingerprint(sorted(source.keys.items()), sorted(k for k, v in source.catalogs.items() if v is None))
            remembered = known.get(path)
            if remembered is not None and remembered[0] == key:
                summary, diagnostics = remembered[1], remembered[2]
            else:
                diagnostics = []
                try:
                    summary = self.summarize(path, source, diagnostics)
                except Exception as exc:
                    diagnostics.append(unexpected(f"content/{path}", exc, "build this article"))
                    summary = None
                gathered.changed = True
            gathered.diagnostics.extend(diagnostics)
            last_good = summary or last_good_summary(remembered)
            gathered.known[path] = (key, summary, diagnostics, last_good)
            if summary is None:
                kept = self.still_served(last_good)
                if kept is not None:  # its previous pages are served: the rest of the site keeps linking them (#20)
                    gathered.summaries.append(kept)
                continue
            self.sources[path] = source
            self.summaries[path] = summary
            gathered.summaries.append(summary)
        return gathered

    def still_served(self, summary: Summary | None) -> Summary | None:
        """Return an article's last good summary, less the locales whose previous page is gone (None: none left)."""
        if summary is None:
            return None
        localized = {
            locale.tag: summary.localized[locale.tag]
            for locale in self.locales
            if locale.tag in summary.localized
            and os.path.isfile(os.path.join(self.out_dir, page_path(locale, summary.slug)))
        }
        return replace(summary, localized=localized) if localized else None

    def read_source(self, path: str) -> _Source:
        """Return an article's bytes and its catalogs' bytes, and the key of each locale's content."""
        data = read_article_bytes(self.config, path)
        catalogs = {locale.tag: read_catalog_bytes(self.config, path, locale) for locale in self.locales}
        snippets = {}
        for snippet in included_snippets(self.config, data):
            snippet_data = snippet_bytes(self.config, snippet)
            snippets[snippet] = (
                snippet_data,
                {locale.tag: read_catalog_bytes(self.config, snippet, locale) for locale in self.locales},
            )
        article = fingerprint(code_fingerprint(), self.config_key, path, data)  # hashed once, not once a locale
        keys = {
            tag: fingerprint(
                article,
                tag,
                catalog_key(catalog),
                [(name, body, catalog_key(parts[tag])) for name, (body, parts) in sorted(snippets.items())]
                if snippets
                else b"",
            )
            for tag, catalog in catalogs.items()
        }
        return _Source(data, catalogs, keys, snippets)

    def summarize(self, path: str, source: _Source, diagnostics: list[Diagnostic]) -> Summary | None:
        """Parse and localize an article in every locale; return its summary (None if it cannot be read)."""
        from generator.content.articles import read_article
        from generator.l10n.translate import localize_article, translation_for

        try:
            article = read_article(self.config, path, source.data)
        except ContentError as exc:
            diagnostics.extend(exc.diagnostics)
            return None
        items = {}
        for locale in self.locales:
            try:
                catalog = parse_catalog_bytes(article.path, locale, source.catalogs[locale.tag])
                snippet_catalogs = {
                    name: parse_catalog_bytes(name, locale, parts[locale.tag])
                    for name, (_, parts) in source.snippets.items()
                }
            except ContentError as exc:
                diagnostics.extend(exc.diagnostics)
                continue
            translation = translation_for(self.config, locale, preview=self.modes.preview)
            item = localize_article(article, translation, catalog, snippet_catalogs)
            diagnostics.extend(item.diagnostics)
            items[locale.tag] = item
        self.localized[path] = items
        return Summary(
            article.path,
            article.slug,
            article.order,
            article.title,
            article.anchors,
            {tag: (item.title, item.description, item.published) for tag, item in items.items()},
            link_targets(article),
        )

    def render(
        self,
        site: Site,
        org: Mapping[str, Any] | None,
        staging: Path,
        previous: Mapping[str, str],
        share: frozenset[str] | None = None,
    ) -> Rendered:
        """Write into `staging` every page of this shard (and of the share) that differs from the previous build's."""
        rendered = Rendered()
        with PageWriter(staging) as writer:
            for path, summary in self.summaries.items():
                if share is not None and path not in share:
                    continue
                for locale in self.locales:
                    if locale.tag not in summary.localized:
                        continue
                    output = page_path(locale, summary.slug)
                    context = page_context(site, summary, locale, org)
                    key = fingerprint(self.sources[path].keys[locale.tag], self.theme_key(locale), context)
                    rendered.keys[output] = key
                    if previous.get(output) == key and os.path.isfile(os.path.join(self.out_dir, output)):
                        rendered.unchanged.append(output)
                        continue
                    try:
                        page, problems = render_page(self.item(path, locale), site, self.theme(locale), org)
                    except Exception as exc:
                        page, problems = None, [unexpected(f"content/{path}", exc, "build this article")]
                    if page is None:
                        rendered.diagnostics.extend(problems)
                        del rendered.keys[output]
                        continue
                    writer.write(page)
                    rendered.rebuilt.append(output)
        return rendered

    def item(self, path: str, locale: LocaleInfo) -> LocalizedArticle:
        """Return an article in a locale, parsing it now if the cache spared that until a page needed it."""
        if path not in self.localized:
            self.summarize(path, self.sources[path], [])
        return self.localized[path][locale.tag]

    def theme(self, locale: LocaleInfo) -> Theme:
        """Return the templates and UI strings of a locale, loaded once."""
        from generator.build.pages import Theme

        if locale.tag not in self.themes:
            self.themes[locale.tag] = Theme(self.config, locale, self.theme_catalog(locale), self.modes.search)
        return self.themes[locale.tag]

    def theme_key(self, locale: LocaleInfo) -> str:
        """Return the hash of what a locale's theme puts on a page (without loading its templates)."""
        if locale.tag not in self.theme_keys:
            self.theme_keys[locale.tag] = theme_fingerprint(self.config, locale, self.theme_catalog(locale))
        return self.theme_keys[locale.tag]

    def theme_catalog(self, locale: LocaleInfo) -> Catalog | None:
        """Return a locale's theme catalog, read once."""
        if locale.tag not in self.theme_catalogs:
            # its problems are reported once, by the main process
            self.theme_catalogs[locale.tag] = read_theme_catalog(self.config, locale)[0]
        return self.theme_catalogs[locale.tag]


def read_catalog_bytes(config: Config, article_path: str, locale: LocaleInfo) -> CatalogBytes:
    """Return the bytes of an article's catalog in `locale` (None: none is needed, or there is none).

    A catalog that cannot be read (too large, a link out of the project) gives its error.
    """
    if locale.is_pseudo or locale.tag == config.source_locale:
        return None
    try:
        return read_catalog_file(config, catalog_path(locale.tag, article_path))
    except ContentError as exc:
        return exc


def catalog_key(data: CatalogBytes) -> bytes:
    """Return what a catalog's bytes give a cache key."""
    if isinstance(data, ContentError):
        return "\0".join(d.format() for d in data.diagnostics).encode()
    return data or b""


def parse_catalog_bytes(content_path: str, locale: LocaleInfo, data: CatalogBytes) -> Catalog | None:
    """Return the catalog of an article or snippet in `locale` from its bytes (None where there is none)."""
    if data is None:
        return None
    if isinstance(data, ContentError):
        raise data
    return parse_catalog(data, locale.tag, catalog_path(locale.tag, content_path))


_INCLUDE_LINE = re.compile(rb"""^[ \t]*\{%-?\s*include\s+["']([^"']+)["']""", re.MULTILINE)


def included_snippets(config: Config, data: bytes) -> list[str]:
    """Return the snippets an article includes, directly or through other snippets (for its cache key)."""
    found: set[str] = set()
    pending = [data]
    while pending:  # each snippet is read once, however often it is included
        for match in _INCLUDE_LINE.finditer(pending.pop()):
            path = snippet_path(match.group(1).decode("utf-8", "replace"))
            if path in found or check_relative_path(path):
                continue
            found.add(path)
            pending.append(snippet_bytes(config, path))
    return sorted(found)


def snippet_bytes(config: Config, path: str) -> bytes:
    """Return a snippet's bytes for a cache key (empty when it cannot be read: the article reports why)."""
    try:
        return read_inside(config.content_dir, path) or b""
    except OSError:
        return b""


def last_good_summary(remembered: tuple[Any, ...] | None) -> Summary | None:
    """Return the summary of an article's last successful build, from what the cache remembers of it."""
    if remembered is None:
        return None
    summary: Summary | None = remembered[1] if remembered[1] is not None else (remembered[3:4] or [None])[0]
    return summary
