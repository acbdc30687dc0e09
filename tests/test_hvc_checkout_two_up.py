"""host-vs-container for a compose folder two levels down in the checkout (tests/replay/invoiceshelf).

InvoiceShelf's development stack lives in docker/development/ (`docker compose -f
docker/development/docker-compose.pgsql.yml up`) and binds the checkout `../../:/var/www/html` into
'php-fpm', on serversideup/php, which has PHP and Composer. Its root Makefile runs `composer install`
(`make composer`) and `php artisan migrate` (`make install`) on the host. On a host without PHP doctor
said nothing: the repo's own Makefile was read, and a service's code counted as the project's, only for
a compose folder one level down (`..`, a `.devcontainer/` or `docker/`). Now the nearest folder above
the project's that a service builds from or binds, up to the checkout's top, is the repo around it:
both commands go to 'php-fpm', with the `run` that works from the top of the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "invoiceshelf"
COMPOSE = "docker/development/docker-compose.pgsql.yml"
RUN = ("docker compose --project-directory docker/development -p development -f docker/development/"
       "docker-compose.pgsql.yml run --rm -w /var/www/html php-fpm ")


def _copy(tmp_path: Path, git: bool = True) -> Path:
    root = tmp_path / "invoiceshelf"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _found(root: Path, tmp_path: Path) -> list[tuple[str, int | None, str, str | None]]:
    """(file, line, message, the command its fix gives) of each host-vs-container finding."""
    bare = tmp_path / "bin"  # a host with no php, composer, node: nothing is run, PATH is only read
    bare.mkdir(exist_ok=True)
    env = {"PATH": str(bare), "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host", "HOME": str(root)}
    options = ProjectOptions(path=root, files=(root / COMPOSE,), env=env, cwd=root)
    report = preflight(RunOptions(project=options, select=("host-vs-container",), env=env), load_registry()).report
    return [(f.location.path.name if f.location else "", f.location.line if f.location else None, f.message,
             " ".join(f.fix.command).replace(f"{root}/", "") if f.fix else None) for f in report.findings]


def test_the_checkout_s_makefile_goes_to_the_php_service_two_levels_up(tmp_path: Path) -> None:
    found = _found(_copy(tmp_path), tmp_path)
    assert [(name, line, message) for name, line, message, _ in found] == [
        ("Makefile", 5, "'composer' (make target 'composer') needs Composer, which the host lacks (no 'composer' on "
                        "PATH): run it in 'php-fpm'"),
        ("Makefile", 62, "'php' (make target 'install') needs PHP, which the host lacks (no 'php' on PATH): run it "
                         "in 'php-fpm'")]
    assert [command for _, _, _, command in found] == [
        RUN + "composer install --prefer-dist --no-dev", RUN + "php artisan migrate"]


def test_no_folder_above_the_one_just_above_counts_outside_a_checkout(tmp_path: Path) -> None:
    assert _found(_copy(tmp_path, git=False), tmp_path) == []
