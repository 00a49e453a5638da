r"""Placeholders `{{ name }}` / `{{ a.b }}` in segments: find them, check them, fill them per locale.

A placeholder is only ever a dotted name of a site variable, optionally with one format:
`{{ price | currency:EUR }}`, `{{ share | percent }}`, `{{ day | date:short }}`,
`{{ n | number }}`. Nothing in a segment is evaluated as a template, so a translation cannot
run code whatever it contains.

>>> from babel import Locale
>>> de = Locale.parse("de_DE")
>>> fill("More than {{ limit }} seats", {"limit": 2500}, de)
'More than 2.500 seats'
>>> fill("{{ p | currency:EUR }}, {{ s | percent }}", {"p": 9.5, "s": 0.25}, de)
'9,50\xa0€, 25\xa0%'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

#: A well-formed placeholder.
PLACEHOLDER = re.compile(
    r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"(?:\s*\|\s*([a-z]+)(?::([A-Za-z_]+))?)?\s*\}\}"
)
#: Formats a placeholder may ask for, with the arguments each takes.
FORMATS = {"number": (), "percent": (), "currency": None, "date": ("short", "medium", "long", "full")}
#: Anything that looks like template syntax at all: `{{`, `}}`, `{%`, `%}`, `{#`, `#}`.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


class PlaceholderError(ValueError):
    """A placeholder that names no variable, or template syntax that is not a placeholder."""


def find_placeholders(text: str) -> list[str]:
    """Return the placeholders of `text` in order, normalized: `name` or `name|format:arg`."""
    if "{" not in text:
        return []
    return [_normalized(match) for match in PLACEHOLDER.finditer(text)]


def _normalized(match: re.Match[str]) -> str:
    name, kind, argument = match.groups()
    if not kind:
        return name
    return f"{name}|{kind}:{argument}" if argument else f"{name}|{kind}"


#: Code spans: braces in code (`{if ($x) {y}}`) are code, not template syntax.
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


def stray_template_syntax(text: str) -> list[str]:
    """Return template syntax in `text` that is not a well-formed placeholder nor inside a code span."""
    if "{" not in text and "}" not in text:  # most text: every kind of template syntax has a brace
        return []
    return TEMPLATE_SYNTAX.findall(CODE_SPAN.sub("", PLACEHOLDER.sub("", text)))


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
    for match in PLACEHOLDER.finditer(text):
        name, kind, argument = match.groups()
        try:
            value = lookup(name, variables)
            if kind:
                format_value(value, None, kind, argument)
        except PlaceholderError as exc:
            problems.append(str(exc))
    for syntax in stray_template_syntax(text):
        problems.append(f"'{syntax}' is not a placeholder; placeholders are {{{{ name }}}} of a site variable")
    return problems


def format_value(value: Any, locale: Locale | None, kind: str | None = None, argument: str | None = None) -> str:
    """Return a variable's value written for `locale` by Babel, in the format asked for.

    With `locale` None, only check that the format fits the value (raise PlaceholderError).
    """
    if kind:
        return _format_as(value, locale, kind, argument)
    if locale is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_decimal(value, locale=locale)
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=locale)
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item, locale) for item in value)
    return str(value)


def _format_as(value: Any, locale: Locale | None, kind: str, argument: str | None) -> str:
    if kind not in FORMATS:
        raise PlaceholderError(f"unknown format '{kind}'; formats are {', '.join(FORMATS)}")
    choices = FORMATS[kind]
    if kind == "date":
        if not isinstance(value, dt.date):
            raise PlaceholderError("'date' formats a date (write it as 2026-11-26 in helpgen.yaml)")
        if argument and argument not in (choices or ()):
            raise PlaceholderError(f"date format is one of {', '.join(choices or ())}")
        return format_date(value, format=argument or "long", locale=locale) if locale else ""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise PlaceholderError(f"'{kind}' formats a number")
    if kind == "currency" and not (argument and len(argument) == 3 and argument.isupper()):
        raise PlaceholderError("currency needs an ISO 4217 code, such as currency:EUR")
    if kind != "currency" and argument:
        raise PlaceholderError(f"'{kind}' takes no argument")
    if locale is None:
        return ""
    if kind == "percent":
        return format_percent(value, locale=locale)
    if kind == "currency":
        return format_currency(value, argument or "", locale=locale)
    return format_decimal(value, locale=locale)


def fill(text: str, variables: Mapping[str, Any], locale: Locale) -> str:
    """Replace every placeholder of `text` by its value formatted for `locale`."""
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name, kind, argument = match.groups()
        return format_value(lookup(name, variables), locale, kind, argument)

    return PLACEHOLDER.sub(replace, text)
