"""Validating option objects: the settings of helpgen.yaml, each with its type, default and meaning.

Modelled on MkDocs' `config_options`: a schema is a tuple of options, and `validate_settings`
checks a mapping against one: unknown keys are errors (with a "did you mean"), required ones
must be there, and every bad value is reported at its line; it returns the values, defaults
filled in. Nested settings (an org field, a locale's policy, the qa settings) are options with
schemas of their own, so each nested key is declared, validated and documented in one place.

An option validates its value given the settings validated before it (`earlier`): the
profiles see the org schema, a policy sees the locales. Options never raise; they report to
`Problems` and return a usable value, so that one run reports every problem of the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import ChainMap
from collections.abc import Mapping
from typing import Any, ClassVar

from generator.report import Diagnostic, error
from generator.safe_yaml import YamlDocument

#: Where a value is in the document: its keys and list indexes from the top.
Place = tuple[str | int, ...]


class Problems:
    """Every problem of one settings file, each at its line."""

    def __init__(self, document: YamlDocument, file: str) -> None:
        self.document = document
        self.file = file
        self.found: list[Diagnostic] = []

    def fail(self, place: Place, code: str, message: str, hint: str = "") -> None:
        """Report a problem at the line of `place`."""
        self.found.append(error(self.file, self.document.line(place), code, message, hint))


def did_you_mean(word: str, candidates: Mapping[str, Any] | list[str] | tuple[str, ...]) -> str:
    """Return a "did you mean" hint for a misspelled name, or ""."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""


def is_number(value: Any) -> bool:
    """Return whether a YAML value is a number (true and false are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class Option:
    """One setting: its name, type (for the docs), default and meaning; it validates a value."""

    kind: ClassVar[str] = "value"

    def __init__(self, name: str, default: Any, description: str, *, required: bool = False) -> None:
        self.name = name
        self.default = default
        self.description = description
        self.required = required

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the value to use; report what is wrong with it."""
        return value

    def mapping(self, value: Any, place: Place, problems: Problems) -> dict[Any, Any]:
        """Return a mapping value (empty for none); report any other kind of value."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            problems.fail(place, "config-type", f"'{place[-1]}' must be a mapping")
            return {}
        return value

    def list(self, value: Any, place: Place, problems: Problems) -> list[Any]:
        """Return a list value; report any other kind of value."""
        if not isinstance(value, list):
            problems.fail(place, "config-type", f"'{place[-1]}' must be a list")
            return []
        return value


def validate_settings(
    schema: tuple[Option, ...],
    data: Mapping[str, Any],
    place: Place,
    problems: Problems,
    what: str = "",
    outer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the settings of one mapping against a schema, defaults filled in; report every problem.

    `what` names the mapping in messages ("org field" gives "unknown org field setting 'x'").
    Every option validates its value, or its default when the key is absent (an option may
    require something of the others even then); `outer` are the settings around a nested mapping.
    """
    known = {option.name: option for option in schema}
    setting = f"{what} setting" if what else "setting"
    for key in data:
        if key not in known:
            problems.fail((*place, key), "config-unknown-key", f"unknown {setting} '{key}'", did_you_mean(key, known))
    values: dict[str, Any] = {}
    earlier = ChainMap(values, dict(outer or {}))
    for option in schema:
        if option.required and option.name not in data:
            problems.fail(place, "config-missing-key", f"missing required setting '{option.name}'")
        raw = data.get(option.name, option.default)
        values[option.name] = option.validate(raw, (*place, option.name), problems, earlier)
    return values


def describe_options(schema: tuple[Option, ...], prefix: str = "") -> list[str]:
    """Return Markdown table rows for a schema and the schemas nested in it."""
    rows = []
    for option in schema:
        default = "required" if option.required else f"`{option.default!r}`"
        rows.append(f"| `{prefix}{option.name}` | {option.kind} | {default} | {option.description} |")
        nested = getattr(option, "schema", None)
        if nested:
            rows += describe_options(nested, f"{prefix}{option.name}{getattr(option, 'nesting', '.')}")
    return rows


class Text(Option):
    """A text setting."""

    kind = "string"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the text; report a value that is not text."""
        if not isinstance(value, str):
            problems.fail(place, "config-type", f"'{self.name}' must be text")
            return self.default
        return value


class Boolean(Option):
    """A true-or-false setting."""

    kind = "boolean"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the boolean; report any other value."""
        if not isinstance(value, bool):
            problems.fail(place, "config-type", f"'{self.name}' is true or false")
            return self.default
        return value


class Choice(Option):
    """A setting that is one of a few words."""

    kind = "choice"

    def __init__(self, name: str, default: Any, description: str, choices: tuple[str, ...], code: str) -> None:
        super().__init__(name, default, description)
        self.choices = choices
        self.code = code

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the word; report one that is not a choice (keeping it, for the other checks)."""
        if value not in self.choices:
            problems.fail(place, self.code, f"'{self.name}' is one of: {', '.join(self.choices)}")
        return value


class Share(Option):
    """A share from 0 to 1."""

    kind = "number 0-1"

    def __init__(self, name: str, default: Any, description: str, code: str) -> None:
        super().__init__(name, default, description)
        self.code = code

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the share; report a value that is not a number from 0 to 1."""
        if not is_number(value) or not 0 <= value <= 1:
            problems.fail(place, self.code, f"'{self.name}' is a share from 0 to 1, such as 0.8")
        return value


class Terms(Option):
    """A list of terms (non-empty texts)."""

    kind = "list of text"

    def __init__(self, name: str, default: Any, description: str, label: str) -> None:
        super().__init__(name, default, description)
        self.label = label

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the terms as a tuple; report a list with anything but terms."""
        items = self.list(value, place, problems)
        if not all(isinstance(item, str) and item for item in items):
            problems.fail(place, "config-type", f"{self.label} is a list of terms")
        return tuple(str(item) for item in items)


class Variables(Option):
    """Named values (nested groups allowed) that placeholders and conditions use."""

    kind = "mapping"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the variables; report reserved and badly named ones, and values that are not plain."""
        variables = self.mapping(value, place, problems)
        if "org" in variables:
            problems.fail((*place, "org"), "config-reserved", "'org' is reserved for the organization state")
        check_variable_values(place, variables, problems)
        return variables


def check_variable_values(place: Place, value: Any, problems: Problems) -> None:
    """Report variable names that are not identifiers and values that are not plain (text, number, date)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.isidentifier():
                message = f"variable name '{key}' must be a Python-style identifier"
                problems.fail((*place, key), "config-variable-name", message)
            check_variable_values((*place, key), item, problems)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict | list):
                problems.fail((*place, i), "config-type", "list items of a variable must be plain values")
    elif not isinstance(value, str | int | float | bool | dt.date) or value is None:
        problems.fail(place, "config-type", f"variable '{place[-1]}' has no value")


class Group(Option):
    """A mapping of settings with a schema of its own (the `qa:` settings, one locale's policy)."""

    kind = "mapping"

    def __init__(self, name: str, description: str, schema: tuple[Option, ...], what: str) -> None:
        super().__init__(name, {}, description)
        self.schema = schema
        self.what = what

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the group's settings, defaults filled in."""
        data = self.mapping(value, place, problems)
        return validate_settings(self.schema, data, place, problems, self.what, earlier)


class Keyed(Option):
    """A mapping from names (org fields, locales) to groups of settings that share one schema."""

    kind = "mapping"
    #: How the docs write a nested key: `org.<name>.type`.
    nesting = ".<name>."

    def __init__(self, name: str, description: str, schema: tuple[Option, ...], what: str) -> None:
        super().__init__(name, {}, description)
        self.schema = schema
        self.what = what

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return name -> the group's settings, each checked against the schema."""
        result = {}
        for key, group in self.mapping(value, place, problems).items():
            if self.check_key(key, (*place, key), problems, earlier):
                group = self.mapping(group, (*place, key), problems)
                result[key] = validate_settings(self.schema, group, (*place, key), problems, self.what, earlier)
        return result

    def check_key(self, key: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> bool:
        """Return whether a key names something that may have settings (report it if not)."""
        return True
