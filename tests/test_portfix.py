"""`doctor fix --ports`: port choice, where the port is written, and golden before/after/diff cases.

tests/fixes/<case>/ holds `before/` (a project), `case.json` (busy ports, compose version,
explicit -f files), `after/` (the whole tree after the fix) and `fix.diff` (what the fixer
prints). `pytest tests/test_portfix.py --update-expected` rewrites after/ and fix.diff; read
the diff before committing it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from doctor.checks.port_collision.compose_file import port_specs
from doctor.checks.port_collision.fix import PortMove, port_fix, verify_port_move
from doctor.checks.port_collision.free_port import candidates
from doctor.checks.port_collision.port_variable import env_line_with_value

import doctor.host
from doctor.engine import Registry
from doctor.fix_report import FixStatus, render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.host.engine import EngineConnection
from doctor.host.facts import parse_compose_version
from doctor.host.ports import ContainerPort, HostSocket
from doctor.model import Check, Finding, Fix, Safety, Unavailable
from doctor.project import Project, ProjectOptions
from doctor.project.types import PortMapping, Service

FIXES = Path(__file__).parent / "fixes"
CASES = sorted(p.name for p in FIXES.iterdir() if (p / "case.json").is_file())


@dataclass
class FakePorts:
    """host.ports with a fixed set of busy ports and containers, no real binds."""

    busy: set[int]
    containers: tuple[ContainerPort, ...] = ()
    ephemeral_range: tuple[int, int] | None = (32768, 60999)
    probed: list[int] = field(default_factory=list)
    engine_down: bool = False

    def probe(self, target: HostSocket) -> tuple[object, ...]:
        self.probed.append(target.port)
        return ("in use",) if target.port in self.busy else ()

    def container_ports(self, exclude_project: str = "") -> tuple[ContainerPort, ...]:
        if self.engine_down:
            raise Unavailable("docker engine unavailable: test")
        return self.containers


class FakeHost:
    """The Host facade with fake ports (shared by every Host() a fix run creates)."""

    ports_for_run: ClassVar[FakePorts] = FakePorts(set())

    def __init__(self, env: Any = None, timeout: float = 2.0) -> None:
        self.env = env
        self.ports = self.ports_for_run
        self.engine = EngineConnection(None, "no engine in these tests")  # no endpoint: a port is this machine's


class BusyPorts(Check):
    """Test port-collision: a published port the fake host says is busy, fixed by port_fix"""

    id: ClassVar[str] = "port-collision"
    version: ClassVar[tuple[int, int, int] | None] = (2, 40, 3)

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        for svc in project.services.values():
            for mapping in svc.ports:
                span = mapping.published_range
                if span and span[0] in host.ports.busy:
                    fix = port_fix(project, host, svc.name, mapping, compose_version=self.version)
                    yield self.finding(f"port {span[0]} is taken", mapping.location,
                                       f"{svc.name}:{mapping.target}/{mapping.protocol}", fix)


def project_env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "PATH": "/usr/local/bin:/usr/bin:/bin"}


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", CASES)
def test_golden_port_fix(case: str, tmp_path: Path, monkeypatch: Any, request: pytest.FixtureRequest) -> None:
    folder = FIXES / case
    spec = json.loads((folder / "case.json").read_text())
    root = tmp_path / case.replace("_", "-")
    shutil.copytree(folder / "before", root)
    version = parse_compose_version(spec["compose_version"]) if spec.get("compose_version") else None
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    monkeypatch.setattr(FakeHost, "ports_for_run", FakePorts(set(spec["busy"])))
    monkeypatch.setattr(BusyPorts, "version", version)
    env = project_env(tmp_path)
    files = tuple(root / f for f in spec.get("files", ()))
    options = FixOptions(ProjectOptions(path=root, files=files, env=env), env=env)
    report = fix(options, Registry({"port-collision": BusyPorts}))
    assert report.results, "the case must have a collision to fix"
    assert all(r.status is FixStatus.APPLIED and r.fixed for r in report.results), render_fix_report(report)
    diff = "".join(d.diff for d in report.diffs)
    if request.config.getoption("--update-expected"):
        shutil.rmtree(folder / "after", ignore_errors=True)
        shutil.copytree(root, folder / "after")
        (folder / "fix.diff").write_text(diff)
    assert tree(root) == tree(folder / "after")
    assert diff == (folder / "fix.diff").read_text()
    again = fix(options, Registry({"port-collision": BusyPorts}))
    assert again.results == () and tree(root) == tree(folder / "after")  # idempotent


def load(tmp_path: Path, compose: str, env_text: str | None = None, **env: str) -> Project:
    root = tmp_path / "p"
    root.mkdir(exist_ok=True)
    (root / "compose.yaml").write_text(compose)
    if env_text is not None:
        (root / ".env").write_text(env_text)
    return Project(ProjectOptions(path=root, env={**project_env(tmp_path), **env}))


def host_with(busy: set[int], **kw: Any) -> Any:
    host = FakeHost()
    host.ports = FakePorts(busy, **kw)
    return host


def only_mapping(project: Project, service: str = "web") -> PortMapping:
    return project.services[service].ports[0]


def test_candidates_skip_privileged_and_ephemeral_ports() -> None:
    assert list(candidates(8094, None, None))[:3] == [8095, 8096, 8097]
    assert list(candidates(80, None, None))[:2] == [8080, 8081]  # the unprivileged twin, not 1024
    assert list(candidates(443, None, None))[-2:] == [1025, 1024]  # every port is still tried
    assert len(set(candidates(443, None, None))) == 65536 - 1024
    assert next(iter(candidates(32767, None, (32768, 60999)))) == 61000
    assert list(candidates(5000, (6000, 6002), None)) == [6000, 6001, 6002]
    assert list(candidates(6001, (6000, 6002), None)) == [6002, 6000]


def test_choose_port_never_picks_a_busy_published_or_project_port(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["8094:80", "8096:81"]\n')
    other = ContainerPort("abc", "other-web-1", "other", "web", True, HostSocket("", 8097))
    host = host_with({8094, 8095}, containers=(other,))
    move = port_fix(project, host, "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8098  # 8095 bound, 8096 ours, 8097 another project's
    assert 8096 not in host.ports.probed and 8097 not in host.ports.probed


def test_engine_down_still_chooses_by_bind_probe(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["8094:80"]\n')
    move = port_fix(project, host_with({8094}, engine_down=True), "web", only_mapping(project),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 8095


def test_configured_range_is_used(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["8094:80"]\n')
    move = port_fix(project, host_with({8094, 20000}), "web", only_mapping(project), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20001


def test_two_collisions_in_one_run_get_different_ports(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  a:\n    image: busybox\n    ports: ["8094:80"]\n'
                             '  b:\n    image: busybox\n    ports: ["9094:80"]\n')
    host = host_with({8094, 9094})
    first = port_fix(project, host, "a", only_mapping(project, "a"), ports_range=(7000, 7010), compose_version=None)
    second = port_fix(project, host, "b", only_mapping(project, "b"), ports_range=(7000, 7010), compose_version=None)
    assert isinstance(first, PortMove) and isinstance(second, PortMove)
    assert (first.new, second.new) == (7000, 7001)


@pytest.mark.parametrize(("image", "published", "noted"), [
    ("postgres:18.3", "5432:5432", True), ("mysql:9.6", "3306:3306", True),
    ("postgres:18.3", "5433:5432", False),  # host programs already name 5433
    ("busybox", "5432:5432", False),
    ("axllent/mailpit:v1.24", "1025:1025", True),  # a mail catcher's SMTP port: not SMTP's default (25)
])
def test_moving_a_servers_default_port_says_host_programs_must_follow(tmp_path: Path, image: str, published: str,
                                                                     noted: bool) -> None:
    # spring-petclinic runs its app on the host against `jdbc:postgresql://localhost/petclinic`: the
    # default port, named nowhere; after the move it would reach whatever holds 5432
    project = load(tmp_path, f'services:\n  web:\n    image: {image}\n    ports: ["{published}"]\n')
    old = int(published.split(":")[0])
    move = port_fix(project, host_with({old}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == old + 1 and move.edits
    family = image.split(":")[0]
    port = "mailpit's SMTP port" if "mailpit" in image else f"{family}'s default port"
    note = f"; host programs using {port} {old} must now name {old + 1})"
    assert move.title.endswith(note) is noted, move.title


def test_a_host_apps_env_file_follows_the_moved_port(tmp_path: Path) -> None:
    # the app runs on the host (`npm run dev`) and dials the database compose publishes, by its host port
    project = load(tmp_path, 'services:\n  db:\n    image: postgres:16\n    ports: ["54320:5432"]\n')
    (tmp_path / "p" / ".env.local").write_text("# the app\nDATABASE_URL=postgres://app@127.0.0.1:54320/app\n")
    move = port_fix(project, host_with({54320}), "db", only_mapping(project, "db"), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000
    assert "DATABASE_URL in .env.local follows to localhost:20000" in move.title
    (edit,) = [e for e in move.edits if e.path.name == ".env.local"]
    assert (edit.line, edit.new) == (2, "DATABASE_URL=postgres://app@127.0.0.1:20000/app")


def test_what_a_container_runs_and_comments_do_not_follow_the_moved_port(tmp_path: Path) -> None:
    """nickjj/docker-django-example: its .env (every line handed to web through env_file) holds the
    healthcheck web runs in its container, `curl localhost:8000/up`, and a commented example of it.
    Both followed the host port to 8001: web, still listening on 8000, then went unhealthy, and the
    next preflight blamed the healthcheck. Only the host app's URL follows."""
    compose = ('services:\n  web:\n    image: python:3.12\n    env_file: .env\n'
               '    command: gunicorn -b 0.0.0.0:9000 app\n'
               '    healthcheck:\n      test: "${HEALTHCHECK_TEST:-/bin/true}"\n'
               '    ports: ["${WEB_PORT:-8000}:9000"]\n')
    dotenv = ("WEB_PORT=8000\nexport HEALTHCHECK_TEST=\"curl localhost:8000/up\"\n"
              "#export HEALTHCHECK_TEST=curl localhost:8000/up\nSITE_URL=http://localhost:8000\n")
    project = load(tmp_path, compose, dotenv)
    move = port_fix(project, host_with({8000}), "web", only_mapping(project), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000
    # (and WEB_PORT, which env_file also hands to web, is kept at 8000 there by the override)
    assert {(e.path.name, e.line, e.new) for e in move.edits if e.path.name == ".env"} == {
        (".env", 1, "WEB_PORT=20000"), (".env", 4, "SITE_URL=http://localhost:20000")}
    assert "HEALTHCHECK_TEST" not in move.title


def test_a_host_apps_env_file_outside_the_compose_folder_is_named_for_a_change_by_hand(tmp_path: Path) -> None:
    # documenso: docker/development/compose.yml publishes 54320; the repo root's .env (the app's) names it
    import subprocess

    repo = tmp_path / "repo"
    (repo / "docker" / "development").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".env").write_text('NEXT_PRIVATE_DATABASE_URL="postgres://documenso@127.0.0.1:54320/documenso"\n')
    compose = repo / "docker" / "development" / "compose.yml"
    compose.write_text('services:\n  database:\n    image: postgres:15\n    ports: ["54320:5432"]\n')
    project = Project(ProjectOptions(path=compose.parent, env=project_env(tmp_path)))
    move = port_fix(project, host_with({54320}), "database", only_mapping(project, "database"),
                    ports_range=(20000, 20010), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and all(e.path.name != ".env" for e in move.edits)
    assert ("(then, by hand: change 54320 to 20000 in NEXT_PRIVATE_DATABASE_URL in "
            f"{repo / '.env'}:1 (a program on the host dials it)") in move.title, move.title


def test_the_env_files_of_a_monorepos_host_apps_follow_the_moved_port(tmp_path: Path) -> None:
    # makeplane/plane: apps/web, apps/admin (vite, `pnpm dev` on the host) name the api by its host port
    project = load(tmp_path, 'services:\n  api:\n    image: api:dev\n    ports: ["8000:8000"]\n')
    root = tmp_path / "p"
    for app in ("web", "admin", "node_modules/pkg"):
        (root / "apps" / app).mkdir(parents=True)
        (root / "apps" / app / "package.json").write_text("{}\n")
        (root / "apps" / app / ".env").write_text('VITE_API_BASE_URL="http://localhost:8000"\n')
    move = port_fix(project, host_with({8000}), "api", only_mapping(project, "api"), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 20000
    assert sorted(str(e.path.relative_to(root)) for e in move.edits if e.path.name == ".env") == [
        "apps/admin/.env", "apps/web/.env"]  # not apps/node_modules: no app of the repo's
    assert "VITE_API_BASE_URL in apps/admin/.env, VITE_API_BASE_URL in apps/web/.env follow to localhost:20000" in (
        move.title)


def test_a_new_env_variable_goes_beside_its_commented_default(tmp_path: Path) -> None:
    # hoppscotch/minio-style `.env`: a "Host Ports" section with `# MINIO_CONSOLE_PORT=9091` commented out
    compose = 'services:\n  minio:\n    image: busybox\n    ports: ["${MINIO_CONSOLE_PORT:-9091}:9001"]\n'
    project = load(tmp_path, compose, "# Host Ports\n# MINIO_CONSOLE_PORT=9091\nOTHER=1\n")
    move = port_fix(project, host_with({9091}), "minio", only_mapping(project, "minio"), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 9092
    (edit,) = move.edits
    assert (edit.line, edit.old, edit.new) == (2, "# MINIO_CONSOLE_PORT=9091", "# MINIO_CONSOLE_PORT=9091\n"
                                                                              "MINIO_CONSOLE_PORT=9092")


@pytest.mark.parametrize(("env", "added"), [
    ("export DEBUG=1\nexport SECRET_KEY=x\n# a comment\nPLAIN=1\n", "export WEB_PORT=8095\n"),
    ("DEBUG=1\nexport SECRET_KEY=x\n", "WEB_PORT=8095\n"),  # half or fewer exported: the plain form
])
def test_a_new_env_variable_is_written_in_the_files_style(tmp_path: Path, env: str, added: str) -> None:
    """nickjj/docker-django-example's .env writes `export NAME=value` on every line; the move appended
    `DOCKER_WEB_PORT_FORWARD=...` without it: it works (compose reads both), and stood out."""
    compose = 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8094}:80"]\n'
    project = load(tmp_path, compose, env)
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and [(e.old, e.new) for e in move.edits] == [("", added)]


def test_shell_variable_wins_over_env_so_only_advice(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8094}:80"]\n'
    project = load(tmp_path, compose, "WEB_PORT=8094\n", WEB_PORT="8094")
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert move is not None and move.safety is Safety.ADVICE and not move.edits
    assert "shell" in move.title


def test_with_env_files_given_the_port_moves_in_the_file_compose_reads(tmp_path: Path) -> None:
    """`--env-file dev.env`: compose reads no .env, so the port moves in dev.env (its line, or a new
    line in the last file given); an env file outside the project, or none read at all, is advice."""
    compose = 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8094}:80"]\n'
    root = load(tmp_path, compose, "WEB_PORT=1234\n").root
    (root / "dev.env").write_text("# dev\nWEB_PORT=8094\n")
    (root / "local.env").write_text("OTHER=1\n")
    env = project_env(tmp_path)
    project = Project(ProjectOptions(path=root, env=env, env_files=(root / "dev.env", root / "local.env")))
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.safety is Safety.SAFE, move
    (edit,) = move.edits
    assert (edit.path, edit.line, edit.old, edit.new) == (root / "dev.env", 2, "WEB_PORT=8094", "WEB_PORT=8095")
    assert "dev.env WEB_PORT" in move.title
    (root / "dev.env").write_text("# dev\n")  # the key in no file: a new line in the file read last
    project = Project(ProjectOptions(path=root, env=env, env_files=(root / "dev.env", root / "local.env")))
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove)
    assert [(e.path, e.new) for e in move.edits] == [(root / "local.env", "WEB_PORT=8095\n")]
    outside = tmp_path / "shared.env"
    outside.write_text("WEB_PORT=8094\n")
    project = Project(ProjectOptions(path=root, env=env, env_files=(outside,)))
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert move is not None and move.safety is Safety.ADVICE and not move.edits, move
    assert "set WEB_PORT=8095 in ../shared.env line 1" in move.title
    project = Project(ProjectOptions(path=root, env={**env, "COMPOSE_DISABLE_ENV_FILE": "1"}))
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert move is not None and move.safety is Safety.ADVICE and "COMPOSE_DISABLE_ENV_FILE" in move.title


def test_variable_not_holding_the_port_is_not_edited(tmp_path: Path) -> None:
    compose = 'services:\n  web:\n    image: busybox\n    ports: ["${BIND_IP:-127.0.0.1}:8094:80"]\n'
    project = load(tmp_path, compose)
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert move is not None and move.edits and move.edits[0].path.name == "compose.override.yaml"
    assert '"${BIND_IP:-127.0.0.1}:8095:80"' not in move.edits[0].new  # written resolved, host IP kept
    assert '"127.0.0.1:8095:80"' in move.edits[0].new


def test_ephemeral_and_range_mappings(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["80", "9000-9001:90"]\n')
    ports = project.services["web"].ports
    assert port_fix(project, host_with(set()), "web", ports[0]) is None
    ranged = port_fix(project, host_with(set()), "web", ports[1])
    assert ranged is not None and ranged.safety is Safety.ADVICE


def test_alternatives_ride_along(tmp_path: Path) -> None:
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["8094:80"]\n')
    stop = Fix("stop 'web' of project 'other'", Safety.UNSAFE, command=("docker", "stop", "abc"))
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), alternatives=(stop,),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.alternatives == (stop,) and move.safety is Safety.SAFE


def test_port_specs_keep_other_entries_as_written(tmp_path: Path) -> None:
    compose = ('services:\n  web:\n    image: busybox\n    ports:\n      - "8094-8095:80-81"\n'
               '      - "${X:-7000}:70"\n      - target: 60\n        published: "6000"\n        protocol: udp\n')
    project = load(tmp_path, compose)
    svc: Service = project.services["web"]
    moved = next(p for p in svc.ports if p.target == 80)
    assert port_specs(svc, moved, 9000) == [
        "9000:80", "8095:81", "${X:-7000}:70", {"target": 60, "published": "6000", "protocol": "udp"}]


@pytest.mark.parametrize(("line", "expected"), [
    ("P=8094", "P=9"),
    ("export P='8094' # c", "export P='9' # c"),
    ('P = "8094"', 'P = "9"'),
    ("P=", "P=9"),
    ("PX=8094", None),
])
def test_env_line_with_value(line: str, expected: str | None) -> None:
    assert env_line_with_value(line, "P", "9") == expected


def test_parse_compose_version() -> None:
    assert parse_compose_version("Docker Compose version v2.40.3\n") == (2, 40, 3)
    assert parse_compose_version("docker-compose version 1.29.2, build 5becea4c") == (1, 29, 2)
    assert parse_compose_version("nothing") is None


def test_dry_run_of_a_port_fix_changes_no_byte(tmp_path: Path, monkeypatch: Any) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXES / "override_existing" / "before", root)
    before = tree(root)
    monkeypatch.setattr(doctor.host, "Host", FakeHost)
    monkeypatch.setattr(FakeHost, "ports_for_run", FakePorts({8094}))
    env = project_env(tmp_path)
    report = fix(FixOptions(ProjectOptions(path=root, env=env), env=env, dry_run=True),
                 Registry({"port-collision": BusyPorts}))
    assert tree(root) == before
    assert "+        - \"8095:80\"" in render_fix_report(report)


def test_an_override_that_already_moved_the_port_keeps_the_authors_port(tmp_path: Path) -> None:
    """compose appends an override's ports: the author's move to 18095 left 18094 published too.
    The fix keeps the author's port (`!override` with the override's own list), not a third one.
    """
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "compose.override.yaml").write_text(
        "# dev override\n\nservices:\n  web:\n    # moved off 18094, which track B uses\n"
        "    ports:\n      - \"18095:80\"\n\n    environment:\n      DEBUG: \"1\"\n")
    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports:\n      - "18094:80"\n')
    base = next(p for p in project.services["web"].ports if p.published == "18094")
    move = port_fix(project, host_with({18094}), "web", base, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 18095 and move.safety is Safety.SAFE
    (edit,) = move.edits
    assert edit.new == ("# dev override\n\nservices:\n  web:\n    # moved off 18094, which track B uses\n"
                        "    ports: !override\n      - \"18095:80\"\n\n    environment:\n      DEBUG: \"1\"\n")
    # the override's own port busy too: no shortcut, a new port as usual
    other = port_fix(project, host_with({18094, 18095}), "web", base, compose_version=(2, 40, 3))
    assert isinstance(other, PortMove) and other.new not in (18094, 18095)


def test_a_rewrite_keeps_every_comment_and_blank_line() -> None:
    from doctor.project.yamledit import keep_comments

    old = "a:\n  ports:\n    - 1\n  # why the command\n\n  command: x\n"
    dropped = "a:\n  ports: !override\n    - 2\n  command: x\n"
    assert keep_comments(old, dropped) == "a:\n  ports: !override\n    - 2\n  # why the command\n\n  command: x\n"
    assert keep_comments(old, old) == old


def test_many_collisions_in_one_run_ask_the_engine_once(tmp_path: Path) -> None:
    count = 40
    compose = "services:\n" + "".join(f'  s{i}:\n    image: busybox\n    ports: ["{9000 + i}:80"]\n'
                                      for i in range(count))
    project = load(tmp_path, compose)
    asked: list[str] = []
    ports = FakePorts({9000 + i for i in range(count)})
    real = ports.container_ports
    ports.container_ports = lambda exclude_project="": asked.append(exclude_project) or real()  # type: ignore[method-assign]
    host = FakeHost()
    host.ports = ports
    moves = [port_fix(project, host, f"s{i}", only_mapping(project, f"s{i}"), compose_version=None)
             for i in range(count)]
    news = [m.new for m in moves if isinstance(m, PortMove)]
    assert len(news) == count and len(set(news)) == count  # each moved, never two onto one port
    assert not set(news) & {9000 + i for i in range(count)}  # never onto a port the project publishes
    assert len(asked) == 1  # the engine's ports once per run, not once per collision


def test_port_specs_keep_a_long_entry_long_with_its_name_and_app_protocol(tmp_path: Path) -> None:
    # zulip's compose.yaml writes its ports long, named: moving one must not drop the labels
    compose = ('services:\n  web:\n    image: busybox\n    ports:\n'
               '      - name: smtp\n        target: 25\n        published: 25\n        app_protocol: smtp\n'
               '      - name: http\n        target: 80\n        published: 80\n        app_protocol: http\n')
    project = load(tmp_path, compose)
    svc: Service = project.services["web"]
    moved = next(p for p in svc.ports if p.target == 80)
    assert port_specs(svc, moved, 9000) == [
        {"name": "smtp", "target": 25, "published": "25", "app_protocol": "smtp"},
        {"name": "http", "target": 80, "published": "9000", "app_protocol": "http"}]


def test_one_variable_on_both_sides_keeps_the_container_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # '${P:-8094}:${P:-8094}/udp': a new .env value would move the container port too (DefectDojo's
    # postgres, which listens on 5432 whatever the variable says); the override gets literals instead
    compose = "services:\n  web:\n    image: busybox\n    ports:\n      - '${P:-8094}:${P:-8094}/udp'\n"
    project = load(tmp_path, compose, "A=1\n")
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.target == 8094
    assert "container port 8094 kept, not ${P}" in move.title
    assert [e.path.name for e in move.edits] == ["compose.override.yaml"]
    monkeypatch.setattr("doctor.checks.port_collision.fix.compose_config", lambda project: None)
    (tmp_path / "p" / "compose.override.yaml").write_text(move.edits[0].new)
    moved = Project(project.options)
    assert [(p.target, p.published) for p in moved.services["web"].ports] == [(8094, str(move.new))]
    assert verify_port_move(moved, move) == ""
    (tmp_path / "q").mkdir()
    plain = load(tmp_path / "q", "services:\n  web:\n    image: busybox\n    ports: ['${P:-8094}:80']\n")
    other = port_fix(plain, host_with({8094}), "web", only_mapping(plain))
    assert isinstance(other, PortMove) and "container port" not in other.title


def test_one_variable_on_both_sides_the_server_is_told_moves_both(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # jitsi's jvb: '${JVB_PORT:-10000}:${JVB_PORT:-10000}/udp' with `- JVB_PORT` in its environment: the
    # server listens on (and tells clients) the port it is told, so the .env value moves both sides
    compose = ("services:\n  jvb:\n    image: busybox\n    ports:\n      - '${JVB_PORT:-8094}:${JVB_PORT:-8094}/udp'\n"
               "    environment:\n      - JVB_PORT\n")
    project = load(tmp_path, compose, "A=1\n")
    move = port_fix(project, host_with({8094}), "jvb", only_mapping(project, "jvb"))
    assert isinstance(move, PortMove) and move.target_moves
    assert "the container side too: both sides are ${JVB_PORT}, which 'jvb' is told" in move.title
    assert [e.path.name for e in move.edits] == [".env"]
    monkeypatch.setattr("doctor.checks.port_collision.fix.compose_config", lambda project: None)
    (tmp_path / "p" / ".env").write_text(f"A=1\nJVB_PORT={move.new}\n")
    moved = Project(project.options)
    assert [(p.target, p.published) for p in moved.services["jvb"].ports] == [(move.new, str(move.new))]
    assert verify_port_move(moved, move) == ""


def test_the_sites_own_url_follows_the_moved_port_and_the_title_says_so(tmp_path: Path) -> None:
    """taiga-docker: TAIGA_DOMAIN=localhost:9000 behind "9000:80"; moving the port alone left the
    site building its links to the old port (9000, another program's now)."""
    project = load(tmp_path, "services:\n  front:\n    image: front\n    environment:\n"
                   "      TAIGA_URL: http://${TAIGA_DOMAIN}\n  gateway:\n    image: nginx\n    ports:\n"
                   "      - \"9000:80\"\n", "TAIGA_DOMAIN=localhost:9000\n")
    fix = port_fix(project, host_with({9000}), "gateway", only_mapping(project, "gateway"), compose_version=(2, 40, 3))
    assert fix is not None and fix.safety is Safety.SAFE
    assert fix.title.endswith("; TAIGA_DOMAIN follows to localhost:9001)"), fix.title
    env_edit = next(e for e in fix.edits if e.path.name == ".env")
    assert (env_edit.old, env_edit.new) == ("TAIGA_DOMAIN=localhost:9000", "TAIGA_DOMAIN=localhost:9001")


def test_a_port_variable_containers_read_from_the_chosen_env_file_stays_pinned_for_them(tmp_path: Path) -> None:
    """env_var_feeds_a_container with `--env-file dev.env`, which `worker` also loads as its
    env_file: the port moves in dev.env, and worker keeps the container port it dials today."""
    root = tmp_path / "p"
    shutil.copytree(FIXES / "env_var_feeds_a_container" / "before", root)
    compose = (root / "compose.yaml").read_text().replace("env_file: .env", "env_file: dev.env")
    (root / "compose.yaml").write_text(compose)
    (root / "dev.env").write_text((root / ".env").read_text())
    (root / ".env").write_text("POSTGRES_PORT=6000\n")  # not read: --env-file replaces it
    options = ProjectOptions(path=root, env=project_env(tmp_path), env_files=(root / "dev.env",))
    project = Project(options)
    mapping = project.services["db"].ports[0]
    move = port_fix(project, host_with({5432}), "db", mapping, compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == 5433, move
    assert [e.path.name for e in move.edits] == ["dev.env", "compose.override.yaml"]
    assert "'backend', 'worker' keep" in move.title


def test_the_verifying_compose_config_reads_the_chosen_env_files(tmp_path: Path, compose_bin: str) -> None:
    """`fix --ports --env-file dev.env` verifies with `docker compose config`: without the same
    --env-file it read .env's port and called a port moved in dev.env not fixed."""
    import os

    from doctor.checks.port_collision.fix import compose_config

    if shutil.which("docker") is None:
        pytest.skip("no docker CLI: compose_config runs `docker compose`")
    compose = 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8094}:80"]\n'
    root = load(tmp_path, compose, "WEB_PORT=8080\n").root
    (root / "dev.env").write_text("WEB_PORT=9000\n")
    env = {**project_env(tmp_path), "PATH": os.environ["PATH"]}
    config = compose_config(Project(ProjectOptions(path=root, env=env, env_files=(root / "dev.env",))))
    assert config is not None and config["services"]["web"]["ports"][0]["published"] == "9000"


@pytest.mark.parametrize(("env", "line", "old", "new"), [
    ("export WEB_FORWARD=127.0.0.1:26541\n", 1, "export WEB_FORWARD=127.0.0.1:26541",
     "export WEB_FORWARD=127.0.0.1:26542"),
    ("OTHER=1\n", None, "", "WEB_FORWARD=127.0.0.1:26541\n"),  # the default's address, on a new line
])
def test_a_variable_holding_address_and_port_moves_the_port_and_keeps_the_address(
        tmp_path: Path, env: str, line: int | None, old: str, new: str) -> None:
    """nickjj/docker-flask-example publishes `${DOCKER_WEB_PORT_FORWARD:-127.0.0.1:8000}:${PORT:-8000}`
    and its .env.example says to change that variable on a clash. The move froze the mapping in an
    override instead (`127.0.0.1:26542:8000`): the project's own variable, and PORT, did nothing after."""
    compose = ('services:\n  web:\n    image: busybox\n'
               '    ports: ["${WEB_FORWARD:-127.0.0.1:26540}:${PORT:-8000}"]\n')
    project = load(tmp_path, compose, env)
    held = 26541 if "26541" in env else 26540
    move = port_fix(project, host_with({held}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.safety is Safety.SAFE, move
    (edit,) = move.edits
    assert edit.path.name == ".env" and (edit.line, edit.old, edit.new) == (
        line, old, new.replace("26541\n", f"{move.new}\n")), edit


def test_a_port_written_into_a_tracked_env_says_it_is_this_machines(tmp_path: Path) -> None:
    """One checkout whose `.env` is committed: the move is right there (compose reads it), but it was
    written without a word, and the next `git commit -a` gave every clone this machine's port."""
    import subprocess

    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8000}:80"]\n',
                   "WEB_PORT=8000\n")
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(["git", "-C", str(project.root), "add", ".env", "compose.yaml"], check=True)
    move = port_fix(project, host_with({8000}), "web", only_mapping(project), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and [(e.path.name, e.new) for e in move.edits] == [(".env", "WEB_PORT=20000")]
    assert move.title.endswith("(.env WEB_PORT; .env is tracked by git: this port is this machine's, keep it out "
                               "of commits)"), move.title


def test_a_clash_inside_the_project_is_no_port_of_this_machines_alone(tmp_path: Path) -> None:
    """mathesar's dev-service and test-service both publish 8000: the same clash on every machine,
    so the move is the team's to commit; "keep it out of commits" said the opposite."""
    import subprocess

    project = load(tmp_path, 'services:\n  web:\n    image: busybox\n    ports: ["${WEB_PORT:-8000}:80"]\n',
                   "WEB_PORT=8000\n")
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(["git", "-C", str(project.root), "add", ".env", "compose.yaml"], check=True)
    move = port_fix(project, host_with(set()), "web", only_mapping(project), ports_range=(20000, 20010),
                    compose_version=(2, 40, 3), within=True)
    assert isinstance(move, PortMove) and "keep it out of commits" not in move.title, move.title


def test_a_key_the_template_shows_commented_for_the_old_port_is_named(tmp_path: Path) -> None:
    """nickjj/docker-flask-example: `fix --ports` moved web from 8000 to 8001 through
    DOCKER_WEB_PORT_FORWARD, but config/settings.py builds SERVER_NAME as localhost:<PORT> (the
    container's 8000), and Flask answers 404 to localhost:8001; .env.example:50 documents
    `#export SERVER_NAME=localhost:8000`. The move says to set it; a key .env sets is not named."""
    compose = "services:\n  web:\n    image: web\n    ports:\n      - \"${DOCKER_WEB_PORT_FORWARD:-8000}:8000\"\n"
    project = load(tmp_path, compose, "export DOCKER_WEB_PORT_FORWARD=8000\n")
    (tmp_path / "p" / ".env.example").write_text("# Flask\n#export SERVER_NAME='localhost:8000'  # the site\n"
                                                 "#export PORT=8000\nexport DOCKER_WEB_PORT_FORWARD=8000\n")
    move = port_fix(project, host_with({8000}), "web", only_mapping(project, "web"), compose_version=(2, 40, 3))
    # a step left to the developer, apart from what the fix writes: the "applied" line read as if it set it
    assert move is not None and move.title.endswith(
        "(.env DOCKER_WEB_PORT_FORWARD) (then, by hand: set SERVER_NAME=localhost:8001 in .env, as .env.example:2 "
        "shows it commented out for 8000)"), move.title
    (tmp_path / "p" / ".env").write_text("export DOCKER_WEB_PORT_FORWARD=8000\nSERVER_NAME=localhost:8000\n")
    again = port_fix(Project(project.options), host_with({8000}), "web", only_mapping(project, "web"),
                     compose_version=(2, 40, 3))
    assert again is not None and "commented out" not in again.title


@pytest.mark.parametrize(("published", "db_extra", "said", "pinned"), [
    # the variable is db's container port today: containers keep it
    ("5432", "", "'web' keeps OTHER_URL, SQL_PORT as today", 'SQL_PORT: "5432"'),
    # django-on-docker: SQL_PORT=${POSTGRES_PORT}=5433 dials db's host port, where db does not listen inside
    ("5433", "", "'web' keeps OTHER_URL as today and 'web' dials 'db' on its container port 5432, not host port 5433"
     " (SQL_PORT)", 'SQL_PORT: "5432"'),
    # db listens on 5433 inside too: today's value reaches it
    ("5433", "    expose: ['5433']\n", "'web' keeps OTHER_URL, SQL_PORT as today", "SQL_PORT: '5433'"),
], ids=["container-port", "leaked-host-port", "listens-inside-too"])
def test_a_pin_of_a_leaked_host_port_writes_the_container_port(tmp_path: Path, published: str, db_extra: str,
                                                               said: str, pinned: str) -> None:
    compose = ('services:\n  db:\n    image: postgres:15\n    ports: ["${POSTGRES_PORT}:5432"]\n' + db_extra
               + '  web:\n    image: web:dev\n    environment:\n      - SQL_HOST=db\n'
               '      - SQL_PORT=${POSTGRES_PORT}\n      - OTHER_URL=redis://cache:${POSTGRES_PORT}/0\n'
               '  cache:\n    image: busybox\n')
    project = load(tmp_path, compose, f"POSTGRES_PORT={published}\n")
    (project.root / "compose.override.yaml").write_text("services:\n  web:\n    command: serve\n")
    project = Project(project.options)
    move = port_fix(project, host_with({int(published)}), "db", only_mapping(project, "db"),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and move.new == int(published) + 1
    assert f"{said} in compose.override.yaml" in move.title, move.title
    override = next(e for e in move.edits if e.path.name == "compose.override.yaml")
    assert pinned in str(override.new)
    assert f"redis://cache:{published}/0" in str(override.new)  # another peer's port is that peer's: as today


def test_a_move_made_on_the_mappings_own_line_does_not_say_edit_it_by_hand(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # saleor-platform trial: the override could not be rewritten, so the move went onto the mapping's
    # own line, and the applied line still ended "...; edit it by hand) (fixed)"
    from doctor.project import yamledit

    project = load(tmp_path, "services:\n  web:\n    image: busybox\n    ports:\n      - '8094:80'\n")
    (tmp_path / "p" / "compose.override.yaml").write_text("services:\n  web:\n    environment: {A: '1'}\n")
    project = Project(project.options)

    def refuse(*args: object, **kwargs: object) -> str:
        raise yamledit.YamlEditError("doctor's YAML writer would change more than the fix means to in this file; "
                                     "edit it by hand")

    monkeypatch.setattr(yamledit, "override_ports", refuse)
    move = port_fix(project, host_with({8094}), "web", only_mapping(project), compose_version=(2, 40, 3))
    assert isinstance(move, PortMove) and [e.path.name for e in move.edits] == ["compose.yaml"]
    assert "edit it by hand" not in move.title, move.title
    assert "compose.override.yaml: doctor's YAML writer would change more than the fix means to" in move.title


@pytest.mark.parametrize("published", ['"${POSTGRES_PORT:-5432}:5432"', "${POSTGRES_PORT:-5432}:5432"],
                         ids=["override-quotes", "project-quotes"])
def test_a_pinned_value_is_quoted_as_the_projects_values_are(tmp_path: Path, published: str) -> None:
    """nickjj/docker-django-example double-quotes every value of compose.yaml; with postgres published
    on .env's POSTGRES_PORT (which env_file hands web and worker), the move pinned their POSTGRES_PORT
    as `'5432'` in compose.override.yaml, the one single-quoted value of the project. It follows the
    override's quoted values, else (an override that quotes none) the project's compose files'."""
    import subprocess

    root = tmp_path / "docker-django-example"
    shutil.copytree(Path(__file__).parent / "replay" / "docker-django-example", root,
                    ignore=shutil.ignore_patterns("SOURCE.md"))
    env_text = (root / ".env.example").read_text().replace("#export POSTGRES_PORT=5432", "export POSTGRES_PORT=5432")
    (root / ".env").write_text(env_text)
    (root / "compose.override.yaml").write_text(f"services:\n  postgres:\n    ports:\n      - {published}\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    project = Project(ProjectOptions(path=root, env=project_env(tmp_path)))
    move = port_fix(project, host_with({5432}), "postgres", only_mapping(project, "postgres"),
                    compose_version=(2, 40, 3))
    assert isinstance(move, PortMove), move
    override = next(e for e in move.edits if e.path.name == "compose.override.yaml")
    assert "  web:\n    environment:\n      POSTGRES_PORT: \"5432\"\n" in str(override.new), override.new
    assert "'5432'" not in str(override.new)
