"""service-name-drift, leaked-host-port, missing-mount and env-drift stay quiet on real projects.

Every variant of ../shared/corpus is copied to a temporary directory with placeholders for the
bind sources that exist upstream (bind-sources*.tsv: `file` / `dir`; `missing` ones stay
missing, as in a fresh clone), then run through doctor's own loader and engine with the
variant's files and environment. No finding at warning or error may appear except the real
faults listed in KNOWN_REAL, each verified by hand; the test also fails when one of those is no
longer found, so the list cannot rot into a blanket exemption.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.model import Severity, Status
from doctor.project import ProjectOptions

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCTOR_SHARED", REPO.parent / "shared"))
VARIANTS_FILE = SHARED / "corpus" / "variants.json"
VARIANTS: list[dict[str, Any]] = json.loads(VARIANTS_FILE.read_text()) if VARIANTS_FILE.is_file() else []
IDS = [f"{v['slug']}/{v['dir']}/{v['variant']}" for v in VARIANTS]
# without ../shared, one placeholder: its shared_dir fixture skips it with the one line that says why
ALL = [pytest.param(v, id=i) for v, i in zip(VARIANTS, IDS, strict=True)] or [pytest.param(None, id="no-shared")]
CHECKS = ("service-name-drift", "leaked-host-port", "missing-mount", "env-drift", "dotenv-override",
          "script-line-endings", "runtime-drift", "image-availability", "compose-version", "volume-shadowing",
          "host-gateway")

# Real faults, (check, subject) per "slug/dir/variant", each verified against upstream:
KNOWN_REAL: dict[str, set[tuple[str, str]]] = {
    # No .env upstream: ./generate_config.sh writes mailcow.conf and links .env to it. Until then
    # `docker compose config` itself warns "The "DBPASS" variable is not set" for each of these.
    "mailcow__mailcow-dockerized/./default": {
        ("env-drift", name)
        for name in ("TZ", "DBROOT", "DBNAME", "DBUSER", "DBPASS", "REDISPASS", "MAILCOW_HOSTNAME", "ADDITIONAL_SAN")
    },
    # (langfuse's build variant: the build arg `NEXT_PUBLIC_LANGFUSE_CLOUD_REGION` is unset, and compose
    # warns; but web/Dockerfile declares the ARG with no default and tests `[ -n "$..." ]`: empty and
    # unset build alike, self-hosted: an info, no warning.)
    # The nginx variant bind-mounts ./volumes/web/cert/cert.pem and key-no-password.pem, which the
    # README says to create first; absent, docker creates two root-owned directories and nginx
    # fails to load its certificate.
    "mattermost__docker/./nginx": {
        ("missing-mount", "nginx:volumes/web/cert/cert.pem"),
        ("missing-mount", "nginx:volumes/web/cert/key-no-password.pem"),
    },
    # gearman/defaults.env sets GEARMAN_MYSQL_HOST=localhost next to GEARMAN_MYSQL_PORT=3306: with
    # the documented GEARMAN_QUEUE_TYPE=MySQL, gearmand dials its own container instead of the
    # mysql/mariadb service (latent: the shipped queue type is builtin).
    "laradock__laradock/./default": {("leaked-host-port", "gearman:GEARMAN_MYSQL_HOST")},
    # nextcloud/docker's examples ship the database password empty for the user to fill in (their
    # README: "Make sure to pass in values for MYSQL_ROOT_PASSWORD and MYSQL_PASSWORD variables before
    # you run this setup"): db.env's `POSTGRES_PASSWORD=`, compose's `MYSQL_ROOT_PASSWORD=`. As
    # shipped, the postgres and mariadb entrypoints refuse the empty data volume ("Database is
    # uninitialized and superuser password is not specified") and db exits.
    **{f"nextcloud__docker/.examples/docker-compose/{setup}/{db}/{web}/default": {
        ("env-drift", "db:image-needs:" + ("POSTGRES_PASSWORD" if db == "postgres" else "MYSQL_ROOT_PASSWORD"))}
       for setup in ("insecure", "with-nginx-proxy") for db in ("mariadb", "postgres") for web in ("apache", "fpm")},
}


def prepare(variant: dict[str, Any], root: Path) -> Path:
    """A writable copy of the variant's repository with its upstream bind sources as placeholders."""
    copy = root / variant["slug"]
    if not copy.exists():
        shutil.copytree(SHARED / "corpus" / variant["slug"], copy)
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    project_dir = copy / variant["dir"]
    name = "bind-sources.tsv" if variant["variant"] == "default" else f"bind-sources.{variant['variant']}.tsv"
    manifest = project_dir / name
    rows = list(csv.reader(manifest.open(), delimiter="\t"))[1:] if manifest.is_file() else []
    for _service, source, _target, _create, kind in rows:
        path = project_dir / source
        if kind == "dir":
            path.mkdir(parents=True, exist_ok=True)
        elif kind == "file" and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
    return project_dir


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    return tmp_path_factory.mktemp("corpus")


@pytest.mark.parametrize("variant", ALL)
def test_no_false_alarm_on_real_projects(variant: dict[str, Any], corpus_copy: Path) -> None:
    project_dir = prepare(variant, corpus_copy)
    files = tuple(project_dir / f for f in variant["files"]) if variant["explicit_files"] else ()
    # HOME outside the project: `~/.laradock/data` is a host path, not a folder of the checkout.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(corpus_copy / "home"), **variant["env"]}
    options = ProjectOptions(path=project_dir, files=files, env=env)
    report = preflight(RunOptions(project=options, select=CHECKS, env=env), load_registry()).report
    crashed = [(r.check, r.reason) for r in report.results if r.check in CHECKS and r.status is Status.ERROR]
    assert crashed == []
    loud = {(f.check, f.subject) for f in report.findings if f.check in CHECKS and f.severity >= Severity.WARNING}
    key = f"{variant['slug']}/{variant['dir']}/{variant['variant']}"
    assert loud == KNOWN_REAL.get(key, set())


def test_known_real_faults_name_real_variants(shared_dir: Path) -> None:
    assert set(KNOWN_REAL) <= set(IDS)
