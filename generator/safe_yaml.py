"""Load YAML safely, with the line of every key and value, refusing duplicate keys.

Only PyYAML's safe tags are accepted: a tag that would build an object is an error,
never a call. Every mapping key and value remembers the line it came from so that
later stages can report `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.report import ContentError, Diagnostic, error

#: The largest YAML document read, in characters; larger ones are refused.
MAX_YAML_CHARS = 1_000_000

Path = tuple[str | int, ...]
#: libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure-Python one.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    """Plain data from one YAML document and the 1-based line of every value in it."""

    data: Any
    lines: dict[Path, int]

    def line(self, path: Path, default: int = 1) -> int:
        """Return the line of the value at `path`, or of its nearest parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), default)


def load_yaml(text: str, filename: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document; raise ContentError with `filename:line` when it is bad."""
    if len(text) > MAX_YAML_CHARS:
        raise ContentError(
            [error(filename, first_line, "yaml-too-large", f"YAML is larger than {MAX_YAML_CHARS:,} characters")]
        )
    return simple_mapping(text, first_line) or load_with_libyaml(text, filename, first_line)


def load_with_libyaml(text: str, filename: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document with libyaml (`load_yaml` takes a shortcut for the simplest)."""
    loader = _Loader(text)
    loader.hg_budget = [MAX_YAML_NODES]  # type: ignore[attr-defined]
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        data = _construct(loader, node, (), lines, filename, first_line) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError([error(filename, line, "yaml-syntax", f"invalid YAML: {problem}")]) from None
    except yaml.reader.ReaderError as exc:  # a control character, or bytes that are not text
        line = first_line + text.count("\n", 0, exc.position)
        raise ContentError([error(filename, line, "yaml-syntax", f"invalid YAML: {exc.reason}")]) from None
    finally:
        loader.dispose()
    return YamlDocument(data, lines)


#: The most values one YAML document may hold once its aliases are expanded (`&a [*a, *a]` doubles
#: at each step: a few hundred bytes could otherwise take gigabytes).
MAX_YAML_NODES = 100_000
#: The deepest nesting of a YAML document (an alias to its own parent nests without end).
MAX_YAML_DEPTH = 100


#: A line `key: value` or `key:` (a list follows), and a line `- item` of such a list.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?:[ ]+(.*?))?[ ]*")
_ITEM_LINE = re.compile(r"([ ]*)-[ ]+(.*?)[ ]*")
#: Characters that give a plain scalar's first character a meaning of its own in YAML.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_STRING = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


def simple_mapping(text: str, first_line: int) -> YamlDocument | None:
    """Read front matter of `key: text` lines, lists of text and comments without a YAML parser.

    Most front matter is that, and libyaml costs 0.1 ms an article. Anything else gives None
    (and is read by libyaml): every value must be text that YAML reads as written, or a quoted
    string without escapes. Tests compare both ways on the corpus and on random documents.
    """
    data: dict[str, Any] = {}
    lines: dict[Path, int] = {}
    key = ""
    listing: list[str] | None = None  # the list of `key` being read, after a line `key:`
    indent: str | None = None
    for number, line in enumerate(text.split("\n")):
        if not line.isprintable():  # also what YAML reads as a line break: U+0085, U+2028, U+2029
            return None
        if not line or line.startswith("#"):
            continue
        item = _ITEM_LINE.fullmatch(line)
        if item is not None:
            value = _text_scalar(item.group(2))
            if indent is None:
                indent = item.group(1)
            if listing is None or value is None or item.group(1) != indent:  # more indented: a continuation
                return None
            lines[(key, len(listing))] = first_line + number
            listing.append(value)
            continue
        if listing is not None and not listing:
            return None  # `key:` and nothing: null
        listing, indent = None, None
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return None
        key, raw = match.groups()
        if key in data or not _reads_as_text(key):
            return None
        lines.setdefault((), first_line + number)
        lines[(key,)] = first_line + number
        if not raw:
            data[key] = listing = []
            continue
        value = _text_scalar(raw)
        if value is None:
            return None
        data[key] = value
    if listing is not None and not listing:
        return None
    return YamlDocument(data, lines) if data else None


def _reads_as_text(plain: str) -> bool:
    """Return whether YAML reads a plain scalar as text (not a number, a date, true/false or null)."""
    return bool(_RESOLVER.resolve(yaml.ScalarNode, plain, (True, False)) == _STRING)  # type: ignore[no-untyped-call]


def _text_scalar(raw: str) -> str | None:
    """Return the text YAML reads from a one-line scalar, if it is text (plain or simply quoted)."""
    if len(raw) >= 2 and raw[0] == raw[-1] == "'" and "'" not in raw[1:-1]:
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and '"' not in raw[1:-1] and "\\" not in raw:
        return raw[1:-1]
    if not raw or raw[0] in _INDICATORS or ": " in raw or " #" in raw or raw.endswith(":") or not _reads_as_text(raw):
        return None
    return raw


def _construct(
    loader: Any,
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    filename: str,
    first_line: int,
) -> Any:
    line = first_line + node.start_mark.line
    lines[path] = line
    loader.hg_budget[0] -= 1
    if loader.hg_budget[0] < 0 or len(path) > MAX_YAML_DEPTH:
        message = f"YAML nests deeper than {MAX_YAML_DEPTH} or expands to more than {MAX_YAML_NODES:,} values"
        raise ContentError([error(filename, line, "yaml-too-large", message, "an alias (*name) repeats a lot")])
    if isinstance(node, yaml.MappingNode):
        return _construct_mapping(loader, node, path, lines, filename, first_line)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            _refuse_tag(node, filename, first_line)
        return [
            _construct(loader, item, (*path, index), lines, filename, first_line)
            for index, item in enumerate(node.value)
        ]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, AttributeError, ArithmeticError, yaml.YAMLError) as exc:  # !!int a, 2020-02-30
        value = node.value if isinstance(node.value, str) else "value"
        problem = f"{value[:40]!r} is not a valid {node.tag.rsplit(':', 1)[-1]}"
        reason = str(exc).split("\n")[0][:120]
        raise ContentError([error(filename, line, "yaml-value", f"invalid YAML: {problem} ({reason})")]) from None


def _construct_mapping(
    loader: Any,
    node: yaml.MappingNode,
    path: Path,
    lines: dict[Path, int],
    filename: str,
    first_line: int,
) -> dict[str, Any]:
    if node.tag != "tag:yaml.org,2002:map":
        _refuse_tag(node, filename, first_line)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise ContentError(
                [_at(key_node, filename, first_line, "yaml-merge", "YAML merge keys (<<) are not supported")]
            )
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise ContentError([_at(key_node, filename, first_line, "yaml-key", "mapping keys must be plain text")])
        key = str(key) if not isinstance(key, str) else key
        if key in result:
            first = lines[(*path, key)]
            raise ContentError(
                [
                    _at(
                        key_node,
                        filename,
                        first_line,
                        "yaml-duplicate-key",
                        f"duplicate key '{key}' (first defined on line {first})",
                    )
                ]
            )
        result[key] = _construct(loader, value_node, (*path, key), lines, filename, first_line)
        # A key's diagnostics point at the key, not at a value that may start lines later.
        lines[(*path, key)] = first_line + key_node.start_mark.line
    return result


def _refuse_tag(node: yaml.Node, filename: str, first_line: int) -> None:
    raise ContentError([_at(node, filename, first_line, "yaml-tag", f"YAML tag {node.tag} is not allowed")])


def _at(node: yaml.Node, filename: str, first_line: int, code: str, message: str) -> Diagnostic:
    return error(filename, first_line + node.start_mark.line, code, message)
