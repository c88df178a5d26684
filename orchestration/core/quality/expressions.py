"""The small expression language of the consistency rules: metric codes, numbers, ``+``, ``-``,
``*`` (or ``×``), parentheses and ``prev(metric)`` (the ward's value the month before).

A rule's side is parsed once, when the catalog is read, into a tiny tree that is evaluated against
a lookup of values (single floats in the validator, numpy columns in the screening); nothing is
ever handed to Python's ``eval``. Division is left out on purpose: a
bound written as a product (``deaths <= 100 * accidents``) needs no "divide by zero" case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# (metric, lag) → value; lag 0 is the ward-month itself, 1 the month before. None = not known.
Lookup = Callable[[str, int], float | None]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[a-z_][a-z0-9_]*)|(?P<op>[-+*×()]))", re.IGNORECASE
)
MAX_LENGTH = 300  # a rule's side is a short formula, not a program


class ExpressionError(ValueError):
    """A side of a rule that is not a valid expression; ``vi`` / ``en`` say why."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Number:
    value: float

    def evaluate(self, lookup: Lookup) -> float | None:
        return self.value

    def refs(self) -> frozenset[tuple[str, int]]:
        return frozenset()

    def __str__(self) -> str:
        return str(int(self.value)) if self.value.is_integer() else repr(self.value)


@dataclass(frozen=True)
class Ref:
    metric: str
    lag: int = 0  # 1 = prev(metric)

    def evaluate(self, lookup: Lookup) -> float | None:
        return lookup(self.metric, self.lag)

    def refs(self) -> frozenset[tuple[str, int]]:
        return frozenset({(self.metric, self.lag)})

    def __str__(self) -> str:
        return f"prev({self.metric})" if self.lag else self.metric


@dataclass(frozen=True)
class Negate:
    operand: Number | Ref | BinaryOp | Negate

    def evaluate(self, lookup: Lookup) -> float | None:
        value = self.operand.evaluate(lookup)
        return None if value is None else -value

    def refs(self) -> frozenset[tuple[str, int]]:
        return self.operand.refs()

    def __str__(self) -> str:
        return f"-{_wrapped(self.operand)}"


@dataclass(frozen=True)
class BinaryOp:
    op: str  # + - *
    left: Expression
    right: Expression

    def evaluate(self, lookup: Lookup) -> float | None:
        a = self.left.evaluate(lookup)
        b = self.right.evaluate(lookup)
        if a is None or b is None:
            return None
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        return a * b

    def refs(self) -> frozenset[tuple[str, int]]:
        return self.left.refs() | self.right.refs()

    def __str__(self) -> str:
        left = _wrapped(self.left) if self.op == "*" else str(self.left)
        right = _wrapped(self.right) if self.op in ("*", "-") else str(self.right)
        return f"{left} {'×' if self.op == '*' else self.op} {right}"


Expression = Number | Ref | Negate | BinaryOp


def _wrapped(node: Expression) -> str:
    return f"({node})" if isinstance(node, BinaryOp) and node.op in "+-" else str(node)


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match:
            shown = stripped[position : position + 10]
            raise ExpressionError(
                f"ký tự không hợp lệ ở vị trí {position + 1}: '{shown}' (chỉ dùng mã chỉ tiêu, "
                "số, + - × và prev(...))",
                f"invalid character at position {position + 1}: '{shown}' (use metric codes, "
                "numbers, + - × and prev(...) only)",
            )
        tokens.append(match.group(match.lastgroup).lower())
        position = match.end()
    return tokens


class _Parser:
    """expr := term (('+' | '-') term)* ; term := factor (('*' | '×') factor)* ;
    factor := number | metric | 'prev' '(' metric ')' | '(' expr ')' | '-' factor"""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ExpressionError("biểu thức chưa kết thúc", "the expression ends too early")
        self.at += 1
        return token

    def expect(self, token: str) -> None:
        found = self.take()
        if found != token:
            raise ExpressionError(
                f"cần '{token}' nhưng gặp '{found}'", f"expected '{token}' but found '{found}'"
            )

    def expression(self) -> Expression:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = BinaryOp(op, node, self.term())
        return node

    def term(self) -> Expression:
        node = self.factor()
        while self.peek() in ("*", "×"):
            self.take()
            node = BinaryOp("*", node, self.factor())
        return node

    def factor(self) -> Expression:
        token = self.take()
        if token == "-":
            return Negate(self.factor())
        if token == "(":
            node = self.expression()
            self.expect(")")
            return node
        if token[0].isdigit():
            return Number(float(token))
        if token[0].isalpha() or token[0] == "_":
            if token == "prev" and self.peek() == "(":
                self.take()
                name = self.take()
                if not (name[0].isalpha() or name[0] == "_"):
                    raise ExpressionError(
                        f"prev(...) cần một mã chỉ tiêu, gặp '{name}'",
                        f"prev(...) takes a metric code, found '{name}'",
                    )
                self.expect(")")
                return Ref(name, 1)
            return Ref(token)
        raise ExpressionError(f"không mong đợi '{token}'", f"unexpected '{token}'")


def parse(text: str) -> Expression:
    """The expression in ``text``; ExpressionError (bilingual) when it is not one."""
    if not text or not text.strip():
        raise ExpressionError("biểu thức trống", "the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"biểu thức dài hơn {MAX_LENGTH} ký tự",
            f"the expression is over {MAX_LENGTH} characters",
        )
    parser = _Parser(_tokens(text))
    node = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(
            f"thừa '{parser.peek()}' sau biểu thức",
            f"unexpected '{parser.peek()}' after the expression",
        )
    return node


# Comparators as written in the catalog (ASCII or the mathematical sign) → canonical ASCII.
COMPARATORS = {"<=": "<=", "≤": "<=", "<": "<", ">=": ">=", "≥": ">=", ">": ">", "=": "=",
               "==": "=", "!=": "!=", "≠": "!="}  # fmt: skip
SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "=", "!=": "≠"}
# What a failed comparison looks like: ``12 > 10`` for a failed ``<=``.
NEGATED = {"<=": ">", "<": "≥", ">=": "<", ">": "≤", "=": "≠", "!=": "="}


def holds(left, comparator: str, right):
    """``left comparator right`` on values rounded to 9 decimals (as the criteria compare), so
    0.1 + 0.2 = 0.3; floats or numpy arrays (element by element)."""
    a, b = np.round(left, 9), np.round(right, 9)
    if comparator == "<=":
        return a <= b
    if comparator == "<":
        return a < b
    if comparator == ">=":
        return a >= b
    if comparator == ">":
        return a > b
    if comparator == "=":
        return a == b
    return a != b
