"""A build context or bind source inside a package manager's install folder is advised as that install.

monicahq/monica's docker-compose.yml (Laravel Sail's) builds from
`./vendor/laravel/sail/runtimes/8.4` and binds a script of `./vendor/laravel/sail/database/`:
`vendor/` is Composer's install folder, untracked and empty on a fresh clone until `composer
install` fills it from composer.json. doctor advised creating the folder (and the file), which
gives an empty folder compose cannot build and a root-owned `vendor/` that the install then
cannot write into.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

SAIL = ('docker run --rm -u "$(id -u):$(id -g)" -v "$(pwd):/var/www/html" -w /var/www/html '
        "laravelsail/php83-composer:latest composer install --ignore-platform-reqs")
CANNOT = "docker would make it a root-owned directory, which the install cannot write into"


def _findings(root: Path, check: str) -> list[tuple[str, str, str | None]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=(check,), env=env), load_registry()).report
    return [(f.severity.label, f.message, f.fix.title if f.fix else None) for f in report.findings]


def _sail(root: Path, requires: str = '"laravel/sail": "^1.41"') -> Path:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "composer.json").write_text(f'{{"name": "acme/app", "require-dev": {{{requires}}}}}\n')
    (root / "compose.yaml").write_text(
        "services:\n  laravel.test:\n    build:\n      context: ./vendor/laravel/sail/runtimes/8.3\n"
        "      dockerfile: Dockerfile\n    image: sail-8.3/app\n    depends_on: [mysql]\n"
        "  mysql:\n    image: mysql/mysql-server:8.0\n    volumes:\n"
        "      - './vendor/laravel/sail/database/mysql/create-testing-database.sh:"
        "/docker-entrypoint-initdb.d/10-create-testing-database.sh'\n")
    return root


def test_a_sail_build_context_in_an_uninstalled_vendor_is_the_composer_install(tmp_path: Path) -> None:
    root = _sail(tmp_path / "monica")
    [(severity, message, fix)] = _findings(root, "compose-config")
    assert severity == "error"
    assert message == ("'laravel.test' builds from vendor/laravel/sail/runtimes/8.3/, which does not exist: up "
                       "fails (vendor/ is filled by composer install, and laravel/sail is not installed)")
    assert fix == ("install the packages composer.json declares, which fill vendor/: composer install, "
                   f"or without PHP here: {SAIL}")


def test_a_sail_bind_source_in_an_uninstalled_vendor_is_the_composer_install(tmp_path: Path) -> None:
    root = _sail(tmp_path / "monica")
    [(severity, message, fix)] = _findings(root, "missing-mount")
    assert severity == "warning"
    assert message == ("bind source ./vendor/laravel/sail/database/mysql/create-testing-database.sh does not exist: "
                       f"vendor/ is filled by composer install, and laravel/sail is not installed; {CANNOT}")
    assert fix == ("install the packages composer.json declares, which fill vendor/, before starting 'mysql': "
                   f"composer install, or without PHP here: {SAIL}")


def test_the_projects_own_script_that_installs_is_named(tmp_path: Path) -> None:
    """monica's sail-init.sh: "Run this script after first cloning the repository" (Sail's docker run)."""
    root = _sail(tmp_path / "monica")
    (root / "sail-init.sh").write_text(f"#!/bin/bash\n{SAIL.replace('php83', 'php84')}\nln -s ./vendor/bin/sail sail\n")
    [(_, _, fix)] = _findings(root, "compose-config")
    assert fix == ("install the packages composer.json declares, which fill vendor/: composer install, "
                   "or ./sail-init.sh, which runs it")


def test_node_modules_in_a_subfolder_names_its_package_manager(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "web").mkdir(parents=True)
    (root / "web" / "package.json").write_text(json.dumps({"devDependencies": {"tooling": "1.0.0"}}))
    (root / "web" / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    (root / "compose.yaml").write_text(
        "services:\n  tool:\n    build: ./web/node_modules/tooling/docker\n    volumes:\n"
        "      - ./web/node_modules/tooling/conf:/etc/tooling\n")
    [(_, message, fix)] = _findings(root, "compose-config")
    assert message == ("'tool' builds from web/node_modules/tooling/docker/, which does not exist: up fails "
                       "(web/node_modules/ is filled by pnpm install in web/, and tooling is not installed)")
    assert fix == "install the packages web/package.json declares, which fill web/node_modules/: pnpm install in web/"
    [(severity, message, fix)] = _findings(root, "missing-mount")
    assert (severity, message) == (
        "warning", "bind source ./web/node_modules/tooling/conf does not exist: web/node_modules/ is filled by pnpm "
                   "install in web/, and tooling is not installed; docker would make it an empty root-owned "
                   "directory, which the install cannot write into")
    assert fix == ("install the packages web/package.json declares, which fill web/node_modules/, "
                   "before starting 'tool': pnpm install in web/")


def test_a_package_only_the_lockfile_names_is_installed_too(tmp_path: Path) -> None:
    """A dependency of a dependency: package.json does not name it, package-lock.json does."""
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"tooling": "1.0.0"}}))
    (tmp_path / "package-lock.json").write_text(json.dumps({"packages": {"node_modules/@acme/base": {}}}))
    (tmp_path / "compose.yaml").write_text("services:\n  tool:\n    build: ./node_modules/@acme/base/docker\n")
    [(_, message, fix)] = _findings(tmp_path, "compose-config")
    assert message.endswith("(node_modules/ is filled by npm install, and @acme/base is not installed)")
    assert fix == "install the packages package.json declares, which fill node_modules/: npm install"


def test_the_existing_advice_stays_where_no_install_brings_the_path(tmp_path: Path) -> None:
    """No manifest beside vendor/, a package neither the manifest nor a lockfile names, or a path
    inside a package that is installed (its composer.json there: a wrong path, not a missing
    install): created, as before."""
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "compose.yaml").write_text("services:\n  web:\n    build: ./vendor/acme/web\n")
    assert [f[2] for f in _findings(bare, "compose-config")] == [
        "create vendor/acme/web/ or point build: of 'web' at the right path"]
    unnamed = _sail(tmp_path / "unnamed", requires='"laravel/sailboat": "^1"')
    installed = _sail(tmp_path / "installed")
    (installed / "vendor" / "laravel" / "sail" / "database").mkdir(parents=True)
    (installed / "vendor" / "laravel" / "sail" / "composer.json").write_text('{"name": "laravel/sail"}\n')
    for root in (unnamed, installed):
        [(_, message, fix)] = _findings(root, "compose-config")
        assert message == "'laravel.test' builds from vendor/laravel/sail/runtimes/8.3/, which does not exist: up fails"
        assert fix == "create vendor/laravel/sail/runtimes/8.3/ or point build: of 'laravel.test' at the right path"
        [(_, message, fix)] = _findings(root, "missing-mount")
        assert fix == ("create the file vendor/laravel/sail/database/mysql/create-testing-database.sh "
                       "before starting 'mysql'")
