"""env-drift and a variable the project's own compose wrapper exports: Laravel Sail's vendor/bin/sail.

A Laravel app on Sail (tests/replay/laravel-sail): sail's docker-compose.yml reads `${WWWUSER}` with
no default, and `./vendor/bin/sail up`, how Sail's docs start the stack, exports
`WWWUSER=${WWWUSER:-$UID}` before it runs `docker compose`. env-drift warned "'WWWUSER' is not set"
on every fresh Sail app; it is now info naming the wrapper's line, as for a Makefile that exports it
(only a plain `docker compose` run lacks it). Without the wrapper (no `composer install` yet) it
stays a warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.checks.env_drift import EnvDrift

from doctor.host import Host
from doctor.model import Finding, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.wrapper_scripts import wrapper_exports

SAIL = Path(__file__).resolve().parent / "replay" / "laravel-sail"


def _sail_app(root: Path, wrapper: bool) -> Project:
    """The app `sail:install` and `composer create-project` leave, with `composer install`'s
    vendor/bin/sail (a link to the package's bin/sail) when `wrapper`."""
    root.mkdir()
    stub = (SAIL / "sail" / "stubs" / "docker-compose.stub").read_text()
    (root / "docker-compose.yml").write_text(stub.replace("{{PHP_VERSION}}", "8.3"))
    shutil.copyfile(SAIL / "laravel" / ".env.example", root / ".env")
    if wrapper:
        package = root / "vendor" / "laravel" / "sail" / "bin"
        package.mkdir(parents=True)
        shutil.copy2(SAIL / "sail" / "bin" / "sail", package / "sail")
        (root / "vendor" / "bin").mkdir()
        (root / "vendor" / "bin" / "sail").symlink_to("../laravel/sail/bin/sail")
    return Project(ProjectOptions(path=root, env={"HOME": str(root / "home"), "PATH": "/usr/bin:/bin"}))


def _unset(project: Project, name: str) -> Finding:
    found = [f for f in EnvDrift().run(project, Host(env={})) if f.subject == name]
    assert len(found) == 1, found
    return found[0]


def test_wwwuser_that_vendor_bin_sail_exports_is_info_naming_its_line(tmp_path: Path) -> None:
    finding = _unset(_sail_app(tmp_path / "app", wrapper=True), "WWWUSER")
    assert finding.severity is Severity.INFO, finding
    assert "vendor/bin/sail:142 exports it to the compose it runs" in finding.message, finding.message
    assert "only a plain `docker compose` run lacks it" in finding.message, finding.message


def test_wwwuser_stays_a_warning_without_the_wrapper(tmp_path: Path) -> None:
    finding = _unset(_sail_app(tmp_path / "app", wrapper=False), "WWWUSER")
    assert finding.severity is Severity.WARNING, finding
    assert "exports it" not in finding.message, finding.message


def test_what_a_wrapper_exports(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "dev").write_text(
        "#!/bin/bash\n# export COMMENTED=1\nexport USER_ID=${USER_ID:-$(id -u)}\nexport EMPTY=${EMPTY:-\"\"}\n"
        "export NAMED=\"web\"\nexport BARE=\ndocker compose \"$@\"\n")
    (tmp_path / "bin" / "other").write_text("#!/bin/sh\nexport NOT_COMPOSE=1\nnpm run dev\n")
    (tmp_path / "Makefile").write_text("export MAKE_ONE=1\nup:\n\tdocker compose up\n")
    found = wrapper_exports(tmp_path)
    assert found == {"USER_ID": (tmp_path / "bin" / "dev", 3), "NAMED": (tmp_path / "bin" / "dev", 5)}, found


def test_a_wrapper_passing_a_variable_on_or_run_by_a_shell_with_flags(tmp_path: Path) -> None:
    # `export API_TOKEN="${API_TOKEN}"` is empty whenever the variable is unset: not "never empty"; and
    # `#!/bin/bash -e` (or `#!/usr/bin/env -S bash -e`) is a shell script, its interpreter no longer read as `-e`
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "up").write_text(
        "#!/bin/bash -e\nexport API_TOKEN=\"${API_TOKEN}\"\nexport BAR=$BAR\nexport UID_SET=${UID_SET:-1000}\n"
        "docker compose up \"$@\"\n")
    (tmp_path / "scripts" / "down").write_text("#!/usr/bin/env -S bash -eu\nexport DOWN=1\ndocker compose down\n")
    found = wrapper_exports(tmp_path)
    assert found == {"UID_SET": (tmp_path / "scripts" / "up", 4), "DOWN": (tmp_path / "scripts" / "down", 2)}, found
