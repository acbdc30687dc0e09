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
