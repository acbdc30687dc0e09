"""leaked-host-port on a URL whose password is a query parameter: go-rest-api (tests/replay/go-rest-api).

qiangxue/go-rest-api gives its server `APP_DSN=postgres://db/go_restful?sslmode=disable&user=postgres&
password=postgres` in docker-compose.yml: libpq and lib/pq take the password from the query too. Planted:
`localhost` for `db`. doctor's fix wrote the whole URL, password included, into a new
docker-compose.override.yml (a second, untracked copy of the password), as 'safe', while a URL holding its
password as `user:pass@` is rewritten on its own line, asked. Now a `password=` query parameter is a URL's
password as well: the line is rewritten in place, the title says an override would copy its password, the
override is never made, and a second preflight is clean; no output shows the password.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.leaked_host_port.override_fix import URL_PASSWORD

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "go-rest-api"
COMPOSE = "docker-compose.yml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
# `doctor fix --env`, the family of the fault: the stack publishes 8080, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")
UPSTREAM = "APP_DSN=postgres://db/go_restful?"


def _api(tmp_path: Path, host: str = "db") -> Path:
    root = tmp_path / "go-rest-api"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(UPSTREAM) == 1
    compose.write_text(text.replace(UPSTREAM, f"APP_DSN=postgres://{host}/go_restful?"))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None, Safety | None, str | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.safety if f.fix else None,
             f.fix.title if f.fix else None) for f in report.findings]


def test_localhost_is_rewritten_on_its_line_never_copied_into_an_override(tmp_path: Path, capsys) -> None:
    root = _api(tmp_path, "localhost")
    assert _found(root) == [("APP_DSN host 'localhost' is 'server' itself in its container (did you mean 'db'?): "
                             "'server' reads APP_DSN in cmd/server/entrypoint.sh", 14, Safety.UNSAFE,
                             "rewrite APP_DSN on its line in docker-compose.yml, with db in place of localhost "
                             "(an override would copy its password)")]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / COMPOSE).read_text() == (REPLAY / COMPOSE).read_text()
    assert not (root / "docker-compose.override.yml").exists()
    assert _found(root) == []
    assert "password=postgres" not in capsys.readouterr().out


def test_the_project_as_cloned_is_clean(tmp_path: Path) -> None:
    assert _found(_api(tmp_path)) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("postgres://db/app?sslmode=disable&user=u&password=p", True),
    ("postgres://db/app?password=p", True),
    ("postgres://u:p@db/app", True),
    ("postgres://db/app?sslmode=disable&user=u", False),
    ("postgres://db/app?password=", False),  # an empty one: nothing to copy
    ("postgres://db/app?sslmode=disable&user=u#password=p", False),  # a fragment
    ("redis://:@localhost:6379", False),
])
def test_url_password(value: str, expected: bool) -> None:
    assert (URL_PASSWORD.search(value) is not None) is expected


def test_json_output_never_shows_it(tmp_path: Path) -> None:
    root = _api(tmp_path, "localhost")
    doctor = Path(sys.executable).parent / "doctor"
    done = subprocess.run([str(doctor), "preflight", "--format", "json", str(root)], capture_output=True, text=True,
                          env={**ENV, "HOME": str(root)}, timeout=120)
    assert json.loads(done.stdout)["findings"]
    assert "password=postgres" not in done.stdout + done.stderr
