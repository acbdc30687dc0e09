"""compose-go's checkConsistency, run on the enabled services only (COMPOSE-SEMANTICS.md §1.7, §9).

References to undefined services, volumes, networks, secrets, configs, build secrets and models; a
`develop.watch` sync without a target; a secret with neither file nor environment; network_mode with
networks; neither image nor build (nor a `provider:`); both dockerfile and dockerfile_inline; an
additional build context naming a service that is not enabled or builds nothing; container_name rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.goscalar import stringify
from doctor.project.types import Problem, ProblemKind, SecretSource, WatchRule
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_CONTAINER_NAME = lazy(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")


def check_consistency(model: YMap, enabled: Mapping[str, Any], every: YMap, problems: list[Problem],
                      failed_extends: AbstractSet[str] = frozenset()) -> None:
    """Append a REFERENCE/SCHEMA problem for each inconsistency compose would reject. `failed_extends`:
    the services whose `extends:` failed, an error already (compose's only one): their image or build
    was to come from the base, so its absence is not said besides."""
    declared = {key: set(model[key]) if isinstance(model.get(key), YMap) else set()
                for key in ("volumes", "networks", "secrets", "configs", "models")}
    container_names: dict[str, str] = {}
    for name, service in enabled.items():
        if not isinstance(service, YMap):
            continue

        def report(kind: ProblemKind, message: str, key: str, svc: YMap = service) -> None:
            problems.append(Problem(kind, message, svc.loc_of(key)))

        for dep, info in (service.get("depends_on") or {}).items():
            if dep not in every:
                report(ProblemKind.REFERENCE, f"service {name!r} depends on undefined service {dep!r}",
                       "depends_on")
            elif dep not in enabled and getattr(info, "required", True):
                report(ProblemKind.REFERENCE, f"service {name!r} depends on {dep!r}, which is disabled by "
                       "profiles", "depends_on")
        for link in service.get("links") or ():
            target = link.split(":", 1)[0]
            if target not in every:
                report(ProblemKind.REFERENCE, f"service {name!r} links to undefined service {target!r}",
                       "links")
        for ref in service.get("volumes_from") or ():
            target = ref.split(":", 1)[0]
            if not ref.startswith("container:") and target not in every:
                report(ProblemKind.REFERENCE, f"service {name!r} takes volumes from undefined service "
                       f"{target!r}", "volumes_from")
        mode = service.get("network_mode")
        if isinstance(mode, str) and mode.startswith("service:") and mode[8:] not in every:
            report(ProblemKind.REFERENCE, f"service {name!r} depends on undefined service {mode[8:]!r}",
                   "network_mode")
        if mode is not None and service.get("networks"):
            report(ProblemKind.SCHEMA,
                   f"service {name} declares mutually exclusive network_mode and networks", "network_mode")
        for mount in service.get("volumes") or ():
            if mount.type == "volume" and mount.source and mount.source not in declared["volumes"]:
                problems.append(Problem(ProblemKind.REFERENCE,
                                        f"service {name!r} refers to undefined volume {mount.source}",
                                        mount.location))
        for network in service.get("networks") or {}:
            if network != "default" and network not in declared["networks"]:
                report(ProblemKind.REFERENCE, f"service {name!r} refers to undefined network {network}",
                       "networks")
        for key in ("secrets", "configs"):
            for ref in _sources(service.get(key)):
                if ref not in declared[key]:
                    report(ProblemKind.REFERENCE,
                           f"service {name!r} refers to undefined {key[:-1]} {ref}", key)
        build = service.get("build")
        for ref, at in _references(build.get("secrets") if isinstance(build, YMap) else None):
            if ref not in declared["secrets"]:
                problems.append(Problem(ProblemKind.REFERENCE, f"service {name!r} refers to undefined build "
                                        f"secret {ref}", at or service.loc_of("build")))
        for ref, at in _references(service.get("models")):  # compose 2.38's models, a list or a mapping
            if ref not in declared["models"]:
                problems.append(Problem(ProblemKind.REFERENCE, f"service {name!r} refers to undefined model {ref}",
                                        at or service.loc_of("models")))
        _watch_targets(name, service.get("develop"), problems)
        # a `provider:` service (compose 2.36+: a model runner, a cloud resource) is run by that
        # plugin, with no image of its own
        if (service.get("image") is None and service.get("build") is None and service.get("provider") is None
                and name not in failed_extends):
            report(ProblemKind.SCHEMA, f"service {name!r} has neither an image nor a build context specified",
                   "image")
        if isinstance(build, YMap) and _given(build.get("dockerfile")) and _given(build.get("dockerfile_inline")):
            report(ProblemKind.SCHEMA, f"service {name!r} declares mutually exclusive dockerfile and "
                   "dockerfile_inline", "build")
        for context, target in _service_contexts(build):
            if not isinstance(enabled.get(target), YMap) or enabled[target].get("build") is None:
                what = "unknown" if target not in enabled else "non-buildable"
                report(ProblemKind.REFERENCE, f"service {name!r} declares {what} service {target!r} as "
                       f"additional contexts {context}", "build")
        container = service.get("container_name")
        if container is not None:
            text = stringify(container)
            if not _CONTAINER_NAME.search(text):
                report(ProblemKind.SCHEMA, f"container_name {text!r} does not match pattern "
                       "'[a-zA-Z0-9][a-zA-Z0-9_.-]+'", "container_name")
            elif text in container_names:
                report(ProblemKind.REFERENCE, f"container name {text!r} is already in use by service "
                       f"{container_names[text]!r}", "container_name")
            container_names.setdefault(text, name)
    _secret_sources(model.get("secrets"), problems)
    _check_cycles(enabled, problems)


def _secret_sources(declared: Any, problems: list[Problem]) -> None:
    """A secret that is not external needs a `file:` or an `environment:` (compose-go's check, past
    the validation that lets a `driver:` stand in for them: `secret "s" must declare either `file` or
    `environment``)."""
    for name, spec in declared.items() if isinstance(declared, YMap) else ():
        external = spec.get("external") if isinstance(spec, YMap) else None
        if not isinstance(spec, YMap) or isinstance(external, YMap) or str(external).lower() in ("true", "yes"):
            continue
        if not ({"file", "environment", "driver", "external"} & set(spec)):
            continue  # validation's `one of file|environment must be set` (doctor.project.validation)
        if not _given(spec.get("file")) and not _given(spec.get("environment")):
            problems.append(Problem(ProblemKind.SCHEMA, f"secret {name!r} must declare either `file` or "
                                    "`environment`", declared.loc_of(name)))


def _watch_targets(name: str, develop: Any, problems: list[Problem]) -> None:
    """A `develop.watch` rule without `target:` syncs nowhere: compose refuses it for every action but
    rebuild and restart (`services.app.develop.watch: target is required for non-rebuild actions`)."""
    rules = develop.get("watch") if isinstance(develop, YMap) else None
    for rule in rules if isinstance(rules, YList) else ():
        if isinstance(rule, WatchRule) and not rule.target and rule.action not in ("rebuild", "restart"):
            problems.append(Problem(ProblemKind.SCHEMA, f"{name!r} develop.watch action {rule.action!r} has no target: "
                                    "compose needs one but for rebuild and restart", rule.location))


def _references(value: Any) -> list[tuple[str, Location | None]]:
    """The names a list (`- npmrc`, `- source: npmrc`) or a mapping (`llm: {endpoint_var: ...}`) refers
    to, each with its line."""
    if isinstance(value, YMap):
        return [(str(key), value.loc_of(key)) for key in value]
    if not isinstance(value, YList):
        return []
    found = []
    for index, item in enumerate(value):
        ref = item.get("source") if isinstance(item, YMap) else item
        if ref is not None:
            found.append((stringify(ref), value.loc_of(index)))
    return found


def secret_sources(model: YMap, enabled: Mapping[str, Any]) -> tuple[SecretSource, ...]:
    """The sources of the secrets and configs the enabled services use, which `up` reads and
    `config` does not: (kind, name, the `environment:` variable or "", the `file:` as an absolute
    path or "", where it is declared). A relative file is taken from the folder of the compose
    file declaring it. compose-config judges them (doctor.checks.compose_config)."""
    from pathlib import Path

    found: list[SecretSource] = []
    for key in ("secrets", "configs"):
        declared = model.get(key)
        if not isinstance(declared, YMap):
            continue
        used = {ref for service in enabled.values() if isinstance(service, YMap) for ref in _sources(service.get(key))}
        for name in sorted(used):
            spec = declared.get(name)
            if not isinstance(spec, YMap) or str(spec.get("external")).lower() in ("true", "yes"):
                continue
            variable = spec.get("environment")
            if variable is not None:
                found.append((key[:-1], name, stringify(variable), "", spec.loc_of("environment")))
            source, at = spec.get("file"), spec.loc_of("file")
            if source is not None and at is not None:
                path = Path(stringify(source)).expanduser()
                found.append((key[:-1], name, "", str(path if path.is_absolute() else at.path.parent / path), at))
    return tuple(found)


def _check_cycles(enabled: Mapping[str, Any], problems: list[Problem]) -> None:
    """compose refuses a dependency cycle (a service depending on itself included), counting as
    dependencies `links`, `network_mode: service:` and `volumes_from` besides `depends_on`
    (compose-go's Normalize, COMPOSE-SEMANTICS.md step 8). Reported at the key of the line closing
    the cycle. A walk with its own stack: a chain of 2000 services overflowed Python's
    (RecursionError, no report)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in enabled:
        if root in state:
            continue
        state[root] = 1
        path = [root]  # the services on the current path, in order; the stack holds their deps left
        stack = [iter(_dependencies(enabled[root]))]
        while stack:
            name = path[-1]
            for dep, key in stack[-1]:
                if dep not in enabled:
                    continue
                if state.get(dep) == 1:
                    cycle = " -> ".join([*path[path.index(dep):], dep]) if dep in path else f"{name} -> {dep}"
                    problems.append(Problem(ProblemKind.REFERENCE, f"dependency cycle detected: {cycle}",
                                            enabled[name].loc_of(key)))
                elif dep not in state:
                    state[dep] = 1
                    path.append(dep)
                    stack.append(iter(_dependencies(enabled[dep])))
                    break
            else:
                state[name] = 2
                path.pop()
                stack.pop()


def _dependencies(service: Any) -> list[tuple[str, str]]:
    """(service, the key naming it) of each dependency compose-go's Normalize counts: `depends_on`,
    then `links` (`svc` or `svc:alias`), `network_mode: service:NAME`, `volumes_from` (`svc`,
    `svc:ro`; a `container:NAME` is no service). Each service once, at its first key."""
    if not isinstance(service, YMap):
        return []
    found: dict[str, str] = {}
    for dep in service.get("depends_on") or {}:
        found.setdefault(str(dep), "depends_on")
    for link in service.get("links") or ():
        if link is None:
            continue
        parts = stringify(link).split(":")
        found.setdefault(parts[0] if len(parts) == 2 else stringify(link), "links")
    mode = service.get("network_mode")
    if isinstance(mode, str) and mode.startswith("service:"):
        found.setdefault(mode[len("service:"):], "network_mode")
    for ref in service.get("volumes_from") or ():
        text = stringify(ref) if ref is not None else "container:"
        if not text.startswith("container:"):
            found.setdefault(text.split(":")[0], "volumes_from")
    return list(found.items())


def _sources(value: Any) -> list[str]:
    if not isinstance(value, YList):
        return []
    found = []
    for item in value:
        if isinstance(item, YMap):
            if item.get("source") is not None:
                found.append(stringify(item["source"]))
        elif item is not None:
            found.append(stringify(item))
    return found


def _given(value: Any) -> bool:
    """A build key compose counts as set: present and not empty (compose-go compares with "")."""
    return value is not None and stringify(value) != ""


def _service_contexts(build: Any) -> list[tuple[str, str]]:
    """(name, service) of each `additional_contexts` entry written `service:NAME` (a map, or a list of
    `name=value`): the image that service builds is the context, so it must be enabled and build one."""
    contexts = build.get("additional_contexts") if isinstance(build, YMap) else None
    if isinstance(contexts, YMap):
        pairs = [(str(k), stringify(v)) for k, v in contexts.items() if v is not None]
    elif isinstance(contexts, YList):
        pairs = [(k, v) for k, _, v in (stringify(item).partition("=") for item in contexts if item is not None)]
    else:
        return []
    return [(key, value[len("service:"):]) for key, value in pairs if value.startswith("service:")]


_SHARING = ("network_mode", "ipc", "pid")  # `service:NAME` joins NAME's namespace


def check_profile_references(enabled: Mapping[str, Any], every: YMap, problems: list[Problem]) -> None:
    """What compose refuses as `service "app" depends on undefined service "vpn"` beyond check_consistency:
    `network_mode`, `ipc` or `pid` of `service:NAME`, `links` and `volumes_from` naming a service whose
    profile is off (the service is defined, so it is no typo; compose drops it before it checks), and
    `ipc`/`pid` of a service no file defines. A `depends_on` with `required: false` may name one."""
    for name, service in enabled.items():
        if not isinstance(service, YMap):
            continue
        refs: list[tuple[str, str]] = []
        for key in _SHARING:
            mode = service.get(key)
            if isinstance(mode, str) and mode.startswith("service:"):
                refs.append((key, mode[len("service:"):]))
        refs += [("links", stringify(link).split(":", 1)[0]) for link in service.get("links") or ()]
        refs += [("volumes_from", text.split(":", 1)[0]) for text in map(stringify, service.get("volumes_from") or ())
                 if not text.startswith("container:")]
        for key, target in refs:
            if target in enabled or (target not in every and key not in ("ipc", "pid")):
                continue  # an undefined network_mode, link or volumes_from target: check_consistency's
            message = f"service {name!r} depends on undefined service {target!r}"
            profiles = every[target].get("profiles") if isinstance(every.get(target), YMap) else None
            if target in every and isinstance(profiles, list) and profiles:
                named = ", ".join(repr(stringify(p)) for p in profiles)
                message += (f" ({target!r} is in profile {named}, which is off)" if len(profiles) == 1
                            else f" ({target!r} is in profiles {named}, none of them on)")
            problems.append(Problem(ProblemKind.REFERENCE, message, service.loc_of(key)))
