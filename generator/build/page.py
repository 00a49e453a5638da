"""One article in one locale: its page, from the localized article and the facts of the whole site.

Pure functions, used by the shards of a build, by `helpgen variants` and by the preview: they
take values and return values, and read no file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator.build.site import Site, Summary, page_path, root_prefix
from generator.config import Config
from generator.locales import LocaleInfo
from generator.model import Article, LocalizedArticle
from generator.report import Diagnostic, error

if TYPE_CHECKING:
    from generator.build.pages import Theme
    from generator.content.markup import RenderContext

# The Markdown parser and the templates are imported where a page is rendered: a build that
# changes nothing renders none.


_LINK = re.compile(r"""\]\(\s*<?([^)\s>]+)|\bsrc\s*=\s*["']([^"']+)""")


def link_targets(article: Article) -> tuple[str, ...]:
    """Return the relative targets of an article's links and images (a superset is fine: it only keys the cache)."""
    from generator.content.links import SCHEME

    found: set[str] = set()
    for token in article.tokens:
        for match in _LINK.finditer(token.content):
            url = match.group(1) or match.group(2)
            if not SCHEME.match(url) and not url.startswith(("#", "/")):
                found.add(url)
    return tuple(sorted(found))


def page_context(site: Site, summary: Summary, locale: LocaleInfo, org: Mapping[str, Any] | None) -> list[Any]:
    """Return every fact of the rest of the site that one article page shows (its cache key's part)."""
    slug = summary.slug
    neighbours = [(other, site.titles.get((locale.tag, other))) for other in site.neighbours(locale, slug) if other]
    folder = posixpath.dirname(summary.path)
    links = []
    for url in summary.links:
        target, _, fragment = url.partition("#")
        resolved = posixpath.normpath(posixpath.join(folder, target))
        slug_of_target = resolved[: -len(".md")] if resolved.endswith(".md") else None
        links.append(
            (
                url,
                slug_of_target in site.anchors if slug_of_target else resolved in site.assets,
                fragment in site.anchors.get(slug_of_target or "", ()) if fragment else None,
                (locale.tag, resolved) in site.locale_assets,
            )
        )
    return [
        [loc.tag for loc in site.locales],
        [loc.tag for loc in site.public_locales if site.published(loc, slug)],
        site.navigation_key(locale),
        site.sections.get(slug, ()),
        neighbours,
        links,
        dict(org) if org is not None else None,
    ]


def render_page(
    item: LocalizedArticle, site: Site, theme: Theme, org: Mapping[str, Any] | None
) -> tuple[Any, list[Diagnostic]]:
    """Return one article's page in one locale, or None and the problems that stopped it."""
    from generator.build.pages import render_article_page
    from generator.content.markup import RenderContext

    article = item.article
    context = RenderContext(rewrite_url=link_rewriter(site, article, item.locale), alert_titles=theme.alert_titles())
    body, dynamic = render_body(item, site.config, context, org, site.modes.preview)
    # search.js asks helpgen.js which conditional branches' results this reader's org state sees.
    dynamic = dynamic or (org is None and (theme.search or site.modes.preview) and bool(site.config.org))
    if context.problems:
        return None, [error(article.source_file, line, "link", message) for line, message in context.problems]
    return render_article_page(item, body, site, theme, dynamic), []


def render_body(
    item: LocalizedArticle,
    config: Config,
    context: RenderContext,
    org: Mapping[str, Any] | None,
    preview: bool = False,
) -> tuple[str, bool]:
    """Return an article's HTML in one locale, and whether the page's script decides branches or counts.

    With an org state the HTML holds its branches only; without one, every branch.
    """
    from generator.content import conditions, plurals
    from generator.content.markup import localize_tokens, render_article_body

    source = config.source_locale
    tokens = localize_tokens(item.article.tokens, item.texts, item.fallbacks, source, item.notes)
    tokens = plurals.expand_plurals(tokens, item, source, org or config.default_org(), org is not None)
    dynamic = org is None and any(t.type in conditions.BRANCH_TAGS or "data-hg-count" in t.attrs for t in tokens)
    if org is not None:
        tokens = conditions.select_branches(tokens, org)
    return render_article_body(tokens, dict(item.article.env), context, preview), dynamic


def link_rewriter(site: Site, article: Article, locale: LocaleInfo) -> Callable[[str, int, list[Any]], str]:
    """Return the function that maps a link in `article` to its URL on the built page."""
    from generator.content.links import resolve_link

    root = root_prefix(page_path(locale, article.slug))

    def rewrite(url: str, line: int, problems: list[tuple[int, str]]) -> str:
        target = resolve_link(url, article.path, site.anchors, site.assets)
        suffix = f"#{target.fragment}" if target.fragment else ""
        if target.kind == "file" and (locale.tag, target.path) in site.locale_assets:
            return f"{root}{locale.url_segment}/{quote(target.path)}{suffix}"  # a localized screenshot
        if target.problem:
            problems.append((line, target.problem))
            return url
        if target.kind == "article":
            return root + quote(page_path(locale, target.path).removesuffix("index.html")) + suffix
        if target.kind == "file":
            return root + quote(target.path) + suffix
        return url

    return rewrite
