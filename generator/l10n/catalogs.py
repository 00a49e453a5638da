"""Read the gettext PO catalogs in locales/<locale>/, one per article plus `_theme.po` for the theme.

Catalogs are untrusted input: they are parsed by Babel and turned into plain `CatalogEntry`
values; nothing in them is ever evaluated.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from generator.config import Config
from generator.content.paths import OutsideProject, read_inside, replace_file
from generator.locales import PSEUDO_LOCALES, LocaleInfo, form_order
from generator.model import HUMAN, MACHINE, MEMORY, Catalog, CatalogEntry
from generator.report import ContentError, Diagnostic, error

if TYPE_CHECKING:
    from babel import Locale
    from babel.messages.catalog import Catalog as BabelCatalog
    from babel.messages.catalog import Message

# Babel's PO reader and writer are imported where they are used: a build reads its catalogs with
# `parse_catalog`, and a build that changes nothing reads none (Babel's messages cost 5 ms).

#: Catalog of the theme's UI strings in each locale folder.
THEME_CATALOG = "_theme.po"
#: A translator comment `# origin: machine` (or `memory`) records where a translation came from;
#: without one, a person wrote it. A comment, unlike an unknown flag, survives msgcat and msgmerge.
ORIGIN_PREFIX = "origin:"
ORIGINS = (HUMAN, MACHINE, MEMORY)
#: Flags that older files or other tools use for the same; read, never written.
ORIGIN_FLAGS = {"machine-translated": MACHINE, "translation-memory": MEMORY}


def ignored_checks(flags: Iterable[str], comments: Iterable[str] = ()) -> frozenset[str]:
    """Return the QA checks a translator silenced on an entry: flags (or comment words) `ignore-<id>`."""
    words = list(flags) + [word for comment in comments for word in comment.replace(",", " ").split()]
    return frozenset(word[len("ignore-") :] for word in words if word.startswith("ignore-"))


def origin_of(user_comments: list[str] | tuple[str, ...], flags: frozenset[str]) -> str:
    """Return a message's origin from its `# origin:` comment (or a legacy flag)."""
    for comment in user_comments:
        if comment.startswith(ORIGIN_PREFIX):
            value = comment[len(ORIGIN_PREFIX) :].strip()
            if value in ORIGINS:
                return value
    return next((ORIGIN_FLAGS[flag] for flag in sorted(flags) if flag in ORIGIN_FLAGS), HUMAN)


def with_origin(user_comments: tuple[str, ...], origin: str) -> tuple[str, ...]:
    """Return translator comments that record `origin` (and no other origin)."""
    kept = tuple(c for c in user_comments if not c.startswith(ORIGIN_PREFIX))
    return kept if origin == HUMAN else (*kept, f"{ORIGIN_PREFIX} {origin}")


#: The largest catalog read, in bytes.
MAX_CATALOG_BYTES = 20_000_000


def catalog_path(locale: str, article_path: str) -> str:
    """Return the project-relative catalog path of an article: `locales/de-DE/cancel.po`."""
    return f"locales/{locale}/{article_path[: -len('.md')]}.po"


def read_catalog_file(config: Config, relative_path: str) -> bytes | None:
    """Return a catalog file's bytes, or None when there is no such file; refuse one too large to read."""
    try:  # plain os calls: the build reads every article's catalog in every locale
        data = read_inside(config.project_dir, relative_path, MAX_CATALOG_BYTES)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OutsideProject:
        message = "is a link to a file outside the project; helpgen reads only the project's own files"
        raise ContentError([error(relative_path, 0, "outside-project", message)]) from None
    if data is None:
        raise ContentError([error(relative_path, 0, "catalog-too-large", "catalog is too large to read")])
    return data


#: A PO string. The unrolled form of "(?:[^"\\]|\\.)*" runs several times as fast in Python's
#: engine, and every line of every catalog goes through it.
_PO_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_PO_LINE = re.compile(rf"^\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_PO_STRING}\s*$")


def check_po_syntax(text: str) -> tuple[int, str] | None:
    """Return (line, message) for the first line that is not PO syntax (Babel is lenient; msgfmt is not)."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _PO_LINE.match(line):
            continue
        if stripped.count('"') - stripped.count('\\"') == 1:
            return number, "string is not closed with a quotation mark"
        return number, f"not a PO line: {stripped[:40]!r}"
    return None


def parse_catalog_with_babel(data: bytes, locale: str, relative_path: str) -> Catalog:
    """Parse PO bytes into a Catalog with Babel's reader (the reference `parse_catalog` is held to)."""
    from babel.messages.pofile import PoFileError, read_po

    try:
        problem = check_po_syntax(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        problem = (data[: exc.start].count(b"\n") + 1, "catalog is not valid UTF-8")
    if problem:
        raise ContentError([error(relative_path, problem[0], "catalog-syntax", f"invalid PO file: {problem[1]}")])
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise ContentError([error(relative_path, line, "catalog-syntax", f"invalid PO file: {exc}")]) from None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:  # LookupError: an unknown charset
        raise ContentError([error(relative_path, 0, "catalog-syntax", f"cannot read PO file: {exc}")]) from None
    entries = {}
    for message in catalog:
        if not message.id:
            continue
        msgid, msgid_plural, msgstr, forms = _message_texts(message)
        msgid, msgid_plural = unicodedata.normalize("NFC", msgid), unicodedata.normalize("NFC", msgid_plural)
        flags = frozenset(f for f in message.flags if not f.endswith("-format"))  # Babel adds python-format itself
        origin = origin_of(message.user_comments, flags)
        entries[msgid] = CatalogEntry(
            msgid=msgid,
            msgstr=msgstr,
            fuzzy=message.fuzzy,
            origin=origin,
            line=message.lineno or 0,
            flags=flags,
            msgid_plural=msgid_plural,
            msgstr_plural=forms,
            ignored=ignored_checks(message.flags, split_previous_msgid(message.user_comments)[0]),
            comments=split_previous_msgid(message.user_comments)[0],
        )
    return in_current_order(Catalog(locale, relative_path, entries), read_header(data).get("Plural-Forms", ""))


_PLURAL_FORMS_FIELD = re.compile(r"^Plural-Forms:(.*)$", re.MULTILINE)


def plural_forms_of(header: str) -> str:
    """Return the Plural-Forms value of a catalog's header text ("" when it has none)."""
    match = _PLURAL_FORMS_FIELD.search(header)
    return match.group(1).strip() if match else ""


def messages_in_current_order(locale: str, plural_forms: str, messages: list[CatalogMessage]) -> list[CatalogMessage]:
    """Return a catalog's messages with their plural forms in today's order (see `in_current_order`)."""
    order = _order_to_follow(locale, plural_forms, (message.msgstr_plural for message in messages))
    if order is None:
        return messages
    return [
        replace(message, msgstr_plural=tuple(message.msgstr_plural[i] for i in order))
        if len(message.msgstr_plural) == len(order)
        else message
        for message in messages
    ]


def in_current_order(catalog: Catalog, plural_forms: str) -> Catalog:
    """Return `catalog` with its plural forms in the order helpgen gives its language today.

    A catalog's Plural-Forms header says in which order its `msgstr[n]` are; when that differs
    from the order of the installed Babel (Arabic's changed in Babel 2.19), the forms are put
    in today's order, so that every translation still shows for the right numbers.
    """
    order = _order_to_follow(catalog.locale, plural_forms, (e.msgstr_plural for e in catalog.entries.values()))
    if order is None:
        return catalog
    entries = {}
    for msgid, entry in catalog.entries.items():
        if len(entry.msgstr_plural) == len(order):
            forms = tuple(entry.msgstr_plural[i] for i in order)
            entry = replace(entry, msgstr_plural=forms, msgstr=forms[0])
        entries[msgid] = entry
    return Catalog(catalog.locale, catalog.path, entries)


def _order_to_follow(locale: str, plural_forms: str, forms: Iterable[tuple[str, ...]]) -> tuple[int, ...] | None:
    """Return `locales.form_order` for a catalog that has plural forms at all (None for one without)."""
    if not any(forms):
        return None
    return form_order(locale, plural_forms)


def _message_texts(message: Message) -> tuple[str, str, str, tuple[str, ...]]:
    """Return (msgid, msgid_plural, msgstr, plural msgstrs) of a Babel message."""
    if isinstance(message.id, tuple | list):
        forms = tuple(str(s or "") for s in message.string) if isinstance(message.string, tuple | list) else ()
        return str(message.id[0]), str(message.id[1]), forms[0] if forms else "", forms
    return str(message.id), "", message.string if isinstance(message.string, str) else "", ()


def read_article_catalog(config: Config, content_path: str, locale: LocaleInfo) -> Catalog | None:
    """Return the catalog of an article or snippet in `locale`; None for the source and pseudo-locales."""
    if locale.is_pseudo or locale.tag == config.source_locale:
        return None
    return read_catalog(config, locale.tag, catalog_path(locale.tag, content_path))


def read_theme_catalog(config: Config, locale: LocaleInfo) -> tuple[Catalog | None, list[Diagnostic]]:
    """Return the theme's usable UI strings in `locale` (None for the source and pseudo-locales), and its problems.

    A catalog that cannot be read is a problem and gives no strings; a translation whose format
    placeholders do not match its source's is a problem and left out, so the source string shows
    (the theme formats every string: a stray `%` or a misspelled `%(name)s` would stop the page).
    """
    if locale.is_pseudo or locale.tag == config.source_locale:
        return None, []
    try:
        catalog = read_catalog(config, locale.tag, theme_catalog_path(locale.tag))
    except ContentError as exc:
        return None, list(exc.diagnostics)
    problems = format_problems(catalog)
    if not problems:
        return catalog, []
    bad = {msgid for msgid, _ in problems}
    entries = {msgid: entry for msgid, entry in catalog.entries.items() if msgid not in bad}
    return Catalog(catalog.locale, catalog.path, entries), [diagnostic for _, diagnostic in problems]


#: A printf-style conversion as Python's `%` operator reads it: `%s`, `%(name)s`, `%5.2f`, `%%`.
_CONVERSION = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")


def format_problem(msgid: str, msgstr: str) -> str | None:
    """Return what is wrong with a translation's `%` placeholders (python-format), or None when they match.

    >>> format_problem("%(count)s pages", "%(count)s Seiten") is None
    True
    >>> format_problem("%(count)s pages", "%(cuont)s Seiten")
    'the translation has %(cuont)s where its source has %(count)s'
    >>> format_problem("Search", "100% sicher")
    "a '%' that is not a placeholder: write %% for a percent sign"
    """
    names = {name for name in _CONVERSION.findall(msgid) if name}
    theirs = {name for name in _CONVERSION.findall(msgstr) if name}
    if theirs != names:
        found = ", ".join(f"%({n})s" for n in sorted(theirs - names)) or "no placeholder"
        wanted = ", ".join(f"%({n})s" for n in sorted(names - theirs)) or "none"
        return f"the translation has {found} where its source has {wanted}"
    if "%" in _CONVERSION.sub("", msgstr) or _unnamed(msgstr) != _unnamed(msgid):
        return "a '%' that is not a placeholder: write %% for a percent sign"
    return None


def _unnamed(text: str) -> int:
    """Return how many conversions without a name (`%s`, `% s`) a text has, `%%` aside."""
    return sum(1 for match in _CONVERSION.finditer(text) if not match.group(1) and match.group(0) != "%%")


def format_problems(catalog: Catalog) -> list[tuple[str, Diagnostic]]:
    """Return (msgid, diagnostic) for every translation of a catalog whose `%` placeholders do not match."""
    found = []
    for msgid, entry in catalog.entries.items():
        for text in (entry.msgstr, *entry.msgstr_plural[1:]):
            problem = format_problem(msgid, text) if text else None
            if problem:
                hint = "the source string is shown until the translation is fixed"
                found.append((msgid, error(catalog.path, entry.line, "format", problem, hint)))
                break
    return found


def theme_catalog_path(locale: str) -> str:
    """Return the project-relative path of a locale's theme catalog."""
    return f"locales/{locale}/{THEME_CATALOG}"


@dataclass(frozen=True)
class CatalogMessage:
    """One message to write into a catalog."""

    msgid: str
    msgstr: str = ""
    locations: tuple[tuple[str, int], ...] = ()
    auto_comments: tuple[str, ...] = ()
    user_comments: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    previous_id: str = ""
    obsolete: bool = False
    msgid_plural: str = ""
    msgstr_plural: tuple[str, ...] = ()


#: `write_catalog` without `expected`: whatever the file holds may be replaced.
ANY = object()


def write_catalog(
    config: Config,
    locale: str | None,
    relative_path: str,
    messages: list[CatalogMessage],
    headers: Mapping[str, str] | None = None,
    expected: bytes | None | object = ANY,
) -> bool:
    """Write a PO catalog if its bytes change; return whether the file was written.

    With `expected` (the bytes read before the merge, None for no file), a catalog that changed
    since is not overwritten: a translator saved it meanwhile (#20). That is a ContentError, and
    the translator's file stays as they saved it. The file is replaced atomically.
    """
    data = format_catalog(locale, messages, headers)
    file = config.project_dir / relative_path
    current = file.read_bytes() if file.is_file() else None
    if current == data:
        return False
    if expected is not ANY and current != expected:
        message = "the catalog changed while helpgen was updating it; your changes are kept as they are"
        raise ContentError([error(relative_path, 0, "catalog-changed", message, "run helpgen update again")])
    replace_file(file, data)
    return True


#: Width at which long strings and location lists are wrapped, as xgettext and msgmerge do.
WIDTH = 79


def format_catalog(
    locale: str | None, messages: list[CatalogMessage], headers: Mapping[str, str] | None = None
) -> bytes:
    """Return PO bytes for `messages`, in their order, under a header without timestamps of ours.

    The entries are written here rather than by Babel's write_po, whose `#| msgid` lines for
    long previous msgids are not valid PO (Babel 2.18).
    """
    from babel.messages.catalog import Catalog as BabelCatalog

    catalog = BabelCatalog(locale=_babel_locale_or_none(locale), fuzzy=False)
    entries = [format_message(message, catalog.num_plurals) for message in messages if not message.obsolete]
    entries += [format_message(message, catalog.num_plurals) for message in messages if message.obsolete]
    return format_header(locale, catalog, headers or {}) + "\n".join(entries).encode("utf-8")


def format_message(message: CatalogMessage, plurals: int) -> str:
    """Return one PO entry, comments first, as gettext's own tools lay it out."""
    from babel.messages.pofile import normalize

    lines = [f"# {c}".rstrip() for c in message.user_comments]
    lines += [f"#. {c}" for c in message.auto_comments]
    lines += _location_lines(message.locations)
    if message.flags:
        lines.append("#, " + ", ".join(message.flags))
    if message.previous_id:
        lines.append(f"#| msgid {normalize(message.previous_id, prefix='#| ', width=WIDTH)}")
    keyword = "#~ " if message.obsolete else ""
    lines.append(f"{keyword}msgid {normalize(message.msgid, prefix=keyword, width=WIDTH)}")
    if message.msgid_plural:
        lines.append(f"{keyword}msgid_plural {normalize(message.msgid_plural, prefix=keyword, width=WIDTH)}")
        forms = message.msgstr_plural or ("",) * plurals
        for index, form in enumerate(forms):
            lines.append(f"{keyword}msgstr[{index}] {normalize(form, prefix=keyword, width=WIDTH)}")
    else:
        lines.append(f"{keyword}msgstr {normalize(message.msgstr, prefix=keyword, width=WIDTH)}")
    return "\n".join(lines) + "\n"


def _location_lines(locations: tuple[tuple[str, int], ...]) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for path, line in locations:
        item = f"{path}:{line}" if line else path
        if len(current) + 1 + len(item) > WIDTH and current != "#:":
            lines.append(current)
            current = "#:"
        current += " " + item
    return lines + ([current] if current != "#:" else [])


#: Header fields in the order written; values from an existing catalog are kept.
HEADER_FIELDS = (
    "Project-Id-Version",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)


def format_header(locale: str | None, catalog: BabelCatalog, headers: Mapping[str, str]) -> bytes:
    """Return the PO header entry: fixed defaults for a new file, a translator's values kept."""
    values = {
        "Project-Id-Version": "helpgen",
        "PO-Revision-Date": "2000-01-01 00:00+0000",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": (locale or "").replace("-", "_"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": catalog.plural_forms if catalog.locale else "nplurals=2; plural=(n != 1);",
    }
    values.update({key: value for key, value in headers.items() if key not in ("Language", "Plural-Forms")})
    keys = list(HEADER_FIELDS) + sorted(key for key in values if key not in HEADER_FIELDS)
    lines = ['msgid ""', 'msgstr ""'] + [f'"{_escape(key)}: {_escape(values[key])}\\n"' for key in keys]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def _escape(value: str) -> str:
    """Return text as the inside of a PO string (a header key or value: no raw quote or line break)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape_po(text: str) -> str:
    r"""Return the text of a PO string's inside: C's escapes read, any other backslash kept as it is.

    >>> _unescape_po(r'a\"b\nc\x d\u202e')
    'a"b\nc\\x d\\u202e'
    """
    return _ESCAPE.sub(lambda m: _PO_ESCAPES.get(m.group(1), m.group(0)), text)


def _babel_locale_or_none(locale: str | None) -> Locale | None:
    from babel import Locale

    if not locale or locale in PSEUDO_LOCALES:
        return None
    return Locale.parse(locale, sep="-")


_HEADER = re.compile(r'\A(?:#[^\n]*\n|\s*\n)*msgid ""\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*\n?)+)')


def read_header(data: bytes) -> dict[str, str]:
    """Return the header fields of PO bytes as written (Babel rewrites some of them)."""
    match = _HEADER.match(data.decode("utf-8-sig", errors="replace"))
    if not match:
        return {}
    text = "".join(_unescape_po(part) for part in re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))
    fields = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def read_messages(data: bytes, relative_path: str) -> list[CatalogMessage]:
    """Return every message of PO bytes, obsolete ones last, with all a translator wrote."""
    from babel.messages.pofile import read_po

    parse_catalog_with_babel(data, "", relative_path)  # refuses what msgfmt would refuse, with the line
    catalog = read_po(io.BytesIO(data), abort_invalid=True)
    messages = []
    for message, obsolete in [(m, False) for m in catalog] + [(m, True) for m in catalog.obsolete.values()]:
        if not message.id:
            continue
        msgid, msgid_plural, msgstr, forms = _message_texts(message)
        comments, previous_id = split_previous_msgid(message.user_comments)
        messages.append(
            CatalogMessage(
                msgid=msgid,
                msgstr=msgstr,
                msgid_plural=msgid_plural,
                msgstr_plural=forms,
                locations=tuple(message.locations),
                auto_comments=tuple(message.auto_comments),
                user_comments=comments,
                flags=tuple(sorted(message.flags)),
                previous_id=previous_id,
                obsolete=obsolete,
            )
        )
    return messages


def split_previous_msgid(user_comments: list[str]) -> tuple[tuple[str, ...], str]:
    """Return (translator comments, previous msgid) from Babel's comments.

    Babel (2.18) reads the `#| msgid "…"` lines that msgmerge and helpgen write as ordinary
    comments starting with '|'; this takes them back out.
    """
    from babel.messages.pofile import unescape

    comments, previous, in_msgid = [], [], False
    for comment in user_comments:
        if not comment.startswith("|"):
            comments.append(comment)
            continue
        line = comment[1:].strip()
        if line.startswith("msgid "):
            in_msgid, line = True, line[len("msgid ") :].strip()
        elif line.startswith(("msgid_plural", "msgctxt")):
            in_msgid = False
            continue
        if in_msgid and line.startswith('"') and line.endswith('"'):
            previous.append(unescape(line))
    return tuple(comments), "".join(previous)


def read_existing(config: Config, relative_path: str) -> tuple[dict[str, str], list[CatalogMessage], bytes | None]:
    """Return the header, messages and bytes of a catalog file (empty ones, and None, if it does not exist yet)."""
    data = read_catalog_file(config, relative_path)
    return ({}, [], None) if data is None else (read_header(data), read_messages(data, relative_path), data)


def read_catalog(config: Config, locale: str, relative_path: str) -> Catalog:
    """Read one catalog (an empty one if the file does not exist); raise ContentError when it is bad."""
    data = read_catalog_file(config, relative_path)
    return Catalog(locale, relative_path) if data is None else parse_catalog(data, locale, relative_path)


_KEYWORD = re.compile(rf"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+({_PO_STRING})\s*$")
_CONTINUATION = re.compile(rf"^\s*({_PO_STRING})\s*$")


def parse_catalog(data: bytes, locale: str, relative_path: str) -> Catalog:
    """Parse PO bytes into a Catalog; raise ContentError with the line of a syntax error.

    Several times faster than Babel's reader, it reads what `parse_catalog_with_babel` reads (a test
    compares the two on every catalog of the corpus) and refuses the same syntax errors, with their line.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        message = "invalid PO file: catalog is not valid UTF-8"
        raise ContentError([error(relative_path, at, "catalog-syntax", message)]) from None
    entries: dict[str, CatalogEntry] = {}
    state = _EntryState()
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        first = stripped[0]
        if first == "#":
            if state.field is not None:
                state.finish(entries)
            state.comment(stripped)
            continue
        if state.obsolete:
            state.reset()
        if first == '"':  # a continuation line (half of all lines)
            continuation = _CONTINUATION.match(stripped)
            if continuation and state.field is not None:
                state.extend(_unquote(continuation.group(1)))
                continue
        else:
            keyword = _KEYWORD.match(stripped)
            if keyword:
                name, index, quoted = keyword.groups()
                if name == "msgid" and state.field is not None:
                    state.finish(entries)
                state.start(name, index, _unquote(quoted), number)
                continue
        message = (
            "string is not closed with a quotation mark"
            if stripped.count('"') % 2
            else f"not a PO line: {stripped[:40]!r}"
        )
        raise ContentError([error(relative_path, number, "catalog-syntax", f"invalid PO file: {message}")])
    state.finish(entries)
    return in_current_order(Catalog(locale, relative_path, entries), plural_forms_of(state.header))


def _unquote(quoted: str) -> str:
    """Return a PO string's text (most have no escapes: they skip Babel's regex)."""
    inner = quoted[1:-1]
    if "\\" not in inner:
        return inner
    from babel.messages.pofile import unescape

    return unescape(quoted)


class _EntryState:
    """The entry being read by `parse_catalog`."""

    def __init__(self) -> None:
        self.header = ""  # the msgstr of the header entry
        self.reset()

    def reset(self) -> None:
        self.flags: set[str] = set()
        self.comments: list[str] = []
        self.obsolete = False
        self.fields: dict[str, str] = {}
        self.forms: dict[int, str] = {}
        self.field: str | None = None
        self.line = 0

    def comment(self, line: str) -> None:
        if line.startswith("#~"):
            self.obsolete = True  # obsolete entries are comments through and through: skipped whole
            return
        if self.obsolete:
            self.reset()
        if line.startswith("#,"):
            self.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif not line.startswith(("#.", "#:", "#|")):
            self.comments.append(line[1:].strip())

    def start(self, name: str, index: str | None, value: str, line: int) -> None:
        if name == "msgid":
            self.line = line
        self.field = f"msgstr[{index}]" if index is not None else name
        if index is not None:
            self.forms[int(index)] = value
        else:
            self.fields[name] = value

    def extend(self, value: str) -> None:
        assert self.field is not None
        if self.field.startswith("msgstr["):
            index = int(self.field[len("msgstr[") : -1])
            self.forms[index] += value
        else:
            self.fields[self.field] += value

    def finish(self, entries: dict[str, CatalogEntry]) -> None:
        msgid = unicodedata.normalize("NFC", self.fields.get("msgid", ""))
        if "msgid" in self.fields and not msgid and not self.obsolete and "msgctxt" not in self.fields:
            self.header = self.fields.get("msgstr", "")
        if msgid and not self.obsolete and "msgctxt" not in self.fields:
            forms = tuple(self.forms[i] for i in sorted(self.forms))
            plural = unicodedata.normalize("NFC", self.fields.get("msgid_plural", ""))
            flags = frozenset(f for f in self.flags if not f.endswith("-format"))
            entries[msgid] = CatalogEntry(
                msgid=msgid,
                msgstr=forms[0] if plural and forms else self.fields.get("msgstr", ""),
                fuzzy="fuzzy" in flags,
                origin=origin_of(self.comments, flags),
                line=self.line,
                flags=flags,
                msgid_plural=plural,
                msgstr_plural=forms if plural else (),
                ignored=ignored_checks(self.flags, self.comments),
                comments=tuple(self.comments),
            )
        self.reset()
