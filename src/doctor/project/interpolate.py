"""Compose's `${VAR}` interpolation, ported from compose-go v2.9.1 `template/template.go`.

This is the grammar docker compose v2.40.3 applies to every string of a compose file and to
the values of `.env` / env_file lines. It is a port, not a re-invention: the same regular
expression, the same brace matching, the same choice of operator, the same eager evaluation
of defaults (compose-go <= v2.10.0 interpolates `${A:-${B:?x}}`'s default even when A is set,
so the required error fires; v2.10.1 made it lazy), and a single pass (a substituted value is
never re-scanned).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from doctor.lazyre import lazy
from doctor.model import record
from doctor.project.deep import room_for

__all__ = ["InterpolationError", "Lookup", "Rescans", "VariableRef", "as_lookup", "interpolate_tree", "substitute"]

Lookup = Callable[[str], "str | None"]

# template.go: `\$(?i:(?P<escaped>\$)|(?P<named>...)|{(?:(?P<braced>...)}|(?P<invalid>)))`.
# Go's RE2 and Python's re agree on leftmost-first alternation and on a greedy `.*` that stops
# at a newline. They differ on `(?i)[a-z]`: RE2 folds only to the Kelvin sign and the long s,
# Python also to the Turkish dotted/dotless i, so the letters are spelled out (the lookup
# itself stays case-sensitive).
_FIRST = "_a-zA-Z\u017f\u212a"
_NAME = f"[{_FIRST}][{_FIRST}0-9]*"
_PATTERN = lazy(
    rf"\$(?:(?P<escaped>\$)|(?P<named>{_NAME})"
    rf"|\{{(?:(?P<braced>{_NAME}(?::?[-+?](?:.*))?)\}}|(?P<invalid>)))"
)

# getSubstitutionFunctionForTemplate: the operator occurring earliest wins; this is the
# table order used to break ties (none can tie, but keep Go's order anyway).
_OPERATORS = (":?", "?", ":-", "-", ":+", "+")
# compose-go recurses without bound (it reads 400 levels in 0.3 s); its brace matching is
# quadratic, so far beyond this a template would take minutes in Python: refuse it instead.
MAX_NESTING = 5000
# what one interpolated value, and a whole file's, may grow to: a 1 KB `.env` whose lines each repeat
# the one before ten times (`L1=${L0}${L0}...`) grows to 10 GB by its tenth line (compose itself dies
# on it); doctor stops with a finding instead of taking the machine's memory
MAX_VALUE = 4 * 1024 * 1024
MAX_TREE = 64 * 1024 * 1024
# what one file's values may be read again, in characters: each level of `${A:-${B:-...}}` (and each of a
# line's chained `${A:-x}${B:-y}...`) reads the rest of its value once more (compose-go's algorithm), so six
# values 4,000 deep took 46 s and a 16 MB file hours; real files read a few KB again (400 levels ~0.5 M)
MAX_RESCAN = 4 * 1024 * 1024
# and each value's first pass is free: a value of L characters adds RESCAN_CREDIT * L to its file's budget, so
# the ordinary chains of a big file (a 6.5 MB .env of `${SCHEME:-http}://${HOST:-localhost}:${PORT:-8080}/...`
# lines, which spend ~k*L/2 each) never run it dry, while a value nested d deep (spending ~L*d/2) still does
RESCAN_CREDIT = 32
_BRACES = lazy(r"\{.?|\}", re.DOTALL)


class InterpolationError(ValueError):
    """A template compose refuses: a malformed `${...}` or a `${VAR:?err}` with VAR missing.

    `str(error)` is compose's text without the `error while interpolating <path>:` prefix
    for required variables (`required variable TAG is missing a value: TAG must be set`), and
    compose's full text for malformed templates (`invalid interpolation format for <path>.
    You may need to escape any $ with another $.\\n<template>`). `compose_message` is what
    `docker compose config` prints in both cases.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        template: str = "",
        variable: str | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.too_big = False  # grown past MAX_VALUE or MAX_TREE: neither malformed nor missing
        self.path = path
        self.template = template
        self.variable = variable
        self.reason = reason

    @property
    def invalid_format(self) -> bool:
        """True for a malformed template, False for a missing required variable (or one grown too big)."""
        return self.variable is None and not self.too_big

    @property
    def compose_message(self) -> str:
        """The error line `docker compose config` prints for this failure."""
        if self.invalid_format or self.too_big:
            return str(self)
        where = f"error while interpolating {self.path}: " if self.path else ""
        return f"{where}{self}"


@record
class VariableRef:
    """One variable a template references, with the operator it was used with."""

    name: str
    has_default: bool = False  # ${V:-d} ${V-d} ${V:+x} ${V+x}
    required: bool = False  # ${V:?e} ${V?e}
    # read only in an argument its operator then drops: `$PORT` in `${URL:-http://localhost:$PORT}`
    # with URL set (compose evaluates the default anyway, and warns that PORT is not set); the
    # variable whose value dropped it and its operator ("URL", ":-"), else empty
    dropped_by: tuple[str, ...] = ()


@record(frozen=False)
class Rescans:
    """What a file's interpolation may still read again (MAX_RESCAN characters): one for all its values."""

    left: int = MAX_RESCAN

    def spend(self, text: str) -> str:
        """`text`, to be read again; past the budget _Rescanned."""
        self.left -= len(text)
        if self.left < 0:
            raise _Rescanned()
        return text


class _Rescanned(Exception):
    """The file's values read again past MAX_RESCAN characters."""


class _Invalid(Exception):
    """compose-go's InvalidTemplateError; `template` is filled by the innermost caller."""

    def __init__(self, template: str = "") -> None:
        super().__init__(template)
        self.template = template


class _TooBig(Exception):
    """An interpolated value past MAX_VALUE."""


class _Missing(Exception):
    """compose-go's MissingRequiredError."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(variable)
        self.variable = variable
        self.reason = reason


def substitute(template: str, lookup: Lookup, path: str = "",
               rescans: Rescans | None = None) -> tuple[str, tuple[VariableRef, ...]]:
    """compose-go `template.Substitute`: the result and every variable referenced, in order.

    References inside defaults, alternates and error messages are listed too (they are
    evaluated eagerly, as in compose v2.40.3). `lookup` returns None for an unset variable.
    `path` (e.g. `services.a.image`) only names the place in error messages. `rescans` is the
    budget of the file the value is in (a value of its own when None).
    Raises InterpolationError.
    """
    if "$" not in template:  # nothing to replace, nothing referenced (most values): as _substitute gives it
        return template, ()
    refs: list[VariableRef] = []
    budget = Rescans() if rescans is None else rescans
    budget.left += RESCAN_CREDIT * len(template)
    nesting = template.count("${")
    if nesting > MAX_NESTING:
        raise InterpolationError(f"invalid interpolation format for {path}: {nesting} nested or chained "
                                 f"'${{' (doctor reads up to {MAX_NESTING})", path=path, template=template)
    try:
        if nesting < 100:
            return _substitute(template, lookup, refs, budget), tuple(refs)
        with room_for(4 * nesting + 100):  # three frames per level of `${A:-${B:-...}}`
            return _substitute(template, lookup, refs, budget), tuple(refs)
    except _Invalid as exc:
        shown = exc.template
        message = (
            f"invalid interpolation format for {path}.\n"
            f"You may need to escape any $ with another $.\n{shown}"
        )
        raise InterpolationError(message, path=path, template=shown) from None
    except _Rescanned:
        where = f" for {path}" if path else ""
        raise _too_big(f"interpolation{where} reads nested or chained '${{' again past {MAX_RESCAN // 1048576} M "
                       "characters (doctor reads no more of them)", path, template) from None
    except _TooBig:
        where = f" for {path}" if path else ""
        raise _too_big(f"interpolation{where} grows the value past {MAX_VALUE // 1048576} MiB "
                       "(doctor reads no more)", path, template) from None
    except _Missing as exc:
        message = f"required variable {exc.variable} is missing a value"
        if exc.reason:
            message += f": {exc.reason}"
        raise InterpolationError(
            message, path=path, template=template, variable=exc.variable, reason=exc.reason
        ) from None


def _substitute(template: str, lookup: Lookup, refs: list[VariableRef], budget: Rescans) -> str:
    """SubstituteWithOptions: replace every match; the first error wins (Go keeps going but
    discards the result, so stopping at once is equivalent)."""
    out: list[str] = []
    last = 0
    size = len(template)
    for match in _PATTERN.finditer(template):
        out.append(template[last : match.start()])
        last = match.end()
        try:
            out.append(_replace(match.group(0), lookup, refs, budget))
        except _Invalid as exc:
            if not exc.template:
                exc.template = template
            raise
        size += len(out[-1])
        if size > MAX_VALUE:
            raise _TooBig()
    out.append(template[last:])
    return "".join(out)


def _replace(substring: str, lookup: Lookup, refs: list[VariableRef], budget: Rescans) -> str:
    """DefaultReplacementAppliedFunc for one match of the pattern."""
    operator = _earliest_operator(substring)
    closing = _first_brace_closing_index(substring)
    rest = ""
    if closing > -1:
        rest = substring[closing + 1 :]
        substring = substring[: closing + 1]

    match = _PATTERN.search(substring)
    if match is None:  # cannot happen for a truncated match; Go would panic here
        raise _Invalid()
    if match.group("escaped"):
        return "$"
    named = match.group("named") or ""
    braced = match.group("braced") or ""
    substitution = named or braced
    if not substitution:
        raise _Invalid()

    if not named and operator in substitution:
        value = _apply_operator(substitution, operator, lookup, refs, budget)
        return value + _substitute(budget.spend(rest), lookup, refs, budget)

    refs.append(VariableRef(substitution))
    found = lookup(substitution)
    return "" if found is None else found


def _earliest_operator(substring: str) -> str:
    best, best_index = _OPERATORS[0], -1
    for op in _OPERATORS:
        index = substring.find(op)
        if index >= 0 and (best_index < 0 or index < best_index):
            best, best_index = op, index
    return best


def _first_brace_closing_index(text: str) -> int:
    """getFirstBraceClosingIndex as in v2.9.1: every `{` opens (and skips the next character).

    Later compose-go counts only `${`; v2.40.3 gives `a` for `${A:-{x}}` with A=a, not `a}`.
    The regex visits only the braces (`{` with the character it skips), not every character.
    """
    depth = 0
    for match in _BRACES.finditer(text):
        if match.group()[0] == "}":
            depth -= 1
            if depth == 0:
                return match.start()
        else:
            depth += 1
    return -1


def _apply_operator(substitution: str, operator: str, lookup: Lookup, refs: list[VariableRef],
                    budget: Rescans) -> str:
    name, _, argument = substitution.partition(operator)
    ref_index = len(refs)
    # Eager, as in compose-go <= v2.10.0: the argument is interpolated before the lookup.
    argument = _substitute(budget.spend(argument), lookup, refs, budget)
    required = "?" in operator
    refs.insert(ref_index, VariableRef(name, has_default=not required, required=required))
    value = lookup(name)
    if len(refs) > ref_index + 1 and not _uses_argument(operator, value):
        for index in range(ref_index + 1, len(refs)):
            if not refs[index].dropped_by:  # an inner operator's drop is the nearer cause
                ref = refs[index]
                refs[index] = VariableRef(ref.name, ref.has_default, ref.required, (name, operator))
    if operator == ":?":
        if not value:
            raise _Missing(name, argument)
        return value
    if operator == "?":
        if value is None:
            raise _Missing(name, argument)
        return value
    if operator == ":-":
        return value if value else argument
    if operator == "-":
        return argument if value is None else value
    if operator == ":+":
        return argument if value else ""
    # "+": the alternate when set, even to ""
    return "" if value is None else argument


def _uses_argument(operator: str, value: str | None) -> bool:
    """Whether the operator's result is its argument for this value (a required variable's
    argument is its error message, used when compose stops)."""
    if operator in (":?", ":-"):
        return not value
    if operator in ("?", "-"):
        return value is None
    if operator == ":+":
        return bool(value)
    return value is not None  # "+"


def as_lookup(source: Lookup | Mapping[str, str] | None) -> Lookup:
    """A lookup function from a mapping, a function, or nothing (everything unset)."""
    if source is None:
        return lambda _name: None
    if isinstance(source, Mapping):
        return source.get
    return source


def _too_big(message: str, path: str, template: str) -> InterpolationError:
    error = InterpolationError(message, path=path, template=template[:200])
    error.too_big = True
    return error


def interpolate_tree(value: object, lookup: Lookup, path: str = "") -> tuple[object, tuple[VariableRef, ...]]:
    """Interpolate every string scalar of a YAML tree (never mapping keys), as compose does.

    Returns the new tree and the variables referenced, in document order. Errors carry the
    dotted path of the value (`services.a.image`), like compose's messages.
    """
    refs: list[VariableRef] = []
    budget = Rescans()
    grown = [0]  # what interpolation added to the tree's strings: a thousand uses of one 4 MiB value

    def walk(node: object, where: str) -> object:
        if isinstance(node, str):
            result, found = substitute(node, lookup, where, budget)
            refs.extend(found)
            grown[0] += len(result) - len(node)
            if grown[0] > MAX_TREE:
                raise _too_big(f"interpolation for {where} grows the file past {MAX_TREE // 1048576} MiB "
                               "(doctor reads no more)", where, node)
            return result
        if isinstance(node, Mapping):
            return {key: walk(item, f"{where}.{key}" if where else str(key)) for key, item in node.items()}
        if isinstance(node, list):
            # compose-go names every list item `[]` in its paths (tree.PathMatchList)
            return [walk(item, f"{where}.[]" if where else "[]") for item in node]
        return node

    return walk(value, path), tuple(refs)
