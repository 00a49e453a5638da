"""Translation: decide what every segment of an article shows in one locale.

A segment shows its catalog translation when there is a usable one; otherwise the source
text, marked as a fallback so the page can say so. A translation is untrusted: one that
carries any template syntax beyond exactly its source's placeholders is never used, and
the problem is reported at the catalog entry's line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.checks import ERROR
from generator.config import Config, LocalePolicy
from generator.content.placeholders import fill, find_placeholders, stray_template_syntax
from generator.content.plurals import COUNT, COUNT_MARK
from generator.content.segment import plain_text
from generator.l10n.pseudo import pseudo_localize
from generator.l10n.qa import Finding, Pair, Settings, run_checks
from generator.locales import LocaleInfo, categories
from generator.model import MACHINE, Article, Catalog, CatalogEntry, LocalizedArticle, Segment, SegmentNote
from generator.report import Diagnostic, warning


@dataclass(frozen=True)
class Translation:
    """How the pages of one locale take their text: its variables, its policy and its QA review."""

    locale: LocaleInfo
    source_locale: str
    variables: Mapping[str, Any]
    policy: LocalePolicy = LocalePolicy()
    #: The error-level checks that withhold a translation (none for the source and pseudo-locales).
    review: Review | None = None
    #: Give every segment a note for the translator (`helpgen serve`).
    preview: bool = False


def translation_for(config: Config, locale: LocaleInfo, *, reviewed: bool = True, preview: bool = False) -> Translation:
    """Return how `locale`'s pages take their text, as the config says; with `reviewed`, QA withholds.

    With `preview` (`helpgen serve`), every segment gets a note for the translator.
    """
    review = None
    if reviewed and not locale.is_pseudo and locale.tag != config.source_locale:
        settings = Settings(config.qa_keep, config.qa_glossary)
        rtl = locale.direction == "rtl"
        review = Review(locale.tag, config.source_locale, config.severities(locale.tag), settings, rtl)
    variables = config.variables_for(locale.tag)
    return Translation(locale, config.source_locale, variables, config.policy(locale.tag), review, preview)


def localize_article(
    article: Article,
    translation: Translation,
    catalog: Catalog | None = None,
    snippet_catalogs: Mapping[str, Catalog | None] | None = None,
) -> LocalizedArticle:
    """Return the text of every segment of `article` in one locale, placeholders filled, as the policy says.

    A segment from a snippet takes its translation from the snippet's own catalog. In a preview
    translation, every translated locale's segment also gets a note for the translator (its
    status, catalog entry and QA findings; `helpgen serve` shows them).
    """
    locale, source_locale, variables = translation.locale, translation.source_locale, translation.variables
    policy, review, preview = translation.policy, translation.review, translation.preview
    texts: dict[str, str] = {}
    plural_texts: dict[str, tuple[tuple[str, str], ...]] = {}
    fallbacks: set[str] = set()
    machine: set[str] = set()
    unreviewed: set[str] = set()
    diagnostics: list[Diagnostic] = []
    notes: dict[str, SegmentNote] = {}
    plural_variables = {**variables, COUNT: COUNT_MARK}
    for segment in article.segments:
        msgid = segment.msgid
        if msgid in texts:
            continue
        source_forms: tuple[str, ...] = (msgid, segment.plural) if segment.plural else (msgid,)
        if locale.tag == source_locale:
            forms = source_forms
        elif locale.is_pseudo:
            forms = tuple(pseudo_localize(form) for form in source_forms)
        else:
            own = (snippet_catalogs or {}).get(segment.source) if segment.source else catalog
            entry = own.entries.get(msgid) if own else None
            chosen = choose_forms(segment, entry, locale.tag, policy, own.path if own else "", diagnostics, review)
            forms = source_forms if chosen is None else chosen
            if chosen is None:
                fallbacks.add(msgid)
            elif entry is not None:
                if entry.origin == MACHINE:
                    machine.add(msgid)
                if entry.fuzzy:
                    unreviewed.add(msgid)
            if preview:
                path = own.path if own else ""
                notes[msgid] = note_for(segment, entry, path, variables, locale, review)
        texts[msgid] = fill(forms[0], plural_variables if segment.plural else variables, locale.babel)
        if segment.plural:
            tags = categories(source_locale if msgid in fallbacks or locale.is_pseudo else locale.tag)
            filled = (fill(form, plural_variables, locale.babel) for form in forms)
            plural_texts[msgid] = tuple(zip(tags, filled, strict=True))
    localized = LocalizedArticle(
        article,
        locale,
        texts,
        frozenset(fallbacks),
        frozenset(machine),
        frozenset(unreviewed),
        tuple(diagnostics),
        plurals=plural_texts,
        notes=notes,
    )
    if localized.completeness < policy.min_completeness:
        return unpublished(localized, variables, source_locale)
    return localized


def note_for(
    segment: Segment,
    entry: CatalogEntry | None,
    catalog_path: str,
    variables: Mapping[str, Any],
    locale: LocaleInfo,
    review: Review | None,
) -> SegmentNote:
    """Return what the preview tells the translator about one segment: status, entry, source, QA."""
    filled = fill(segment.msgid, {**variables, COUNT: COUNT_MARK} if segment.plural else variables, locale.babel)
    source = plain_text(filled)
    if entry is None or not (entry.msgstr or any(entry.msgstr_plural)):
        return SegmentNote(("untranslated",), f"{catalog_path}:{entry.line}" if entry else "", source)
    flags = [flag for flag, on in (("fuzzy", entry.fuzzy), ("machine", entry.origin == MACHINE)) if on]
    forms = entry.msgstr_plural if segment.plural else (entry.msgstr,)
    findings = [problem] if (problem := check_translation(segment, forms)) else []
    if review is not None:
        findings += [f"{severity}: {finding.message}" for severity, finding in review.findings(segment, forms, entry)]
    if findings:
        flags.append("qa")
    return SegmentNote(tuple(flags), f"{catalog_path}:{entry.line}", source, tuple(dict.fromkeys(findings)))


def choose_forms(
    segment: Segment,
    entry: CatalogEntry | None,
    locale: str,
    policy: LocalePolicy,
    catalog_path: str,
    diagnostics: list[Diagnostic],
    review: Review | None = None,
) -> tuple[str, ...] | None:
    """Return the translated form(s) a segment shows, or None when it shows its source text."""
    if entry is None:
        return None
    if segment.plural:
        forms = entry.msgstr_plural
        if len(forms) != len(categories(locale)) or not all(forms):
            return None
    else:
        forms = (entry.msgstr,)
        if not entry.msgstr:
            return None
    problem = check_translation(segment, forms)
    if problem:
        diagnostics.append(
            warning(catalog_path, entry.line, "unsafe-translation", problem, "the source text is shown instead")
        )
        return None
    if entry.fuzzy and policy.fuzzy == "source":
        return None
    if entry.origin == MACHINE and policy.machine == "source":
        return None
    if review is not None and review.failures(segment, forms, entry, catalog_path, diagnostics):
        return None
    return forms


@dataclass(frozen=True)
class Review:
    """The error-level QA checks a build runs on every translation it would show (qa.py)."""

    locale: str
    source_locale: str
    severities: Mapping[str, str]
    settings: Settings
    rtl: bool = False

    def findings(
        self, segment: Segment, forms: tuple[str, ...], entry: CatalogEntry, only: str | None = None
    ) -> list[tuple[str, Finding]]:
        """Return (severity, finding) for each form of a translation, checked against its source (or plural)."""
        sources = (segment.msgid, *([segment.plural] * (len(forms) - 1))) if segment.plural else (segment.msgid,)
        found = []
        for source, form in zip(sources, forms, strict=False):
            pair = Pair(source, form, self.locale, self.source_locale, self.settings, self.rtl)
            found += run_checks(pair, self.severities, entry.ignored, only=only)
        return found

    def failures(
        self, segment: Segment, forms: tuple[str, ...], entry: CatalogEntry, path: str, diagnostics: list[Diagnostic]
    ) -> bool:
        """Report every error-level finding of a translation (as a warning: the build goes on); True if any."""
        found = self.findings(segment, forms, entry, only=ERROR)
        for _severity, finding in found:
            message = finding.message + "; the source text is shown instead"
            diagnostics.append(warning(path, entry.line, finding.check, message, finding.fix))
        return bool(found)


def unpublished(localized: LocalizedArticle, variables: Mapping[str, Any], source_locale: str) -> LocalizedArticle:
    """Return a page below its locale's minimum completeness: the source text throughout."""
    source_forms = {s.msgid: (s.msgid, s.plural) for s in localized.article.segments if s.plural}
    plural_variables = {**variables, COUNT: COUNT_MARK}
    babel = localized.locale.babel
    source_tags = categories(source_locale)
    return replace(
        localized,
        texts={
            msgid: fill(msgid, plural_variables if msgid in source_forms else variables, babel)
            for msgid in localized.texts
        },
        plurals={
            msgid: tuple(zip(source_tags, (fill(f, plural_variables, babel) for f in forms), strict=True))
            for msgid, forms in source_forms.items()
        },
        fallbacks=frozenset(localized.texts),
        machine=frozenset(),
        unreviewed=frozenset(),
        published=False,
    )


def check_translation(segment: Segment, forms: tuple[str, ...]) -> str | None:
    """Return why a translation may not be used, or None when it is safe.

    A translation carries exactly its source's placeholders; a plural form may leave out
    `{{ count }}` (many languages write "one licence", not "1 licence").
    """
    wanted = Counter(find_placeholders(segment.msgid + segment.plural if segment.plural else segment.msgid))
    for form in forms:
        stray = stray_template_syntax(form)
        if stray:
            return f"translation contains template syntax '{stray[0]}' that is not a placeholder of its source"
        found = Counter(find_placeholders(form))
        if segment.plural:
            wanted_here = Counter({name: 1 for name in wanted if name != COUNT})
            found, wanted_form = Counter({n: 1 for n in found if n != COUNT}), wanted_here
        else:
            wanted_form = wanted
        if found != wanted_form:
            missing = sorted((wanted_form - found).elements())
            extra = sorted((found - wanted_form).elements())
            parts = [f"misses {{{{ {name} }}}}" for name in missing] + [f"adds {{{{ {name} }}}}" for name in extra]
            return "translation " + " and ".join(parts)
    return None
