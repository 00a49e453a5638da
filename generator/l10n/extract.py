"""Extraction: the messages a translator needs, as gettext templates (POT).

One template per article (its segments, in order, with their location and an extracted comment
giving the kind of unit and the value of every placeholder) and one for the theme's UI strings
(found in the Jinja templates by Jinja's own Babel extractor, plus the site name and alert titles).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2.ext import babel_extract

from generator.config import Config
from generator.content.markup import ALERT_TITLES
from generator.content.paths import iter_files
from generator.content.placeholders import PlaceholderError, find_placeholders, lookup
from generator.content.plurals import COUNT
from generator.content.toc import load_toc, section_names, toc_file
from generator.l10n.catalogs import CatalogMessage
from generator.model import Article, Segment

#: Template file of the theme's UI strings, at the root of locales/.
THEME_TEMPLATE = "_theme.pot"


def template_path(article_path: str) -> str:
    """Return the project-relative template path of an article: `locales/cancel.pot`."""
    return f"locales/{article_path[: -len('.md')]}.pot"


def article_messages(article: Article, variables: Mapping[str, Any]) -> list[CatalogMessage]:
    """Return an article's template messages: one per distinct segment of its own, in reading order.

    The segments of the snippets it includes belong to the snippets' own catalogs.
    """
    own = [segment for segment in article.segments if not segment.source]
    return segment_messages(own, article.source_file, variables)


def segment_messages(segments: list[Segment], source_file: str, variables: Mapping[str, Any]) -> list[CatalogMessage]:
    """Return template messages for segments of one file: one per distinct msgid, in reading order."""
    order: list[str] = []
    locations: dict[str, list[tuple[str, int]]] = {}
    kinds: dict[str, list[str]] = {}
    plural: dict[str, str] = {}
    for segment in segments:
        if segment.plural:
            plural[segment.msgid] = segment.plural
        if segment.msgid not in locations:
            order.append(segment.msgid)
            locations[segment.msgid], kinds[segment.msgid] = [], []
        locations[segment.msgid].append((source_file, segment.line))
        if segment.kind not in kinds[segment.msgid]:
            kinds[segment.msgid].append(segment.kind)
    return [
        CatalogMessage(
            msgid,
            msgid_plural=plural.get(msgid, ""),
            locations=tuple(locations[msgid]),
            auto_comments=(", ".join(kinds[msgid]), *placeholder_comments(msgid + plural.get(msgid, ""), variables)),
        )
        for msgid in order
    ]


def placeholder_comments(msgid: str, variables: Mapping[str, Any]) -> list[str]:
    """Return `name = value` for every distinct placeholder of a segment, for context."""
    comments = []
    for placeholder in dict.fromkeys(find_placeholders(msgid)):
        name = placeholder.split("|")[0]
        if name == COUNT:
            comments.append(f"{COUNT} = the number that chooses the plural form")
            continue
        try:
            comments.append(f"{placeholder} = {lookup(name, variables)}")
        except PlaceholderError:
            comments.append(f"{placeholder} = (unknown)")
    return comments


def theme_messages(config: Config) -> list[CatalogMessage]:
    """Return the theme's UI strings: from every template, then the site name and alert titles."""
    found: dict[str, list[tuple[str, int]]] = {}
    templates: dict[str, tuple[str, Path]] = {}
    for label, root in theme_roots(config):
        for relative in iter_files(root):
            if relative.endswith(".html"):
                templates[relative] = (label, root)  # a project's override replaces the default file
    for relative, (label, root) in sorted(templates.items()):
        for line, message in _extract_template(root / relative):
            places = found.setdefault(message, [])
            if (f"{label}/{relative}", line) not in places:  # one line may use a string twice
                places.append((f"{label}/{relative}", line))
    # flagged as Babel flags them when it reads the catalog back, so that a second update changes nothing
    messages = [
        CatalogMessage(msgid, locations=tuple(places), flags=format_flags(msgid)) for msgid, places in found.items()
    ]
    toc, _problems = load_toc(config, None)  # reported by the build
    extra = [(config.site_name, "site_name in helpgen.yaml")] + [(t, "alert title") for t in ALERT_TITLES.values()]
    extra += [(name, f"in content/{toc_file(config)}") for name in dict.fromkeys(section_names(toc or ()))]
    for msgid, comment in extra:
        if msgid not in found:
            messages.append(CatalogMessage(msgid, auto_comments=(comment,), flags=format_flags(msgid)))
    return messages


def format_flags(msgid: str) -> tuple[str, ...]:
    """Return `("python-format",)` for a UI string with `%` placeholders (as Babel marks it on reading), else ()."""
    from babel.messages.catalog import PYTHON_FORMAT

    return ("python-format",) if PYTHON_FORMAT.search(msgid) else ()


def theme_roots(config: Config) -> list[tuple[str, Path]]:
    """Return the theme folders: helpgen's default theme, then the project's overrides."""
    roots = [("helpgen-theme", Path(__file__).parent.parent / "theme")]
    if config.templates_dir.is_dir():
        roots.append(("templates", config.templates_dir))
    return roots


def _extract_template(path: Path) -> Iterable[tuple[int, str]]:
    options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "true"}
    with path.open("rb") as handle:
        data = io.BytesIO(handle.read())
    for line, _function, message, _comments in babel_extract(data, ("_", "gettext"), [], options):
        # A call with keyword arguments comes back as (message, None, …).
        text = message if isinstance(message, str) else next((m for m in message or () if isinstance(m, str)), "")
        if text:
            yield line, text
