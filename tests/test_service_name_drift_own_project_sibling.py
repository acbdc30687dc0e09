"""A host served by the project's other compose file, run as a project of its own on an external network.

polarsource/polar (tests/replay/polar) runs its app (`-f dev/docker/docker-compose.dev.yml`) on the external
network polar-shared, where dev/docker/docker-compose.shared.yml's infra (db, redis, minio, tinybird under
the `tinybird` profile) runs as its own project, joining polar-shared too. The notes for `db`, `redis`,
`minio` and `tinybird` said "start it with docker-compose.shared.yml: docker compose -f
dev/docker/docker-compose.dev.yml -f dev/docker/docker-compose.shared.yml up", merging the infra into this
app's project (a second app instance would start a second `db` on the shared network) and leaving
tinybird, of a profile, unstarted. Now the note gives the command that starts the shared file on its own
(`docker compose -f dev/docker/docker-compose.shared.yml up -d`, `--profile tinybird` for tinybird); a
sibling file on no network the reader shares keeps the command that starts both (opentelemetry-demo's
shape, tests/test_service_name_drift_twin.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "polar"
SHARED = "dev/docker/docker-compose.shared.yml"


def _titles(top: Path, project_name: str | None = None) -> dict[str, str]:
    options = ProjectOptions(path=top / "dev" / "docker", files=(top / "dev/docker/docker-compose.dev.yml",),
                             env_files=(top / "server" / ".env",), cwd=top, project_name=project_name,
                             env={"PATH": "/usr/bin:/bin", "HOME": str(top.parent)})
    found = list(ServiceNameDrift().run(Project(options), Host(env={})))
    assert all(f.severity is Severity.INFO for f in found), found
    return {f.message.split(" ", 1)[0]: f.fix.title for f in found if f.fix is not None}


def _polar(tmp_path: Path) -> Path:
    top = tmp_path / "polar"
    shutil.copytree(REPLAY, top, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copy(top / "server" / ".env.template", top / "server" / ".env")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    return top


NETWORK = ("(a project of its own, on the external network 'polar-shared' both files join; where it does not "
           "exist yet: docker network create polar-shared)")


def test_the_shared_infra_file_is_started_as_its_own_project(tmp_path: Path) -> None:
    """Run as `-p polar-1` (an instance of the app), the shared file keeps compose's name for it, 'docker'."""
    titles = _titles(_polar(tmp_path), "polar-1")
    start = f"start {SHARED} first: docker compose -f {SHARED} up -d {NETWORK}"
    assert titles["POLAR_REDIS_HOST=redis"] == f"if the stack needs 'redis', {start}"
    assert titles["POLAR_POSTGRES_HOST=db"] == f"if the stack needs 'db', {start}"
    assert titles["POLAR_TINYBIRD_API_URL"] == (
        f"if the stack needs 'tinybird', start {SHARED} first: docker compose -f {SHARED} --profile tinybird up -d "
        f"{NETWORK}")
    assert not any("docker-compose.dev.yml -f" in title for title in titles.values()), titles


def test_a_sibling_compose_would_name_as_the_reader_gets_a_project_name_of_its_own(tmp_path: Path) -> None:
    """Both files in dev/docker with no `name:`: compose names both projects 'docker', and the command without
    `-p` started the infra inside the app's own project (its `up --remove-orphans` would remove it); with the
    real compose binary, the pasted command's project is another one."""
    top = _polar(tmp_path)
    title = _titles(top)["POLAR_REDIS_HOST=redis"]
    assert title == f"if the stack needs 'redis', start {SHARED} first: docker compose -f {SHARED} -p docker-shared " \
        f"up -d {NETWORK}"
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True, timeout=60).returncode:
        return  # compose's own names checked where its binary is (CI has it)
    names = [subprocess.run([docker, "compose", *flags, "config", "--format", "json"], cwd=top, capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin:/usr/local/bin"})
             for flags in (["-f", "dev/docker/docker-compose.dev.yml", "--env-file", "server/.env"],
                           ["-f", SHARED, "-p", "docker-shared"])]
    assert [json.loads(done.stdout)["name"] for done in names] == ["docker", "docker-shared"], names


def test_a_sibling_on_another_network_than_the_reader_s_keeps_the_merged_command(tmp_path: Path) -> None:
    """The shared file's redis on a network of its own (not polar-shared): merging both files is the way."""
    top = _polar(tmp_path)
    shared = top / SHARED
    text = shared.read_text()
    start = text.index("  redis:\n")
    end = text.index("  minio:\n")
    redis = text[start:end].replace("      - polar-shared\n", "      - cache\n")
    tail = text[end:].replace("networks:\n  polar-shared:\n    external: true\n",
                              "networks:\n  polar-shared:\n    external: true\n  cache:\n    external: true\n")
    shared.write_text(text[:start] + redis + tail)
    title = _titles(top)["POLAR_REDIS_HOST=redis"]
    assert title == (f"if the stack needs 'redis', start it with {SHARED}: docker compose -f "
                     f"dev/docker/docker-compose.dev.yml -f {SHARED} up"), title
