"""Read the gettext PO catalogs in locales/<locale>/, one per article plus `_theme.po` for the theme.

Catalogs are untrusted input: they are parsed by Babel and turned into plain `CatalogEntry`
values; nothing in them is ever evaluated.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from .config import Config
from .model import HUMAN, MACHINE, MEMORY, Catalog, CatalogEntry
from .report import ContentError, error

#: Catalog of the theme's UI strings in each locale folder.
THEME_CATALOG = "_theme.po"
#: PO flags that record where a translation came from (absent: a person wrote it).
ORIGIN_FLAGS = {"machine-translated": MACHINE, "translation-memory": MEMORY}
#: The largest catalog read, in bytes.
MAX_CATALOG_BYTES = 20_000_000


def catalog_path(locale: str, article_path: str) -> str:
    """Return the project-relative catalog path of an article: `locales/de-DE/cancel.po`."""
    return f"locales/{locale}/{article_path[: -len('.md')]}.po"


def read_catalog(config: Config, locale: str, relative_path: str) -> Catalog:
    """Read one catalog (an empty one if the file does not exist); raise ContentError when it is bad."""
    file = config.project_dir / relative_path
    if not file.is_file():
        return Catalog(locale, relative_path)
    if file.stat().st_size > MAX_CATALOG_BYTES:
        raise ContentError([error(relative_path, 0, "catalog-too-large", "catalog is too large to read")])
    return parse_catalog(file.read_bytes(), locale, relative_path)


def parse_catalog(data: bytes, locale: str, relative_path: str) -> Catalog:
    """Parse PO bytes into a Catalog; raise ContentError with the line of a syntax error."""
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise ContentError([error(relative_path, line, "catalog-syntax", f"invalid PO file: {exc}")]) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContentError([error(relative_path, 0, "catalog-syntax", f"cannot read PO file: {exc}")]) from None
    entries = {}
    for message in catalog:
        if not message.id or isinstance(message.id, tuple | list):
            continue
        msgstr = message.string if isinstance(message.string, str) else ""
        flags = frozenset(message.flags)
        origin = next((ORIGIN_FLAGS[flag] for flag in sorted(flags) if flag in ORIGIN_FLAGS), HUMAN)
        entries[message.id] = CatalogEntry(
            msgid=message.id,
            msgstr=msgstr or "",
            fuzzy=message.fuzzy,
            origin=origin,
            line=message.lineno or 0,
            flags=flags,
        )
    return Catalog(locale, relative_path, entries)


def theme_catalog_path(locale: str) -> str:
    """Return the project-relative path of a locale's theme catalog."""
    return f"locales/{locale}/{THEME_CATALOG}"


def catalog_exists(config: Config, relative_path: str) -> bool:
    """Return whether a catalog file exists in the project."""
    return (config.project_dir / Path(relative_path)).is_file()
