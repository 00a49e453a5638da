"""Locale facts from Babel's CLDR data: canonical tags, text direction, names, and pseudo-locales."""

from __future__ import annotations

import difflib
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
