"""Where a command belongs, and `doctor exec -- CMD`: run it there.

Which service a command belongs to is project knowledge (doctor.project.service_home: the
image's manifests and how the code reaches the container); `execute` runs a command in it
(`docker compose exec -w <mapped cwd> SERVICE CMD`, or `run --rm` when it is not up), or on the
host when the host has what the command needs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project
from doctor.project.service_home import ServiceHome, compose_argv, home_for, service_homes

__all__ = ["ServiceHome", "compose_argv", "execute", "home_for", "is_running", "service_homes"]


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
    home = home_for(service_homes(project, host.packages), cwd)
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
