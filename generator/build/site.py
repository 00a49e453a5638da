"""What every page needs to know about the whole site, and where pages go.

Kept apart from `pages` (templates): a build that changes nothing needs these, never Jinja.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.build.cache import files_fingerprint, fingerprint
from generator.config import Config
from generator.content.paths import iter_files
from generator.content.toc import TocEntry
from generator.locales import LocaleInfo
from generator.model import Catalog


@dataclass(frozen=True)
class Modes:
    """How this run builds (from its BuildOptions, not helpgen.yaml): with the search index, as a preview."""

    search: bool = False
    #: Pages carry each segment's translation status for the preview tools (`helpgen serve`).
    preview: bool = False


@dataclass(frozen=True)
class Summary:
    """What the rest of the site needs to know about one article."""

    path: str
    slug: str
    order: int | None
    title: str
    anchors: frozenset[str]
    #: locale -> (title, description, published)
    localized: Mapping[str, tuple[str, str, bool]]
    #: Relative link and image targets of the article (for the cache keys of its pages).
    links: tuple[str, ...] = ()


class _AnyAnchor(frozenset[str]):
    """The anchors of an article that failed to build: unknown, so a link to any of them is taken."""

    def __contains__(self, item: object) -> bool:
        return True


#: Stands for the anchors of an article whose file exists but failed: its own error is reported
#: once, and the pages that link to it still build.
UNKNOWN_ANCHORS: frozenset[str] = _AnyAnchor()


#: Above this many articles the sidebar is left out of article pages (the locale index lists them all).
SIDEBAR_LIMIT = 100


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the whole site."""

    config: Config
    locales: tuple[LocaleInfo, ...]
    slugs: tuple[str, ...]
    titles: Mapping[tuple[str, str], str]
    anchors: Mapping[str, frozenset[str]]
    unpublished: frozenset[tuple[str, str]] = frozenset()
    assets: frozenset[str] = frozenset()
    locale_assets: frozenset[tuple[str, str]] = frozenset()
    #: content/TOC.yml's entries, or None to list the articles in front matter order.
    toc: tuple[TocEntry, ...] | None = None
    #: The TOC sections each article is in, outermost first (its breadcrumbs).
    sections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    modes: Modes = Modes()
    _orders: dict[str, dict[str, tuple[str | None, str | None]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _navigation_keys: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def navigation_key(self, locale: LocaleInfo) -> str | None:
        """Return what the sidebar of a locale's pages shows, as a hash (None when pages have none)."""
        if len(self.slugs) > SIDEBAR_LIMIT:
            return None
        if locale.tag not in self._navigation_keys:
            entries = [(slug, self.titles.get((locale.tag, slug))) for slug in self.slugs]
            self._navigation_keys[locale.tag] = fingerprint(entries, self.toc)
        return self._navigation_keys[locale.tag]

    def neighbours(self, locale: LocaleInfo, slug: str) -> tuple[str | None, str | None]:
        """Return the previous and next article of `slug` in site order, in one locale."""
        order = self._orders.get(locale.tag)
        if order is None:
            built = [s for s in self.slugs if (locale.tag, s) in self.titles]
            order = self._orders[locale.tag] = {
                s: (built[i - 1] if i else None, built[i + 1] if i + 1 < len(built) else None)
                for i, s in enumerate(built)
            }
        return order.get(slug, (None, None))

    def published(self, locale: LocaleInfo, slug: str) -> bool:
        """Return whether an article is published in a locale (built, and complete enough)."""
        return (locale.tag, slug) in self.titles and (locale.tag, slug) not in self.unpublished

    @property
    def source(self) -> LocaleInfo:
        """Return the source locale."""
        return self.locales[0]

    @property
    def public_locales(self) -> tuple[LocaleInfo, ...]:
        """Return the locales readers choose from (pseudo-locales are for testing)."""
        return tuple(locale for locale in self.locales if not locale.is_pseudo)


def page_path(locale: LocaleInfo, slug: str) -> str:
    """Return the output path of an article page: `zh-cn/cancel-subscription/index.html`."""
    return f"{locale.url_segment}/{slug}/index.html"


def site_page_paths(locales: Iterable[LocaleInfo]) -> list[str]:
    """Return the output paths of the pages that are not articles (the theme's files are under `_static/`)."""
    paths = ["index.html", "404.html", "sitemap.xml"]
    for locale in locales:
        paths += [f"{locale.url_segment}/index.html", f"{locale.url_segment}/404.html"]
    return paths


def root_prefix(path: str) -> str:
    """Return the relative URL from the page at `path` to the site root."""
    return "../" * path.count("/")


def theme_fingerprint(config: Config, locale: LocaleInfo, catalog: Catalog | None) -> str:
    """Return the hash of what a locale's theme puts on a page: the project's templates and the UI strings.

    helpgen's own theme is part of its code's hash.
    """
    overrides = [config.templates_dir / p for p in iter_files(config.templates_dir)]
    ui = sorted((e.msgid, e.msgstr, e.fuzzy) for e in catalog.entries.values()) if catalog else []
    return fingerprint(files_fingerprint(overrides), ui, locale.tag)
