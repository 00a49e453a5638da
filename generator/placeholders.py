"""Placeholders `{{ name }}` / `{{ a.b }}` in segments: find them, check them, fill them per locale.

A placeholder is only ever a dotted name of a site variable. Nothing in a segment is
evaluated as a template, so a translation cannot run code whatever it contains.

>>> from babel import Locale
>>> fill("More than {{ limit }} seats", {"limit": 2500}, Locale.parse("de_DE"))
'More than 2.500 seats'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

#: A well-formed placeholder.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
#: Anything that looks like template syntax at all: `{{`, `}}`, `{%`, `%}`, `{#`, `#}`.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


class PlaceholderError(ValueError):
    """A placeholder that names no variable, or template syntax that is not a placeholder."""


def find_placeholders(text: str) -> list[str]:
    """Return the names of the placeholders in `text`, in order."""
    return PLACEHOLDER.findall(text)


def stray_template_syntax(text: str) -> list[str]:
    """Return template syntax in `text` that is not part of a well-formed placeholder."""
    return TEMPLATE_SYNTAX.findall(PLACEHOLDER.sub("", text))


def lookup(name: str, variables: Mapping[str, Any]) -> Any:
    """Return the value of a dotted variable name; raise PlaceholderError if it is not there."""
    value: Any = variables
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise PlaceholderError(f"unknown variable '{name}'")
        value = value[part]
    if isinstance(value, Mapping):
        raise PlaceholderError(f"'{name}' is a group of variables; name one of them ({', '.join(value)})")
    return value


def check_placeholders(text: str, variables: Mapping[str, Any]) -> list[str]:
    """Return a message for each unknown placeholder or stray template syntax in `text`."""
    problems = []
    for name in find_placeholders(text):
        try:
            lookup(name, variables)
        except PlaceholderError as exc:
            problems.append(str(exc))
    for syntax in stray_template_syntax(text):
        problems.append(f"'{syntax}' is not a placeholder; placeholders are {{{{ name }}}} of a site variable")
    return problems


def format_value(value: Any, locale: Locale) -> str:
    """Return a variable's value written for `locale` (numbers and dates by Babel)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_decimal(value, locale=locale)
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=locale)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item, locale) for item in value)
    return str(value)


def fill(text: str, variables: Mapping[str, Any], locale: Locale) -> str:
    """Replace every placeholder of `text` by its value formatted for `locale`."""
    if "{{" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: format_value(lookup(m.group(1), variables), locale), text)
