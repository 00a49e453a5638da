"""Locale facts from Babel's CLDR data.

Canonical tags, text direction, names, plural categories and their gettext form order, and
the pseudo-locales.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

#: Pseudo-locales generated from the source text at build time (never stored as catalogs).
#: Each maps to (display name, text direction).
PSEUDO_LOCALES: dict[str, tuple[str, str]] = {
    "qps-ploc": ("Pseudo (accented)", "ltr"),
    "qps-plocm": ("Pseudo (mirrored)", "rtl"),
}


@dataclass(frozen=True)
class LocaleInfo:
    """What a page needs to know about its locale."""

    tag: str
    url_segment: str
    direction: str
    name: str
    formatting_locale: str
    is_pseudo: bool

    @property
    def lang(self) -> str:
        """Return the BCP 47 tag for `lang` and `hreflang`.

        A pseudo-locale's text is English in disguise: `en-x-ploc`, `en-x-plocm` (private use).
        """
        return f"en-x-{self.tag[4:]}" if self.is_pseudo else self.tag

    @property
    def babel(self) -> Locale:
        """Return the Babel locale used to format numbers and dates."""
        return _babel_locale(self.formatting_locale)


def check_locale_tag(tag: str) -> tuple[str, str] | None:
    """Return (message, hint) when `tag` is not a known locale written canonically (`de-DE`)."""
    if tag in PSEUDO_LOCALES:
        return f"{tag} is a pseudo-locale", "list it under pseudo_locales instead"
    try:
        locale = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        return f"unknown locale {tag!r}", _suggest(tag)
    canonical = canonical_tag(tag, locale)
    if canonical != tag:
        return f"locale {tag!r} is not written canonically", f"did you mean '{canonical}'?"
    return None


def canonical_tag(tag: str, locale: Locale) -> str:
    """Return `tag` with each subtag cased as BCP 47 recommends (`zh-cn` -> `zh-CN`)."""
    parts = tag.replace("_", "-").split("-")
    cased = [parts[0].lower()]
    for part in parts[1:]:
        cased.append(part.title() if len(part) == 4 else part.upper() if len(part) in (2, 3) else part)
    return "-".join(cased)


def _suggest(tag: str) -> str:
    known = {identifier.replace("_", "-").lower(): identifier.replace("_", "-") for identifier in _identifiers()}
    matches = difflib.get_close_matches(tag.lower(), list(known), n=1, cutoff=0.7)
    return f"did you mean '{known[matches[0]]}'?" if matches else ""


@lru_cache(maxsize=1)
def _identifiers() -> tuple[str, ...]:
    return tuple(locale_identifiers())


@lru_cache(maxsize=64)
def _babel_locale(tag: str) -> Locale:
    return Locale.parse(tag, sep="-")


@lru_cache(maxsize=64)
def locale_info(tag: str, source_locale: str) -> LocaleInfo:
    """Return the facts about `tag`; pseudo-locales format like the source locale."""
    if tag in PSEUDO_LOCALES:
        name, direction = PSEUDO_LOCALES[tag]
        return LocaleInfo(tag, tag.lower(), direction, name, source_locale, True)
    locale = _babel_locale(tag)
    name = locale.get_display_name(locale) or tag
    return LocaleInfo(tag, tag.lower(), locale.text_direction, name[:1].upper() + name[1:], tag, False)


@lru_cache(maxsize=64)
def categories(locale: str) -> tuple[str, ...]:
    """Return the CLDR plural category of each gettext form of `locale`, in msgstr[n] order.

    >>> categories("de-DE"), categories("zh-CN"), categories("ru")
    (('one', 'other'), ('other',), ('one', 'few', 'many'))
    """
    from babel.messages.plurals import get_plural  # babel.messages only where plural forms are read

    plural = get_plural(Locale.parse(locale, sep="-"))
    return categories_under(locale, plural.plural_expr, plural.num_plurals)


@lru_cache(maxsize=64)
def categories_under(locale: str, expression: str, count: int) -> tuple[str, ...]:
    """Return the CLDR category of each of `count` gettext forms when a Plural-Forms `expression` picks them.

    The expression may come from a catalog's header (untrusted): `gettext.c2py` accepts only
    C's arithmetic and comparisons on `n`, and raises ValueError for anything else.
    """
    import gettext

    babel_locale = Locale.parse(locale, sep="-")
    index_of = gettext.c2py(expression)
    found: dict[int, str] = {}
    for n in range(0, 1000):
        found.setdefault(index_of(n), babel_locale.plural_form(n))
    return tuple(found.get(index, "other") for index in range(count))


def form_order(locale: str, plural_forms: str) -> tuple[int, ...] | None:
    """Return the index of a catalog's form for each of helpgen's forms, where their orders differ.

    That is for a catalog whose Plural-Forms header orders a language's forms differently than
    helpgen does now; None when the orders agree or cannot be matched.

    Babel 2.19 changed Arabic's order, for one: a catalog written before says so in its header.
    """
    match = _PLURAL_FORMS.fullmatch(plural_forms.strip())
    if match is None:
        return None
    try:
        current = categories(locale)
        theirs = categories_under(locale, match.group(2), int(match.group(1)))
    except (ValueError, LookupError, ArithmeticError, RecursionError, UnknownLocaleError):
        return None
    if theirs == current or sorted(theirs) != sorted(current) or len(set(theirs)) != len(theirs):
        return None
    return tuple(theirs.index(category) for category in current)


_PLURAL_FORMS = re.compile(r"nplurals\s*=\s*(\d{1,2})\s*;\s*plural\s*=\s*(.+?)\s*;?")


def category_for(locale: str, count: float) -> str:
    """Return the CLDR category of `count` in `locale`, one its forms have (else `other`)."""
    category = Locale.parse(locale, sep="-").plural_form(count)
    return category if category in categories(locale) else categories(locale)[-1]
