"""The rest of compose-go's checkConsistency (v2.9.1 loader/validate.go), on the values of each enabled
service: a healthcheck test's first word, `scale` beside `deploy.replicas`, a count below 0, a
`cpus`/`mem_limit`/`mem_reservation`/`pids_limit` beside a `deploy.resources` that says otherwise
(compose reads a limit the block leaves out as 0, so `cpus: 0.5` beside `limits: {memory: 1g}` is
refused too), a `container_name` on a service run more than once, a `platform` its
`build.platforms` leaves out, one container path mounted twice (tmpfs and volume). compose stops
at the first (`services.app: can't set distinct values on 'scale' and 'deploy.replicas'`).
"""

from __future__ import annotations

from collections.abc import Mapping

from doctor.project.goscalar import go_parse_int, stringify
from doctor.project.gosize import size_bytes
from doctor.project.types import Mount, Problem, ProblemKind
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# (the service key, the deploy.resources block and key it must agree with, how each is read)
_PAIRS = (("cpus", "limits", "cpus", "cpus"), ("mem_limit", "limits", "memory", "size"),
          ("mem_reservation", "reservations", "memory", "size"), ("pids_limit", "limits", "pids", "int"))


def check_values(enabled: Mapping[str, Any], problems: list[Problem]) -> None:
    """Append a SCHEMA problem for each of these rules an enabled service breaks."""
    for name, service in enabled.items():
        if not isinstance(service, YMap):
            continue

        def report(message: str, key: str, at: YMap = service, svc: YMap = service) -> None:
            problems.append(Problem(ProblemKind.SCHEMA, message, at.loc_of(key) or svc.loc_of(key)))

        _healthcheck(name, service, report)
        deploy = service.get("deploy") if isinstance(service.get("deploy"), YMap) else None
        scale, replicas = _int(service.get("scale")), _int(deploy.get("replicas")) if deploy else None
        if scale is not None and replicas is not None and scale != replicas:
            report(f"{name!r} sets scale {scale} and deploy.replicas {replicas}: compose refuses distinct values",
                   "scale")
        for value, key in ((scale, "scale"), (replicas, "deploy.replicas")):
            if value is not None and value < 0:
                report(f"{name!r} {key} is {value}: compose needs 0 or more", key.split(".")[0])
        resources = deploy.get("resources") if deploy else None
        for key, block, limit, kind in _PAIRS:
            _agree(name, service, resources, key, block, limit, kind, report)
        runs = scale if scale is not None else replicas if replicas is not None else 1
        container = service.get("container_name")
        if container is not None and stringify(container) and runs > 1:
            how = "scale" if scale is not None else "deploy.replicas"
            report(f"{name!r} sets container_name {stringify(container)!r} and {how} {runs}: compose refuses it, "
                   "as a container name must be unique", "container_name")
        _platforms(name, service, report)
        _targets(name, service, problems)


def _healthcheck(name: str, service: YMap, report: Any) -> None:
    check = service.get("healthcheck")
    test = check.get("test") if isinstance(check, YMap) else None
    if isinstance(test, YList) and test and stringify(test[0]) not in ("CMD", "CMD-SHELL", "NONE"):
        report(f"{name!r} healthcheck test starts with {stringify(test[0])!r}: compose needs CMD, CMD-SHELL or "
               "NONE first", "test", check)


def _agree(name: str, service: YMap, resources: Any, key: str, block: str, limit: str, kind: str,
           report: Any) -> None:
    """compose-go: `if s.CPUS != 0 && s.Deploy != nil` and the block is there, its value (0 when it
    leaves it out) must equal the service's."""
    mine = _read(service.get(key), kind)
    section = resources.get(block) if isinstance(resources, YMap) else None
    if not mine or not isinstance(section, YMap):
        return
    theirs = _read(section.get(limit), kind) if section.get(limit) is not None else 0
    if theirs is None or mine == theirs:
        return
    said = stringify(section[limit]) if section.get(limit) is not None else "unset"
    report(f"{name!r} {key} {stringify(service[key])} differs from deploy.resources.{block}.{limit} ({said}): compose "
           "refuses distinct values", key)


def _read(value: Any, kind: str) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if kind == "size":
        return size_bytes(value)
    if kind == "int":
        return _int(value)
    try:
        return float(stringify(value))
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    return value if isinstance(value, int) else go_parse_int(stringify(value))


def _platforms(name: str, service: YMap, report: Any) -> None:
    build, platform = service.get("build"), service.get("platform")
    platforms = build.get("platforms") if isinstance(build, YMap) else None
    if not isinstance(platforms, YList) or not platforms or platform is None or not stringify(platform):
        return
    if stringify(platform) not in {stringify(p) for p in platforms}:
        listed = ", ".join(stringify(p) for p in platforms)
        report(f"{name!r} platform {stringify(platform)!r} is not among its build.platforms ({listed}): compose "
               "refuses it", "platform")


def _targets(name: str, service: YMap, problems: list[Problem]) -> None:
    """One container path mounted twice, by `tmpfs:` entries or a tmpfs and a volume (compose's
    unicity already keeps one volume per target)."""
    seen: dict[str, str] = {}
    tmpfs = service.get("tmpfs")
    for index, entry in enumerate(tmpfs if isinstance(tmpfs, list) else ()):
        path = stringify(entry).split(":", 1)[0]
        if path in seen:
            problems.append(Problem(ProblemKind.SCHEMA, f"{name!r} tmpfs[{index}] mounts {path}, already mounted by "
                                    f"{seen[path]}: compose refuses it", service.loc_of("tmpfs")))
        seen.setdefault(path, f"tmpfs[{index}]")
    for index, mount in enumerate(service.get("volumes") or ()):
        if isinstance(mount, Mount) and mount.target in seen:
            problems.append(Problem(ProblemKind.SCHEMA, f"{name!r} volumes[{index}] mounts {mount.target}, already "
                                    f"mounted by {seen[mount.target]}: compose refuses it",
                                    mount.location or service.loc_of("volumes")))
