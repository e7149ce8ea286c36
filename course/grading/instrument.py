"""Rewrite a test cell before it is sent to the kernel.

1. ``assert a == b`` / ``assert a != b`` use a strict comparison that rejects objects whose
   ``__eq__``/``__ne__`` is Python code when compared with a plain value (int, str, list, ...):
   the classic always-equal cheat.
2. A random token is printed after the last statement. The test passes only if the kernel
   replies ``ok``, shows no error and printed the token: hiding tracebacks (overriding
   ``showtraceback``) can no longer turn a failure into full marks.

The notebook keeps the original source; only the code sent over ZMQ is rewritten. Cells that
are not plain Python (magics) are sent unchanged and judged on the reply and outputs only.
"""

from __future__ import annotations

import ast
import secrets

MARKER = "course-grader: suspicious comparison"
_EQ = "__course_strict_eq__"
_LAST = "__course_last__"

HELPER = f'''
def {_EQ}(a, b, negate=False):
    plain = (int, float, complex, bool, str, bytes, tuple, list, dict, set, frozenset,
             type(None))
    function = type(lambda: None)
    name = "__ne__" if negate else "__eq__"
    for mine, theirs in ((a, b), (b, a)):
        if type(theirs) in plain and type(mine) not in plain:
            method = getattr(type(mine), name, None)
            if isinstance(method, function):
                raise AssertionError(
                    "{MARKER}: a " + type(mine).__name__ + " object with a custom "
                    + name + " was compared with a " + type(theirs).__name__)
    return (a != b) if negate else (a == b)
'''


class _StrictAsserts(ast.NodeTransformer):
    def __init__(self) -> None:
        self.inside_assert = 0

    def visit_Assert(self, node: ast.Assert) -> ast.AST:  # noqa: N802 - ast API
        self.inside_assert += 1
        self.generic_visit(node)
        self.inside_assert -= 1
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:  # noqa: N802 - ast API
        self.generic_visit(node)
        if not self.inside_assert or len(node.ops) != 1:
            return node
        if not isinstance(node.ops[0], ast.Eq | ast.NotEq):
            return node
        negate = isinstance(node.ops[0], ast.NotEq)
        call = ast.Call(func=ast.Name(_EQ, ast.Load()),
                        args=[node.left, node.comparators[0]],
                        keywords=[ast.keyword("negate", ast.Constant(negate))] if negate else [])
        return ast.copy_location(call, node)


def _instrumented(source: str, token: str) -> ast.Module | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    tree = _StrictAsserts().visit(tree)
    body = list(ast.parse(HELPER).body) + list(tree.body)
    tail: list[ast.stmt] = [ast.parse(f"print({token!r}, flush=True)").body[0]]
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = body.pop()
        body.append(ast.Assign(targets=[ast.Name(_LAST, ast.Store())], value=last.value,
                               lineno=last.lineno))
        tail.append(ast.Expr(ast.Name(_LAST, ast.Load())))
    return ast.fix_missing_locations(ast.Module(body=body + tail, type_ignores=[]))


def instrument(source: str) -> tuple[str, str | None]:
    """The code to send for a test cell and the token that proves it ran to the end.

    Returns ``(source, None)`` when the cell is not plain Python.
    """
    token = "course-pass-" + secrets.token_hex(16)
    module = _instrumented(source, token)
    return (source, None) if module is None else (ast.unparse(module), token)


def source_lines(source: str) -> tuple[list[str], dict[int, int]]:
    """The lines :func:`instrument` sends for ``source`` (any token) and, for each line that
    holds the learner's code, the line of ``source`` it came from. Feedback uses it to point
    a traceback at the line the learner wrote. Not plain Python: ``([], {})``."""
    module = _instrumented(source, "course-pass-")
    if module is None:
        return [], {}
    text = ast.unparse(module)
    first = len(ast.parse(HELPER).body)
    learners = slice(first, first + len(ast.parse(source).body))  # not the helper, not the tail
    where: dict[int, int] = {}
    for built, sent in zip(module.body[learners], ast.parse(text).body[learners], strict=True):
        for old, new in zip(ast.walk(built), ast.walk(sent), strict=False):
            if type(old) is not type(new):
                break  # the round trip changed the shape: keep what matched so far
            if isinstance(old, ast.stmt | ast.expr) and isinstance(new, ast.stmt | ast.expr):
                where.setdefault(new.lineno, old.lineno)
    return text.split("\n"), where
