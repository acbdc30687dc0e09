"""The readers of a Laravel `.env`: no nginx whose config comments say PHP (tests/replay/invoiceshelf).

InvoiceShelf's development stack (`-f docker/development/docker-compose.pgsql.yml`) binds the checkout into
'php-fpm', which reads `.env` through phpdotenv, and into 'nginx', built `FROM nginx` by a RUN that writes
the site's config through a `cat <<EOF` heredoc, comments included (`# Have NGINX try searching for PHP files
as well`, `# Pass "*.php" files to PHP-FPM`). With the `.env` a developer writes for postgres
(`DB_HOST=127.0.0.1`), doctor said `DB_HOST=127.0.0.1 is each container itself in 'php-fpm' and 'nginx'` and
advised setting DB_HOST=db for 'nginx' too: those comment words were taken for a start of php / php-fpm on
the web server's image. Now a start counts only as a shell spells it (lower case) and comment lines count
for nothing: 'php-fpm' alone reads the line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "invoiceshelf"
COMPOSE = "docker/development/docker-compose.pgsql.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("leaked-host-port", "service-name-drift", "dotenv-override")
POSTGRES = {"DB_CONNECTION=sqlite": "DB_CONNECTION=pgsql", "DB_HOST=": "DB_HOST=127.0.0.1", "DB_PORT=": "DB_PORT=5432",
            "DB_DATABASE=": "DB_DATABASE=invoiceshelf", "DB_USERNAME=": "DB_USERNAME=invoiceshelf"}


def _copy(tmp_path: Path, lines: dict[str, str]) -> Path:
    root = tmp_path / "invoiceshelf"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    text = (root / ".env.example").read_text().splitlines(keepends=True)
    assert all(sum(line.rstrip("\n") == old for line in text) == 1 for old in lines)
    (root / ".env").write_text("".join(lines.get(line.rstrip("\n"), line.rstrip("\n")) + "\n" for line in text))
    return root


def _found(root: Path) -> list[tuple[str, str, str | None, int | None, str | None]]:
    options = ProjectOptions(path=root, files=(root / COMPOSE,), env={**ENV, "HOME": str(root)}, cwd=root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message, f.location.path.name if f.location else None,
             f.location.line if f.location else None, f.fix.title if f.fix else None) for f in report.findings]


def test_a_localhost_db_host_is_read_by_php_fpm_alone(tmp_path: Path) -> None:
    assert _found(_copy(tmp_path, POSTGRES)) == [(
        "leaked-host-port",
        "DB_HOST=127.0.0.1 is 'php-fpm' itself in its container (did you mean 'db'?): 'php-fpm' reads DB_HOST "
        "in config/database.php", ".env", 11, "set DB_HOST=db in the environment of 'php-fpm'")]


def test_the_env_as_its_template_ships_it_stays_clean(tmp_path: Path) -> None:
    assert _found(_copy(tmp_path, {})) == []
