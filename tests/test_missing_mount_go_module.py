"""missing-mount for a Go module built from the checkout's top (tests/replay/go-clean-template).

evrone/go-clean-template builds 'app' from `.` (`COPY . /app` in its `builder` stage, on golang). Planted:
the dev override a developer writes to run it live, `target: builder`, `go run -tags migrate ./cmd/app`,
mounting ./internal and ./pkg. doctor said only `mounts internal, pkg but not cmd` (cmd/ named by the
command): config/, the package cmd/app imports for its settings, was not judged, as a repo-root context
counted only Python packages, PHP and Ruby folders; an edit to config/config.go never reached the
container. Now, in a Go module (a go.mod at the context), the top folders holding Go code count too:
both are reported and one `doctor fix` mounts both. Then (a review's find) Go folders the app never
compiles counted too: e2e/ (tests alone), tools/ (`//go:build tools`) and scripts/ (`//go:build ignore`) were
reported, and mounted by the fix; a folder now counts only where it holds a Go file a build compiles.
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


UNCOMPILED = {  # Go folders `go run ./cmd/app` never compiles: a tools pin, a generator, tests alone
    "tools/tools.go": "//go:build tools\n\npackage tools\n\nimport _ \"github.com/swaggo/swag/cmd/swag\"\n",
    "scripts/gen.go": "// Code generator.\n\n//go:build ignore\n// +build ignore\n\npackage main\n\nfunc main() {}\n",
    "e2e/a_test.go": "package e2e\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n",
    "legacy/old.go": "// +build ignore\n\npackage legacy\n",
}


def test_go_folders_the_app_never_compiles_are_not_its_packages(tmp_path: Path) -> None:
    """tools/ (`//go:build tools`), scripts/ (`//go:build ignore`), e2e/ (`_test.go` files alone) and legacy/
    (`// +build ignore`) are no package of the app's: only cmd and config are reported, and `doctor fix`
    mounts those two, not ./e2e ./scripts ./tools."""
    root = _copy(tmp_path)
    for name, text in UNCOMPILED.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert _found(root) == [("docker-compose.override.yml", 7, "'app' mounts internal, pkg but not cmd"),
                            ("docker-compose.override.yml", 7, "'app' mounts internal, pkg but not config")]


def test_a_go_folder_with_a_built_file_beside_its_tests_still_counts(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "e2e" / "deep").mkdir(parents=True)
    (root / "e2e" / "a_test.go").write_text(UNCOMPILED["e2e/a_test.go"])
    (root / "e2e" / "deep" / "client.go").write_text("//go:build !ignore\n\npackage deep\n")
    assert [message for _, _, message in _found(root)] == [
        "'app' mounts internal, pkg but not cmd", "'app' mounts internal, pkg but not config",
        "'app' mounts internal, pkg but not e2e"]
