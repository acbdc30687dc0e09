"""script-line-endings names every service a script reaches the same way.

getredash/redash's image runs `ENTRYPOINT ["/app/bin/docker-entrypoint"]` in `server`, `scheduler`
and `worker` (one anchor, one build): with CRLF all three fail to start, and the finding named only
`scheduler`, the first by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.script_line_endings import ScriptLineEndings

from doctor.host import Host
from doctor.model import service_names
from doctor.project import Project, ProjectOptions

REDASH = Path(__file__).resolve().parent / "replay" / "redash"


def test_redash_crlf_entrypoint_reaches_its_three_services(tmp_path: Path) -> None:
    root = tmp_path / "redash"
    shutil.copytree(REDASH, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text("REDASH_COOKIE_SECRET=x\n")
    script = root / "bin" / "docker-entrypoint"
    script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    found = list(ScriptLineEndings().run(Project(ProjectOptions(path=root, env=env)), Host(env=env, timeout=1.0)))
    [error] = [f for f in found if f.subject == "bin/docker-entrypoint"]
    assert error.message == "has CRLF line endings and reaches 'scheduler', 'server', 'worker' (ENTRYPOINT)"


def test_many_services_are_counted_past_four() -> None:
    assert service_names(("a",)) == "'a'"
    assert service_names(("a", "b", "c", "d")) == "'a', 'b', 'c', 'd'"
    assert service_names(("a", "b", "c", "d", "e", "f")) == "'a', 'b', 'c' and 3 more services"


def test_host_wrappers_and_tool_folders_a_repo_bind_carries_are_not_judged(tmp_path: Path) -> None:
    """DefectDojo/django-DefectDojo binds the whole repository (`.:/app:z`) into its services; with
    CRLF in `run-unittest.sh` (which runs `docker compose exec uwsgi ...` on the host) and in
    `.claude/hooks/branch-guard.sh` (an agent's hook), doctor said both "reach 'celerybeat'", errors,
    though no container ever runs them. The entrypoint the service runs stays judged."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  celerybeat:\n    image: python:3.12\n    entrypoint: [/app/docker/entrypoint.sh]\n"
        "    volumes:\n      - .:/app:z\n")
    (tmp_path / "run-unittest.sh").write_bytes(b"#!/bin/bash\r\nset -e\r\n"
                                               b"docker compose --profile test run --rm uwsgi pytest\r\n")
    (tmp_path / ".claude" / "hooks").mkdir(parents=True)
    (tmp_path / ".claude" / "hooks" / "branch-guard.sh").write_bytes(b"#!/bin/bash\r\nexit 0\r\n")
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "entrypoint.sh").write_bytes(b"#!/bin/sh\r\nexec celery beat\r\n")
    (tmp_path / "docker" / "helper.sh").write_bytes(b"#!/bin/sh\r\necho 'seeding the database'\r\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    found = ScriptLineEndings().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    # helper.sh drives nothing: a script of the mounted folder like any other, still judged
    assert sorted(f.subject for f in found if f.subject != ".gitattributes") == ["docker/entrypoint.sh",
                                                                                  "docker/helper.sh"]


def test_scripts_that_set_up_the_host_a_repo_bind_carries_are_not_judged(tmp_path: Path) -> None:
    """CTFd/CTFd binds the repository (`.:/opt/CTFd:ro`); with CRLF in prepare.sh (`sudo apt-get
    install ...`, a developer's setup) and scripts/install_docker.sh (`sudo systemctl enable
    docker`, a VM's), doctor said both "reach 'ctfd'", errors, though nothing in the container runs
    them. A devcontainer's script, run in its container through sudo, stays judged; so does a script
    whose `sudo` is only a word (an echo) or a comment."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  ctfd:\n    image: python:3.11\n    volumes:\n      - .:/opt/CTFd:ro\n")
    (tmp_path / "prepare.sh").write_bytes(b"#!/bin/sh\r\nsudo apt-get update\r\n"
                                          b"sudo DEBIAN_FRONTEND=noninteractive apt-get install -y gcc\r\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "install_docker.sh").write_bytes(
        b"#!/bin/bash\r\n# per the docs\r\ncurl -fsSL https://x | apt-key add - && systemctl enable docker\r\n")
    (tmp_path / "scripts" / "seed.sh").write_bytes(b"#!/bin/sh\r\n# no sudo here\r\necho 'run with sudo'\r\n")
    (tmp_path / ".devcontainer").mkdir()
    (tmp_path / ".devcontainer" / "post-create.sh").write_bytes(b"#!/bin/sh\r\nsudo apt-get install -y git\r\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    found = ScriptLineEndings().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    assert sorted(f.subject for f in found if f.subject != ".gitattributes") == [".devcontainer/post-create.sh",
                                                                                  "scripts/seed.sh"]
