"""Translation QA: what machine translation and hurried edits break, found before readers see it.

Every check is a plain function of a `Pair` (one source text and one translation) that yields
`Finding`s; its stable id names it in reports, in `helpgen.yaml` (severity per locale) and in
the PO flag `ignore-<id>` with which a translator silences it on one entry (as Weblate's
`ignore-…` flags do; the translator comment `# ignore-<id>` works too, and survives msgcat).
The checks are listed in CHECKS, in the order they run.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache
from typing import Any

from babel import Locale
from babel.numbers import NumberFormatError, parse_decimal
from markdown_it.token import Token

from generator.checks import CHECK_IDS, ERROR, OFF, WARNING
from generator.content.markup import parsed_inline
from generator.content.placeholders import find_placeholders, stray_template_syntax


@dataclass(frozen=True)
class Finding:
    """One problem of one translation."""

    check: str
    message: str
    fix: str = ""


@dataclass(frozen=True)
class Settings:
    """What the checks need to know of the project: terms that may stay untranslated, a glossary."""

    keep: tuple[str, ...] = ()
    glossary: tuple[str, ...] = ()


@dataclass
class Pair:
    """A source text and its translation, with their parsed inline Markdown (parsed once, on demand)."""

    source: str
    translation: str
    locale: str
    source_locale: str = "en-US"
    settings: Settings = field(default_factory=Settings)
    rtl: bool = False

    @cached_property
    def characters(self) -> frozenset[str]:
        """The characters of the source and the translation that some check needs (`Check.needs`)."""
        return frozenset(_NEEDED.findall(self.source + self.translation))

    @property
    def source_tokens(self) -> Sequence[Token]:
        """The source's inline tokens (shared with the page: read them, never change them)."""
        return parsed_inline(self.source)

    @property
    def translation_tokens(self) -> Sequence[Token]:
        """The translation's inline tokens (shared with the page: read them, never change them)."""
        return parsed_inline(self.translation)


def _text(tokens: Iterable[Token]) -> str:
    """Return the visible text of inline tokens (code spans included)."""
    return "".join(t.content for t in tokens if t.type in ("text", "code_inline", "softbreak"))


@dataclass(frozen=True)
class Check:
    """A QA check: its stable id, default severity, what it verifies, and the function."""

    id: str
    severity: str
    description: str
    function: Callable[[Pair], Iterator[Finding]]
    #: Characters without which the check cannot find anything: a pair that has none of them, in
    #: its source or its translation, is not checked at all (most pairs, for most checks).
    needs: frozenset[str] | None = None


# -- The checks ---------------------------------------------------------------------------------


def placeholders_match(pair: Pair) -> Iterator[Finding]:
    """Check that the translation has exactly the `{{ … }}` placeholders of its source, and no other template syntax."""
    stray = stray_template_syntax(pair.translation)
    if stray:
        yield Finding("placeholders", f"template syntax '{stray[0]}' that is not a placeholder of the source")
    wanted, found = Counter(find_placeholders(pair.source)), Counter(find_placeholders(pair.translation))
    for name in sorted((wanted - found).elements()):
        yield Finding("placeholders", f"placeholder {{{{ {name} }}}} is missing")
    for name in sorted((found - wanted).elements()):
        yield Finding("placeholders", f"placeholder {{{{ {name} }}}} is not in the source")


_MARKUP = ("strong_open", "em_open", "s_open", "link_open", "image", "code_inline")
_NAMES = {
    "strong_open": "bold",
    "em_open": "emphasis",
    "s_open": "strikethrough",
    "link_open": "link",
    "image": "image",
    "code_inline": "code span",
}


def markup_survives(pair: Pair) -> Iterator[Finding]:
    """Bold, emphasis, links, images and code render in the translation as in the source."""
    source = Counter(t.type for t in pair.source_tokens if t.type in _MARKUP)
    translated = Counter(t.type for t in pair.translation_tokens if t.type in _MARKUP)
    visible = _text(t for t in pair.translation_tokens if t.type == "text")
    source_visible = _text(t for t in pair.source_tokens if t.type == "text")
    for kind in _MARKUP:
        if kind in ("link_open", "image", "code_inline"):
            continue  # counted by their own checks
        if translated[kind] < source[kind]:
            yield Finding(
                "markup",
                f"{_NAMES[kind]} of the source does not render in the translation",
                _markup_fix(pair.translation, kind),
            )
    if "**" in visible and "**" not in source_visible:
        yield Finding(
            "markup",
            "literal ** in the translation: bold that did not render",
            _markup_fix(pair.translation, "strong_open"),
        )
    if re.search(r"\]\s+\(", pair.translation) and not re.search(r"\]\s+\(", pair.source):
        yield Finding("markup", "'] (' in the translation: a link broken by a space", "write '](' without the space")
    if "`" in visible and "`" not in source_visible:
        yield Finding("markup", "a literal backtick in the translation: a code span that did not render")


def _markup_fix(translation: str, kind: str) -> str:
    if kind != "strong_open":
        return ""
    if "\\*\\*" in translation:
        return "remove the backslashes: write ** instead of \\*\\*"
    if re.search(r"\*\*\s|\s\*\*", translation):
        return "remove the spaces inside ** … ** (CommonMark does not render bold that starts or ends with a space)"
    return (
        "move punctuation outside the ** … **, or put a space after the closing ** (next to CJK punctuation, "
        "CommonMark renders ** only when it touches a letter on its inner side)"
    )


_LOCALE_PART = re.compile(r"/[a-z]{2}-[a-z]{2}(?=/)", re.IGNORECASE)


def _destinations(tokens: Sequence[Token], kind: str, attribute: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in tokens:
        if token.type == kind:
            value = str(token.attrGet(attribute) or "")
            found[_LOCALE_PART.sub("/xx-xx", value)] += 1
    return found


def links_preserved(pair: Pair) -> Iterator[Finding]:
    """Links and images lead where the source's do (a locale in the URL aside), and images have alt text."""
    for kind, attribute, name in (("link_open", "href", "link"), ("image", "src", "image")):
        source = _destinations(pair.source_tokens, kind, attribute)
        translated = _destinations(pair.translation_tokens, kind, attribute)
        for target in sorted((source - translated).elements()):
            yield Finding("links", f"{name} to {target} is missing or changed")
        for target in sorted((translated - source).elements()):
            yield Finding("links", f"{name} to {target} is not in the source")
    for token in pair.translation_tokens:
        if token.type == "image" and not "".join(c.content for c in token.children or []).strip():
            yield Finding("links", "an image has no alt text")
    if _empty_links(pair.translation_tokens) > _empty_links(pair.source_tokens):
        yield Finding(
            "links",
            "a link has no text: it would be an invisible, nameless link",
            "put the link's words between [ and ]",
        )


def _empty_links(tokens: Sequence[Token]) -> int:
    """Return how many links of inline tokens show nothing (no text, code or image between their brackets)."""
    empty, inside, shown = 0, 0, False
    for token in tokens:
        if token.type == "link_open":
            inside, shown = inside + 1, False
        elif token.type == "link_close" and inside:
            inside -= 1
            empty += not shown
        elif inside and (token.type == "image" or token.content.strip()):
            shown = True
    return empty


def code_identical(pair: Pair) -> Iterator[Finding]:
    """Code spans are the source's, character for character."""
    source = Counter(t.content for t in pair.source_tokens if t.type == "code_inline")
    translated = Counter(t.content for t in pair.translation_tokens if t.type == "code_inline")
    for code in sorted((source - translated).elements()):
        yield Finding("code", f"code span `{code}` is missing or changed")
    for code in sorted((translated - source).elements()):
        yield Finding("code", f"code span `{code}` is not in the source")


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*|/)?>")  # as CommonMark: no space after <
_FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "link", "meta", "base", "svg"}
_EVENT = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_SCHEME = re.compile(r"(?:javascript|vbscript|data):", re.IGNORECASE)
_BAD_URL = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):""", re.IGNORECASE)


def html_allowed(pair: Pair) -> Iterator[Finding]:
    """Raw HTML only with the tags its source has; never script, style, frames, event handlers or script URLs."""
    if "<" not in pair.source and "<" not in pair.translation and not _SCHEME.search(pair.translation):
        return  # most pairs: a colon, but no tag and no script URL
    source_tags = Counter(m.group(2).lower() for m in _tags(pair.source_tokens))
    wanted = Counter((m.group(1), m.group(2).lower()) for m in _tags(pair.source_tokens))
    found = Counter((m.group(1), m.group(2).lower()) for m in _tags(pair.translation_tokens))
    if found != wanted and all(name in source_tags for _, name in found):
        yield Finding(
            "html",
            "the translation opens or closes the source's tags differently (a tag left open "
            "could run into the rest of the page)",
        )
    for match in _tags(pair.translation_tokens):
        tag = match.group(2).lower()
        if tag in _FORBIDDEN_TAGS:
            yield Finding("html", f"<{tag}> is never allowed in a translation")
        elif tag not in source_tags:
            yield Finding("html", f"<{tag}> is not in the source")
        if _EVENT.search(match.group(3) or ""):
            yield Finding("html", "an event-handler attribute (on…=) is never allowed")
    if _script_urls(pair.translation) > _script_urls(pair.source):
        yield Finding("html", "javascript:, vbscript: and data: links are never allowed (beyond the source's images)")


def _tags(tokens: Sequence[Token]) -> list[re.Match[str]]:
    """Return the tags that would reach the page: what the Markdown engine reads as raw HTML."""
    return [m for t in tokens if t.type == "html_inline" for m in [_TAG.match(t.content)] if m is not None]


def _script_urls(text: str) -> int:
    return len(_BAD_URL.findall(text)) + len(
        re.findall(r"\]\(\s*<?\s*(?:javascript|vbscript|data):", text, re.IGNORECASE)
    )


_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f']\d+)*")


@lru_cache(maxsize=64)
def _babel(locale: str) -> Locale:
    try:
        return Locale.parse(locale, sep="-")
    except Exception:
        return Locale.parse("en")


def _numbers(text: str, locale: str) -> Counter[Decimal]:
    found: Counter[Decimal] = Counter()
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        try:
            found[parse_decimal(raw, locale=_babel(locale), strict=False)] += 1
        except (NumberFormatError, InvalidOperation, ValueError):
            for part in re.findall(r"\d+", raw):
                found[Decimal(part)] += 1
    return found


def numbers_match(pair: Pair) -> Iterator[Finding]:
    """Check that the numbers of the source are in the translation, read in each locale's format (Babel)."""
    source = _numbers(_text(pair.source_tokens), pair.source_locale)
    # A version or path ("Office\\15.0") keeps the source's format in any language: read each number both ways.
    readings = [
        {*_numbers(match.group(0), pair.locale), *_numbers(match.group(0), pair.source_locale)}
        for match in _NUMBER.finditer(_text(pair.translation_tokens))
    ]
    missing = [n for n in source if not any(n in reading for reading in readings)]
    extra = [min(reading) for reading in readings if reading and not reading & set(source)]
    if missing:
        yield Finding(
            "numbers",
            f"number{'s' * (len(missing) > 1)} {', '.join(map(str, missing))} of the source not in the translation",
        )
    if extra:
        yield Finding("numbers", f"number{'s' * (len(extra) > 1)} {', '.join(map(str, extra))} not in the source")


_PAIRS_BY_LANGUAGE = {
    "de": {"„": "“", "‚": "‘", "»": "«", "(": ")", "[": "]"},
    "zh": {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "[": "]"},
    "ja": {"「": "」", "『": "』", "（": "）", "(": ")", "“": "”", "[": "]"},
}
_DEFAULT_PAIRS = {"“": "”", "‘": "’", "(": ")", "[": "]", "«": "»"}
_NESTING = {
    "strong_open": 1,
    "strong_close": -1,
    "em_open": 1,
    "em_close": -1,
    "link_open": 1,
    "link_close": -1,
    "s_open": 1,
    "s_close": -1,
}


@cache
def _marks_of(language: str) -> re.Pattern[str]:
    """Return the pattern of the quotation marks and brackets that `quotes_balanced` follows in a language."""
    pairs = _PAIRS_BY_LANGUAGE.get(language, _DEFAULT_PAIRS)
    return re.compile("[" + re.escape('"' + "".join(pairs) + "".join(pairs.values())) + "]")


def quotes_balanced(pair: Pair) -> Iterator[Finding]:
    """Quotation marks and brackets open and close, and at the same level of markup (not torn across ** or [])."""
    pairs = _PAIRS_BY_LANGUAGE.get(pair.locale.split("-")[0], _DEFAULT_PAIRS)
    closers = {close: opening for opening, close in pairs.items()}
    marks = _marks_of(pair.locale.split("-")[0])
    stack: list[tuple[str, tuple[int, ...]]] = []
    path: list[int] = []
    straight: tuple[int, ...] | None = None
    counter = 0
    for token in pair.translation_tokens:
        step = _NESTING.get(token.type)
        if step == 1:
            counter += 1
            path.append(counter)
        elif step == -1 and path:
            path.pop()
        if token.type != "text":
            continue
        here = tuple(path)
        for char in marks.findall(token.content):  # the quotation marks and brackets only
            if char == '"':
                if straight is None:
                    straight = here
                else:
                    if straight != here:
                        yield Finding(
                            "quotes",
                            'a "…" pair is torn across markup (it opens and closes inside different ** or [ ])',
                            "put both quotation marks inside or both outside",
                        )
                    straight = None
            elif char in pairs and not (char in closers and stack and stack[-1][0] == closers[char]):
                stack.append((char, here))
            elif char in closers:
                if not stack or stack[-1][0] != closers[char]:
                    if pair.source.count(char) <= pair.source.count(closers[char]):  # not the source's own
                        yield Finding("quotes", f"'{char}' closes nothing that was opened")
                    continue
                opening, where = stack.pop()
                if where != here:
                    yield Finding(
                        "quotes",
                        f"'{opening}…{char}' is torn across markup",
                        "put both marks inside or both outside the ** or [ ]",
                    )
    if straight is not None and pair.source.count('"') % 2 == 0:
        yield Finding("quotes", 'a quotation mark (") is not closed')
    for opening, _ in stack:
        if pair.source.count(opening) <= pair.source.count(pairs[opening]):
            yield Finding("quotes", f"'{opening}' is not closed")


_MT_PLACEHOLDER = re.compile(r"#[A-Z][0-9]\b")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_INVISIBLE_CHARACTERS = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_DIRECTION_MARKS = {"\u200e", "\u200f", "\u061c"}


def no_leaked_placeholders(pair: Pair) -> Iterator[Finding]:
    """No placeholder that machine translation left behind (`#A0`)."""
    for leaked in sorted(set(_MT_PLACEHOLDER.findall(pair.translation)) - set(_MT_PLACEHOLDER.findall(pair.source))):
        yield Finding("mt-placeholder", f"'{leaked}' looks like a placeholder left by machine translation")


def no_invisible_characters(pair: Pair) -> Iterator[Finding]:
    """No bidirectional-control or zero-width characters that the source does not have (RTL marks aside)."""
    extra = Counter(_INVISIBLE.findall(pair.translation)) - Counter(_INVISIBLE.findall(pair.source))
    for char in sorted(extra):
        if pair.rtl and char in _DIRECTION_MARKS:
            continue
        yield Finding("invisible", f"invisible character U+{ord(char):04X} that the source does not have", "delete it")


_LETTERS = re.compile(r"[^\W\d_]{2,}")


def translated(pair: Pair) -> Iterator[Finding]:
    """Check that the translation is not the source again, unless all its words may stay as they are."""
    if pair.translation.strip() != pair.source.strip():
        return
    rest = _text(t for t in pair.source_tokens if t.type == "text")
    for term in sorted(pair.settings.keep, key=len, reverse=True):
        rest = rest.replace(term, " ")
    if _LETTERS.search(rest):
        yield Finding("untranslated", "the translation is the source text", "translate it, or add its terms to qa.keep")


def glossary_kept(pair: Pair) -> Iterator[Finding]:
    """Do-not-translate terms of the source stand verbatim in the translation."""
    for term in pair.settings.glossary:
        if term in pair.source and pair.source.count(term) > pair.translation.count(term):
            yield Finding("glossary", f"'{term}' must stay as it is (do-not-translate glossary)")


_FINAL = {".": "。", "!": "！", "?": "？", ":": "：", ";": "；"}


def punctuation_consistent(pair: Pair) -> Iterator[Finding]:
    """Leading and trailing white space, and final punctuation, as the source's (。 for . in Chinese)."""
    if pair.source[:1].isspace() != pair.translation[:1].isspace() or (
        pair.source[-1:].isspace() != pair.translation[-1:].isspace()
    ):
        yield Finding("punctuation", "white space at the start or end differs from the source")
    source_end = _text(pair.source_tokens).rstrip()[-1:]
    translated_end = _text(pair.translation_tokens).rstrip()[-1:]
    if source_end not in _FINAL or not translated_end:
        return
    cjk = pair.locale.split("-")[0] in ("zh", "ja")
    wanted = {_FINAL[source_end]} if cjk else {source_end}
    if cjk and source_end in ".":  # a Chinese sentence may end inside quotes or with an ellipsis
        wanted |= {"”", "」", "…"}
    if translated_end not in wanted:
        expected = _FINAL[source_end] if cjk else source_end
        yield Finding(
            "punctuation",
            f"the source ends with '{source_end}', the translation with '{translated_end}'",
            f"end with '{expected}'",
        )


_QUOTES = frozenset('"' + "".join(o + c for p in (*_PAIRS_BY_LANGUAGE.values(), _DEFAULT_PAIRS) for o, c in p.items()))
CHECKS: tuple[Check, ...] = (
    Check(
        "placeholders",
        ERROR,
        "exactly the source's {{ placeholders }}, no other template syntax",
        placeholders_match,
        frozenset("{}"),
    ),
    # Emphasis, a literal ** or backtick (also from an entity), or a link broken by a space.
    Check("markup", ERROR, "bold, emphasis and links render as in the source", markup_survives, frozenset("*_~]`&")),
    # A link or an image, or an autolink.
    Check("links", ERROR, "same link and image destinations, alt text present", links_preserved, frozenset("[<")),
    Check("code", ERROR, "code spans identical", code_identical, frozenset("`")),
    Check(
        "html",
        ERROR,
        "raw HTML only as in the source, never script",
        html_allowed,
        frozenset("<:"),  # a tag, or a javascript: (vbscript:, data:) URL
    ),
    Check("quotes", ERROR, "quotation marks and brackets balanced, not torn across markup", quotes_balanced, _QUOTES),
    Check(
        "mt-placeholder",
        ERROR,
        "no #A0-style placeholders left by machine translation",
        no_leaked_placeholders,
        frozenset("#"),
    ),
    Check(
        "invisible",
        ERROR,
        "no added bidi-control or zero-width characters",
        no_invisible_characters,
        _INVISIBLE_CHARACTERS,
    ),
    Check("glossary", ERROR, "do-not-translate terms kept verbatim", glossary_kept),
    Check("numbers", WARNING, "the source's numbers, in the locale's format", numbers_match),
    Check("untranslated", WARNING, "the translation is not the source again", translated),
    Check("punctuation", WARNING, "white space and final punctuation as the source's", punctuation_consistent),
)
#: Every character that some check needs (found by a pattern: a set of all characters costs 5 times as much).
_NEEDED = re.compile("[" + re.escape("".join(sorted(frozenset[str]().union(*(c.needs or () for c in CHECKS))))) + "]")
#: Checked over a whole locale at once (`helpgen check`), not one entry at a time.
LENGTH = Check("length", WARNING, "length ratio no outlier among the locale's translations", lambda pair: iter(()))
if tuple(check.id for check in CHECKS) + (LENGTH.id,) != CHECK_IDS:  # config.py validates with checks.CHECK_IDS
    raise ImportError("checks.CHECK_IDS does not name qa.CHECKS in order")


def run_checks(
    pair: Pair, severities: Mapping[str, str], ignored: Iterable[str] = (), only: str | None = None
) -> list[tuple[str, Finding]]:
    """Return (severity, finding) for each finding of each check that is on (and of severity `only`), not ignored."""
    skip = set(ignored)
    results: list[tuple[str, Finding]] = []
    for check in CHECKS:
        severity = severities.get(check.id, check.severity)
        if severity == OFF or check.id in skip or (only is not None and severity != only):
            continue
        if check.needs is not None and check.needs.isdisjoint(pair.characters):
            continue
        results.extend((severity, finding) for finding in check.function(pair))
    return results


def length_outliers(ratios: Mapping[Any, float], spread: float = 4.0) -> set[Any]:
    """Return the keys whose log length ratio lies more than `spread` robust deviations from the median."""
    if len(ratios) < 20:
        return set()
    logs = {key: math.log(value) for key, value in ratios.items() if value > 0}
    median = statistics.median(logs.values())
    deviation = statistics.median(abs(v - median) for v in logs.values()) or 0.1
    return {key for key, value in logs.items() if abs(value - median) > spread * 1.4826 * deviation}
