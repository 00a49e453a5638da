"""Read and validate `helpgen.yaml`: one schema, every problem reported at once with its line.

`SCHEMA` below *is* the documentation of the file (docs/site-builders.md renders it): each
setting is a validating option object (`options.py`), nested settings have schemas of their
own, and every default is written once, there. The result is one frozen `Config`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import locales as locale_data
from generator.frozen import FrozenDict
from generator.options import (
    Boolean,
    Choice,
    Group,
    Keyed,
    Option,
    Place,
    Problems,
    Share,
    Terms,
    Text,
    Variables,
    describe_options,
    did_you_mean,
    is_number,
    validate_settings,
)
from generator.report import ContentError, error
from generator.safe_yaml import YamlDocument, load_yaml

CONFIG_NAME = "helpgen.yaml"


ORG_TYPES = ("integer", "number", "boolean", "string")


class OrgType(Option):
    """The type of an org field; without a valid one, the field is left out."""

    kind = "choice"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the type, or None (reported at the field) when it is missing or unknown."""
        if value not in ORG_TYPES:
            types = f"{', '.join(ORG_TYPES[:-1])} or {ORG_TYPES[-1]}"
            hint = did_you_mean(str(value), list(ORG_TYPES))
            problems.fail(place[:-1], "config-org", f"org field '{place[-2]}' needs a type: {types}", hint)
            return None
        return value


class OrgChoices(Option):
    """The values a string field may take."""

    kind = "list of text"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the choices; report them on a field that is not a string field, or that are not text."""
        if not value or earlier["type"] is None:
            return ()
        if earlier["type"] != "string" or not all(isinstance(c, str) for c in self.list(value, place, problems)):
            problems.fail(place, "config-org", "enum is a list of text values of a string field")
            return ()
        return tuple(value)


class OrgBound(Option):
    """The smallest or largest value of a number field."""

    kind = "number"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the bound (None for none); report one on a field that is not a number field."""
        if value is None or earlier["type"] is None:
            return None
        if earlier["type"] not in ("integer", "number") or not is_number(value):
            problems.fail(place, "config-org", f"{self.name} is a number, for integer and number fields")
        return value if is_number(value) else None


class Description(Option):
    """A field's description, as text."""

    kind = "string"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the description as text."""
        return str(value)


ORG_FIELD_SCHEMA: tuple[Option, ...] = (
    OrgType("type", None, "integer, number, boolean or string"),
    OrgBound("minimum", None, "smallest allowed value (integer and number)"),
    OrgBound("maximum", None, "largest allowed value (integer and number)"),
    OrgChoices("enum", [], "allowed values (string)"),
    Description("description", "", "what the field means, shown in the preview panel"),
)

POLICY_SCHEMA: tuple[Option, ...] = (
    Choice(
        "fuzzy",
        "source",
        "`source`: a fuzzy entry shows the source text; `translation`: its translation, with a notice",
        ("source", "translation"),
        "config-policy",
    ),
    Choice(
        "machine",
        "translation",
        "`translation`: machine translations show, with a notice; `source`: the source text shows instead",
        ("translation", "source"),
        "config-policy",
    ),
    Share(
        "min_completeness",
        0.0,
        "below this share of translated segments (0 to 1) a page is not published in the locale",
        "config-policy",
    ),
)
_POLICY_DEFAULTS = {option.name: option.default for option in POLICY_SCHEMA}


@dataclass(frozen=True)
class LocalePolicy:
    """What the build does with one locale's unfinished translations (POLICY_SCHEMA says what each means)."""

    fuzzy: str = _POLICY_DEFAULTS["fuzzy"]
    machine: str = _POLICY_DEFAULTS["machine"]
    min_completeness: float = _POLICY_DEFAULTS["min_completeness"]


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
            f"known: {', '.join(known) or 'none'}" + (f"; {hint}" if (hint := did_you_mean(tag, list(known))) else ""),
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
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "helpgen.yaml is not valid UTF-8"
        raise ContentError([error(CONFIG_NAME, line, "config-encoding", message, "save it as UTF-8")]) from None
    document = load_yaml(text, CONFIG_NAME)
    return parse_config(document, project_dir)


def parse_config(document: YamlDocument, project_dir: Path) -> Config:
    """Validate a parsed helpgen.yaml; raise ContentError listing every problem."""
    problems = Problems(document, CONFIG_NAME)
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        problems.fail((), "config-type", "helpgen.yaml must be a mapping of settings")
        raise ContentError(problems.found)
    values = validate_settings(SCHEMA, data, (), problems)
    if problems.found:
        raise ContentError(sorted(problems.found, key=lambda d: d.line))
    return make_config(values, project_dir)


def make_config(values: Mapping[str, Any], project_dir: Path) -> Config:
    """Return the frozen Config of valid settings."""
    source = values["source_locale"]
    qa = values["qa"]
    severity = {"default": qa["severity"]} | {tag: local["severity"] for tag, local in qa["locales"].items()}
    return Config(
        project_dir=project_dir,
        source_locale=source,
        locales=(source, *[tag for tag in values["locales"] if tag != source]),
        pseudo_locales=tuple(values["pseudo_locales"]),
        site_name=values["site_name"],
        site_url=values["site_url"].rstrip("/") + "/" if values["site_url"] else "",
        variables=_freeze(values["variables"]),
        org=values["org"],
        profiles=FrozenDict({name: FrozenDict(state) for name, state in sorted(values["profiles"].items())}),
        default_profile=values["default_profile"],
        policies=FrozenDict(values["policy"]),
        locale_variables=FrozenDict({tag: _freeze(v) for tag, v in values["locale_variables"].items()}),
        qa_keep=qa["keep"],
        qa_glossary=qa["glossary"],
        qa_severity=FrozenDict({key: FrozenDict(levels) for key, levels in severity.items()}),
        search=values["search"],
    )


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


class Locale(Option):
    """A locale tag, written canonically (`de-DE`)."""

    kind = "locale"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the tag, or "" (reported) when it is not a known, canonical locale."""
        return check_locale(value, place, problems)


def check_locale(tag: Any, place: Place, problems: Problems) -> str:
    """Return a locale tag, or "" (reported) when it is not a known, canonical locale."""
    if not isinstance(tag, str):
        problems.fail(place, "config-locale", f"locale {tag!r} must be text such as 'de-DE'")
        return ""
    problem = locale_data.check_locale_tag(tag)
    if problem:
        message, hint = problem
        problems.fail(place, "config-locale", message, hint)
        return ""
    return tag


class LocaleList(Option):
    """The locales the site is published in: the source locale among them, none twice."""

    kind = "list of locales"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the valid tags, in order; report bad, missing and repeated ones."""
        tags = [
            check_locale(tag, (*place, i), problems) for i, tag in enumerate(self.list(value or [], place, problems))
        ]
        source = earlier["source_locale"]
        if source and tags and source not in tags:
            problems.fail(place, "config-source-locale", f"locales must include the source locale {source}")
        valid = [tag for tag in tags if tag]
        if len(set(valid)) != len(valid):
            problems.fail(place, "config-duplicate-locale", "a locale is listed twice")
        return tuple(valid)


class PseudoLocales(Option):
    """Pseudo-locales that the build makes from the source text."""

    kind = "list"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the known pseudo-locales; report unknown ones."""
        tags = self.list(value, place, problems)
        known = list(locale_data.PSEUDO_LOCALES)
        for i, tag in enumerate(tags):
            if tag not in known:
                hint = did_you_mean(str(tag), known) or f"choose from {', '.join(known)}"
                problems.fail((*place, i), "config-locale", f"unknown pseudo-locale {tag!r}", hint)
        return tuple(tag for tag in tags if tag in known)


class OrgSchema(Keyed):
    """The organization state that conditions test: field name -> its settings (ORG_FIELD_SCHEMA)."""

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the fields that have a valid type, as OrgFields."""
        fields = super().validate(value, place, problems, earlier)
        return tuple(
            OrgField(name, spec["type"], spec["minimum"], spec["maximum"], spec["enum"], str(spec["description"]))
            for name, spec in fields.items()
            if spec["type"] is not None
        )

    def check_key(self, key: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> bool:
        """Report a field name that is not an identifier (the field is still checked)."""
        if not str(key).isidentifier():
            problems.fail(place, "config-org", f"org field name '{key}' must be an identifier")
        return True


class Profiles(Option):
    """Named organization states: each sets every org field to a valid value."""

    kind = "mapping"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return name -> org state; report unknown fields, bad values and fields left unset."""
        by_name = {f.name: f for f in earlier["org"]}
        profiles = {}
        for name, state in self.mapping(value, place, problems).items():
            state = self.mapping(state, (*place, name), problems)
            for key, item in state.items():
                here = (*place, name, key)
                org_field = by_name.get(key)
                if org_field is None:
                    message = f"profile '{name}' sets '{key}', which is not an org field"
                    problems.fail(here, "config-profile", message, did_you_mean(key, list(by_name)))
                elif (problem := check_org_value(org_field, item)) is not None:
                    problems.fail(here, "config-profile", f"profile '{name}': {problem}")
            for missing in sorted(set(by_name) - set(state)):
                problems.fail((*place, name), "config-profile", f"profile '{name}' does not set org field '{missing}'")
            profiles[name] = state
        return profiles


class DefaultProfile(Option):
    """The profile shown without JavaScript or an org state; required once there are profiles."""

    kind = "string"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the profile's name; report a missing or unknown one."""
        profiles = earlier["profiles"]
        if value is None:
            if profiles:
                problems.fail(("profiles",), "config-default-profile", "default_profile must name one of the profiles")
            elif earlier["org"]:  # a page without JavaScript or an org state shows the default profile's branches
                example = ", ".join(f"{field.name}: …" for field in earlier["org"])
                hint = f"add `profiles: {{typical: {{{example}}}}}` and `default_profile: typical`"
                problems.fail(
                    ("org",), "config-default-profile", "org fields need profiles and a default_profile", hint
                )
            return None
        if value not in profiles:
            hint = did_you_mean(str(value), list(profiles))
            problems.fail(place, "config-default-profile", f"no profile called {value!r}", hint)
            return None
        return str(value)


class Policies(Keyed):
    """Per-locale policies (`default:` and `<locale>:`), each a group of POLICY_SCHEMA settings."""

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return name -> LocalePolicy: a locale's settings over the default policy's, over the built-in one."""
        given = self.mapping(value, place, problems)
        super().validate(given, place, problems, earlier)  # reports every problem of every policy
        policies: dict[str, LocalePolicy] = {}
        for name, spec in sorted(given.items(), key=lambda item: item[0] != "default"):
            known = {
                key: item for key, item in (spec if isinstance(spec, dict) else {}).items() if key in _POLICY_DEFAULTS
            }
            policies[name] = replace(policies.get("default", LocalePolicy()), **known)
        return policies

    def check_key(self, key: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> bool:
        """Report a policy for a locale that the site does not have (it is still checked)."""
        locales = earlier["locales"]
        if key != "default" and key not in locales:
            message = f"policy for '{key}', which is not in locales"
            problems.fail(place, "config-policy", message, did_you_mean(str(key), ["default", *locales]))
        return True


class LocaleVariables(Option):
    """Per-locale values of site variables, each replacing a site variable of the same kind."""

    kind = "mapping"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return locale -> its values; report unknown locales and values that replace nothing."""
        result = {}
        locales = earlier["locales"]
        for tag, values in self.mapping(value, place, problems).items():
            if tag not in locales:
                hint = did_you_mean(tag, list(locales))
                problems.fail((*place, tag), "config-locale", f"'{tag}' is not in locales", hint)
                continue
            values = self.mapping(values, (*place, tag), problems)
            check_override((*place, tag), values, earlier["variables"], problems)
            result[tag] = values
        return result


def check_override(place: Place, values: Mapping[str, Any], base: Any, problems: Problems) -> None:
    """Check that a per-locale value replaces a site variable of the same kind (so every placeholder resolves)."""
    for key, item in values.items():
        here = (*place, key)
        if not isinstance(base, dict) or key not in base:
            problems.fail(here, "config-variable", f"'{key}' is not a site variable; declare it under variables first")
        elif isinstance(item, dict) != isinstance(base[key], dict):
            kind = "a group" if isinstance(base[key], dict) else "a value"
            problems.fail(here, "config-variable", f"'{key}' must be {kind} as in variables")
        elif isinstance(item, dict):
            check_override(here, item, base[key], problems)


class Severities(Option):
    """QA check name -> error, warning or off."""

    kind = "mapping"

    def validate(self, value: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> Any:
        """Return the valid severities; report unknown checks and levels."""
        from generator.checks import CHECK_IDS, ERROR, OFF, WARNING  # the checks' names, without the checks

        levels = (ERROR, WARNING, OFF)
        result = {}
        for check, level in self.mapping(value, place, problems).items():
            level = OFF if level is False else level  # YAML reads a bare `off` as false
            if check not in CHECK_IDS:
                hint = did_you_mean(check, list(CHECK_IDS))
                problems.fail((*place, check), "config-qa", f"no QA check called '{check}'", hint)
            elif level not in levels:
                problems.fail((*place, check), "config-qa", f"severity is one of {', '.join(levels)}")
            else:
                result[check] = level
        return result


class QaLocales(Keyed):
    """Per-locale QA settings (LOCALE_QA_SCHEMA)."""

    def check_key(self, key: Any, place: Place, problems: Problems, earlier: Mapping[str, Any]) -> bool:
        """Report a locale that the site does not have (its settings are still checked)."""
        locales = earlier["locales"]
        if key not in locales:
            problems.fail(place, "config-locale", f"'{key}' is not in locales", did_you_mean(str(key), list(locales)))
        return True


LOCALE_QA_SCHEMA: tuple[Option, ...] = (
    Severities("severity", {}, "check name -> error, warning or off, for this locale (over `qa.severity`)"),
)

QA_SCHEMA: tuple[Option, ...] = (
    Terms("keep", [], "terms that may stay untranslated (product names)", "qa.keep"),
    Terms("glossary", [], "do-not-translate terms: a translation must keep each one its source has", "qa.glossary"),
    Severities("severity", {}, "check name -> error, warning or off, for every locale"),
    QaLocales("locales", "per-locale QA settings: `<locale>: {severity: …}`", LOCALE_QA_SCHEMA, "qa"),
)

SCHEMA: tuple[Option, ...] = (
    Locale("source_locale", "en-US", "Locale the articles in content/ are written in."),
    LocaleList("locales", None, "Every locale the site is published in, source first.", required=True),
    PseudoLocales("pseudo_locales", [], "Pseudo-locales generated at build time: qps-ploc, qps-plocm."),
    Text("site_name", "Help Center", "Site name shown in every page header (a theme UI string)."),
    Text("site_url", "", "Absolute URL the site is published at; used in sitemap.xml and hreflang."),
    Variables("variables", {}, "Site variables for {{ placeholders }} and conditions; may nest."),
    OrgSchema(
        "org", "The organization-state schema that conditions may test (org.<field>).", ORG_FIELD_SCHEMA, "org field"
    ),
    Profiles("profiles", {}, "Named organization states for previews and --profile builds."),
    DefaultProfile("default_profile", None, "Profile whose branches show without JavaScript or org state."),
    Policies(
        "policy", "What the build shows per locale: `default:` and `<locale>:` policies.", POLICY_SCHEMA, "policy"
    ),
    LocaleVariables("locale_variables", {}, "Per-locale values of site variables: `<locale>: {links: {…}}`."),
    Group("qa", "Translation QA: `keep`, `glossary`, `severity` and per-locale `locales`.", QA_SCHEMA, "qa"),
    Boolean("search", True, "Build a Pagefind search index of every locale into the site."),
)


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
    if not is_number(value) or (org_field.type == "integer" and not isinstance(value, int)):
        return f"'{org_field.name}' must be {'a whole number' if org_field.type == 'integer' else 'a number'}"
    if org_field.minimum is not None and value < org_field.minimum:
        return f"'{org_field.name}' must be at least {org_field.minimum}"
    if org_field.maximum is not None and value > org_field.maximum:
        return f"'{org_field.name}' must be at most {org_field.maximum}"
    return None


def describe_schema() -> str:
    """Return the schema, nested settings included, as a Markdown table for the docs."""
    rows = ["| setting | type | default | meaning |", "| --- | --- | --- | --- |"]
    return "\n".join(rows + describe_options(SCHEMA))
