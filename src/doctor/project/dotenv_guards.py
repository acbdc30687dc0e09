"""The conditions a `.env` load runs under, read with `ast` from the `if` tests around it
(`if not os.environ.get("IN_DOCKER")`, `if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)`,
`if not os.path.exists("/.dockerenv")`) as appenv's Guard tuples, which appguard judges against
each service's environment; a test doctor cannot read is UNKNOWN, ("?",), which never stops a call.

GuardReader builds on dotenv_paths' PathReader; dotenv_ast's _Calls builds on it.
"""

from __future__ import annotations

import ast

from doctor.project.appenv import Guard
from doctor.project.dotenv_paths import PathReader, _string

UNKNOWN: Guard = ("?",)
# a string method a guard may call on a variable's value (`os.getenv("X", "").lower()`)
STR_METHODS = frozenset({"lower", "upper", "strip", "casefold"})
DOCKERENV = "/.dockerenv"  # in every docker container: `if not os.path.exists("/.dockerenv")` is false there


class GuardReader(PathReader):
    """A module's `if` tests as Guards, with the flags it assigns (`IN_DOCKER = os.getenv(...)`)."""

    def bind(self, stmt: ast.Assign) -> None:
        """Note what an assignment to one name makes of it for the tests after it: a django-environ
        instance (`env = environ.Env()`), a flag a guard may read (`IN_DOCKER = os.getenv(...)`), or
        neither any more."""
        name = stmt.targets[0]
        if not isinstance(name, ast.Name):
            return
        if isinstance(stmt.value, ast.Call) and self._callee(stmt.value.func) in ("Env", "FileAwareEnv"):
            self.envs.add(name.id)
        flag = self._guard(stmt.value)
        if flag != UNKNOWN:
            self.flags[name.id] = flag
        else:
            self.flags.pop(name.id, None)

    def _guard(self, node: ast.expr) -> Guard:
        """An `if` test as a Guard: ("not", g), ("and", g...), ("or", g...), ("set", NAME) for
        `"NAME" in os.environ`, ("eq", term, term), ("truthy", term), ("container",) for a file
        every container has; ("?",) for what doctor cannot read."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._guard(node.operand)
            return UNKNOWN if inner == UNKNOWN else ("not", inner)
        if isinstance(node, ast.BoolOp):
            return ("and" if isinstance(node.op, ast.And) else "or", *(self._guard(v) for v in node.values))
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0])
        if isinstance(node, ast.Name) and node.id in self.flags:
            return self.flags[node.id]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and self._callee(node.func) == "bool"
                and len(node.args) == 1):  # the builtin, not django-environ's `env.bool("X")` (_term)
            return self._guard(node.args[0])
        if isinstance(node, ast.Call) and self._callee(node.func) in ("exists", "isfile", "is_file"):
            # os.path.exists("/.dockerenv"), Path("/.dockerenv").exists()
            path = node.args[0] if node.args else node.func.value if isinstance(node.func, ast.Attribute) else None
            if path is not None and self._eval(path, {}) == (("abs", DOCKERENV),):
                return ("container",)
        term = self._term(node)
        return UNKNOWN if term is None else ("truthy", term)

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Guard:
        if isinstance(op, (ast.In, ast.NotIn)) and self._is_environ(right) and _string(left) is not None:
            test: Guard = ("set", _string(left))
        elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            term = self._term(left)
            choices = [self._term(e) for e in right.elts]
            if term is None or any(c is None or c[0] != "lit" for c in choices):
                return UNKNOWN
            test = ("or", *(("eq", term, c) for c in choices))
        elif isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
            first, second = self._term(left), self._term(right)
            if first is None or second is None:
                return UNKNOWN
            test = ("eq", first, second)
        else:
            return UNKNOWN
        return ("not", test) if isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) else test

    def _term(self, node: ast.expr) -> Guard | None:
        """A value a guard compares: ("lit", constant), or ("env", NAME, default, methods) for
        `os.environ.get("NAME", default)`, `os.getenv(...)`, `os.environ["NAME"]`, `env.bool("NAME",
        default)` (method "bool": the value as those libraries parse it); None when unknown."""
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (str, bool, int))):
            return ("lit", node.value)
        if isinstance(node, ast.Name):
            flag = self.flags.get(node.id)
            return flag[1] if flag is not None and flag[0] == "truthy" and isinstance(flag[1], tuple) else None
        if isinstance(node, ast.Subscript) and self._is_environ(node.value) and _string(node.slice) is not None:
            return ("env", _string(node.slice), None, ())
        if not isinstance(node, ast.Call):
            return None
        name = self._callee(node.func)
        if name in STR_METHODS and isinstance(node.func, ast.Attribute) and not node.args:
            inner = self._term(node.func.value)
            return None if inner is None or inner[0] != "env" else (*inner[:3], (*_guards(inner[3]), name))
        # django-environ's and environs' `env.bool("NAME", default=False)`: cookiecutter-django's
        # `READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)`
        parsed = (name == "bool" and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id in self.envs)
        if parsed or name == "getenv" or (name == "get" and isinstance(node.func, ast.Attribute)
                                          and self._is_environ(node.func.value)):
            key = _string(node.args[0]) if node.args else None
            fallback = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            default = self._term(fallback) if fallback is not None else ("lit", None)
            if key is None or default is None or default[0] != "lit":
                return None
            return ("env", key, default[1], ("bool",) if parsed else ())
        return None


def _guards(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else ()
