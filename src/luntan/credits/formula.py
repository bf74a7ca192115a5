"""The total-credits formula the administrator writes (发帖 + 精华×5 + 威望×2 + 财富), parsed by a small
recursive-descent parser into a tree of tuples and evaluated over whole numbers. Never `eval`: a formula
can only add, subtract, multiply and divide the names it is given."""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_\u3400-\u9fff][\w\u3400-\u9fff]*)|([-+*/×÷()]))")
MAX_LENGTH = 300

Node = tuple


def _tokens(text: str) -> list[str]:
    found, at, text = [], 0, text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise ValidationError(_("The formula has a character it cannot use: “%(char)s”.") % {
                "char": text[at:].strip()[:1]}, code="formula_char")
        found.append(next(g for g in match.groups() if g is not None))
        at = match.end()
    return found


class _Parser:
    def __init__(self, tokens: list[str], names: set[str]):
        self.tokens, self.names, self.at = tokens, names, 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ValidationError(_("The formula ends too early."), code="formula_end")
        self.at += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            node = (self.take(), node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek() in ("*", "/", "×", "÷"):
            op = {"×": "*", "÷": "/"}.get(self.take(), self.tokens[self.at - 1])
            node = (op, node, self.factor())
        return node

    def factor(self) -> Node:
        piece = self.take()
        if piece == "-":
            return ("neg", self.factor())
        if piece == "(":
            node = self.expression()
            if self.take() != ")":
                raise ValidationError(_("A bracket in the formula is not closed."), code="formula_bracket")
            return node
        if piece.isdigit():
            return ("num", int(piece))
        if piece in self.names:
            return ("name", piece)
        if piece[0].isdigit() or piece in "+-*/×÷)":
            raise ValidationError(_("The formula has “%(token)s” where a name or number belongs.") % {
                "token": piece}, code="formula_syntax")
        raise ValidationError(_("The formula names “%(name)s”, which is neither a figure nor a credit type.") % {
            "name": piece}, code="formula_name")


@lru_cache(maxsize=64)
def parse(text: str, names: frozenset[str]) -> Node:
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("The formula is too long."), code="formula_long")
    tokens = _tokens(text)
    if not tokens:
        raise ValidationError(_("The formula is empty."), code="formula_empty")
    parser = _Parser(tokens, set(names))
    node = parser.expression()
    if parser.peek() is not None:
        raise ValidationError(_("The formula has “%(token)s” where it should end.") % {"token": parser.peek()},
                              code="formula_trailing")
    return node


def evaluate(node: Node, values: dict[str, int]) -> int:
    op = node[0]
    if op == "num":
        return node[1]
    if op == "name":
        return int(values.get(node[1], 0))
    if op == "neg":
        return -evaluate(node[1], values)
    left, right = evaluate(node[1], values), evaluate(node[2], values)
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    return int(left / right) if right else 0  # a division by zero counts as 0, never an error on a page
