"""port-collision judges a clash of services nothing links by what the project's own commands start.

mathesar's docker-compose.dev.yml publishes 8000 from `dev-service` and `test-service`; its
DEVELOPER_GUIDE.md starts the first, its CI workflow the second, nothing both: a note that only a bare
`up` clashes, naming those starts, and no port moved. A Makefile whose `up` runs a bare `docker compose
up` of two such services fails each time: an error, as a `depends_on` makes it.
"""

from __future__ import annotations

from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Finding
from doctor.project import ProjectOptions

DEV = """\
services:
  dev-db:
    image: postgres
    ports:
      - "5432:5432"
  dev-service:
    build: .
    depends_on:
      dev-db:
        condition: service_healthy
    ports:
      - "8000:8000"
      - "3000:3000"
  test-service:
    build: .
    depends_on:
      - dev-db
    ports:
      - "8000:8000"
"""

GUIDE = """\
# Developer guide

1. Start the development server:

    ```bash
    docker compose -f docker-compose.dev.yml up dev-service
    ```

Run the tests in `mathesar_service_dev` with `docker exec`.
"""

WORKFLOW = """\
name: tests
on: [push]
jobs:
  python_tests:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build the stack
        run: docker compose -f docker-compose.dev.yml up --build -d test-service dev-db
        env:
          PYTHON_VERSION: "3.13"
      - run: docker exec mathesar_service_test ./run_pytest.sh
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def found(root: Path, *files: str, profiles: tuple[str, ...] = ()) -> list[Finding]:
    """The check's findings of ports the project publishes twice (none of this machine's: no engine)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "unix:///nonexistent/docker.sock"}
    options = ProjectOptions(root, files=tuple(root / f for f in files), profiles=profiles, env=env)
    run = preflight(RunOptions(project=options, select=("port-collision",), env=env), load_registry())
    return [f for f in run.report.findings if ":clash:" in f.subject]


def summary(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.severity.label, f.message) for f in findings]


def test_services_the_project_starts_one_at_a_time_clash_only_on_a_bare_up(tmp_path: Path) -> None:
    root = write(tmp_path, {"docker-compose.dev.yml": DEV, "DEVELOPER_GUIDE.md": GUIDE,
                            ".github/workflows/test.yml": WORKFLOW})
    (finding,) = found(root, "docker-compose.dev.yml")
    assert summary([finding]) == [(
        "info",
        "0.0.0.0:8000/tcp is published by 'dev-service' and 'test-service': a clash only for a bare "
        "'docker compose -f docker-compose.dev.yml up'; the project starts each alone: 'up dev-service' "
        "(DEVELOPER_GUIDE.md:6), 'up test-service dev-db' (CI job 'python_tests', .github/workflows/test.yml:9)")]
    assert finding.subject == "port:0.0.0.0:8000/tcp:clash:test-service"  # the fingerprint a baseline keeps
    assert finding.fix is not None and not finding.fix.edits and finding.fix.title == (
        "start one at a time by name ('docker compose -f docker-compose.dev.yml up dev-service'), "
        "or publish another host port for 'test-service'")


def test_a_service_nothing_of_the_project_starts_keeps_the_warning(tmp_path: Path) -> None:
    root = write(tmp_path, {"docker-compose.dev.yml": DEV, "DEVELOPER_GUIDE.md": GUIDE})
    assert [f.severity.label for f in found(root, "docker-compose.dev.yml")] == ["warning"]


def test_starts_of_other_compose_files_say_nothing_of_these(tmp_path: Path) -> None:
    # the same commands for the production file, and a bare `up` that reads docker-compose.yml
    other = GUIDE.replace("docker-compose.dev.yml", "docker-compose.yml") + "\n    docker compose up -d\n"
    root = write(tmp_path, {"docker-compose.dev.yml": DEV, "docker-compose.yml": "services: {}\n",
                            "DEVELOPER_GUIDE.md": other,
                            ".github/workflows/test.yml": WORKFLOW.replace("docker-compose.dev.yml", "x.yml")})
    assert [f.severity.label for f in found(root, "docker-compose.dev.yml")] == ["warning"]


def test_a_make_target_starting_both_is_an_error(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "compose.yaml": "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
                        "  admin:\n    image: adminer\n    ports: ['8080:8080']\n",
        "Makefile": "up:\n\tdocker compose up -d\n\nweb:\n\tdocker compose up web\n",
        "README.md": "Run `docker compose up admin` for the admin.\n",
    })
    assert summary(found(root)) == [(
        "error", "0.0.0.0:8080/tcp is published by 'web' and 'admin', all started by the project's "
                 "'docker compose up' (make target 'up', Makefile:2)")]


def test_a_start_naming_both_is_an_error_and_each_alone_a_note(tmp_path: Path) -> None:
    compose = ("services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
               "  admin:\n    image: adminer\n    ports: ['8080:8080']\n")
    both = write(tmp_path / "both", {"compose.yaml": compose, "README.md": "    docker compose up -d web admin\n"})
    assert [f.severity.label for f in found(both)] == ["error"]
    alone = write(tmp_path / "alone", {"compose.yaml": compose,
                                       "justfile": "serve:\n    docker compose up web\n",
                                       "package.json": '{"scripts": {"admin": "docker-compose up admin"}}\n'})
    (note,) = found(alone)
    assert note.severity.label == "info"
    assert note.message.endswith("the project starts each alone: 'up web' (justfile:2), "
                                 "'up admin' (npm script 'admin', package.json:1)")


def test_a_run_publishes_its_dependencies_ports_but_not_its_own(tmp_path: Path) -> None:
    compose = ("services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
               "  tests:\n    image: app\n    depends_on: [db]\n    ports: ['8080:8000']\n"
               "  db:\n    image: postgres\n")
    make = "dev:\n\tdocker compose up web\ntest:\n\tdocker compose run --rm tests pytest\n"
    root = write(tmp_path, {"compose.yaml": compose, "Makefile": make})
    assert [f.severity.label for f in found(root)] == ["info"]
    # an `up` of tests publishes its 8080 beside web's
    (root / "Makefile").write_text("dev:\n\tdocker compose up web tests\n")
    assert [f.severity.label for f in found(root)] == ["error"]


def test_services_of_profiles_never_enabled_together_never_clash(tmp_path: Path) -> None:
    compose = ("services:\n  web:\n    image: nginx\n    profiles: [dev]\n    ports: ['8080:80']\n"
               "  e2e:\n    image: app\n    profiles: [test]\n    ports: ['8080:8000']\n")
    readme = "    docker compose --profile dev up\n    docker compose --profile test up\n"
    root = write(tmp_path, {"compose.yaml": compose, "README.md": readme})
    assert found(root) == []  # neither profile enabled
    assert found(root, profiles=("dev",)) == []  # only web
    # both enabled (COMPOSE_PROFILES=dev,test): a bare `up` starts both, the project's starts one each
    assert [f.severity.label for f in found(root, profiles=("dev", "test"))] == ["info"]
    (root / "README.md").write_text("    docker compose --profile dev --profile test up\n")
    assert [f.severity.label for f in found(root, profiles=("dev", "test"))] == ["error"]
