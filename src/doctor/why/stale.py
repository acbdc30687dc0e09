"""Failed containers older than the project's configuration: what `docker compose up` would recreate.

After a fix (`doctor fix` rewrote `.env`), the failed container still runs the configuration it was
created with: its log names a value no file holds any more, so no finding explains it
(vintasoftware/django-react-boilerplate: `DATABASE_URL=...@postgres:5432`, fixed, and `why` said
"no finding explains it"). compose itself decides what `up` recreates (the container's
`com.docker.compose.config-hash` label against the configuration now, its image): `docker compose
up --dry-run` asks it and changes nothing (`--no-build --pull never`: no build, no registry;
`--no-deps --no-start`: only the services named). `docker compose config --hash` is not that
decision: v2.40.3 prints another hash than the label `up` writes, and the same one after an
env_file changed. The files' mtimes against the container's creation only name what changed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.host.containers import ContainerState
    from doctor.host.engine import EngineConnection
    from doctor.project import Project

TIMEOUT = 15.0  # compose reads the project and asks the engine: a fraction of a second, on a busy engine more
_RECREATE = lazy(r"Container (\S+)\s+Recreate\b")


def recreated(project: Project, containers: Sequence[ContainerState], cli: Sequence[str],
              env: Mapping[str, str]) -> frozenset[str] | None:
    """The names of those `containers` that `docker compose up` would recreate; None when compose
    could not be asked (not installed, timed out, an error): then nothing is said."""
    from doctor.project.command_home import compose_cli

    services = sorted({c.service for c in containers if c.service in project.services})
    program = shutil.which(cli[0], path=env.get("PATH")) if cli else None
    if not services or program is None:
        return None
    argv = [program, *compose_cli(project, cli=cli)[1:], "up", "--dry-run", "--no-build", "--pull", "never",
            "--no-deps", "--no-start", *services]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, env=dict(env),
                              stdin=subprocess.DEVNULL, errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    names = {c.name for c in containers}
    return frozenset(m[1] for m in _RECREATE.finditer(done.stdout + done.stderr) if m[1] in names)


def changed_since(project: Project, service: str, container_id: str, engine: EngineConnection) -> list[str]:
    """The files that configure `service` (compose files, the interpolation env files, its env_files),
    as shown, edited after the container was created; [] when that cannot be told."""
    from doctor.host.images import engine_time
    from doctor.model import Unavailable

    try:
        document = engine.get_json(f"/containers/{container_id}/json")
    except Unavailable:
        return []
    created = engine_time(document.get("Created") if isinstance(document, dict) else None)
    svc = project.services.get(service)
    if created is None or svc is None:
        return []
    files = dict.fromkeys([*project.compose.files, *project.interpolation_files, *svc.env_files])
    changed = []
    for path in files:
        try:
            modified = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
        except OSError:
            continue
        if modified > created:
            changed.append(project.shown(Path(path)))
    return changed
