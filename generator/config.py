"""Read and validate `helpgen.yaml`: one schema, every problem reported at once with its line.

The schema below *is* the documentation of the file (docs/site-builder.md renders it).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import locales as locale_data
from generator.frozen import FrozenDict
from generator.report import ContentError, Diagnostic, error
from generator.safe_yaml import YamlDocument, load_yaml

CONFIG_NAME = "helpgen.yaml"


@dataclass(frozen=True)
class Option:
    """One top-level key of helpgen.yaml."""

    name: str
    kind: str
    default: Any
    description: str
    required: bool = False


SCHEMA: tuple[Option, ...] = (
    Option("source_locale", "locale", "en-US", "Locale the articles in content/ are written in."),
    Option("locales", "list of locales", None, "Every locale the site is published in, source first.", required=True),
    Option("pseudo_locales", "list", [], "Pseudo-locales generated at build time: qps-ploc, qps-plocm."),
    Option("site_name", "string", "Help Center", "Site name shown in every page header (a theme UI string)."),
    Option("site_url", "string", "", "Absolute URL the site is published at; used in sitemap.xml and hreflang."),
    Option("variables", "mapping", {}, "Site variables for {{ placeholders }} and conditions; may nest."),
    Option("org", "mapping", {}, "The organization-state schema that conditions may test (org.<field>)."),
    Option("profiles", "mapping", {}, "Named organization states for previews and --profile builds."),
    Option("default_profile", "string", None, "Profile whose branches show without JavaScript or org state."),
    Option("policy", "mapping", {}, "What the build shows per locale: `default:` and `<locale>:` policies."),
    Option("locale_variables", "mapping", {}, "Per-locale values of site variables: `<locale>: {links: {…}}`."),
    Option("qa", "mapping", {}, "Translation QA: `keep`, `glossary`, `severity` and per-locale `locales`."),
    Option("search", "boolean", True, "Build a Pagefind search index of every locale into the site."),
)

POLICY_KEYS = {
    "fuzzy": ("source", "translation"),
    "machine": ("translation", "source"),
    "min_completeness": (),
}


@dataclass(frozen=True)
class LocalePolicy:
    """What the build does with one locale's unfinished translations."""

    #: `source`: a fuzzy entry shows the source text; `translation`: its translation, with a notice.
    fuzzy: str = "source"
    #: `translation`: machine translations show, with a notice; `source`: the source text shows instead.
    machine: str = "translation"
    #: Below this share of translated segments (0 to 1) a page is not published in the locale.
    min_completeness: float = 0.0


ORG_FIELD_KEYS = {
    "type": "integer, number, boolean or string",
    "minimum": "smallest allowed value (integer and number)",
    "maximum": "largest allowed value (integer and number)",
    "enum": "allowed values (string)",
    "description": "what the field means, shown in the preview panel",
}
ORG_TYPES = ("integer", "number", "boolean", "string")


@dataclass(frozen=True)
class OrgField:
    """One field of the organization state."""

    name: str
    type: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Config:
    """The validated site configuration handed to every stage."""

    project_dir: Path
    source_locale: str
    locales: tuple[str, ...]
    pseudo_locales: tuple[str, ...] = ()
    site_name: str = "Help Center"
    site_url: str = ""
    variables: Mapping[str, Any] = field(default_factory=lambda: FrozenDict({}))
    org: tuple[OrgField, ...] = ()
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: FrozenDict({}))
    default_profile: str | None = None
    policies: Mapping[str, LocalePolicy] = field(default_factory=lambda: FrozenDict({}))
    locale_variables: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: FrozenDict({}))
    #: Terms that may stay untranslated, and do-not-translate terms.
    qa_keep: tuple[str, ...] = ()
    qa_glossary: tuple[str, ...] = ()
    #: "default" and locale -> check id -> error, warning or off.
    qa_severity: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: FrozenDict({}))
    search: bool = True
    config_path: str = CONFIG_NAME

    def variables_for(self, locale: str) -> Mapping[str, Any]:
        """Return the site variables as one locale sees them (its own values over the site-wide ones)."""
        override = self.locale_variables.get(locale)
        return _merge(self.variables, override) if override else self.variables

    def severities(self, locale: str) -> Mapping[str, str]:
        """Return the QA severities of one locale (its own over the site-wide ones)."""
        return {**self.qa_severity.get("default", {}), **self.qa_severity.get(locale, {})}

    def policy(self, locale: str) -> LocalePolicy:
        """Return the policy of one locale (its own, else `default`, else the built-in one)."""
        return self.policies.get(locale) or self.policies.get("default") or LocalePolicy()

    @property
    def all_locales(self) -> tuple[str, ...]:
        """Return the published locales followed by the pseudo-locales."""
        return self.locales + self.pseudo_locales

    @property
    def content_dir(self) -> Path:
        """Return the folder of the source articles."""
        return self.project_dir / "content"

    @property
    def locales_dir(self) -> Path:
        """Return the folder of the catalogs."""
        return self.project_dir / "locales"

    @property
    def templates_dir(self) -> Path:
        """Return the folder of the project's theme overrides."""
        return self.project_dir / "templates"

    def org_field(self, name: str) -> OrgField | None:
        """Return the org-state field called `name`, if the schema has it."""
        return next((f for f in self.org if f.name == name), None)

    def default_org(self) -> Mapping[str, Any]:
        """Return the default profile's org state (empty without profiles)."""
        return self.profiles.get(self.default_profile or "", FrozenDict({}))


def check_locales(config: Config, tags: Iterable[str], *, translated: bool = False) -> None:
    """Refuse locales (of a command's --locale) that the site does not have; with `translated`, only translated ones.

    The one check of every command's --locale: raise ContentError naming each unknown tag, with
    the known ones and the nearest match.
    """
    known = config.locales[1:] if translated else config.all_locales
    what = "a translated locale" if translated else "a locale"
    problems = [
        error(
            config.config_path,
            0,
            "unknown-locale",
            f"{tag} is not {what} of this site",
            f"known: {', '.join(known) or 'none'}" + (f"; {hint}" if (hint := _did_you_mean(tag, list(known))) else ""),
        )
        for tag in tags
        if tag not in known
    ]
    if problems:
        raise ContentError(problems)


def read_config(project_dir: Path) -> Config:
    """Read `helpgen.yaml` of a project; raise ContentError listing every problem."""
    path = project_dir / CONFIG_NAME
    if not path.is_file():
        raise ContentError(
            [
                error(
                    CONFIG_NAME,
                    0,
                    "config-missing",
                    f"no {CONFIG_NAME} in {project_dir}",
                    "run `helpgen init DIR` to create a project",
                )
            ]
        )
    document = load_yaml(path.read_text(encoding="utf-8"), CONFIG_NAME)
    return parse_config(document, project_dir)


def parse_config(document: YamlDocument, project_dir: Path) -> Config:
    """Validate a parsed helpgen.yaml; raise ContentError listing every problem."""
    checker = _Checker(document)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        checker.fail((), "config-type", "helpgen.yaml must be a mapping of settings")
        raise ContentError(checker.problems)
    known = {option.name: option for option in SCHEMA}
    for key in data:
        if key not in known:
            checker.fail((key,), "config-unknown-key", f"unknown setting '{key}'", _did_you_mean(key, known))
    for option in SCHEMA:
        if option.required and option.name not in data:
            checker.fail((), "config-missing-key", f"missing required setting '{option.name}'")
    values = {option.name: data.get(option.name, option.default) for option in SCHEMA}
    source = checker.locale(("source_locale",), values["source_locale"])
    locales = tuple(
        checker.locale(("locales", i), tag)
        for i, tag in enumerate(checker.list_of(("locales",), values["locales"] or []))
    )
    if source and locales and source not in locales:
        checker.fail(("locales",), "config-source-locale", f"locales must include the source locale {source}")
    valid = [tag for tag in locales if tag]
    if len(set(valid)) != len(valid):
        checker.fail(("locales",), "config-duplicate-locale", "a locale is listed twice")
    pseudo = tuple(checker.pseudo_locales(values["pseudo_locales"]))
    variables = checker.variables(values["variables"])
    org = checker.org(values["org"])
    profiles = checker.profiles(values["profiles"], org)
    default_profile = checker.default_profile(values["default_profile"], profiles)
    policies = checker.policies(values["policy"], locales)
    locale_variables = checker.locale_variables(values["locale_variables"], locales, variables)
    keep, glossary, severity = checker.qa(values["qa"], locales)
    for key in ("site_name", "site_url"):
        if not isinstance(values[key], str):
            checker.fail((key,), "config-type", f"'{key}' must be text")
    if not isinstance(values["search"], bool):
        checker.fail(("search",), "config-type", "'search' is true or false")
    if checker.problems:
        raise ContentError(sorted(checker.problems, key=lambda d: d.line))
    return Config(
        project_dir=project_dir,
        source_locale=source,
        locales=(source, *[tag for tag in locales if tag != source]),
        pseudo_locales=pseudo,
        site_name=values["site_name"],
        site_url=values["site_url"].rstrip("/") + "/" if values["site_url"] else "",
        variables=_freeze(variables),
        org=org,
        profiles=FrozenDict({name: FrozenDict(state) for name, state in sorted(profiles.items())}),
        default_profile=default_profile,
        policies=FrozenDict(policies),
        locale_variables=FrozenDict({tag: _freeze(values) for tag, values in locale_variables.items()}),
        qa_keep=keep,
        qa_glossary=glossary,
        qa_severity=FrozenDict({k: FrozenDict(v) for k, v in severity.items()}),
        search=bool(values["search"]),
    )


def _did_you_mean(word: str, candidates: Mapping[str, Any] | list[str]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> Mapping[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, Mapping) else value
    return FrozenDict(merged)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return FrozenDict({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


class _Checker:
    """Collect every problem of one config file, each at its line."""

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.problems: list[Diagnostic] = []

    def fail(self, path: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        self.problems.append(error(CONFIG_NAME, self.document.line(path), code, message, hint))

    def list_of(self, path: tuple[str | int, ...], value: Any) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, "config-type", f"'{path[-1]}' must be a list")
            return []
        return value

    def mapping(self, path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "config-type", f"'{path[-1]}' must be a mapping")
            return {}
        return value

    def locale(self, path: tuple[str | int, ...], tag: Any) -> str:
        if not isinstance(tag, str):
            self.fail(path, "config-locale", f"locale {tag!r} must be text such as 'de-DE'")
            return ""
        problem = locale_data.check_locale_tag(tag)
        if problem:
            message, hint = problem
            self.fail(path, "config-locale", message, hint)
            return ""
        return tag

    def pseudo_locales(self, value: Any) -> list[str]:
        tags = self.list_of(("pseudo_locales",), value)
        for i, tag in enumerate(tags):
            if tag not in locale_data.PSEUDO_LOCALES:
                known = list(locale_data.PSEUDO_LOCALES)
                self.fail(
                    ("pseudo_locales", i),
                    "config-locale",
                    f"unknown pseudo-locale {tag!r}",
                    _did_you_mean(str(tag), known) or f"choose from {', '.join(known)}",
                )
        return [tag for tag in tags if tag in locale_data.PSEUDO_LOCALES]

    def variables(self, value: Any) -> dict[str, Any]:
        variables = self.mapping(("variables",), value)
        if "org" in variables:
            self.fail(("variables", "org"), "config-reserved", "'org' is reserved for the organization state")
        self._check_variable_values(("variables",), variables)
        return variables

    def _check_variable_values(self, path: tuple[str | int, ...], value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not key.isidentifier():
                    self.fail(
                        (*path, key), "config-variable-name", f"variable name '{key}' must be a Python-style identifier"
                    )
                self._check_variable_values((*path, key), item)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict | list):
                    self.fail((*path, i), "config-type", "list items of a variable must be plain values")
        elif not isinstance(value, str | int | float | bool | dt.date) or value is None:
            self.fail(path, "config-type", f"variable '{path[-1]}' has no value")

    def org(self, value: Any) -> tuple[OrgField, ...]:
        fields: list[OrgField] = []
        for name, spec in self.mapping(("org",), value).items():
            path: tuple[str | int, ...] = ("org", name)
            if not name.isidentifier():
                self.fail(path, "config-org", f"org field name '{name}' must be an identifier")
            spec = self.mapping(path, spec)
            for key in spec:
                if key not in ORG_FIELD_KEYS:
                    self.fail(
                        (*path, key),
                        "config-unknown-key",
                        f"unknown org field setting '{key}'",
                        _did_you_mean(key, ORG_FIELD_KEYS),
                    )
            kind = spec.get("type")
            if kind not in ORG_TYPES:
                self.fail(
                    path,
                    "config-org",
                    f"org field '{name}' needs a type: {', '.join(ORG_TYPES[:-1])} or {ORG_TYPES[-1]}",
                    _did_you_mean(str(kind), list(ORG_TYPES)),
                )
                continue
            choices = spec.get("enum", [])
            if choices and (
                kind != "string" or not all(isinstance(c, str) for c in self.list_of((*path, "enum"), choices))
            ):
                self.fail((*path, "enum"), "config-org", "enum is a list of text values of a string field")
                choices = []
            bounds = [spec.get(key) for key in ("minimum", "maximum")]
            for key, bound in zip(("minimum", "maximum"), bounds, strict=True):
                if bound is not None and (kind not in ("integer", "number") or not _is_number(bound)):
                    self.fail((*path, key), "config-org", f"{key} is a number, for integer and number fields")
            minimum, maximum = (bound if _is_number(bound) else None for bound in bounds)
            fields.append(OrgField(name, kind, minimum, maximum, tuple(choices), str(spec.get("description", ""))))
        return tuple(fields)

    def profiles(self, value: Any, org: tuple[OrgField, ...]) -> dict[str, dict[str, Any]]:
        profiles = {}
        by_name = {f.name: f for f in org}
        for name, state in self.mapping(("profiles",), value).items():
            state = self.mapping(("profiles", name), state)
            for key, item in state.items():
                path: tuple[str | int, ...] = ("profiles", name, key)
                org_field = by_name.get(key)
                if org_field is None:
                    self.fail(
                        path,
                        "config-profile",
                        f"profile '{name}' sets '{key}', which is not an org field",
                        _did_you_mean(key, list(by_name)),
                    )
                elif (problem := check_org_value(org_field, item)) is not None:
                    self.fail(path, "config-profile", f"profile '{name}': {problem}")
            for missing in sorted(set(by_name) - set(state)):
                self.fail(("profiles", name), "config-profile", f"profile '{name}' does not set org field '{missing}'")
            profiles[name] = state
        return profiles

    def policies(self, value: Any, locales: tuple[str, ...]) -> dict[str, LocalePolicy]:
        policies: dict[str, LocalePolicy] = {}
        items = sorted(self.mapping(("policy",), value).items(), key=lambda item: item[0] != "default")
        for name, spec in items:
            path: tuple[str | int, ...] = ("policy", name)
            if name != "default" and name not in locales:
                self.fail(
                    path,
                    "config-policy",
                    f"policy for '{name}', which is not in locales",
                    _did_you_mean(name, ["default", *locales]),
                )
            spec = self.mapping(path, spec)
            for key, item in spec.items():
                choices = POLICY_KEYS.get(key)
                if choices is None:
                    self.fail(
                        (*path, key),
                        "config-unknown-key",
                        f"unknown policy setting '{key}'",
                        _did_you_mean(key, POLICY_KEYS),
                    )
                elif choices and item not in choices:
                    self.fail((*path, key), "config-policy", f"'{key}' is one of: {', '.join(choices)}")
                elif not choices and (not _is_number(item) or not 0 <= item <= 1):
                    self.fail((*path, key), "config-policy", f"'{key}' is a share from 0 to 1, such as 0.8")
            base = policies.get("default", LocalePolicy())
            known = {key: item for key, item in spec.items() if key in POLICY_KEYS}
            try:
                policies[name] = replace(base, **known)
            except TypeError:
                continue
        return policies

    def qa(
        self, value: Any, locales: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, dict[str, str]]]:
        from generator.checks import CHECK_IDS, ERROR, OFF, WARNING

        spec = self.mapping(("qa",), value)
        for key in spec:
            if key not in ("keep", "glossary", "severity", "locales"):
                self.fail(
                    ("qa", key),
                    "config-unknown-key",
                    f"unknown qa setting '{key}'",
                    _did_you_mean(key, ["keep", "glossary", "severity", "locales"]),
                )
        terms = {}
        for key in ("keep", "glossary"):
            items = self.list_of(("qa", key), spec.get(key, []))
            if not all(isinstance(item, str) and item for item in items):
                self.fail(("qa", key), "config-type", f"qa.{key} is a list of terms")
            terms[key] = tuple(str(item) for item in items)
        severity = {
            "default": self._severities(("qa", "severity"), spec.get("severity"), CHECK_IDS, (ERROR, WARNING, OFF))
        }
        for tag, local in self.mapping(("qa", "locales"), spec.get("locales")).items():
            if tag not in locales:
                self.fail(
                    ("qa", "locales", tag),
                    "config-locale",
                    f"'{tag}' is not in locales",
                    _did_you_mean(tag, list(locales)),
                )
            local = self.mapping(("qa", "locales", tag), local)
            for key in local:
                if key != "severity":
                    self.fail(("qa", "locales", tag, key), "config-unknown-key", f"unknown qa setting '{key}'")
            severity[tag] = self._severities(
                ("qa", "locales", tag, "severity"), local.get("severity"), CHECK_IDS, (ERROR, WARNING, OFF)
            )
        return terms["keep"], terms["glossary"], severity

    def _severities(
        self, path: tuple[str | int, ...], value: Any, checks: tuple[str, ...], levels: tuple[str, ...]
    ) -> dict[str, str]:
        result = {}
        for check, level in self.mapping(path, value).items():
            if check not in checks:
                self.fail(
                    (*path, check), "config-qa", f"no QA check called '{check}'", _did_you_mean(check, list(checks))
                )
            elif level not in levels:
                self.fail((*path, check), "config-qa", f"severity is one of {', '.join(levels)}")
            else:
                result[check] = level
        return result

    def locale_variables(
        self, value: Any, locales: tuple[str, ...], variables: dict[str, Any]
    ) -> dict[str, dict[str, Any]]:
        result = {}
        for tag, values in self.mapping(("locale_variables",), value).items():
            if tag not in locales:
                self.fail(
                    ("locale_variables", tag),
                    "config-locale",
                    f"'{tag}' is not in locales",
                    _did_you_mean(tag, list(locales)),
                )
                continue
            values = self.mapping(("locale_variables", tag), values)
            self._check_override(("locale_variables", tag), values, variables)
            result[tag] = values
        return result

    def _check_override(self, path: tuple[str | int, ...], values: dict[str, Any], base: Any) -> None:
        """Check that a per-locale value replaces a site variable of the same kind (so every placeholder resolves)."""
        for key, item in values.items():
            here = (*path, key)
            if not isinstance(base, dict) or key not in base:
                self.fail(here, "config-variable", f"'{key}' is not a site variable; declare it under variables first")
            elif isinstance(item, dict) != isinstance(base[key], dict):
                self.fail(
                    here,
                    "config-variable",
                    f"'{key}' must be {'a group' if isinstance(base[key], dict) else 'a value'} as in variables",
                )
            elif isinstance(item, dict):
                self._check_override(here, item, base[key])

    def default_profile(self, value: Any, profiles: dict[str, Any]) -> str | None:
        if value is None:
            if profiles:
                self.fail(("profiles",), "config-default-profile", "default_profile must name one of the profiles")
            return None
        if value not in profiles:
            self.fail(
                ("default_profile",),
                "config-default-profile",
                f"no profile called {value!r}",
                _did_you_mean(str(value), list(profiles)),
            )
            return None
        return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_org_value(org_field: OrgField, value: Any) -> str | None:
    """Return why `value` is not valid for `org_field`, or None when it is."""
    if org_field.type == "boolean":
        return None if isinstance(value, bool) else f"'{org_field.name}' must be true or false"
    if org_field.type == "string":
        if not isinstance(value, str):
            return f"'{org_field.name}' must be text"
        if org_field.choices and value not in org_field.choices:
            return f"'{org_field.name}' must be one of {', '.join(org_field.choices)}"
        return None
    if not _is_number(value) or (org_field.type == "integer" and not isinstance(value, int)):
        return f"'{org_field.name}' must be {'a whole number' if org_field.type == 'integer' else 'a number'}"
    if org_field.minimum is not None and value < org_field.minimum:
        return f"'{org_field.name}' must be at least {org_field.minimum}"
    if org_field.maximum is not None and value > org_field.maximum:
        return f"'{org_field.name}' must be at most {org_field.maximum}"
    return None


def describe_schema() -> str:
    """Return the schema as a Markdown table, for the docs and `helpgen --help`."""
    rows = ["| setting | type | default | meaning |", "| --- | --- | --- | --- |"]
    for option in SCHEMA:
        default = "required" if option.required else f"`{option.default!r}`"
        rows.append(f"| `{option.name}` | {option.kind} | {default} | {option.description} |")
    return "\n".join(rows)
