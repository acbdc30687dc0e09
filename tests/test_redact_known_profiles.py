"""The services of a profile that is not on are the project's too: their `environment` and `env_file` values
are known secrets, as `docker compose --profile worker up` ran them and `doctor why` without `--profile`
reports their containers.

Before: after `docker compose -p P --profile worker up`, `doctor why -p P .` printed the worker's
`upstream rejected key wk9Lq2Xp7Zm4` (with `--profile worker`: `***`), its env_file never read for secrets.
"""

from __future__ import annotations

from pathlib import Path

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

COMPOSE = """\
services:
  web:
    image: busybox
  worker:
    image: busybox
    profiles: [worker]
    env_file: .env.worker
    environment:
      QUEUE_PASSWORD: Qp7mLx2Vn
    command: ["sh", "-c", "run --token TkCmd8Lq3Zx"]
"""


def _redactor(root: Path, *profiles: str):  # type: ignore[no-untyped-def]
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env.worker").write_text("WORKER_API_KEY=wk9Lq2Xp7Zm4\nWORKER_QUEUE=jobs\n")
    return project_redactor(Project(ProjectOptions(path=root, env={}, profiles=profiles)))


def test_the_secrets_of_a_service_whose_profile_is_off_are_masked(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path)
    assert redactor.text("worker-1  | upstream rejected key wk9Lq2Xp7Zm4") == "worker-1  | upstream rejected key ***"
    assert redactor.text("queue auth Qp7mLx2Vn failed, TkCmd8Lq3Zx") == "queue auth *** failed, ***"
    assert redactor.text("worker-1  | consuming jobs") == "worker-1  | consuming jobs"  # no secret's value


def test_with_the_profile_on_they_are_masked_as_before(tmp_path: Path) -> None:
    redactor = _redactor(tmp_path, "worker")
    assert redactor.text("upstream rejected key wk9Lq2Xp7Zm4") == "upstream rejected key ***"
