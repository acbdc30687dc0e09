"""A URL password holding a raw `/`, `?`, `#` or `@`: clients read another host than the one written.

`postgresql://appuser:Sup3r/s3cret@db:5432/app` was read as doctor read any URL, to the first `/`:
the host 'appuser', "names no service (did you mean 'db'?)", and a fix that rewrote the user name
to 'db', leaving the password that broke it. Python's own urllib is the reference here: where
doctor says a client ends the host at a raw character, urllib's hostname is not the host written.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from doctor.checks.service_name_drift import ServiceNameDrift

from doctor.host import Host
from doctor.model import Severity
from doctor.project import Project, ProjectOptions
from doctor.project.env_hosts import host_refs, raw_passwords

RAW = [
    ("postgresql://appuser:Sup3r/s3cret@db:5432/app", "db", "/"),
    ("redis://:pa#ss@cache:6379/0", "cache", "#"),
    ("postgres://u:p?x@db/app", "db", "?"),
    ("postgresql://app:Sup3r/s3cr@t@db:5432/app", "db", "/@"),
    ("postgres://app:p@ss@db/x", "db", "@"),
    ("mongodb://u:p/w@m1:27017,m2:27017/db?x=1", "m1", "/"),
]
CLEAN = [
    "https://example.com/a@b",
    "http://user@host/path@x",
    "https://api.host:8443/v1/users/foo@bar.com",
    "mysql://root:pass@db/x",
    "amqp://guest:guest@rabbit//",
    "postgres://u:p%2Fw%40x@db/app",
    "http://localhost:3000/#/login@x",
    "http://web:8000/?next=/a@b",
]


@pytest.mark.parametrize(("value", "host", "chars"), RAW)
def test_a_raw_character_is_found_and_the_host_is_the_one_written(value: str, host: str, chars: str) -> None:
    assert list(raw_passwords("DATABASE_URL", value)) == [chars]
    assert next(host_refs("DATABASE_URL", value)).host == host
    if chars != "@":  # the claim: urllib (as Node's URL, Go's net/url and libpq) ends the host before it
        assert urlsplit(value).hostname != host


@pytest.mark.parametrize("value", CLEAN)
def test_no_raw_password_where_there_is_none(value: str) -> None:
    assert list(raw_passwords("SOME_URL", value)) == []
    assert next(host_refs("SOME_URL", value)).host == urlsplit(value).hostname


def _findings(root: Path, compose: str, dotenv: str = "") -> list:  # type: ignore[type-arg]
    (root / "compose.yaml").write_text(compose)
    if dotenv:
        (root / ".env").write_text(dotenv)
    project = Project(ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "HOME": str(root)}))
    return list(ServiceNameDrift().run(project, Host(env={})))


def test_a_slash_in_a_written_password_is_an_error_and_no_host_is_rewritten(tmp_path: Path) -> None:
    found = _findings(tmp_path, """services:
  db:
    image: postgres:16
  web:
    image: busybox
    environment:
      DATABASE_URL: postgresql://appuser:Sup3r/s3cret@db:5432/app
""")
    (finding,) = found
    assert finding.severity is Severity.ERROR
    assert finding.location is not None and finding.location.line == 7
    assert finding.message == ("DATABASE_URL's password holds a raw '/': Python's urllib, Node's and Go's URL parsers "
                               "and libpq end the host part at the first '/', so web does not reach 'db'")
    assert finding.fix is not None and not finding.fix.edits
    assert finding.fix.title == "percent-encode the password in DATABASE_URL: '/' as %2F"
    assert "s3cret" not in finding.message + finding.fix.title


def test_an_interpolated_password_is_named_at_its_env_line_once_for_every_service(tmp_path: Path) -> None:
    url = "postgresql://app:${POSTGRES_PASSWORD}@db:5432/app"
    found = _findings(tmp_path, f"""services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD}}
  web:
    image: busybox
    environment:
      DATABASE_URL: {url}
  worker:
    image: busybox
    environment:
      DATABASE_URL: {url}
""", "APP=x\nPOSTGRES_PASSWORD=ab@cd\n")
    (finding,) = found
    assert finding.severity is Severity.WARNING  # an `@` alone: urllib, Node and Go still read 'db'
    assert finding.location is not None and (finding.location.path.name, finding.location.line) == (".env", 2)
    assert finding.subject == "web,worker:DATABASE_URL:password"
    assert "DATABASE_URL's password (from POSTGRES_PASSWORD) holds a raw '@'" in finding.message
    assert finding.fix is not None and "choose a password without '@'" in finding.fix.title
    assert "'@' as %40" in finding.fix.title


def test_encoded_and_ordinary_passwords_are_not_reported(tmp_path: Path) -> None:
    environment = "".join(f"      URL_{i}: {value}\n" for i, value in enumerate(CLEAN))
    found = _findings(tmp_path, f"""services:
  db:
    image: postgres:16
  web:
    image: busybox
    environment:
      DATABASE_URL: postgresql://app:p%2Fw%40x@db:5432/app
{environment}""")
    assert [f for f in found if f.subject.endswith(":password")] == []
    assert [f for f in found if f.severity > Severity.INFO] == []  # 'host' and the like: names of no service, info


def test_an_env_file_line_its_reader_overrides_in_environment_is_not_drift(tmp_path: Path) -> None:
    """linkwarden/linkwarden: every service loads .env; the app sets DATABASE_URL in its own
    `environment:` (`@postgres`), so .env's `DATABASE_URL=...@db` reaches only postgres and
    meilisearch, which never dial it: an error on a stack that starts. Another line no service
    overrides is still judged."""
    found = _findings(tmp_path, """services:
  postgres:
    image: postgres:16-alpine
    env_file: .env
  linkwarden:
    image: ghcr.io/linkwarden/linkwarden:latest
    env_file: .env
    environment:
      - DATABASE_URL=postgresql://postgres:${POSTGRES_PASSWORD}@postgres:5432/postgres
  meilisearch:
    image: getmeili/meilisearch:v1.12.8
    env_file: .env
""", "POSTGRES_PASSWORD=pw\nDATABASE_URL=postgresql://postgres:pw@db:5432/postgres\nREDIS_HOST=redis-cache\n")
    assert [(f.subject, f.message) for f in found] == [
        ("linkwarden,meilisearch,postgres:REDIS_HOST", "REDIS_HOST=redis-cache names no service on the network")]


def test_a_host_of_a_server_no_peer_runs_lists_no_unrelated_peer(tmp_path: Path) -> None:
    """testdrivenio/django-on-docker with `CELERY_BROKER=amqp://guest:***@rabbit:5672//` and only a
    postgres `db` beside it: 'point CELERY_BROKER at a service: 'db'' read as a suggestion."""
    (finding,) = _findings(tmp_path, """services:
  db:
    image: postgres:16
  web:
    image: busybox
    environment:
      CELERY_BROKER: amqp://guest:guest@rabbit:5672//
""")
    assert finding.severity is Severity.INFO and finding.fix is not None
    assert finding.fix.title == ("no service on the networks of 'web' runs rabbitmq: add one named 'rabbit', or point "
                                 "CELERY_BROKER at a rabbitmq server it can reach")


def test_a_host_the_key_names_lists_no_unrelated_peer(tmp_path: Path) -> None:
    """getredash/redash with `REDASH_STATSD_HOST=statsd` (an optional metrics server the project
    does not run): 'point REDASH_STATSD_HOST at a service: 'scheduler', 'worker', 'redis', ...'
    named services that are no statsd; a key whose host is a peer's name keeps the list."""
    (finding,) = _findings(tmp_path, """services:
  redis:
    image: redis
  worker:
    image: busybox
  server:
    image: busybox
    environment:
      REDASH_STATSD_HOST: statsd
""")
    assert finding.fix is not None
    assert finding.fix.title == ("no service on the networks of 'server' is named 'statsd' or builds from a statsd/ "
                                 "folder: add one named 'statsd', or point REDASH_STATSD_HOST at the statsd server it "
                                 "can reach")
    (tmp_path / "b").mkdir()
    (listed,) = _findings(tmp_path / "b", """services:
  metrics-statsd:
    image: busybox
  server:
    image: busybox
    environment:
      STATSD_HOST: statsd
""")
    # the one peer whose name ends in the host (1afb1007, DataHub's `gms` beside `datahub-gms`): it is meant
    assert listed.fix is not None and listed.fix.title == "replace 'statsd' by 'metrics-statsd' in STATSD_HOST"
