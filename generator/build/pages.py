"""Pages: put rendered articles into the theme's Jinja templates, and make the site-wide pages.

Templates run in Jinja's immutable sandbox with strict undefined variables. The theme is the
project's `templates/` folder laid over helpgen's default theme, so a project overrides only
the files it wants to change. UI strings are translated through `locales/<L>/_theme.po`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    select_autoescape,
)
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from markupsafe import escape as escape_html

from generator.build.site import SIDEBAR_LIMIT, Site, page_path, root_prefix, theme_fingerprint
from generator.config import Config
from generator.content.articles import CONTROL_CHARACTERS
from generator.content.markup import ALERT_TITLES
from generator.content.paths import read_inside
from generator.content.toc import TocEntry, toc_slugs
from generator.l10n.pseudo import pseudo_localize
from generator.locales import LocaleInfo
from generator.model import Catalog, LocalizedArticle, Page, SegmentNote

STATIC_FILES = ("helpgen.css", "helpgen.js", "language.js", "search.js")
#: An article with at least this many second-level headings gets an in-page table of contents.
IN_PAGE_TOC_MIN = 3
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.DOTALL)


def in_page_toc(body: str) -> list[dict[str, str]]:
    """Return the second-level headings of a long article, for its in-page table of contents."""
    headings = [{"id": m.group(1), "title": re.sub(r"<[^>]+>", "", m.group(2)).strip()} for m in _H2.finditer(body)]
    return headings if len(headings) >= IN_PAGE_TOC_MIN else []


def ui_translator(catalog: Catalog | None, locale: LocaleInfo) -> Callable[[str], str]:
    """Return the gettext function for the theme's UI strings in `locale`."""
    if locale.is_pseudo:
        return pseudo_localize
    entries = catalog.entries if catalog else {}

    def gettext(message: str) -> str:
        entry = entries.get(message)
        return CONTROL_CHARACTERS.sub("", entry.msgstr) if entry and entry.msgstr and not entry.fuzzy else message

    return gettext


class ConstantGettext(Extension):
    """Put the translation of `{{ _("literal") }}` into the template when it is compiled.

    Every locale has an environment of its own, so a UI string without arguments is looked up
    and escaped once per build instead of on every page (ten calls a page through the sandbox).
    The output is the same as the call's: the escaped translation, formatted with no arguments.
    """

    SHAPE = ["variable_begin", "name", "lparen", "string", "rparen", "variable_end"]

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Return the template's tokens with each `{{ _("literal") }}` replaced by its translation."""
        tokens = list(stream)
        gettext: Callable[[str], str] = getattr(self.environment, "helpgen_gettext", lambda text: text)
        index = 0
        while index < len(tokens):
            window = tokens[index : index + len(self.SHAPE)]
            if [t.type for t in window] == self.SHAPE and window[1].value == "_":
                try:
                    text = str(escape_html(gettext(window[3].value)) % {})
                except (TypeError, ValueError, KeyError):  # left to the call, which reports it at render time
                    text = None
                if text is not None:
                    yield Token(window[0].lineno, "data", text)
                    index += len(self.SHAPE)
                    continue
            yield tokens[index]
            index += 1


class ProjectTemplates(FileSystemLoader):
    """The project's template overrides: a template that is a link out of `templates/` is never read.

    Such a link is taken as no override, and the default theme's template is used.
    """

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return the template's source, refusing links that leave the templates folder."""
        source, filename, uptodate = super().get_source(environment, template)
        inside = os.path.realpath(self.searchpath[0])
        if os.path.commonpath([os.path.realpath(filename), inside]) != inside:
            raise TemplateNotFound(template)
        return source, filename, uptodate


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with `x.name` on a plain dict looked up as an item first.

    Jinja tries the attribute first and the item only after an AttributeError: for the dicts
    that pages pass to templates (links, navigation entries), every `link.href` raised and caught
    an exception. An item of a dict is always safe (the sandbox's `x["name"]` does the same); a
    name that is not a key, such as `items`, still finds the method, as before.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def make_environment(config: Config, gettext: Callable[[str], str]) -> ImmutableSandboxedEnvironment:
    """Return the sandboxed template environment of one locale."""
    loaders: list[Any] = []
    if config.templates_dir.is_dir():
        loaders.append(ProjectTemplates(config.templates_dir))
    loaders.append(PackageLoader("generator", "theme"))
    environment = _Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n", ConstantGettext],
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once
    )
    # Jinja's new-style gettext marks what it returns as safe HTML: a translation is untrusted
    # text, so it is escaped first (a translator's <script> shows as text; " cannot end an attribute).
    environment.extend(helpgen_gettext=gettext)
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: escape_html(gettext(s)), lambda s, p, n: escape_html(gettext(s if n == 1 else p)), newstyle=True
    )
    return environment


class Theme:
    """The templates and UI strings of one locale."""

    def __init__(self, config: Config, locale: LocaleInfo, catalog: Catalog | None, search: bool = False) -> None:
        self.gettext = ui_translator(catalog, locale)
        self.environment = make_environment(config, self.gettext)
        self.templates: dict[str, Template] = {}
        self.site_name = self.gettext(config.site_name)
        self.search = search
        #: Hash of what this theme puts on a page (helpgen's own theme is part of its code's hash).
        self.fingerprint = theme_fingerprint(config, locale, catalog)

    def render(self, template: str, **context: Any) -> bytes:
        """Render one template to UTF-8 bytes."""
        context.setdefault("search", self.search)
        if template not in self.templates:  # Jinja's own lookup (a locked LRU cache) costs more than a dict's
            self.templates[template] = self.environment.get_template(template)
        return self.templates[template].render(site_name=self.site_name, **context).encode("utf-8")

    def alert_titles(self) -> dict[str, str]:
        """Return the localized alert titles."""
        return {kind: self.gettext(title) for kind, title in ALERT_TITLES.items()}


def alternates(site: Site, slug: str | None, path_of: Callable[[LocaleInfo], str], root: str) -> list[dict[str, str]]:
    """Return the hreflang alternates of one page for every public locale and x-default."""
    base = site.config.site_url
    links = [
        {"hreflang": locale.tag, "href": (base or root) + path_of(locale)}
        for locale in site.public_locales
        if slug is None or site.published(locale, slug)
    ]
    default = next((link for link in links if link["hreflang"] == site.source.tag), None)
    if default:
        links.append({"hreflang": "x-default", "href": default["href"]})
    return links


def path_of_slug(locale: LocaleInfo, slug: str) -> str:
    """Return the site-relative URL of an article page."""
    return _directory_url(page_path(locale, slug))


def _directory_url(path: str) -> str:
    """Return the URL of a page's folder, percent-encoded (file names may hold spaces)."""
    return quote(path.removesuffix("index.html"))


def language_links(
    site: Site, current: LocaleInfo, path_of: Callable[[LocaleInfo], str], root: str
) -> list[dict[str, Any]]:
    """Return the language switcher's entries: the same page in every locale."""
    return [
        {
            "tag": locale.tag,
            "lang": locale.lang,
            "name": locale.name,
            "direction": locale.direction,
            "href": root + path_of(locale),
            "current": locale.tag == current.tag,
        }
        for locale in site.locales
    ]


def org_config(config: Config) -> str:
    """Return the JSON the page script needs: field types and the default org state."""
    data = {"fields": {f.name: f.type for f in config.org}, "defaults": dict(config.default_org())}
    return json.dumps(data, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")


def note_attributes(note: SegmentNote | None) -> Markup:
    """Return a preview note as HTML attributes (for the title, which the template renders)."""
    if note is None:
        return Markup("")
    return Markup("").join(Markup(' {}="{}"').format(name, value) for name, value in note.attributes().items())


def render_article_page(localized: LocalizedArticle, body: str, site: Site, theme: Theme, has_conditions: bool) -> Page:
    """Return the HTML page of one article in one locale."""
    locale, slug = localized.locale, localized.article.slug
    path = page_path(locale, slug)
    root = root_prefix(path)

    def path_of(other: LocaleInfo) -> str:
        return _directory_url(page_path(other, slug))

    context = {
        "locale": locale,
        "source_locale": site.source,
        "root": root,
        "title": localized.title,
        "description": localized.description,
        "body": Markup(body),
        "translated": f"{localized.completeness:.2f}",
        "body_has_h1": "<h1" in body,
        "alternates": alternates(site, slug, path_of, root),
        "languages": language_links(site, locale, path_of, root),
        "navigation": (
            navigation_tree(site, locale, root, slug, theme.gettext) if len(site.slugs) <= SIDEBAR_LIMIT else []
        ),
        "sections": [theme.gettext(name) for name in site.sections.get(slug, ())],
        "index_href": f"{root}{locale.url_segment}/",
        "neighbours": [
            {"rel": rel, "title": site.titles[(locale.tag, other)], "href": root + path_of_slug(locale, other)}
            for rel, other in zip(("prev", "next"), site.neighbours(locale, slug), strict=True)
            if other is not None
        ],
        "contents": in_page_toc(body),
        "machine_translated": bool(localized.machine),
        "partly_untranslated": localized.shows_source and localized.published,
        "unreviewed": bool(localized.unreviewed),
        "unpublished": not localized.published,
        "source_href": root + path_of(site.source),
        "org_config": Markup(org_config(site.config)) if has_conditions else "",
        "title_attributes": note_attributes(localized.notes.get(localized.article.title)),
    }
    return Page(path, theme.render("article.html", **context), localized.article.source_file)


def navigation(site: Site, locale: LocaleInfo, root: str, current: str | None) -> list[dict[str, Any]]:
    """Return the articles of one locale for the navigation, in site order."""
    return [
        {
            "title": site.titles[(locale.tag, slug)],
            "href": root + _directory_url(page_path(locale, slug)),
            "current": slug == current,
            "slug": slug,
            "children": [],
        }
        for slug in site.slugs
        if (locale.tag, slug) in site.titles
    ]


def navigation_tree(
    site: Site, locale: LocaleInfo, root: str, current: str | None, gettext: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Return the sidebar: content/TOC.yml's sections and articles, then the articles it leaves out."""
    flat = navigation(site, locale, root, current)
    if site.toc is None:
        return flat
    by_slug = {item["slug"]: item for item in flat}

    def items(entries: tuple[TocEntry, ...]) -> list[dict[str, Any]]:
        found = []
        for entry in entries:
            children = items(entry.children)
            if entry.slug is not None and entry.slug in by_slug:
                found.append({**by_slug[entry.slug], "children": children})
            elif entry.url is not None:
                found.append({"title": gettext(entry.name), "href": entry.url, "current": False, "children": children})
            elif children:  # a section, or an article not built in this locale
                found.append({"title": gettext(entry.name), "href": None, "current": False, "children": children})
        return found

    listed = set(toc_slugs(site.toc))
    return items(site.toc) + [item for item in flat if item["slug"] not in listed]


def render_locale_index(site: Site, locale: LocaleInfo, theme: Theme, descriptions: Mapping[str, str]) -> Page:
    """Return a locale's index page: every article by its localized title."""
    path = f"{locale.url_segment}/index.html"
    root = root_prefix(path)
    items = sorted(
        ({**item, "description": descriptions.get(item["slug"], "")} for item in navigation(site, locale, root, None)),
        key=lambda item: (item["title"].casefold(), item["href"]),
    )

    def path_of(other: LocaleInfo) -> str:
        return f"{other.url_segment}/"

    return Page(
        path,
        theme.render(
            "index.html",
            locale=locale,
            root=root,
            articles=items,
            description="",
            alternates=alternates(site, None, path_of, root),
            languages=language_links(site, locale, path_of, root),
        ),
        "index",
    )


def render_not_found(site: Site, locale: LocaleInfo, theme: Theme, path: str) -> Page:
    """Return a locale's "page not found" page (404.html), at `path`.

    Its links start from the site's root path, for a server shows it at any address.
    """
    base = urlsplit(site.config.site_url).path or "/"
    return Page(
        path,
        theme.render(
            "404.html",
            locale=locale,
            root=base,
            description="",
            alternates=[],
            languages=language_links(site, locale, lambda other: f"{other.url_segment}/", base),
        ),
        "404",
    )


def render_root_page(site: Site, theme: Theme) -> Page:
    """Return `index.html` at the site root, which takes a reader to their language."""
    languages = [
        {
            "tag": locale.tag,
            "lang": locale.lang,
            "name": locale.name,
            "direction": locale.direction,
            "href": f"{locale.url_segment}/",
        }
        for locale in site.public_locales
    ]
    languages_json = json.dumps(
        [{"tag": item["tag"], "href": item["href"]} for item in languages], ensure_ascii=False
    ).replace("</", "<\\/")
    return Page(
        "index.html",
        theme.render(
            "root.html",
            locale=site.source,
            languages=languages,
            languages_json=Markup(languages_json),
            alternates=alternates(site, None, lambda other: f"{other.url_segment}/", ""),
        ),
        "index",
    )


def render_sitemap(site: Site) -> Page:
    """Return `sitemap.xml`: every public page with its hreflang alternates."""
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib and email (17 ms)

    base = site.config.site_url or "/"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for slug in site.slugs:
        published = [locale for locale in site.public_locales if site.published(locale, slug)]
        for locale in published:
            lines.append(f"<url><loc>{escape(base + _directory_url(page_path(locale, slug)))}</loc>")
            for other in published:
                href = quoteattr(base + _directory_url(page_path(other, slug)))
                lines.append(f'<xhtml:link rel="alternate" hreflang="{other.tag}" href={href}/>')
            href = quoteattr(base + _directory_url(page_path(site.source, slug)))
            lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={href}/>')
            lines.append("</url>")
    lines.append("</urlset>\n")
    return Page("sitemap.xml", "\n".join(lines).encode("utf-8"), "sitemap")


def static_pages(config: Config) -> list[Page]:
    """Return the theme's static files; a project's templates/static/ file replaces the default."""
    pages = []
    default = Path(__file__).parent.parent / "theme" / "static"
    for name in STATIC_FILES:
        try:
            data = read_inside(config.templates_dir, f"static/{name}")
            source = config.templates_dir / "static" / name
        except OSError:  # no override (or a link out of templates/, never read)
            data, source = None, default / name
        pages.append(Page(f"_static/{name}", data if data is not None else source.read_bytes(), str(source)))
    return pages
