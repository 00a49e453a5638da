"""Translation: decide what every segment of an article shows in one locale.

A segment shows its catalog translation when there is a usable one; otherwise the source
text, marked as a fallback so the page can say so. A translation is untrusted: one that
carries any template syntax beyond exactly its source's placeholders is never used, and
the problem is reported at the catalog entry's line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .config import LocalePolicy
from .locales import LocaleInfo
from .model import MACHINE, Article, Catalog, CatalogEntry, LocalizedArticle
from .placeholders import fill, find_placeholders, stray_template_syntax
from .pseudo import pseudo_localize
from .report import Diagnostic, warning


def localize_article(
    article: Article,
    locale: LocaleInfo,
    catalog: Catalog | None,
    variables: Mapping[str, Any],
    source_locale: str,
    policy: LocalePolicy | None = None,
) -> LocalizedArticle:
    """Return the text of every segment of `article` in `locale`, placeholders filled, as the policy says."""
    policy = policy or LocalePolicy()
    texts: dict[str, str] = {}
    fallbacks: set[str] = set()
    machine: set[str] = set()
    unreviewed: set[str] = set()
    diagnostics: list[Diagnostic] = []
    for segment in article.segments:
        msgid = segment.msgid
        if msgid in texts:
            continue
        if locale.tag == source_locale:
            text = msgid
        elif locale.is_pseudo:
            text = pseudo_localize(msgid)
        else:
            entry = catalog.entries.get(msgid) if catalog else None
            chosen = choose_text(msgid, entry, policy, catalog.path if catalog else "", diagnostics)
            text = msgid if chosen is None else chosen
            if chosen is None:
                fallbacks.add(msgid)
            elif entry is not None:
                if entry.origin == MACHINE:
                    machine.add(msgid)
                if entry.fuzzy:
                    unreviewed.add(msgid)
        texts[msgid] = fill(text, variables, locale.babel)
    localized = LocalizedArticle(
        article, locale, texts, frozenset(fallbacks), frozenset(machine), frozenset(unreviewed), tuple(diagnostics)
    )
    if localized.completeness < policy.min_completeness:
        return unpublished(localized, variables)
    return localized


def choose_text(
    msgid: str, entry: CatalogEntry | None, policy: LocalePolicy, catalog_path: str, diagnostics: list[Diagnostic]
) -> str | None:
    """Return the translation a segment shows, or None when it shows its source text."""
    if entry is None or not entry.msgstr:
        return None
    problem = check_translation(msgid, entry)
    if problem:
        diagnostics.append(
            warning(catalog_path, entry.line, "unsafe-translation", problem, "the source text is shown instead")
        )
        return None
    if entry.fuzzy and policy.fuzzy == "source":
        return None
    if entry.origin == MACHINE and policy.machine == "source":
        return None
    return entry.msgstr


def unpublished(localized: LocalizedArticle, variables: Mapping[str, Any]) -> LocalizedArticle:
    """Return a page below its locale's minimum completeness: the source text throughout."""
    source = localized.locale
    texts = {msgid: fill(msgid, variables, source.babel) for msgid in localized.texts}
    return replace(
        localized,
        texts=texts,
        fallbacks=frozenset(texts),
        machine=frozenset(),
        unreviewed=frozenset(),
        published=False,
    )


def check_translation(msgid: str, entry: CatalogEntry) -> str | None:
    """Return why a translation may not be used, or None when it is safe."""
    if not entry.msgstr:
        return None
    stray = stray_template_syntax(entry.msgstr)
    if stray:
        return f"translation contains template syntax '{stray[0]}' that is not a placeholder of its source"
    wanted, found = Counter(find_placeholders(msgid)), Counter(find_placeholders(entry.msgstr))
    if wanted != found:
        missing = sorted((wanted - found).elements())
        extra = sorted((found - wanted).elements())
        parts = [f"misses {{{{ {name} }}}}" for name in missing] + [f"adds {{{{ {name} }}}}" for name in extra]
        return "translation " + " and ".join(parts)
    return None
