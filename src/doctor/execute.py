"""Where a command belongs, and `doctor exec -- CMD`: run it there.

A project whose code is bind-mounted into a service built from a folder with a dependency
manifest (`backend/pyproject.toml` needs sqlmodel) expects its tests and scripts to run in
that container when the host interpreter lacks those dependencies. `ServiceHome` records such
a service; the host-vs-container check reports commands run outside it, and `execute` runs a
command in it (`docker compose exec -w <mapped cwd> SERVICE CMD`, or `run --rm` when it is
not up), or on the host when the host has what the command needs.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project
from doctor.project.manifests import Language
from doctor.project.types import Mount, Service


@dataclass(frozen=True)
class ServiceHome:
    """A service whose image installs dependencies the host lacks, and the mount carrying the code."""

    service: str
    context: Path
    mount: Mount
    language: Language
    manifest: Path
    missing: tuple[str, ...]
    workdir: str | None = None

    @property
    def source(self) -> Path:
        return Path(self.mount.source or "/")

    def covers(self, path: Path) -> bool:
        """True when `path` lies in the bind-mounted folder (or the build context)."""
        return path.is_relative_to(self.source) or path.is_relative_to(self.context)

    def container_path(self, host_path: Path) -> str | None:
        """Where a host path appears inside the container, or None when the mount does not cover it."""
        if not host_path.is_relative_to(self.source):
            return None
        relative = host_path.relative_to(self.source).as_posix()
        return posixpath.normpath(posixpath.join(self.mount.target, relative))


def service_homes(project: Project, host: Host) -> tuple[ServiceHome, ...]:
    """The services whose image has dependencies the host lacks and that bind-mount project code."""
    root = project.root
    homes: list[ServiceHome] = []
    for service in project.services.values():
        if service.build is None or "://" in service.build.context:
            continue
        context = Path(os.path.normpath(service.build.context))
        mount = _code_mount(service, context, root)
        if mount is None:
            continue
        for manifest in project.manifests(context):
            if not manifest.requirements:
                continue
            missing = _missing(manifest.language, [(r.name, r.module) for r in manifest.requirements],
                               context, root, host)
            if missing:
                dockerfile = project.dockerfile(service)
                workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
                homes.append(ServiceHome(service.name, context, mount, manifest.language, manifest.path,
                                         missing, workdir))
                break
    return tuple(homes)


def _code_mount(service: Service, context: Path, root: Path) -> Mount | None:
    """The bind mount that brings the build context's code in: one covering it, else one inside it."""
    binds = [m for m in service.volumes if m.type == "bind" and m.source and "$" not in m.source]
    covering = [m for m in binds if context.is_relative_to(m.source or "/") and m.source != "/"]
    inside = [m for m in binds if Path(m.source or "/").is_relative_to(context)
              and Path(m.source or "/").is_dir()]
    for candidates in (covering, inside):
        candidates = [m for m in candidates if Path(m.source or "").is_relative_to(root)]
        if candidates:
            return max(candidates, key=lambda m: len(m.source or ""))
    return None


def _missing(language: Language, packages: list[tuple[str, str]], context: Path, root: Path,
             host: Host) -> tuple[str, ...]:
    if language is Language.NODE:
        folders = [context, *[p for p in context.parents if p.is_relative_to(root)]]
        return tuple(name for name, _ in packages
                     if not any((folder / "node_modules" / name).is_dir() for folder in folders))
    # read from the interpreter's files: starting it (or its pyenv shim) costs more than compose
    from doctor.host.interpreter import find_interpreter

    python = find_interpreter([context, root], host.env)
    if python is None:
        on_path = any(shutil.which(n, path=host.env.get("PATH", "")) for n in ("python3", "python"))
        return () if on_path else tuple(name for name, _ in packages)  # a shim we cannot read: unknown
    return python.missing(packages)


def home_for(homes: Sequence[ServiceHome], cwd: Path) -> ServiceHome | None:
    """The home whose mount covers `cwd` most closely (deepest source)."""
    covering = [h for h in homes if h.container_path(cwd) is not None]
    return max(covering, key=lambda h: len(str(h.source)), default=None)


def is_running(project: Project, host: Host, service: str) -> bool | None:
    """Whether a container of the service is up (None when the engine cannot tell)."""
    labels = [f"com.docker.compose.project={project.compose.project_name}",
              f"com.docker.compose.service={service}"]
    filters = json.dumps({"label": labels, "status": ["running"]})
    try:
        found = host.engine.get_json(f"/containers/json?filters={quote(filters)}")
    except Unavailable:
        return None
    return bool(found)


def compose_argv(project: Project, verb: str, home: ServiceHome, cwd: Path, command: Sequence[str],
                 tty: bool) -> list[str]:
    """`docker compose [-f ...] exec|run --rm [-T] [-w DIR] SERVICE CMD...` for this project."""
    argv = ["docker", "compose", "--project-directory", str(project.root), "-p", project.compose.project_name]
    for path in project.compose.files:
        argv += ["-f", str(path)]
    for profile in project.compose.active_profiles:
        argv += ["--profile", profile]
    argv += [verb] if verb == "exec" else [verb, "--rm"]
    if not tty:
        argv.append("-T")
    mapped = home.container_path(cwd)
    if mapped is not None and mapped != home.workdir:
        argv += ["-w", mapped]
    return [*argv, home.service, *command]


def execute(argv: Sequence[str], project: Project, host: Host) -> int:
    """Run `argv` where it belongs and return its exit code; say on stderr where it ran."""
    if not argv:
        print("doctor exec: no command given (usage: doctor exec -- CMD ...)", file=sys.stderr)
        return 2
    context = host.context
    cwd = Path.cwd()
    if context.in_container:
        print(f"doctor: running {argv[0]!r} here, in this {context.runtime.value}", file=sys.stderr)
        return _run(list(argv), None)
    home = home_for(service_homes(project, host), cwd)
    if home is None:
        print(f"doctor: running {argv[0]!r} on the host", file=sys.stderr)
        return _run(list(argv), None)
    running = is_running(project, host, home.service)
    verb = "run" if running is False else "exec"
    docker = shutil.which("docker", path=project.options.env.get("PATH"))
    if docker is None:
        print("doctor exec: the docker CLI is not on PATH", file=sys.stderr)
        return 127
    full = compose_argv(project, verb, home, cwd, argv, sys.stdin.isatty())
    missing = ", ".join(home.missing[:2])
    print(f"doctor: running {argv[0]!r} in service {home.service!r} ({verb}; the host lacks {missing})",
          file=sys.stderr)
    return _run([docker, *full[1:]], dict(project.options.env))


def _run(argv: list[str], env: dict[str, str] | None) -> int:
    try:
        code = subprocess.run(argv, env=env).returncode
    except FileNotFoundError:
        print(f"doctor exec: {argv[0]!r} not found", file=sys.stderr)
        return 127
    except KeyboardInterrupt:
        return 130
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention
