"""The compose model: what `docker compose config` (v2.40.3) computes, with file:line for each value.

`load_project` never raises for bad input: whatever compose would reject becomes a Problem
(kind, message, file:line) and the model keeps everything that could still be loaded, so the
other checks run. The pipeline: discover (files, project dir, env) -> assemble (per-file
interpolation, include, extends, merge) -> finish (name, profiles, env_file and environment
resolution, consistency checks) -> typed Services.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project import ProjectOptions
from doctor.project.assemble import Assembler, Parsed, Scope
from doctor.project.consistency import check_consistency, check_profile_references, secret_sources
from doctor.project.discover import Discovery, discover, normalize_project_name
from doctor.project.envfile import read_env_file
from doctor.project.filetree import Interpolated, Interpolation, variables_of
from doctor.project.goscalar import stringify
from doctor.project.inputs import env_copy, probed
from doctor.project.reading import exists
from doctor.project.service import DEFAULT_CONTEXT, EnvFileRef
from doctor.project.types import (
    Build,
    ComposeModel,
    EnvSource,
    EnvVar,
    Problem,
    ProblemKind,
    RestartPolicy,
    Service,
    ServiceNetwork,
    VariableUse,
    WatchRule,
)
from doctor.project.validation import validate
from doctor.project.value_consistency import check_values
from doctor.project.volume_devices import bind_devices
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_CONFLICT = lazy(r"services\.(.+) conflicts with imported resource")
_NO_IMAGE = lazy(r"service '(.+)' has neither an image nor a build context specified")

__all__ = ["load_project"]


def _drop_cascade(problems: list[Problem]) -> None:
    """A service that conflicts with an included one is compose's one error there: its local half
    (wger's `db:` beside an `include:` that defines db) has no image of its own, which compose never
    gets to say, and neither does doctor."""
    conflicted = {m[1] for p in problems if (m := _CONFLICT.fullmatch(p.message))}
    if conflicted:
        problems[:] = [p for p in problems if not ((m := _NO_IMAGE.fullmatch(p.message)) and m[1] in conflicted)]


def load_project(options: ProjectOptions, parsed: dict[Path, Parsed] | None = None) -> ComposeModel:
    """Load the project the way `docker compose config` would; faults become `problems`.

    `parsed` receives every file's parse (as written), for other readers of the same files.
    """
    found = discover(options)
    assembler = Assembler(found.environment.get("HOME"), parsed)
    assembler.problems.extend(found.problems)
    name = _project_name(found, assembler)
    env = env_copy(found.environment)
    env["COMPOSE_PROJECT_NAME"] = name
    model = assembler.load_files(found.files, Scope(found.project_dir, env))
    services_all = model.get("services")
    services_all = services_all if isinstance(services_all, YMap) else YMap()
    active = found.profiles
    enabled = {n: s for n, s in services_all.items() if _enabled(s, active)}
    disabled = tuple(n for n in services_all if n not in enabled)
    # a file that did not load leaves the merge partial: the override alone has `backend` without its
    # image, references name what the lost file declared. compose stops at that file's error, so does this
    if not any(p.kind in (ProblemKind.YAML, ProblemKind.UNREADABLE) for p in assembler.problems):
        validate(model, assembler.problems)
        check_consistency(model, enabled, services_all, assembler.problems, assembler.failed_extends)
        check_values(enabled, assembler.problems)
        check_profile_references(enabled, services_all, assembler.problems)
    _drop_cascade(assembler.problems)
    services = {n: _service(n, s, env, assembler.problems, assembler.uses) for n, s in enabled.items()}
    # as they would run under their profile (docker-elk's `setup`, run by `docker compose up setup`): what
    # they read and interpolate is no fault of this run's, so their problems and uses are dropped
    profiled = {n: _service(n, services_all[n], env, [], []) for n in disabled if isinstance(services_all[n], YMap)}
    networks = list(model.get("networks") or ()) if isinstance(model.get("networks"), YMap) else []
    if any("default" in s.networks for s in services.values()) and "default" not in networks:
        networks.append("default")
    return ComposeModel(
        project_name=name,
        project_dir=found.project_dir,
        files=tuple(found.files),
        services=services,
        variables=env,
        variable_uses=tuple(assembler.uses),
        networks=tuple(networks),
        active_profiles=active,
        disabled_services=disabled,
        profiled=profiled,
        disabled_names=_disabled_names(services_all[n] for n in disabled),
        problems=tuple(_dedupe(assembler.finish())),
        external_networks=_external(model.get("networks")),
        fixed_networks=_fixed_names(model.get("networks"), services),
        external_volumes=_external(model.get("volumes")),
        external_places=_external_places(model),
        external_blank=_external_blank(model),
        secret_sources=secret_sources(model, enabled),
        include_env=assembler.include_env,
        volume_devices=bind_devices(model.get("volumes"), found.project_dir, found.environment.get("HOME")),
    )


def _disabled_names(drafts: Iterable[object]) -> tuple[str, ...]:
    """The container names and network aliases of services a profile leaves out, lowercased."""
    names: list[str] = []
    for draft in drafts:
        if not isinstance(draft, YMap):
            continue
        container = _text(draft.get("container_name"))
        names.extend([container.lower()] if container else ())
        names.extend(a.lower() for n in _networks(draft).values() for a in n.aliases if isinstance(a, str))
    return tuple(names)


def _external(declared: object) -> dict[str, str]:
    """The networks declared external (`external: true`, or the legacy `external: {name: x}`), by key,
    with the name the engine knows them by."""
    found: dict[str, str] = {}
    for key, spec in declared.items() if isinstance(declared, YMap) else ():
        flag = spec.get("external") if isinstance(spec, YMap) else None
        if isinstance(flag, YMap) or str(flag).lower() in ("true", "yes"):
            found[str(key)] = str(_written_name(spec) or key)
    return found


def _written_name(spec: object) -> object:
    """The `name:` of a volume or network as read (the legacy `external: {name: x}`'s first), or None."""
    if not isinstance(spec, YMap):
        return None
    flag = spec.get("external")
    return (flag.get("name") if isinstance(flag, YMap) else None) or spec.get("name")


def _fixed_names(declared: object, services: Mapping[str, Service]) -> dict[str, str]:
    """The networks compose creates under the `name:` they declare (not external), by key, of those an
    enabled service joins (compose creates no other)."""
    joined = {key for service in services.values() for key in service.networks}
    external = _external(declared)
    found: dict[str, str] = {}
    for key, spec in declared.items() if isinstance(declared, YMap) else ():
        name = spec.get("name") if isinstance(spec, YMap) else None
        if str(key) in joined and str(key) not in external and isinstance(name, str) and name.strip():
            found[str(key)] = str(name)  # a plain str: the model cache pickles it
    return found


def _external_places(model: YMap) -> dict[str, Location]:
    """Where each external volume and network is declared, by `volume:KEY` / `network:KEY` (the
    file a later one merges over keeps the place of the last that writes the key)."""
    places: dict[str, Location] = {}
    for kind in ("volumes", "networks"):
        declared = model.get(kind)
        for key in _external(declared):
            at = declared.loc_of(key) if isinstance(declared, YMap) else None
            if at is not None:
                places[f"{kind[:-1]}:{key}"] = at
    return places


def _external_blank(model: YMap) -> dict[str, str]:
    """`volume:KEY` / `network:KEY` -> the variable that left an external one's `name:` empty (its name
    for the engine is then KEY itself)."""
    found: dict[str, str] = {}
    for kind in ("volumes", "networks"):
        declared = model.get(kind)
        if not isinstance(declared, YMap):
            continue
        for key in _external(declared):
            name = _written_name(declared.get(key))
            if isinstance(name, str) and not name and (written := variables_of(name)):
                found[f"{kind[:-1]}:{key}"] = written[0]
    return found


def derived_name(options: ProjectOptions, parsed: dict[Path, Parsed] | None = None) -> str:
    """The name compose gives the project of `options` without `-p`, in their environment: its
    COMPOSE_PROJECT_NAME (the shell's, an env file's), else the files' `name:`, else the folder's.
    `parsed`: the files' parses already made (a file not parsed yet is parsed)."""
    from doctor.records import replace

    found = discover(replace(options, project_name=None))
    return _project_name(found, Assembler(found.environment.get("HOME"), parsed))


def _project_name(found: Discovery, assembler: Assembler) -> str:
    """-p / COMPOSE_PROJECT_NAME, else the last file's interpolated `name:`, else the directory."""
    if found.project_name:
        return found.project_name
    name_value = None
    interpolation = Interpolation(found.environment.get)
    for path in found.files:
        for doc in assembler.parse(path).docs or ():
            if isinstance(doc, YMap) and doc.get("name") is not None:
                name_value = interpolation.string(stringify(doc["name"]), "name", doc.loc_of("name"))
    if name_value:
        normalized = normalize_project_name(name_value)
        if normalized:
            return normalized
    return normalize_project_name(found.project_dir.name) or "default"


def _enabled(service: Any, active: tuple[str, ...]) -> bool:
    profiles = service.get("profiles") if isinstance(service, YMap) else None
    if not profiles:
        return True
    # with no profile given compose's active list is [""] (an empty COMPOSE_PROFILES split), so a
    # service listing '' is active by default (`profiles: ['', prod]`) but not under `--profile x`,
    # as `docker compose config` shows
    active = active or ("",)
    return "*" in active or any(p in active for p in profiles)


def _service(name: str, draft: YMap, env: dict[str, str], problems: list[Problem], uses: list[VariableUse]
             ) -> Service:
    environment = _environment(draft, env, problems, uses)
    _label_files(draft, problems)
    build = draft.get("build")
    return Service(
        name=name,
        location=draft.loc,
        image=_text(draft.get("image")),
        build=_build(build) if isinstance(build, YMap) else None,
        environment=environment,
        env_files=tuple(ref.path for ref in draft.get("env_file") or ()),
        ports=tuple(draft.get("ports") or ()),
        expose=tuple(draft.get("expose") or ()),
        volumes=tuple(draft.get("volumes") or ()),
        networks=_networks(draft),
        network_mode=_text(draft.get("network_mode")),
        container_name=_text(draft.get("container_name")),
        hostname=_text(draft.get("hostname")),
        links=tuple(draft.get("links") or ()),
        extra_hosts=tuple(draft.get("extra_hosts") or ()),
        depends_on=tuple(draft.get("depends_on") or ()),
        depends_completed=tuple(name for name, dep in (draft.get("depends_on") or {}).items()
                                if dep.condition == "service_completed_successfully"),
        profiles=tuple(draft.get("profiles") or ()),
        user=_text(draft.get("user")),
        working_dir=_text(draft.get("working_dir")),
        command=_command(draft.get("command")),
        command_template=_template(draft.get("command")),
        entrypoint=_command(draft.get("entrypoint")),
        healthcheck=_healthcheck(draft.get("healthcheck")),
        healthcheck_set=_healthcheck_set(draft.get("healthcheck")),
        watch=_watch(draft.get("develop")),
        platform=_text(draft.get("platform")),
        pull_policy=_text(draft.get("pull_policy")),
        restart=_restart(draft),
        optional_env_files=tuple(ref.path for ref in draft.get("env_file") or () if not ref.required),
        image_location=draft.locs.get("image") if draft.get("image") is not None else None,
    )


def _environment(draft: YMap, env: dict[str, str], problems: list[Problem], uses: list[VariableUse]
                 ) -> dict[str, EnvVar]:
    """env_file entries (later files win) under `environment`; nil entries from the project env. The
    `${VAR}` an env_file's value names that nothing sets (no default) go to `uses`, as compose's own
    files' do: compose substitutes '' there too, and warns (`DB_PORT=${DB_PORT}` with no DB_PORT)."""
    declared: dict[str, EnvVar] = dict(draft.get("environment") or {})
    resolved: dict[str, EnvVar] = {}
    for key, var in declared.items():
        if var.value is None and key in env:  # a bare key takes the project variable of its name
            var = EnvVar(key, env[key], var.location, var.source, var.raw, (*var.variables, key))
        resolved[key] = var
    from_files: dict[str, EnvVar] = {}
    for ref in draft.get("env_file") or ():
        if not isinstance(ref, EnvFileRef):
            continue
        probed(ref.path)
        if not exists(ref.path):
            if ref.required:
                problems.append(Problem(ProblemKind.ENV_FILE, f"env file {ref.path} not found", ref.location))
            continue
        own = {e.key for e in read_env_file(ref.path, None, raw=ref.raw).entries}
        parsed = read_env_file(ref.path, _env_file_lookup(env, resolved, from_files, own), raw=ref.raw)
        problems.extend(parsed.problems)
        uses.extend(VariableUse(name, Location(ref.path, line), is_set=False) for name, line in parsed.unset)
        for entry in parsed.entries:
            from_files[entry.key] = EnvVar(entry.key, entry.value, Location(ref.path, entry.line),
                                           EnvSource.ENV_FILE, raw=entry.raw or entry.value)
    return {**from_files, **resolved}


def _label_files(draft: YMap, problems: list[Problem]) -> None:
    """A `label_file:` that is not there: compose stops on it (`label file PATH not found`) as on a
    required env_file, for an enabled service alone (checked on v2.40.3); so it does on one it cannot
    read (a folder) or parse (`line 2: key cannot contain a space`), as on such an env_file."""
    for ref in draft.get("label_file") or ():
        if isinstance(ref, EnvFileRef):
            probed(ref.path)
            if not exists(ref.path):
                problems.append(Problem(ProblemKind.ENV_FILE, f"label file {ref.path} not found", ref.location))
            else:  # read as compose reads it, with the env file parser: a folder, an unreadable file, a bad line
                problems.extend(Problem(p.kind, p.message.replace("env file", "label file", 1), p.location)
                                for p in read_env_file(ref.path, None).problems)


def _env_file_lookup(env: dict[str, str], declared: dict[str, EnvVar], earlier: dict[str, EnvVar],
                     own: set[str]) -> Callable[[str], str | None]:
    """`${X}` in an env_file: project env, then the service's `environment:`, then the file's own
    earlier keys (the parser's fallback: we answer None for keys the file defines), then earlier files.

    Checked against compose v2.40.3. A key the file defines only *after* the reference, and an
    earlier file also defines, reads as unset here (compose would take the earlier file's).
    """

    def lookup(key: str) -> str | None:
        if key in env:
            return env[key]
        if key in declared and declared[key].value is not None:
            return declared[key].value
        if key in own or key not in earlier:
            return None
        return earlier[key].value

    return lookup


def _build(build: YMap) -> Build:
    context = _text(build.get("context")) or _text(build.get(DEFAULT_CONTEXT)) or "."
    dockerfile = _text(build.get("dockerfile")) or "Dockerfile"
    target = _text(build.get("target")) or None
    return Build(context, dockerfile, build.loc_of("context") or build.loc, _build_args(build.get("args")), target,
                 bool(_text(build.get("dockerfile_inline"))), _local_contexts(build.get("additional_contexts")))


def _local_contexts(contexts: Any) -> tuple[tuple[str, str, Location | None], ...]:
    """The `additional_contexts` that are folders here (the loader made them absolute), each with its line."""
    if isinstance(contexts, YMap):
        pairs = [(str(k), v, contexts.loc_of(k)) for k, v in contexts.items()]
    elif isinstance(contexts, YList):
        pairs = [(*stringify(item).partition("=")[::2], contexts.loc_of(i)) for i, item in enumerate(contexts)
                 if item is not None]
    else:
        return ()
    return tuple((name, path, at) for name, path, at in pairs if isinstance(path, str) and os.path.isabs(path))


def _build_args(args: Any) -> tuple[tuple[str, str, Location | None], ...]:
    """`args: {NAME: value}` or `args: [NAME=value]`; a bare `NAME` (from the shell) is left out."""
    found: list[tuple[str, str, Location | None]] = []
    if isinstance(args, YMap):
        found += [(str(k), stringify(v), args.loc_of(k)) for k, v in args.items() if v is not None]
    elif isinstance(args, YList):
        for index, item in enumerate(args):
            name, sep, value = stringify(item).partition("=")
            if sep:
                found.append((name, value, args.loc_of(index)))
    return tuple(found)


def _networks(draft: YMap) -> dict[str, ServiceNetwork]:
    declared = draft.get("networks")
    if isinstance(declared, dict) and declared:
        return {n: ServiceNetwork(n, tuple(aliases)) for n, aliases in declared.items()}
    if draft.get("network_mode") is not None:
        return {}
    return {"default": ServiceNetwork("default")}


def _watch(develop: Any) -> tuple[WatchRule, ...]:
    rules = develop.get("watch") if isinstance(develop, dict) else None
    return tuple(r for r in rules or () if isinstance(r, WatchRule)) if isinstance(rules, list) else ()


def _command(value: Any) -> tuple[str, ...] | str | None:
    if value is None:
        return None
    if isinstance(value, (list, YList)):
        return tuple(stringify(v) for v in value)
    return stringify(value)


def _template(value: Any) -> str | None:
    """A string command's text as written, where it uses variables."""
    return value.raw if isinstance(value, Interpolated) and value.refs else None


def _healthcheck(value: Any) -> tuple[str, ...] | str:
    test = value.get("test") if isinstance(value, (dict, YMap)) else None
    if isinstance(test, (list, YList)):
        words = [stringify(v) for v in test]
        if words[:1] == ["CMD"]:
            return tuple(words[1:])
        return " ".join(words[1:]) if words[:1] == ["CMD-SHELL"] else ()
    return stringify(test) if isinstance(test, str) else ()


def _healthcheck_set(value: Any) -> bool:
    """Whether compose's healthcheck replaces the image's HEALTHCHECK: a `test`, or `disable: true`."""
    if not isinstance(value, (dict, YMap)):
        return False
    return "test" in value or stringify(value.get("disable")).lower() == "true"


_ENGINE_RESTART = {"none": "no", "no": "no", "on-failure": "on-failure", "unless-stopped": "unless-stopped",
                   "any": "always", "always": "always"}


def _restart(draft: YMap) -> RestartPolicy | None:
    """The restart policy compose sends the engine (compose's getRestartPolicy and
    mapRestartPolicyCondition): deploy.restart_policy wins over `restart:`; a count that is no
    integer is 0, as Go's strconv.Atoi error is ignored there."""
    deploy = draft.get("deploy")
    policy = deploy.get("restart_policy") if isinstance(deploy, YMap) else None
    if isinstance(deploy, YMap) and isinstance(policy, YMap):
        condition = _text(policy.get("condition")) or ""
        attempts = policy.get("max_attempts")
        count = attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 0
        written = ", ".join([*([f"condition: {condition}"] if condition else []),
                             *([f"max_attempts: {count}"] if count else [])])
        at = policy.loc_of("condition") if "condition" in policy else deploy.loc_of("restart_policy")
        return RestartPolicy(_ENGINE_RESTART.get(condition, condition), count, written, at, deploy=True)
    restart = _text(draft.get("restart"))
    if not restart:
        return None
    name, _, rest = restart.partition(":")
    number = rest.split(":", 1)[0]
    digits = number[1:] if number[:1] in ("+", "-") else number
    count = int(number) if digits.isascii() and digits.isdigit() and len(digits) < 19 else 0
    return RestartPolicy(_ENGINE_RESTART.get(name, name), count, restart, draft.loc_of("restart"))


def _text(value: Any) -> str | None:
    return None if value is None else stringify(value)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))

