"""The build: project in, static localized site out. This function is the table of contents."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import conditions, plurals
from .articles import article_paths, read_articles
from .catalogs import catalog_path, read_catalog, theme_catalog_path
from .config import Config
from .locales import LocaleInfo, locale_info
from .markup import RenderContext, localize_tokens, render_article_body
from .model import Article, Catalog, LocalizedArticle, Page
from .pages import (
    Site,
    Theme,
    page_path,
    render_article_page,
    render_locale_index,
    render_root_page,
    render_sitemap,
    root_prefix,
    static_pages,
)
from .paths import iter_files
from .report import ContentError, Report, error, warning
from .translate import localize_article
from .writer import check_output_dir, check_unique_paths, read_previous, write_site


@dataclass(frozen=True)
class BuildOptions:
    """What to build: which locales, for which org state, into which folder."""

    out_dir: Path
    locales: tuple[str, ...] = ()
    profile: str | None = None


@dataclass
class BuildResult:
    """What a build did."""

    report: Report = field(default_factory=Report)
    pages: list[Page] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def build_site(config: Config, options: BuildOptions) -> BuildResult:
    """Build the whole site into memory, then write it at once."""
    result = BuildResult()
    check_output_dir(options.out_dir, config.project_dir)
    locales = select_locales(config, options.locales)
    org = resolve_profile(config, options.profile)
    articles, problems = read_articles(config)
    result.report.extend(problems)
    if not config.site_url:
        result.report.add(
            warning(
                config.config_path,
                0,
                "site-url",
                "site_url is not set; sitemap.xml and hreflang "
                "links use site-relative URLs, which search engines ignore",
            )
        )
    localized = localize_all(config, articles, locales, result.report)
    site = make_site(config, locales, articles, localized)
    themes = {
        locale.tag: Theme(config, locale, read_theme_catalog(config, locale, result.report)) for locale in locales
    }
    for item in localized.values():
        render_page(item, site, themes[item.locale.tag], org, options, result)
    result.pages += site_pages(site, themes, localized)
    keep_failed_pages(config, locales, options, result)
    for problem in check_unique_paths(result.pages):
        raise ContentError([error("site", 0, "output-collision", problem)])
    files = content_files(config) + locale_files(config, locales)
    write_site(options.out_dir, sorted(result.pages, key=lambda page: page.path), files)
    return result


def select_locales(config: Config, wanted: tuple[str, ...]) -> list[LocaleInfo]:
    """Return the locales to build: all of the config's, or those asked for."""
    for tag in wanted:
        if tag not in config.all_locales:
            raise ContentError(
                [
                    error(
                        config.config_path,
                        0,
                        "unknown-locale",
                        f"locale {tag} is not in locales",
                        f"known: {', '.join(config.all_locales)}",
                    )
                ]
            )
    tags = [tag for tag in config.all_locales if not wanted or tag in wanted or tag == config.source_locale]
    return [locale_info(tag, config.source_locale) for tag in tags]


def resolve_profile(config: Config, profile: str | None) -> Mapping[str, Any] | None:
    """Return the org state of a named profile, or None for pages that carry every branch."""
    if profile is None:
        return None
    if profile not in config.profiles:
        raise ContentError(
            [
                error(
                    config.config_path,
                    0,
                    "unknown-profile",
                    f"no profile called {profile!r}",
                    f"profiles: {', '.join(config.profiles) or 'none'}",
                )
            ]
        )
    return config.profiles[profile]


def localize_all(
    config: Config, articles: list[Article], locales: list[LocaleInfo], report: Report
) -> dict[tuple[str, str], LocalizedArticle]:
    """Return every article in every locale whose catalog could be read."""
    localized = {}
    for article in articles:
        for locale in locales:
            try:
                catalog = read_article_catalog(config, article, locale)
            except ContentError as exc:
                report.extend(exc.diagnostics)
                continue
            policy = config.policy(locale.tag)
            item = localize_article(article, locale, catalog, config.variables, config.source_locale, policy)
            report.extend(item.diagnostics)
            localized[(locale.tag, article.slug)] = item
    return localized


def read_article_catalog(config: Config, article: Article, locale: LocaleInfo) -> Catalog | None:
    """Return an article's catalog in `locale`, or None where no catalog is needed."""
    if locale.is_pseudo or locale.tag == config.source_locale:
        return None
    return read_catalog(config, locale.tag, catalog_path(locale.tag, article.path))


def read_theme_catalog(config: Config, locale: LocaleInfo, report: Report) -> Catalog | None:
    """Return the theme's UI strings in `locale`; a broken catalog is reported and ignored."""
    if locale.is_pseudo or locale.tag == config.source_locale:
        return None
    try:
        return read_catalog(config, locale.tag, theme_catalog_path(locale.tag))
    except ContentError as exc:
        report.extend(exc.diagnostics)
        return None


def make_site(
    config: Config,
    locales: list[LocaleInfo],
    articles: list[Article],
    localized: Mapping[tuple[str, str], LocalizedArticle],
) -> Site:
    """Return the site-wide facts: locales, articles in order, and every localized title."""
    ordered = sorted(articles, key=lambda a: (a.order is None, a.order or 0, a.title.casefold(), a.slug))
    titles = {key: item.title for key, item in localized.items()}
    anchors = {article.slug: article.anchors for article in articles}
    unpublished = frozenset(key for key, item in localized.items() if not item.published)
    assets = frozenset(path for path, _ in content_files(config))
    localized_assets = frozenset(
        (locale.tag, path.split("/", 1)[1]) for locale in locales for path, _ in locale_files(config, [locale])
    )
    return Site(
        config, tuple(locales), tuple(a.slug for a in ordered), titles, anchors, unpublished, assets, localized_assets
    )


def render_page(
    item: LocalizedArticle,
    site: Site,
    theme: Theme,
    org: Mapping[str, Any] | None,
    options: BuildOptions,
    result: BuildResult,
) -> None:
    """Render one article in one locale, or record why it failed."""
    article = item.article
    tokens = localize_tokens(article.tokens, item.texts, item.fallbacks, site.source.tag)
    tokens = plurals.expand_plurals(tokens, item, site.source.tag, org or site.config.default_org(), org is not None)
    has_conditions = org is None and any(t.type in conditions.BRANCH_TAGS or "data-hg-count" in t.attrs for t in tokens)
    if org is not None:
        tokens = conditions.select_branches(tokens, org)
    context = RenderContext(
        rewrite_url=link_rewriter(site, article, item.locale),
        alert_titles=theme.alert_titles(),
    )
    body = render_article_body(tokens, dict(article.env), context)
    if context.problems:
        result.report.extend(error(article.source_file, line, "link", message) for line, message in context.problems)
        return
    result.pages.append(render_article_page(item, body, site, theme, has_conditions))


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def link_rewriter(site: Site, article: Article, locale: LocaleInfo) -> Any:
    """Return the function that maps a link in `article` to its URL on the built page."""
    root = root_prefix(page_path(locale, article.slug))
    folder = posixpath.dirname(article.path)
    known = set(site.slugs)

    def rewrite(url: str, line: int, problems: list[tuple[int, str]]) -> str:
        if not url or _SCHEME.match(url) or url.startswith(("#", "/")):
            return url
        target, _, fragment = url.partition("#")
        resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved.startswith("../") or resolved == "..":
            problems.append((line, f"link '{url}' points outside content/"))
            return url
        if resolved.endswith(".md"):
            slug = resolved[: -len(".md")]
            if slug not in known:
                problems.append((line, f"link to '{url}': no article content/{resolved}"))
                return url
            if fragment and fragment not in site.anchors[slug]:
                problems.append((line, f"link to '{url}': no heading or anchor '{fragment}' in content/{resolved}"))
            return root + page_path(locale, slug).removesuffix("index.html") + (f"#{fragment}" if fragment else "")
        suffix = f"#{fragment}" if fragment else ""
        if (locale.tag, resolved) in site.locale_assets:  # a localized screenshot replaces the source one
            return f"{root}{locale.url_segment}/{resolved}{suffix}"
        if resolved not in site.assets:
            problems.append((line, f"link to '{url}': no file content/{resolved}"))
        return root + resolved + suffix

    return rewrite


def site_pages(
    site: Site, themes: Mapping[str, Theme], localized: Mapping[tuple[str, str], LocalizedArticle]
) -> list[Page]:
    """Return the pages that are not articles: indexes, root, sitemap, and the theme's files."""
    pages = []
    for locale in site.locales:
        descriptions = {slug: item.description for (tag, slug), item in localized.items() if tag == locale.tag}
        pages.append(render_locale_index(site, locale, themes[locale.tag], descriptions))
    pages.append(render_root_page(site, themes[site.source.tag]))
    pages.append(render_sitemap(site))
    pages.extend(static_pages(site.config))
    return pages


def keep_failed_pages(config: Config, locales: list[LocaleInfo], options: BuildOptions, result: BuildResult) -> None:
    """Keep serving the previous version of every article page whose new build failed."""
    built = {page.path for page in result.pages}
    expected = {page_path(locale, path[: -len(".md")]) for path in article_paths(config) for locale in locales}
    for path in sorted(expected - built):
        previous = read_previous(options.out_dir, path)
        if previous is not None:
            result.pages.append(Page(path, previous, "previous build"))
            result.kept.append(path)
        result.failed.append(path)


def locale_files(config: Config, locales: list[LocaleInfo]) -> list[tuple[str, Path]]:
    """Return the localized media of each locale (`locales/<L>/media/x.png` -> `<l>/media/x.png`)."""
    return [
        (f"{locale.url_segment}/{path}", config.locales_dir / locale.tag / path)
        for locale in locales
        for path in iter_files(config.locales_dir / locale.tag)
        if not path.endswith((".po", ".pot")) and not path.startswith("_")
    ]


def content_files(config: Config) -> list[tuple[str, Path]]:
    """Return the non-article files of content/ (images, media) to copy into the site."""
    return [
        (path, config.content_dir / path)
        for path in iter_files(config.content_dir)
        if not path.endswith(".md") and not path.startswith("_")
    ]
