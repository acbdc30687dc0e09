"""A reference to an undefined volume, network, secret, config or service gets the defined name it was
likely meant as, renamed at its line, or the lines that define it.

An auditor's report: on django-on-docker (tests/replay/django-on-docker, see its SOURCE.md) with the
db's `- postgres_data:/var/lib/postgresql/data/` written `- pgdata:...` while the top level still
declares `postgres_data`, `docker compose config -q` says `service "db" refers to undefined volume
pgdata: invalid compose project`; doctor repeated compose's words at the line with no did-you-mean
and no fix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doctor.checks.compose_config import ComposeConfig
from doctor.checks.compose_config.references import closest
from fake_docker_engine import FakeEngine

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fix_report import FixReport
from doctor.fixer import FixOptions, fix
from doctor.host import Host
from doctor.model import Finding, Safety
from doctor.project import Project, ProjectOptions

UPSTREAM = Path(__file__).parent / "replay" / "django-on-docker"
LINUX = {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "OSType": "linux", "Architecture": "x86_64"}
PLANTED = "reference:service 'db' refers to undefined volume pgdata"


def _references(root: Path, env: dict[str, str]) -> list[Finding]:
    options = ProjectOptions(path=root, env=env)
    report = preflight(RunOptions(project=options, select=("compose-config",), env=env), load_registry()).report
    return [f for f in report.findings if f.subject.startswith("reference:")]


def _fix(root: Path, env: dict[str, str]) -> FixReport:
    """`doctor fix --yes` of compose-config's family."""
    options = FixOptions(project=ProjectOptions(path=root, env=env),
                         families=frozenset({load_registry().checks["compose-config"].fix_family}), yes=True, env=env)
    return fix(options, load_registry())


def test_django_on_docker_renamed_volume_is_fixed_in_one_run(tmp_path: Path) -> None:
    root = tmp_path / "django-on-docker"
    shutil.copytree(UPSTREAM, root)
    compose = root / "docker-compose.yml"
    upstream = compose.read_text()
    engine = FakeEngine(tmp_path / "e.sock", {"/info": LINUX})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    try:
        assert _references(root, env) == [], "upstream itself must be clean"
        assert "      - postgres_data:/var/lib/postgresql/data/\n" in upstream
        compose.write_text(upstream.replace("- postgres_data:/var", "- pgdata:/var", 1))
        (finding,) = _references(root, env)
        assert (finding.subject, finding.location and finding.location.line) == (PLANTED, 18)
        assert finding.message.startswith("service 'db' refers to undefined volume pgdata")  # compose's words first
        assert finding.fix is not None and finding.fix.safety is Safety.SAFE
        assert finding.fix.title.startswith("did you mean 'postgres_data'?"), finding.fix.title
        report = _fix(root, env)
        ours = [r for r in report.results if r.fingerprint.startswith("compose-config/")]
        assert len(ours) == 1 and ours[0].fixed, report.results
        assert compose.read_text() == upstream
        assert _references(root, env) == []  # a second run is clean
    finally:
        engine.close()
    if shutil.which("docker") is not None:  # compose itself agrees (config needs no engine)
        shutil.copy(root / ".env.dev-sample", root / ".env.dev")
        done = subprocess.run(["docker", "compose", "config", "-q"], cwd=root, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path)})
        if "is not a docker command" not in done.stderr:
            assert done.returncode == 0, done.stderr


BASE = """\
services:
  web:
    image: nginx
{ref}
  db:
    image: postgres
  worker:
    image: nginx
volumes:
  postgres_data:
networks:
  front-end:
secrets:
  db_password:
    file: ./pw.txt
configs:
  nginx_conf:
    file: ./nginx.conf
"""


def run(tmp_path: Path, ref: str, extra: str = "") -> Finding:
    (tmp_path / "compose.yaml").write_text(BASE.format(ref=ref) + extra)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    project = Project(ProjectOptions(path=tmp_path, env=env))
    (finding,) = [f for f in ComposeConfig().run(project, Host(env=env, timeout=1.0)) if "undefined" in f.message
                  or "cannot extend" in f.message]
    return finding


@pytest.mark.parametrize(("ref", "meant", "line", "new"), [
    ("    volumes:\n      - pgdata:/var/lib/postgresql/data", "postgres_data", 5,
     "      - postgres_data:/var/lib/postgresql/data"),
    ("    volumes:\n      - \"postgres-data:/data:ro\"  # the db's files", "postgres_data", 5,
     "      - \"postgres_data:/data:ro\"  # the db's files"),
    ("    volumes:\n      - type: volume\n        source: postgres\n        target: /data", "postgres_data", 6,
     "        source: postgres_data"),
    ("    networks:\n      - front_end", "front-end", 5, "      - front-end"),
    ("    networks:\n      frontend:\n        aliases: [web]", "front-end", 5, "      front-end:"),
    ("    depends_on:\n      - dbb", "db", 5, "      - dbb".replace("dbb", "db")),
    ("    depends_on:\n    - wokrer", "worker", 5, "    - worker"),
    ("    depends_on:\n      wrker:\n        condition: service_started", "worker", 5, "      worker:"),
    ("    links: ['dbb:database']", "db", 4, "    links: ['db:database']"),
    ("    extends:\n      service: wroker", "worker", 5, "      service: worker"),
])
def test_the_one_close_name_is_renamed_at_its_line(tmp_path: Path, ref: str, meant: str, line: int, new: str) -> None:
    finding = run(tmp_path, ref)
    assert finding.fix is not None and finding.fix.safety is Safety.SAFE, finding.fix
    assert finding.fix.title.startswith(f"did you mean {meant!r}?"), finding.fix.title
    (edit,) = finding.fix.edits
    assert (edit.line, edit.new) == (line, new)


@pytest.mark.parametrize(("ref", "meant"), [
    ("    secrets:\n      - db_pasword", "db_password"),
    ("    configs:\n      - source: nginx-conf\n        target: /etc/nginx/nginx.conf", "nginx_conf"),
])
def test_a_secret_or_config_rename_is_asked(tmp_path: Path, ref: str, meant: str) -> None:
    finding = run(tmp_path, ref)
    assert finding.fix is not None and finding.fix.safety is Safety.UNSAFE, finding.fix
    assert finding.fix.title.startswith(f"did you mean {meant!r}?") and finding.fix.edits


@pytest.mark.parametrize("ref", [
    "    volumes:\n      - cache:/data",  # no defined volume is close
    "    volumes:\n      - pgdata:/data  # pgdata is the db's",  # named twice in its block: which one?
    "    volumes:\n      - ${DATA:-pgdata}:/data",  # from a variable
])
def test_no_rename_where_it_is_not_certain(tmp_path: Path, ref: str) -> None:
    finding = run(tmp_path, ref, "  cache_a:\n  cache_b:\n" if "cache" in ref else "")
    assert finding.fix is None or not finding.fix.edits, finding.fix
    if "cache" in ref:  # cache_a and cache_b are as close: no guess, the lines that define it
        assert finding.fix is not None and finding.fix.safety is Safety.ADVICE
        assert finding.fix.title == "define volume 'cache' under the top-level 'volumes' of compose.yaml (or name a " \
            "defined one)"


def test_no_close_name_gets_the_lines_that_define_it(tmp_path: Path) -> None:
    finding = run(tmp_path, "    secrets:\n      - api_token")
    assert finding.fix is not None and finding.fix.safety is Safety.ADVICE and not finding.fix.edits
    assert finding.fix.title == ("define secret 'api_token' under the top-level 'secrets' of compose.yaml, with its "
                                 "'file' or 'environment' (or name a defined one)")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n    networks: [back]\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}
    (finding,) = ComposeConfig().run(Project(ProjectOptions(path=tmp_path, env=env)), Host(env=env, timeout=1.0))
    assert finding.fix is not None
    assert finding.fix.title == "define network 'back' in a new top-level 'networks' section of compose.yaml (or " \
        "name a defined one)"


@pytest.mark.parametrize(("name", "names", "meant"), [
    ("pgdata", ["postgres_data"], "postgres_data"),  # an abbreviation
    ("postgres", ["postgres_data", "redis_data"], "postgres_data"),  # a prefix
    ("front_end", ["front-end", "frontend2"], "front-end"),  # `-`/`_`: closer than one typo
    ("db3", ["db1", "db2"], None),  # two as close
    ("data", ["postgres_data", "redis_data"], None),  # a suffix of both
    ("web", ["db"], None),
    ("app", ["application", "apq"], "apq"),  # one typo is closer than a prefix
    ("cache", ["redis"], None),
])
def test_closest(name: str, names: list[str], meant: str | None) -> None:
    assert closest(name, names) == meant


@pytest.mark.parametrize("name", ["db_password", "api_token", "stripe_secret_key", "cache"])
@pytest.mark.parametrize("defined", ["", "secrets:\n  other:\n    file: ./other.txt\n"])
def test_the_printed_advice_for_an_undefined_secret_keeps_its_words(tmp_path: Path, name: str, defined: str) -> None:
    """The output border masks what follows a secret-named key: the advice's `'  db_password:' with its ...` and
    `'secrets:' and under it ...` printed as `define secret 'db_password': *** 'secrets:'***'  db_password:'***...`."""
    (tmp_path / "compose.yaml").write_text(f"services:\n  web:\n    image: nginx\n    secrets:\n      - {name}\n"
                                           + defined)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "DOCKER_HOST": "tcp://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", "--select", "compose-config", "--format",
                           "json"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    (finding,) = json.loads(done.stdout)["findings"]
    where = "under the top-level 'secrets' of" if defined else "in a new top-level 'secrets' section of"
    assert finding["fix"]["title"] == (f"define secret '{name}' {where} compose.yaml, with its 'file' or "
                                       "'environment' (or name a defined one)"), finding["fix"]
    assert "***" not in done.stdout


@pytest.mark.parametrize("brk", ["\u2028", "\x85", "\u2029"])
def test_a_line_break_python_counts_in_a_quoted_value_leaves_the_rename_at_its_line(tmp_path: Path, brk: str) -> None:
    """U+2028, NEL and U+2029 inside a quoted value (compose loads it) end no line of the file: the rename two lines
    below is found at its own line and applied in one run (str.splitlines had the fixer read the line above it,
    and refuse the fix as stale)."""
    compose = tmp_path / "compose.yaml"
    written = (f'services:\n  web:\n    image: busybox\n    labels:\n      note: "first{brk}second"\n'
               "    volumes:\n      - pgdata:/data\nvolumes:\n  postgres_data:\n")
    compose.write_text(written, encoding="utf-8")
    engine = FakeEngine(tmp_path / "e.sock", {"/info": LINUX})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": engine.url}
    try:
        (finding,) = _references(tmp_path, env)
        assert finding.location is not None and finding.location.line == 7
        assert finding.fix is not None and finding.fix.title.startswith("did you mean 'postgres_data'?")
        ours = [r for r in _fix(tmp_path, env).results if r.fingerprint.startswith("compose-config/")]
        assert len(ours) == 1 and ours[0].fixed, ours
        assert compose.read_text(encoding="utf-8") == written.replace("- pgdata:", "- postgres_data:")
        assert _references(tmp_path, env) == []
    finally:
        engine.close()
