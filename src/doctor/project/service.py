"""One service definition turned into compose's canonical form, with problems instead of exceptions.

The result is a `YMap` (so each attribute keeps its file:line) whose well-known attributes hold
typed values: `ports` -> [PortMapping], `volumes` -> [Mount], `environment` -> {name: EnvVar},
`env_file` -> [EnvFileRef], `build` -> YMap(context absolute), `networks` -> {name: aliases},
`depends_on` -> {name: Dependency}; list-of-strings attributes become [str]. Anything else
keeps its (interpolated) YAML value and merges generically.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.model import Location, record
from doctor.project.filetree import failed, raw_text, variables_of
from doctor.project.goscalar import Timestamp, stringify
from doctor.project.ports import PortError, parse_port, unique_ports
from doctor.project.types import EnvSource, EnvVar, Mount, PortMapping, Problem, ProblemKind, WatchRule
from doctor.project.volumes import VolumeError, parse_volume, resolve_source, unique_mounts
from doctor.project.yamlload import YList, YMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SERVICE_KEYS = frozenset("""
develop deploy annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent command
configs container_name cpu_count cpu_percent cpu_shares cpu_quota cpu_period cpu_rt_period
cpu_rt_runtime cpus cpuset credential_spec depends_on device_cgroup_rules devices dns dns_opt
dns_search domainname entrypoint env_file label_file environment expose extends external_links
extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels links logging
mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode models networks
oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles
provider pull_policy pull_refresh_after read_only restart runtime scale security_opt shm_size secrets
sysctls stdin_open stop_grace_period stop_signal storage_opt tmpfs tty ulimits use_api_socket user
uts userns_mode volumes volumes_from working_dir
""".split())  # noqa: SIM905 - the schema's property list, easy to diff as text
STRING_LISTS = ("expose", "links", "external_links", "dns", "dns_opt", "dns_search", "tmpfs", "cap_add",
                "cap_drop", "profiles", "security_opt", "volumes_from", "group_add", "device_cgroup_rules")
DEFAULT_CONTEXT = "x-doctor-default-context"
ARRAYS = ("ports", "volumes", "expose", "links", "external_links", "profiles", "cap_add", "cap_drop",
          "volumes_from", "devices", "security_opt", "dns_opt", "group_add")


@record
class EnvFileRef:
    """One `env_file:` entry, its path absolute."""

    path: Path
    required: bool = True
    raw: bool = False
    location: Location | None = None


@record
class Dependency:
    """One `depends_on` entry; `condition` as written (a list entry's is compose's default, service_started)."""

    required: bool = True
    location: Location | None = None
    condition: str = "service_started"


class Canonicalizer:
    """Canonicalizes services of one file: relative paths against `base`, `~` against `home`."""

    def __init__(self, base: Path, home: str | None, problems: list[Problem],
                 shapes: list[Problem] | None = None) -> None:
        self.base = base
        self.home = home
        self.problems = problems
        self.shapes = problems if shapes is None else shapes

    def problem(self, kind: ProblemKind, message: str, location: Location | None) -> None:
        self.problems.append(Problem(kind, message, location))

    def shape(self, message: str, location: Location | None) -> None:
        """A shape fault compose-spec's schema also reports: kept only when the schema cannot run."""
        self.shapes.append(Problem(ProblemKind.SCHEMA, message, location))

    def service(self, name: str, raw: Any, location: Location | None) -> YMap | None:
        where = f"services.{name}"
        if not isinstance(raw, YMap):
            self.shape(f"{where} must be a mapping", location)
            return None
        out = YMap(location)
        out.locs = dict(raw.locs)
        out.tags = dict(raw.tags)
        for key, value in raw.items():
            loc = raw.loc_of(key)
            if key not in SERVICE_KEYS and not key.startswith("x-"):
                self.shape(f"{where} additional properties '{key}' not allowed", loc)
                continue
            if _has_timestamp(value):
                self.shape(f"{where}.{key} holds an unquoted date (quote it)", loc)
                continue
            if key in ARRAYS and value is not None and not isinstance(value, YList):
                self.shape(f"{where}.{key} must be a array", loc)
                continue
            converted = self.attribute(where, key, value, loc)
            if converted is not None:
                out[key] = converted
        return out

    def attribute(self, where: str, key: str, value: Any, loc: Location | None) -> Any:
        if key == "ports":
            return self.ports(value)
        if key == "volumes":
            return self.volumes(value)
        if key == "environment":
            return self.environment(where, value, loc)
        if key == "env_file":
            return self.env_files(where, value, loc)
        if key == "label_file":
            return self.label_files(value, loc)
        if key == "build":
            return self.build(where, value, loc)
        if key == "networks":
            return self.networks(where, value, loc)
        if key == "depends_on":
            return self.depends_on(where, value, loc)
        if key == "develop":
            return self.develop(where, value)
        if key == "extra_hosts":
            return self.string_list(where, key, value, loc, separator="=")
        if key in STRING_LISTS:
            return self.string_list(where, key, value, loc)
        if key in ("command", "entrypoint") and isinstance(value, YList):
            return [stringify(v) for v in value]
        return value

    def ports(self, value: YList | None) -> list[PortMapping]:
        found: list[PortMapping] = []
        for index, item in enumerate(value or ()):
            try:
                found.extend(parse_port(item, value.loc_of(index) if value else None))
            except PortError as exc:
                if str(exc) and not failed(item):
                    self.problem(ProblemKind.SCHEMA, f"invalid port {raw_text(item)!r}: {exc}",
                                 value.loc_of(index) if value else None)
        return unique_ports(found)

    def volumes(self, value: YList | None) -> list[Mount]:
        found: list[Mount] = []
        for index, item in enumerate(value or ()):
            loc = value.loc_of(index) if value else None
            try:
                found.append(parse_volume(item, loc, self.base, self.home))
            except VolumeError as exc:
                if str(exc):
                    self.problem(ProblemKind.SCHEMA, f"invalid volume {raw_text(item)!r}: {exc}", loc)
        return unique_mounts(found)

    def environment(self, where: str, value: Any, loc: Location | None) -> dict[str, EnvVar]:
        found: dict[str, EnvVar] = {}
        if value is None:
            return found
        if isinstance(value, YMap):
            for key, item in value.items():
                item_loc = value.loc_of(key)
                text = None if item is None else stringify(item)
                raw = None if item is None else raw_text(item)
                found[key] = EnvVar(key, text, item_loc, EnvSource.ENVIRONMENT, raw=raw,
                                    variables=variables_of(item))
            return found
        if not isinstance(value, YList):
            self.shape(f"{where}.environment must be a mapping or a list", loc)
            return found
        for index, item in enumerate(value):
            item_loc = value.loc_of(index)
            if not isinstance(item, str):
                self.shape(f"{where}.environment[{index}]: unexpected type "
                             f"{type(item).__name__} (write KEY=value)", item_loc)
                continue
            text = item
            key, sep, rest = text.partition("=")
            if key != key.rstrip() and sep:
                self.problem(ProblemKind.SCHEMA,
                             f"environment variable {key} is declared with a trailing space", item_loc)
                continue
            raw = raw_text(item).partition("=")[2] if sep else None
            found.pop(key, None)  # unicity: later wins
            found[key] = EnvVar(key, rest if sep else None, item_loc, EnvSource.ENVIRONMENT,
                                raw=raw, variables=variables_of(item))
        return found

    def env_files(self, where: str, value: Any, loc: Location | None) -> list[EnvFileRef]:
        entries: list[tuple[Any, Location | None]]
        if isinstance(value, YList):
            entries = [(item, value.loc_of(i)) for i, item in enumerate(value)]
        elif value is None:
            entries = []
        else:
            entries = [(value, loc)]
        found: dict[Path, EnvFileRef] = {}
        for item, item_loc in entries:
            required, raw_format, path_value = True, False, item
            if isinstance(item, YMap):
                path_value = item.get("path")
                required = stringify(item.get("required", True)) in ("true", "1")
                fmt = item.get("format")
                raw_format = fmt == "raw"
                if fmt not in (None, "", "raw"):
                    self.problem(ProblemKind.SCHEMA, f"unsupported env_file format {stringify(fmt)!r}",
                                 item_loc)
            if not isinstance(path_value, str) or failed(path_value):
                if not failed(path_value):
                    self.problem(ProblemKind.SCHEMA, f"{where}.env_file entries need a path", item_loc)
                continue
            path = Path(resolve_source(path_value, self.base, self.home))
            found.pop(path, None)
            found[path] = EnvFileRef(path, required, raw_format, item_loc)
        return list(found.values())

    def label_files(self, value: Any, loc: Location | None) -> list[EnvFileRef]:
        """`label_file:` (a path or a list of paths; the schema says which), each made absolute against
        this file's base, as compose reads them: every one must exist (it has no `required: false`)."""
        entries = [(item, value.loc_of(i)) for i, item in enumerate(value)] if isinstance(value, YList) else \
            [(value, loc)]
        found: dict[Path, EnvFileRef] = {}
        for item, item_loc in entries:
            if isinstance(item, str) and not failed(item):
                path = Path(resolve_source(item, self.base, self.home))
                found.pop(path, None)
                found[path] = EnvFileRef(path, True, False, item_loc)
        return list(found.values())

    def develop(self, where: str, value: Any) -> Any:
        """`develop.watch` rules with their paths made absolute against this file's base."""
        rules = value.get("watch") if isinstance(value, YMap) else None
        if not isinstance(rules, YList):
            return value
        out = YMap(value.loc)
        out.locs = dict(value.locs)
        out.update(value)
        converted = YList(rules.loc)
        for index, rule in enumerate(rules):
            if not isinstance(rule, YMap) or not isinstance(rule.get("path"), str):
                continue
            if not rule["path"]:  # compose-go's validation: `develop.watch.[].path: value can't be blank`
                self.problem(ProblemKind.SCHEMA, f"{where}.develop.watch[{index}].path is blank: compose needs the "
                             "host path to watch", rules.loc_of(index))
                continue
            ignore = rule.get("ignore")
            converted.add(WatchRule(
                resolve_source(rule["path"], self.base, self.home), str(rule.get("action") or ""),
                str(rule["target"]) if rule.get("target") is not None else None,
                tuple(str(i) for i in ignore) if isinstance(ignore, list) else (),
                rules.loc_of(index)), rules.loc_of(index))
        out["watch"] = converted
        return out

    def build(self, where: str, value: Any, loc: Location | None) -> YMap | None:
        if isinstance(value, str):
            out = YMap(loc)
            out["context"] = self.context(value)
            out.locs["context"] = loc or Location(self.base)
            return out
        if not isinstance(value, YMap):
            self.shape(f"{where}.build must be a string or a mapping", loc)
            return None
        out = YMap(value.loc)
        out.locs = dict(value.locs)
        out.tags = dict(value.tags)
        out.update(value)
        if isinstance(value.get("context"), str):
            out["context"] = self.context(value["context"])
        if value.get("additional_contexts") is not None:
            out["additional_contexts"] = self.contexts(value["additional_contexts"])
        if isinstance(value.get("args"), YList):  # `- NAME=value`: a mapping, as compose merges args by name
            out["args"] = _args_mapping(value["args"])
        # compose defaults a missing context to "." of the defining file's base directory, after
        # merging: keep it aside so an explicit context from another file still wins
        out[DEFAULT_CONTEXT] = str(self.base)
        return out

    def contexts(self, value: Any) -> Any:
        """`additional_contexts` with its local folders made absolute against this file's base, as compose
        resolves them (a `service:`, `docker-image://` or other `://` context, a git or URL one, is kept)."""
        if isinstance(value, YMap):
            out = YMap(value.loc)
            out.locs = dict(value.locs)
            for key, item in value.items():
                out[key] = self._context_path(item)
            return out
        if isinstance(value, YList):
            listed = YList(value.loc)
            for index, item in enumerate(value):
                name, sep, path = stringify(item).partition("=") if item is not None else ("", "", "")
                listed.add(f"{name}={self._context_path(path)}" if sep else item, value.loc_of(index))
            return listed
        return value

    def _context_path(self, item: Any) -> Any:
        if not isinstance(item, str) or not item or item.startswith("service:") or failed(item):
            return item
        if "://" in item or item.startswith(("git@", "github.com/")):
            return item
        return self.context(item)

    def context(self, text: str) -> str:
        if "://" in text or text.startswith(("git@", "github.com/")) or os.path.isabs(text):
            return text
        return resolve_source(text if text.startswith((".", "~")) else f"./{text}", self.base, self.home)

    def networks(self, where: str, value: Any, loc: Location | None) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        if isinstance(value, YList):
            for item in value:
                found[stringify(item)] = ()
        elif isinstance(value, YMap):
            for name, conf in value.items():
                aliases = conf.get("aliases") if isinstance(conf, YMap) else None
                found[name] = tuple(stringify(a) for a in aliases) if isinstance(aliases, YList) else ()
        elif value is not None:
            self.shape(f"{where}.networks must be a list or a mapping", loc)
        return found

    def depends_on(self, where: str, value: Any, loc: Location | None) -> dict[str, Dependency]:
        found: dict[str, Dependency] = {}
        if isinstance(value, YList):
            for index, item in enumerate(value):
                found[stringify(item)] = Dependency(True, value.loc_of(index))
        elif isinstance(value, YMap):
            for name, conf in value.items():
                required = not (isinstance(conf, YMap) and stringify(conf.get("required", True)) == "false")
                condition = stringify(conf.get("condition")) if isinstance(conf, YMap) and conf.get("condition") else ""
                found[name] = Dependency(required, value.loc_of(name), condition or "service_started")
        elif value is not None:
            self.shape(f"{where}.depends_on must be a list or a mapping", loc)
        return found

    def string_list(self, where: str, key: str, value: Any, loc: Location | None, separator: str = ":"
                    ) -> list[str]:
        if value is None:
            return []
        if isinstance(value, YMap):
            return [f"{k}{separator}{stringify(v)}" for k, v in value.items()]
        if isinstance(value, YList):
            return list(dict.fromkeys(stringify(item) for item in value))
        if isinstance(value, str):
            return [value]
        self.shape(f"{where}.{key} must be a list", loc)
        return []


def _has_timestamp(value: Any) -> bool:
    if isinstance(value, Timestamp):
        return True
    if isinstance(value, dict):
        return any(_has_timestamp(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_timestamp(v) for v in value)
    return False


def _args_mapping(items: YList) -> YMap:
    """`build.args` written as a list (`- UID=1000`, a bare `- NAME` taken from the shell) as the
    mapping compose merges by name: an override's list keeps the base file's other args
    (wemake-django-template's `DJANGO_ENV: development` beside the override's `- UID=...`)."""
    out = YMap(items.loc)
    for index, item in enumerate(items):
        name, sep, value = stringify(item).partition("=")
        out[name] = value if sep else None
        loc = items.loc_of(index)
        if loc is not None:
            out.locs[name] = loc
    return out
