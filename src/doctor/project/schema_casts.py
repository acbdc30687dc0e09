"""A compose file as compose-go hands it to the schema: plain values, with the typed fields cast from
strings (loader/interpolate.go's casts: `scale: "${N}"` -> int, Go's strconv and time.ParseDuration
rules) and the lists compose merges by key made distinct; each value's file:line kept for messages."""

from __future__ import annotations

import re
from collections.abc import Callable

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.filetree import failed
from doctor.project.goscalar import Timestamp
from doctor.project.types import Problem, ProblemKind
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


Path_ = tuple[str | int, ...]
_ANY = "*"


class _Date:
    """An unquoted YAML date: go-yaml gives compose a time.Time, which no schema type accepts."""


def _go_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise ValueError(f'strconv.Atoi: parsing "{text}": value out of range')
    return value


def _go_float(text: str) -> float:
    """strconv.ParseFloat for the decimal forms compose files use."""
    if text.strip() != text or "_" in text or not text.isascii():
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax')
    try:
        return float(text)
    except ValueError:
        raise ValueError(f'strconv.ParseFloat: parsing "{text}": invalid syntax') from None


def _go_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "y", "yes", "on"):
        return True
    if lowered in ("false", "n", "no", "off"):
        return False
    raise ValueError(f"invalid boolean: {text}")


_S = "services"
# loader/interpolate.go interpolateTypeCastMapping: string values at these paths are cast
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    **{(_S, _ANY, key): _go_int for key in ("cpu_count", "cpu_period", "cpu_quota", "cpu_rt_period",
                                            "cpu_rt_runtime", "cpu_shares", "oom_score_adj", "pids_limit",
                                            "scale")},
    (_S, _ANY, "cpu_percent"): _go_float,
    (_S, _ANY, "cpus"): _go_float,
    **{(_S, _ANY, key): _go_bool for key in ("init", "oom_kill_disable", "privileged", "read_only",
                                             "stdin_open", "tty")},
    (_S, _ANY, "deploy", "replicas"): _go_int,
    (_S, _ANY, "deploy", "update_config", "parallelism"): _go_int,
    (_S, _ANY, "deploy", "update_config", "max_failure_ratio"): _go_float,
    (_S, _ANY, "deploy", "rollback_config", "parallelism"): _go_int,
    (_S, _ANY, "deploy", "rollback_config", "max_failure_ratio"): _go_float,
    (_S, _ANY, "deploy", "restart_policy", "max_attempts"): _go_int,
    (_S, _ANY, "deploy", "placement", "max_replicas_per_node"): _go_int,
    (_S, _ANY, "healthcheck", "retries"): _go_int,
    (_S, _ANY, "healthcheck", "disable"): _go_bool,
    (_S, _ANY, "ports", _ANY, "target"): _go_int,
    (_S, _ANY, "ulimits", _ANY): _go_int,
    (_S, _ANY, "ulimits", _ANY, "hard"): _go_int,
    (_S, _ANY, "ulimits", _ANY, "soft"): _go_int,
    (_S, _ANY, "volumes", _ANY, "read_only"): _go_bool,
    (_S, _ANY, "volumes", _ANY, "volume", "nocopy"): _go_bool,
    **{("networks", _ANY, key): _go_bool for key in ("external", "internal", "attachable", "enable_ipv4",
                                                     "enable_ipv6")},
    ("volumes", _ANY, "external"): _go_bool,
    ("secrets", _ANY, "external"): _go_bool,
    ("configs", _ANY, "external"): _go_bool,
}
# override/uncity.go: lists compose merges by key before validating (so never "equal items")
_UNIQUE = frozenset(tuple(p.split(".")) for p in (
    "networks.*.labels", "networks.*.ipam.options", "services.*.annotations", "services.*.build.args",
    "services.*.build.additional_contexts", "services.*.build.platform", "services.*.build.tags",
    "services.*.build.labels", "services.*.cap_add", "services.*.cap_drop", "services.*.devices",
    "services.*.configs", "services.*.deploy.labels", "services.*.dns", "services.*.dns_opt",
    "services.*.dns_search", "services.*.environment", "services.*.env_file", "services.*.expose",
    "services.*.labels", "services.*.links", "services.*.networks.*.aliases",
    "services.*.networks.*.link_local_ips", "services.*.ports", "services.*.profiles", "services.*.secrets",
    "services.*.sysctls", "services.*.tmpfs", "services.*.volumes"))


class _Rules:
    """What compose does at the paths of one node of the _CASTS/_UNIQUE pattern tree (`*` is any key or index)."""

    __slots__ = ("cast", "children", "rank", "unique")

    def __init__(self) -> None:
        self.children: dict[str, _Rules] = {}
        self.cast: Callable[[str], Any] | None = None
        self.rank = len(_CASTS)  # the first pattern of _CASTS that matches wins
        self.unique = False

    def at(self, pattern: tuple[str, ...]) -> _Rules:
        node = self
        for part in pattern:
            node = node.children.setdefault(part, _Rules())
        return node


def _rules() -> _Rules:
    root = _Rules()
    for rank, (pattern, cast) in enumerate(_CASTS.items()):
        node = root.at(pattern)
        if node.cast is None:
            node.cast, node.rank = cast, rank
    for pattern in _UNIQUE:
        root.at(pattern).unique = True
    return root


_ROOT = (_rules(),)
_NONE: tuple[_Rules, ...] = ()


def _step(states: tuple[_Rules, ...], key: str | int) -> tuple[_Rules, ...]:
    """The pattern nodes matching path + key, given those matching path."""
    if not states:
        return _NONE
    found = []
    for state in states:
        if isinstance(key, str) and key in state.children:
            found.append(state.children[key])
        if _ANY in state.children:
            found.append(state.children[_ANY])
    return tuple(found)


def _distinct(items: list[Any]) -> list[Any]:
    """The items, each kept at its first place: equal when their JSON texts are. A str is its own key (its
    JSON text is one-to-one with it, and no other value's begins with a quote), keyed apart from the
    others' texts: most of these lists are strings alone, which then need no `json` (imported here, not
    on every load: ~1 ms)."""
    kept: dict[object, Any] = {}
    for item in items:
        if isinstance(item, str):  # a Timestamp (a plain scalar read as a date) too: its JSON text is its str's
            kept.setdefault(item, item)
        else:
            import json

            kept.setdefault((json.dumps(item, sort_keys=True, default=id),), item)
    return list(kept.values())


def _caster(states: tuple[_Rules, ...]) -> Callable[[str], Any] | None:
    best: _Rules | None = None
    for state in states:
        if state.cast is not None and (best is None or state.rank < best.rank):
            best = state
    return None if best is None else best.cast


class _Plain:
    """The document as compose-go hands it to the schema: plain values, typed fields cast."""

    def __init__(self) -> None:
        self.locations: dict[Path_, Location] = {}
        self.skip: set[Path_] = set()  # values whose interpolation failed (already reported)
        self.problems: list[Problem] = []

    def convert(self, node: Any, path: Path_, loc: Location | None, states: tuple[_Rules, ...] = _ROOT) -> Any:
        if loc is not None:
            self.locations[path] = loc
        if isinstance(node, YMap):
            locs, default, convert = node.locs, node.loc, self.convert
            if not states:  # no cast nor unicity below: most of a service
                return {key: convert(value, (*path, key), locs.get(key, default), _NONE) for key, value in node.items()}
            return {key: convert(value, (*path, key), locs.get(key, default), _step(states, key))
                    for key, value in node.items()}
        if isinstance(node, YList):
            items = [self.convert(value, (*path, i), node.loc_of(i), _step(states, i)) for i, value in enumerate(node)]
            if any(state.unique for state in states):
                return _distinct(items)
            return items
        if isinstance(node, Timestamp):
            return _Date()
        if isinstance(node, str):
            if failed(node):
                self.skip.add(path)
            cast = _caster(states) if states else None
            if cast is None:
                return str(node)
            try:
                return cast(str(node))
            except ValueError as exc:
                where = ".".join("[]" if isinstance(p, int) else p for p in path)
                self.problems.append(Problem(ProblemKind.INTERPOLATION, f"error while interpolating {where}: "
                                             f"failed to cast to expected type: {exc}", loc))
                self.skip.add(path)
                return str(node)
        return node


_DURATION = lazy(r"^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")


def _go_duration(value: object) -> bool:
    """time.ParseDuration's grammar (`1m30s`, `0`, `-1.5h`)."""
    if not isinstance(value, str):
        return True
    if value in ("0", "+0", "-0"):
        return True
    if not _DURATION.match(value):
        raise ValueError(f"time: invalid duration {value!r}")
    return True
