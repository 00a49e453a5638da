"""The condition language of `{% if %}` blocks: parse, type-check, evaluate, and serialize.

A condition is a small, safe expression: literals, `org.<field>` names from the schema, site
variables, comparisons, `in`, `and`/`or`/`not` and parentheses. There are no calls and no
attribute access beyond those names. Conditions are parsed and checked once, when the article
is read, and variables are replaced by their values so that a page's script needs only the
org state to pick a branch.

>>> from generator.config import OrgField
>>> schema = {"seats": OrgField("seats", "integer")}
>>> node = parse_condition("org.seats > limit", schema, {"limit": 25})
>>> evaluate(node, {"seats": 40}), to_json(node)
(True, {'op': '>', 'args': [{'field': 'seats'}, {'value': 25}]})
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.config import OrgField


class ConditionError(ValueError):
    """A condition that cannot be parsed or does not type-check; the message is for writers."""


@dataclass(frozen=True)
class Literal:
    """A constant: a number, text, true/false, or a list of them."""

    value: Any


@dataclass(frozen=True)
class Field:
    """A field of the organization state, `org.<name>`."""

    name: str


@dataclass(frozen=True)
class Operation:
    """An operator applied to operands: comparisons, `in`, `not in`, `and`, `or`, `not`."""

    op: str
    args: tuple[Node, ...]


Node = Literal | Field | Operation

COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
_WORDS = {"and", "or", "not", "in", "true", "false", "True", "False"}


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            rest = text[position:].strip()
            raise ConditionError(f"unexpected {rest[:20]!r} in condition")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value in _WORDS:
            kind = "word"
        tokens.append((kind, value))
        position = match.end()
    return tokens


#: Limits of one condition: real ones are a few terms deep; these keep the checks and the
#: page's script (which evaluate a condition recursively) far from any stack limit.
MAX_DEPTH = 32
MAX_TERMS = 64


class _Parser:
    depth = 0
    terms = 0

    def __init__(self, text: str, schema: Mapping[str, OrgField], variables: Mapping[str, Any]) -> None:
        self.tokens = _tokenize(text)
        self.position = 0
        self.schema = schema
        self.variables = variables

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            found = f"'{token[1]}'" if token[0] != "end" else "the end of the condition"
            raise ConditionError(f"expected '{value}' but found {found}")
        self.position += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("empty condition")
        node = self.or_expr()
        if self.peek()[0] != "end":
            raise ConditionError(f"unexpected '{self.peek()[1]}' in condition")
        return node

    def or_expr(self) -> Node:
        return self.joined("or", self.and_expr)

    def and_expr(self) -> Node:
        return self.joined("and", self.not_expr)

    def joined(self, word: str, operand: Callable[[], Node]) -> Node:
        node = operand()
        while self.peek() == ("word", word):
            self.take()
            node = Operation(word, (node, operand()))
            self.count_term()
        return node

    def count_term(self) -> None:
        self.terms += 1
        if self.terms >= MAX_TERMS:
            raise ConditionError(f"condition joins more than {MAX_TERMS} terms with and/or; split it")

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(f"condition nests more than {MAX_DEPTH} levels of parentheses and 'not'")

    def not_expr(self) -> Node:
        if self.peek() == ("word", "not"):
            self.take()
            self.deeper()
            node = Operation("not", (self.not_expr(),))
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.atom()
        kind, value = self.peek()
        if kind == "op" and value in COMPARISONS:
            self.take()
            return Operation(value, (left, self.atom()))
        if (kind, value) == ("word", "in"):
            self.take()
            return Operation("in", (left, self.atom()))
        if (kind, value) == ("word", "not") and self.tokens[self.position + 1 : self.position + 2] == [("word", "in")]:
            self.position += 2
            return Operation("not in", (left, self.atom()))
        return left

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "number":
            return Literal(float(value) if "." in value else int(value))
        if kind == "string":
            return Literal(value[1:-1])
        if kind == "word" and value in ("true", "True", "false", "False"):
            return Literal(value.lower() == "true")
        if kind == "name":
            return self.name(value)
        if value == "(":
            self.deeper()
            node = self.or_expr()
            self.take(")")
            self.depth -= 1
            return node
        if value == "[":
            return self.list_literal()
        found = f"'{value}'" if kind != "end" else "the end of the condition"
        raise ConditionError(f"expected a value but found {found}")

    def list_literal(self) -> Node:
        items: list[Any] = []
        while self.peek()[1] != "]":
            item = self.atom()
            if not isinstance(item, Literal) or isinstance(item.value, list | tuple):
                raise ConditionError("a list may hold only numbers, text and true/false")
            items.append(item.value)
            if self.peek()[1] != "]":
                self.take(",")
        self.take("]")
        return Literal(tuple(items))

    def name(self, dotted: str) -> Node:
        if self.peek()[1] == "(":
            raise ConditionError(f"calls such as '{dotted}(…)' are not allowed in conditions")
        parts = dotted.split(".")
        if parts[0] == "org":
            if len(parts) != 2:
                raise ConditionError(f"'{dotted}' is not an org field; write org.<field>")
            if parts[1] not in self.schema:
                known = ", ".join(f"org.{name}" for name in self.schema) or "none are defined"
                raise ConditionError(f"unknown org field '{dotted}' (known fields: {known})")
            return Field(parts[1])
        value: Any = self.variables
        for i, part in enumerate(parts):
            if not isinstance(value, Mapping) or part not in value:
                where = ".".join(parts[:i]) or "the site variables"
                raise ConditionError(f"unknown variable '{dotted}' ('{part}' is not in {where})")
            value = value[part]
        if isinstance(value, Mapping):
            raise ConditionError(f"variable '{dotted}' is a group of variables, not a value")
        return Literal(tuple(value) if isinstance(value, list | tuple) else value)


def parse_value(text: str, schema: Mapping[str, OrgField], variables: Mapping[str, Any]) -> Node:
    """Parse a single value: a literal, an org field or a site variable."""
    parser = _Parser(text, schema, variables)
    if not parser.tokens:
        raise ConditionError("a value is missing")
    node = parser.atom()
    if parser.peek()[0] != "end":
        raise ConditionError(f"unexpected '{parser.peek()[1]}'; give one field or variable")
    return node


def parse_condition(text: str, schema: Mapping[str, OrgField], variables: Mapping[str, Any]) -> Node:
    """Parse and type-check one condition; raise ConditionError with a writer-facing message."""
    node = _Parser(text, schema, variables).parse()
    if _type_of(node, schema) != "boolean":
        raise ConditionError(f"condition '{text.strip()}' is not true or false; compare it with something")
    return node


def _type_of(node: Node, schema: Mapping[str, OrgField]) -> str:
    if isinstance(node, Field):
        kind = schema[node.name].type
        return "number" if kind == "integer" else kind
    if isinstance(node, Literal):
        return _literal_type(node.value)
    types = [_type_of(arg, schema) for arg in node.args]
    if node.op in ("and", "or", "not"):
        for arg, kind in zip(node.args, types, strict=True):
            if kind != "boolean":
                raise ConditionError(f"'{node.op}' needs true/false on each side, not {_describe(arg, kind)}")
        return "boolean"
    left, right = types
    if node.op in ("in", "not in"):
        if not right.startswith("list"):
            raise ConditionError(f"'{node.op}' needs a list on its right, not {_describe(node.args[1], right)}")
        if right != "list" and right != f"list of {left}":
            raise ConditionError(f"'{node.op}' compares {left} with a {right}")
        _check_choices(node.args[0], node.args[1], schema)
        return "boolean"
    if left != right:
        raise ConditionError(f"cannot compare {_describe(node.args[0], left)} with {_describe(node.args[1], right)}")
    if node.op not in ("==", "!=") and left != "number":
        raise ConditionError(f"'{node.op}' compares numbers, not {left}")
    _check_choices(node.args[0], node.args[1], schema)
    _check_choices(node.args[1], node.args[0], schema)
    return "boolean"


def _check_choices(field_node: Node, other: Node, schema: Mapping[str, OrgField]) -> None:
    """Refuse a comparison of an enum field with a value it can never have."""
    if not isinstance(field_node, Field) or not isinstance(other, Literal):
        return
    choices = schema[field_node.name].choices
    values = other.value if isinstance(other.value, tuple) else (other.value,)
    for value in values:
        if choices and value not in choices:
            raise ConditionError(f"org.{field_node.name} is never {value!r}; its choices are {', '.join(choices)}")


def _literal_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, tuple):
        kinds = {_literal_type(item) for item in value}
        return f"list of {kinds.pop()}" if len(kinds) == 1 else "list"
    return type(value).__name__


def _describe(node: Node, kind: str) -> str:
    if isinstance(node, Field):
        return f"org.{node.name} ({kind})"
    if isinstance(node, Literal):
        return f"{node.value!r} ({kind})"
    return kind


def evaluate(node: Node, org: Mapping[str, Any]) -> bool:
    """Return the truth of a checked condition for one org state."""
    return bool(_value(node, org))


def _value(node: Node, org: Mapping[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Field):
        return org[node.name]
    op, args = node.op, node.args
    if op == "and":
        return _value(args[0], org) and _value(args[1], org)
    if op == "or":
        return _value(args[0], org) or _value(args[1], org)
    if op == "not":
        return not _value(args[0], org)
    left, right = _value(args[0], org), _value(args[1], org)
    if op == "in":
        return left in right
    if op == "not in":
        return left not in right
    return {
        "==": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def to_json(node: Node) -> dict[str, Any]:
    """Return the machine-readable form that pages carry in `data-hg-when`."""
    if isinstance(node, Literal):
        return {"value": list(node.value) if isinstance(node.value, tuple) else node.value}
    if isinstance(node, Field):
        return {"field": node.name}
    return {"op": node.op, "args": [to_json(arg) for arg in node.args]}


def describe(node: Node) -> str:
    """Return the condition in words for people (`org.seats > 25`)."""
    if isinstance(node, Literal):
        value = node.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            return "[" + ", ".join(repr(item) for item in value) + "]"
        return repr(value) if isinstance(value, str) else str(value)
    if isinstance(node, Field):
        return f"org.{node.name}"
    if node.op == "not":
        return f"not {_describe_operand(node.args[0])}"
    return f" {node.op} ".join(_describe_operand(arg) for arg in node.args)


def _describe_operand(node: Node) -> str:
    text = describe(node)
    return f"({text})" if isinstance(node, Operation) and node.op in ("and", "or") else text


# -- Condition blocks in an article's block tokens ------------------------------------------------

BRANCH_TAGS = ("hg_if", "hg_elif", "hg_else", "hg_endif")


@dataclass
class _Chain:
    opening: Any
    depth: int
    line: int
    else_seen: bool = False
    shown: bool = False


def bind_conditions(
    tokens: list[Any],
    schema: Mapping[str, OrgField],
    variables: Mapping[str, Any],
    default_org: Mapping[str, Any],
    body_line: int,
) -> list[tuple[int, str]]:
    """Check the `{% if %}` blocks of an article's tokens and annotate each branch.

    Returns (line, message) for every problem. Each branch token gets `meta["node"]` (its
    parsed condition, None for else) and `meta["attrs"]`: the machine-readable condition and
    `hidden` unless the default org state shows that branch.
    """
    problems: list[tuple[int, str]] = []
    chains: list[_Chain] = []
    depth = 0
    for token in tokens:
        depth += token.nesting
        if chains and depth < chains[-1].depth:
            chain = chains.pop()
            problems.append((chain.line, "{% if %} is not closed before the end of the list or quote it is in"))
        if token.type not in BRANCH_TAGS:
            continue
        line = body_line + token.map[0]
        token.meta["line"] = line  # for helpgen variants
        tag = token.type[3:]
        if tag == "if":
            chains.append(_Chain(token, depth, line))
        elif not chains or chains[-1].depth != depth:
            problems.append((line, f"{{% {tag} %}} without an open {{% if %}}"))
            continue
        chain = chains[-1]
        if tag == "endif":
            chains.pop()
            continue
        if chain.else_seen:
            problems.append((line, f"{{% {tag} %}} after {{% else %}}"))
            continue
        problems.extend(_bind_branch(token, tag, chain, line, schema, variables, default_org))
    problems.extend((chain.line, "{% if %} is never closed with {% endif %}") for chain in chains)
    return problems


def _bind_branch(
    token: Any,
    tag: str,
    chain: _Chain,
    line: int,
    schema: Mapping[str, OrgField],
    variables: Mapping[str, Any],
    default_org: Mapping[str, Any],
) -> list[tuple[int, str]]:
    if tag == "else":
        chain.else_seen = True
        if token.info:
            return [(line, "{% else %} takes no condition; use {% elif … %}")]
        node: Node | None = None
        attrs: dict[str, Any] = {"data-hg-else": True}
    else:
        try:
            node = parse_condition(token.info, schema, variables)
        except ConditionError as exc:
            token.meta["node"] = None
            return [(line, str(exc))]
        attrs = {"data-hg-when": to_json(node), "data-hg-label": describe(node)}
    shows = not chain.shown and (node is None or evaluate(node, default_org))
    chain.shown = chain.shown or shows
    attrs["data-pagefind-ignore"] = "all"  # indexed as a record of its own (search.branch_records)
    if not shows:
        attrs["hidden"] = True
    token.meta["node"] = node
    token.meta["attrs"] = attrs
    return []


def select_branches(tokens: list[Any], org: Mapping[str, Any]) -> list[Any]:
    """Return the tokens an org state sees: matching branches only, without the tags."""
    selected: list[Any] = []
    # One entry per open chain: (has a branch already matched, is the current branch shown).
    chains: list[tuple[bool, bool]] = []
    for token in tokens:
        if token.type in BRANCH_TAGS:
            if token.type == "hg_endif":
                chains.pop()
                continue
            if token.type == "hg_if":
                chains.append((False, False))
            matched, _ = chains[-1]
            node = token.meta.get("node")
            shows = not matched and (node is None or evaluate(node, org))
            chains[-1] = (matched or shows, shows)
            continue
        if all(shown for _, shown in chains):
            selected.append(token)
    return selected
