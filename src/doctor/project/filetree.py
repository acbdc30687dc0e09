"""Per-file interpolation of a compose YAML tree, keeping the raw text and variables of each value.

Compose interpolates each file on its own, before merging, and never touches mapping keys
(COMPOSE-SEMANTICS.md §2.2-2.3). A string that referenced variables becomes an
`Interpolated` str that still knows its raw text, so the typed model can report
`"${POSTGRES_PORT}:5432"` and the variables behind a port, an env value or a path.
"""

from __future__ import annotations

from doctor.model import Location, field, record
from doctor.project.interpolate import MAX_TREE, InterpolationError, Lookup, Rescans, VariableRef, substitute
from doctor.project.types import Problem, ProblemKind, VariableUse
from doctor.project.yamlload import RESET, YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Interpolated(str):
    """A string after interpolation that remembers its template and the variables it used."""

    raw: str
    refs: tuple[VariableRef, ...]
    failed: bool

    def __new__(cls, value: str, raw: str, refs: tuple[VariableRef, ...] = (), failed: bool = False
                ) -> Interpolated:
        self = super().__new__(cls, value)
        self.raw = raw
        self.refs = refs
        self.failed = failed
        return self

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.name for ref in self.refs))


def raw_text(value: Any) -> str:
    """The text as written in the file, before interpolation."""
    if isinstance(value, Interpolated):
        return value.raw
    return "" if value is None else str(value)


def variables_of(value: Any) -> tuple[str, ...]:
    return value.variables if isinstance(value, Interpolated) else ()


def failed(value: Any) -> bool:
    """True when interpolating this value failed (already reported: do not report it twice)."""
    return isinstance(value, Interpolated) and value.failed


@record(frozen=False)
class Interpolation:
    """The variable uses and problems collected while interpolating files."""

    lookup: Lookup
    uses: list[VariableUse] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # what interpolation added to the files' strings: a thousand uses of one 2 MiB `.env` value took
    # gigabytes (compose's own take as much); past MAX_TREE the rest is not interpolated, said once
    grown: int = 0
    # what the files' nested or chained `${` may be read again (interpolate.MAX_RESCAN): past it, said once
    rescans: Rescans = field(default_factory=Rescans)

    def tree(self, node: Any, where: str, loc: Location | None) -> Any:
        """A copy of the tree with every string value interpolated (keys untouched).

        `key: !reset value` contributes nothing itself, so it is left out of the copy (the
        parsed file stays as written: other readers share it).
        """
        if isinstance(node, str):
            return self.string(node, where, loc)
        # a value that is neither a collection nor a string holding `$` is copied as it is, without
        # the call, its place's name or its location (most of a file's ~10,000 values)
        if isinstance(node, YMap):
            out = YMap(node.loc)
            out.locs = dict(node.locs)
            out.tags = dict(node.tags)
            tags = node.tags
            for key, item in node.items():
                if tags and tags.get(key) == RESET:
                    continue
                if isinstance(item, (YMap, YList)) or (isinstance(item, str) and "$" in item):
                    item = self.tree(item, f"{where}.{key}" if where else key, node.loc_of(key))
                out[key] = item
            return out
        if isinstance(node, YList):
            out_list = YList(node.loc)
            for index, item in enumerate(node):
                if isinstance(item, (YMap, YList)) or (isinstance(item, str) and "$" in item):
                    item = self.tree(item, f"{where}[{index}]", node.loc_of(index))
                out_list.add(item, node.loc_of(index))
            return out_list
        return node

    def string(self, text: str, where: str, loc: Location | None) -> str:
        if "$" not in text:
            return text
        if self.grown > MAX_TREE or self.rescans.left < 0:
            return Interpolated("", text, (), failed=True)  # said once, where it went past (below)
        try:
            value, refs = substitute(text, self.lookup, where, self.rescans)
        except InterpolationError as exc:
            self.problems.append(Problem(ProblemKind.INTERPOLATION, _message(exc, where), loc))
            if exc.variable is not None:
                # `${SECRET_KEY:?Variable not set}` with .env lacking it: compose stops here, and
                # it is still a use (env-drift must not say compose interpolates no ${SECRET_KEY})
                self.uses.append(VariableUse(exc.variable, loc, False, True, self.lookup(exc.variable) is not None))
            return Interpolated("", text, (), failed=True)
        self.grown += len(value) - len(text)
        if self.grown > MAX_TREE:
            self.problems.append(Problem(ProblemKind.LIMIT, f"interpolation for {where} grows the files past "
                                         f"{MAX_TREE // 1048576} MiB: doctor reads no more of their values", loc))
            return Interpolated("", text, (), failed=True)
        for ref in refs:
            self.uses.append(VariableUse(ref.name, loc, ref.has_default, ref.required,
                                         self.lookup(ref.name) is not None, ref.dropped_by))
        if not refs and value == text:
            return text
        return Interpolated(value, text, refs)


def _message(exc: InterpolationError, where: str) -> str:
    if exc.invalid_format:
        return f"invalid interpolation format for {where}: {exc.template!r} (escape a literal $ as $$)"
    return exc.compose_message
