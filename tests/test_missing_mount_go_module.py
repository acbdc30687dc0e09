"""missing-mount for a Go module built from the checkout's top (tests/replay/go-clean-template).

evrone/go-clean-template builds 'app' from `.` (`COPY . /app` in its `builder` stage, on golang). Planted:
the dev override a developer writes to run it live, `target: builder`, `go run -tags migrate ./cmd/app`,
mounting ./internal and ./pkg. doctor said only `mounts internal, pkg but not cmd` (cmd/ named by the
command): config/, the package cmd/app imports for its settings, was not judged, as a repo-root context
counted only Python packages, PHP and Ruby folders; an edit to config/config.go never reached the
container. Now, in a Go module (a go.mod at the context), the top folders holding Go code count too:
both are reported and one `doctor fix` mounts both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "go-clean-template"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
OVERRIDE = """\
services:
  app:
    build:
      target: builder
    command: ["go", "run", "-tags", "migrate", "./cmd/app"]
    volumes:
      - ./internal:/app/internal
      - ./pkg:/app/pkg
"""


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "go-clean-template"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / "docker-compose.override.yml").write_text(OVERRIDE)
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None, str]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return [(f.location.path.name if f.location else "", f.location.line if f.location else None, f.message)
            for f in report.findings]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_go_packages_the_override_forgets_are_found_and_mounted_in_one_run(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _found(root) == [("docker-compose.override.yml", 7, "'app' mounts internal, pkg but not cmd"),
                            ("docker-compose.override.yml", 7, "'app' mounts internal, pkg but not config")]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / "docker-compose.override.yml").read_text() == OVERRIDE + (
        "      - ./cmd:/app/cmd\n      - ./config:/app/config\n")
    assert _found(root) == []
    settled = _tree(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert _tree(root) == settled


def test_no_go_module_no_go_folder(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "go.mod").unlink()
    assert [message for _, _, message in _found(root)] == ["'app' mounts internal, pkg but not cmd"]
