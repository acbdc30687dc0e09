"""A `$` an env file's value means literally (a generated password, `POSTGRES_PASSWORD=Xy7$kLmQ9pw`) was
reported as a variable to set: "'***' is not set in the shell ...; fix: export *** in the shell". compose
reads `$kLmQ9pw` as an unset variable and drops it: the containers get `Xy7`. Planted on the real
fastapi template (tests/replay/fastapi-template, see its SOURCE.txt), whose `.env` compose interpolates
from, and on the same `.env` loaded as a service's env_file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doctor.checks.env_drift import EnvDrift

from doctor.engine import load_registry
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding, Safety, Severity
from doctor.project import Project, ProjectOptions
from doctor.project.envfile import read_env_file

UPSTREAM = Path(__file__).parent / "replay" / "fastapi-template"


def _copy(tmp_path: Path, password: str, env_file: bool = False) -> Path:
    root = tmp_path / "fastapi"
    shutil.copytree(UPSTREAM, root)
    dotenv = root / ".env"
    dotenv.write_text(dotenv.read_text().replace("POSTGRES_PASSWORD=changethis", f"POSTGRES_PASSWORD={password}"))
    if env_file:  # the template's 0.x layout: `env_file: .env` on the backend
        compose = root / "compose.yml"
        compose.write_text(compose.read_text().replace("  backend:\n", "  backend:\n    env_file: [.env]\n", 1))
    return root


def _env(root: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1", "XDG_STATE_HOME": str(root / "s")}


def _findings(root: Path) -> list[Finding]:
    project = Project(ProjectOptions(path=root, env=_env(root)))
    return list(EnvDrift().run(project, Host(env={})))


@pytest.mark.parametrize("env_file", [False, True])
def test_a_literal_dollar_is_named_as_such_and_quoted_by_the_fix(tmp_path: Path, env_file: bool) -> None:
    root = _copy(tmp_path, "Xy7$kLmQ9pw", env_file)
    (finding,) = _findings(root)
    assert finding.message == ("POSTGRES_PASSWORD's value has a literal '$' before 'kLmQ9pw', which compose reads "
                               "as the variable $kLmQ9pw (not set) and drops from it")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None and finding.location.line == 17
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE
    assert finding.fix.title == "single-quote the value of POSTGRES_PASSWORD at .env:17 so '$' stays a '$'"
    options = FixOptions(project=ProjectOptions(path=root, env=_env(root)), families=frozenset({"env"}), yes=True,
                         env=_env(root))
    report = fix(options, load_registry())
    assert report.results and all(r.fixed for r in report.results), report.results
    assert "POSTGRES_PASSWORD='Xy7$kLmQ9pw'\n" in (root / ".env").read_text()
    assert read_env_file(root / ".env").as_dict()["POSTGRES_PASSWORD"] == "Xy7$kLmQ9pw"  # compose's reading
    assert _findings(root) == []


@pytest.mark.parametrize("password", ["${PGPASS}", "$PGPASS", "prefix_$PGPASS", "'Xy7$kLmQ9pw'", "Xy7$$kLmQ9pw"])
def test_a_reference_meant_or_an_escaped_dollar_is_no_literal(tmp_path: Path, password: str) -> None:
    findings = _findings(_copy(tmp_path, password))
    assert all("literal '$'" not in f.message for f in findings)
    if "PGPASS" in password:
        assert [f.subject for f in findings] == ["PGPASS"]  # the unset variable, reported as before
    else:
        assert findings == []


def test_a_value_with_a_quote_gets_advice(tmp_path: Path) -> None:
    (finding,) = _findings(_copy(tmp_path, "it's$kLm"))
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
    assert finding.fix.title == "write '$$' for each literal '$' in POSTGRES_PASSWORD at .env:17"
