"""A build context or Dockerfile that is not there: compose-config says so, with the submodule fix.

getlago/lago's docker-compose.dev.yml builds `./api` and `./front` with `Dockerfile.dev`; both are
git submodules, empty on a clone without `--recurse-submodules`. `docker compose config` accepts
that, `up` stops with "failed to read dockerfile"; doctor said nothing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions


def _findings(root: Path) -> list[tuple[str, str | None]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=("compose-config",), env=env), load_registry()).report
    return [(f.message, f.fix.title if f.fix else None) for f in report.findings]


def _repo(root: Path, compose: str) -> Path:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "compose.yaml").write_text(compose)
    return root


def test_an_empty_submodule_build_names_the_submodule_command(tmp_path: Path) -> None:
    root = _repo(tmp_path / "lago", "services:\n  api:\n    build:\n      context: ./api\n"
                 "      dockerfile: Dockerfile.dev\n  db:\n    image: postgres:16\n")
    (root / "api").mkdir()
    (root / ".gitmodules").write_text('[submodule "api"]\n\tpath = api\n\turl = git@github.com:getlago/lago-api.git\n')
    [(message, fix)] = _findings(root)
    assert message == ("'api' builds from api/Dockerfile.dev, which does not exist: up fails "
                       "(api/ is a git submodule not checked out)")
    assert fix == "run git submodule update --init api"


def test_a_missing_context_folder_is_found(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p", "services:\n  web:\n    build: ./web\n")
    [(message, fix)] = _findings(root)
    assert message == "'web' builds from web/, which does not exist: up fails"
    assert fix == "create web/ or point build: of 'web' at the right path"


def test_builds_that_can_run_are_not_findings(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p", "services:\n  web:\n    build: ./web\n  low:\n    build: ./low\n"
                 "  inline:\n    build:\n      context: ./web\n      dockerfile_inline: FROM alpine\n"
                 "  remote:\n    build: https://github.com/docker/compose.git\n")
    (root / "web").mkdir()
    (root / "web" / "Dockerfile").write_text("FROM alpine\n")
    (root / "low").mkdir()
    (root / "low" / "dockerfile").write_text("FROM alpine\n")  # the builder's lowercase fallback
    assert _findings(root) == []


def test_a_context_deep_inside_a_submodule_not_checked_out_names_it(tmp_path: Path) -> None:
    """calcom/docker: `context: calcom/apps/api/v2` inside the `calcom` submodule, absent on a
    plain clone: the advice was to create the Dockerfile. Also for files without their .git (an
    archive of the repo), from its .gitmodules."""
    compose = "services:\n  calcom-api:\n    build: calcom/apps/api/v2\n"
    modules = '[submodule "calcom"]\n\tpath = calcom\n\turl = https://github.com/calcom/cal.com.git\n'
    for root in (_repo(tmp_path / "cloned", compose), tmp_path / "archived"):
        root.mkdir(exist_ok=True)
        (root / "compose.yaml").write_text(compose)
        (root / ".gitmodules").write_text(modules)
        [(message, fix)] = _findings(root)
        assert message == ("'calcom-api' builds from calcom/apps/api/v2/, which does not exist: up fails "
                           "(calcom/ is a git submodule not checked out)")
        assert fix == "run git submodule update --init calcom"


def test_an_inline_dockerfile_needs_no_file_in_its_context(tmp_path: Path) -> None:
    """`build: {context: ., dockerfile_inline: ...}` in a folder holding only the compose file (the
    layout of a stack that adds one schema file to mysql:8): compose builds it, doctor said "'nacos-mysql'
    builds from Dockerfile, which does not exist: up fails"."""
    root = _repo(tmp_path / "p", "services:\n  nacos-mysql:\n    build:\n      context: .\n"
                 "      dockerfile_inline: |\n        FROM mysql:8.0.31\n        EXPOSE 3306\n"
                 "    image: nacos/mysql:8.0.30\n")
    assert _findings(root) == []


def test_a_provider_service_needs_no_image(tmp_path: Path) -> None:
    """compose 2.36+ runs a `provider:` service (Docker Model Runner) through its plugin: no image or build."""
    root = _repo(tmp_path / "p", "services:\n  llm:\n    provider:\n      type: model\n      options:\n"
                 "        model: ai/smollm2\n  app:\n    image: busybox\n    depends_on: [llm]\n")
    assert _findings(root) == []


def test_build_keys_compose_refuses_together(tmp_path: Path) -> None:
    """compose-go's checkConsistency: `dockerfile` beside `dockerfile_inline`, and an additional context
    `service:NAME` naming a service that is not there or builds nothing."""
    root = _repo(tmp_path / "p", "services:\n  a:\n    build:\n      context: .\n      dockerfile: Dockerfile\n"
                 "      dockerfile_inline: FROM alpine\n  b:\n    build:\n      context: .\n"
                 "      additional_contexts:\n        - base=service:ghost\n        - db=service:db\n"
                 "        - a=service:a\n  db:\n    image: postgres:16\n")
    (root / "Dockerfile").write_text("FROM alpine\n")
    assert [m for m, _ in _findings(root)] == [
        "service 'a' declares mutually exclusive dockerfile and dockerfile_inline",
        "service 'b' declares unknown service 'ghost' as additional contexts base",
        "service 'b' declares non-buildable service 'db' as additional contexts db",
    ]
