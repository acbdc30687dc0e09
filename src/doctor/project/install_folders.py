"""Missing paths inside a package manager's install folder: an install puts them there, not a mkdir.

Laravel Sail's compose file (monicahq/monica's) builds from `./vendor/laravel/sail/runtimes/8.4`
and binds `./vendor/laravel/sail/database/mysql/create-testing-database.sh`: `vendor/` is
Composer's install folder, untracked, empty on a fresh clone until `composer install` fills it from
the composer.json beside it. A folder made there is an empty build context, and a root-owned one
(docker's, for a bind) stands in the install's way. `node_modules/` beside a package.json is the
same, filled by the package manager its lockfile names (npm, yarn, pnpm or bun).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from doctor.model import Fix, Safety, record
from doctor.project.reading import read_regular_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from doctor.project import Project
    from doctor.project.types import Service

# install folder -> (the manifest beside it that declares its packages, its lockfiles and the tool each names)
MANAGERS = {
    "vendor": ("composer.json", (("composer.lock", "composer"),), "composer"),
    "node_modules": ("package.json", (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lock", "bun"),
                                      ("bun.lockb", "bun"), ("package-lock.json", "npm"),
                                      ("npm-shrinkwrap.json", "npm")), "npm"),
}
# the PHP versions laravelsail/phpNN-composer images exist for (Sail's docs use the newest); with
# --ignore-platform-reqs any of them installs the packages, so an unknown runtime takes the newest
SAIL_COMPOSER_PHP = ("74", "80", "81", "82", "83", "84")
MAX_SCRIPTS = 200  # a folder's shell scripts read for the install: a vendored tree of them is not read whole


@record
class PackageInstall:
    """The install that puts a missing path in place: `folder` the install folder (`vendor/`),
    `manifest` the file beside it that declares the packages (composer.json), `tool` the package
    manager that installs them (`composer`; for node_modules the one its lockfile names) and
    `package` the package the path lies in (`laravel/sail`; "" for the folder's own files)."""

    folder: Path
    manifest: Path
    tool: str
    package: str = ""


def installed_by(path: Path) -> PackageInstall | None:
    """The install that would put the missing absolute `path` in place: it lies in an install folder
    whose manifest is beside it, in a package that is not installed there yet (one that is, with
    its own composer.json or package.json, holds a wrong path, not a missing install) and that
    the manifest or its lockfile names; None otherwise."""
    parts = path.parts
    for index, part in enumerate(parts):
        if part not in MANAGERS:
            continue
        manifest_name, locks, default = MANAGERS[part]
        folder = Path(*parts[:index + 1])
        manifest = folder.parent / manifest_name
        if not os.path.isfile(manifest):
            continue
        package = _package(part, parts[index + 1:])
        if package and os.path.isfile(folder / package / manifest_name):
            return None
        present = [(folder.parent / name, tool) for name, tool in locks if os.path.isfile(folder.parent / name)]
        if package and not any(_names(file, package) for file in (manifest, *(p for p, _ in present))):
            return None
        return PackageInstall(folder, manifest, present[0][1] if present else default, package)
    return None


def install_note(project: Project, install: PackageInstall) -> str:
    """`vendor/ is filled by composer install, and laravel/sail is not installed`: what a message says."""
    filled = f"{project.shown(install.folder)}/ is filled by {_command(project, install)}"
    return f"{filled}, and {install.package} is not installed" if install.package else f"{filled}, not run yet"


def install_fix(project: Project, install: PackageInstall, before: str = "") -> Fix:
    """Advice to run the install (`before` follows the folder: ", before starting 'db'"), with the
    project's own shell script that runs it (monica's sail-init.sh), else, for Laravel Sail's
    package, Sail's documented `docker run` of Composer for a machine without PHP."""
    title = (f"install the packages {project.shown(install.manifest)} declares, which fill "
             f"{project.shown(install.folder)}/{before}: {_command(project, install)}")
    script = _script(project, install)
    if script:
        title += f", or {script}, which runs it"
    elif install.package == "laravel/sail":
        home = project.shown(install.folder.parent)
        where = "" if home == "." else f" in {home}/"
        title += (f", or without PHP here{where}: docker run --rm -u \"$(id -u):$(id -g)\" -v \"$(pwd):/var/www/html\" "
                  f"-w /var/www/html laravelsail/php{_sail_php(project.services, install)}-composer:latest "
                  "composer install --ignore-platform-reqs")
    return Fix(title, Safety.ADVICE)


def _command(project: Project, install: PackageInstall) -> str:
    home = project.shown(install.folder.parent)
    return f"{install.tool} install" + ("" if home == "." else f" in {home}/")


def _package(folder: str, inside: tuple[str, ...]) -> str:
    """The package a path below the install folder lies in: Composer's `vendor/name`, npm's `name` or
    `@scope/name`; "" for the folder itself and the install's own files (`vendor/bin`, `.bin`)."""
    if not inside or inside[0].startswith("."):
        return ""
    if folder == "vendor":
        return "/".join(inside[:2]) if len(inside) >= 2 and inside[0] not in ("bin", "composer") else ""
    if inside[0].startswith("@"):
        return "/".join(inside[:2]) if len(inside) >= 2 else ""
    return inside[0]


def _names(file: Path, package: str) -> bool:
    """Whether the package's name stands in the file as a whole name (`"laravel/sail"`, yarn.lock's
    `vite@^5`; not `vitest`)."""
    text = read_regular_text(file)
    if not text:
        return False
    return re.search(rf"(?<![\w.-]){re.escape(package)}(?![\w-])", text) is not None


def _script(project: Project, install: PackageInstall) -> str:
    """`./sail-init.sh`: the first shell script at the top of the project or of the manifest's folder
    that runs the install (`composer install`), as the user types it; "" when none does."""
    wanted = re.compile(rf"\b{re.escape(install.tool)}\s+(?:install|ci)\b" if install.tool == "npm"
                        else rf"\b{re.escape(install.tool)}\s+install\b")
    for folder in dict.fromkeys((project.root, install.folder.parent)):
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if e.name.endswith((".sh", ".bash"))
                               and e.is_file(follow_symlinks=False))
        except OSError:
            continue
        for name in names[:MAX_SCRIPTS]:
            text = read_regular_text(folder / name)
            if text is not None and wanted.search(text):
                shown = project.shown(folder / name)
                return shown if shown.startswith(("/", ".")) or "/" in shown else f"./{shown}"
    return ""


def _sail_php(services: Mapping[str, Service], install: PackageInstall) -> str:
    """The `NN` of laravelsail/phpNN-composer: the PHP of the Sail runtime a service builds from (8.4
    of `vendor/laravel/sail/runtimes/8.4`), else the newest image's."""
    for service in services.values():
        context = Path(service.build.context) if service.build is not None else install.folder
        runtime = context.relative_to(install.folder).parts if context.is_relative_to(install.folder) else ()
        if runtime[:3] == ("laravel", "sail", "runtimes") and len(runtime) > 3:
            php = runtime[3].replace(".", "")
            if php in SAIL_COMPOSER_PHP:
                return php
    return SAIL_COMPOSER_PHP[-1]
