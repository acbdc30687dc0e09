"""Typed engine and compose facts for checks: values, never raw engine JSON or a subprocess.

Each reads through the engine connection (short timeouts; Unavailable when it cannot look) or
asks the compose CLI once per run, so a check sees plain values and a test can fake them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping

from doctor.host.engine import EngineConnection

_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")


def image_tags(engine: EngineConnection) -> tuple[str, ...]:
    """Every `repo:tag` the engine has locally (dangling `<none>` ones left out)."""
    images = engine.get_json("/images/json")
    return tuple(str(t) for image in images if isinstance(image, dict)
                 for t in image.get("RepoTags") or [] if "<none>" not in str(t))


def container_labels(engine: EngineConnection, container_id: str) -> Mapping[str, str]:
    """The labels of one container ({} when it has none)."""
    found = engine.get_json(f"/containers/{container_id}/json")
    labels = (found.get("Config") or {}).get("Labels") or {} if isinstance(found, dict) else {}
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def parse_compose_version(text: str) -> tuple[int, int, int] | None:
    """`Docker Compose version v2.40.3` -> (2, 40, 3)."""
    found = _VERSION.search(text)
    return (int(found[1]), int(found[2]), int(found[3])) if found else None


def compose_version(env: Mapping[str, str], timeout: float) -> tuple[int, int, int] | None:
    """The installed compose's version (`docker compose version`, else `docker-compose version`),
    found on the PATH doctor was given; None when neither answers in time.
    """
    path = env.get("PATH")
    for argv in (["docker", "compose", "version"], ["docker-compose", "version"]):
        program = shutil.which(argv[0], path=path)
        if program is None:
            continue
        try:
            done = subprocess.run([program, *argv[1:]], capture_output=True, text=True, timeout=timeout,
                                  env=dict(env))
        except (OSError, subprocess.TimeoutExpired):
            continue
        found = parse_compose_version(done.stdout) if done.returncode == 0 else None
        if found is not None:
            return found
    return None
