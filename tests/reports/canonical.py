"""The canonical report every reporter renders (tests/reports/expected.<format>).

It covers each shape a reporter must handle: passed, failed with findings with and without a
location (and with a file but no line), a fix made of edits (a replacement, an append, and an
append whose text holds a secret), a command fix, skipped with a reason, a crashed check, a
suppressed finding, and messages holding a URL password and a PASSWORD=value, which must come
out masked in every format.
"""

from __future__ import annotations

from pathlib import Path

from doctor.engine import Report, Suppressed
from doctor.model import CheckResult, Edit, Finding, Fix, Location, Safety, Severity, Status

PLACEHOLDER = "/PROJECT"
SECRETS = ("s3cretvalue", "hunter2", "abcd1234efgh", "tok-abcdef123")

COMPOSE = """\
services:
  api:
    build: .
    env_file: .env
    ports:
      - "8000:8000"
  db:
    image: postgres:16
"""
DOTENV = """\
POSTGRES_SERVER=postgresserver
POSTGRES_PASSWORD=s3cretvalue
DATABASE_URL=postgres://app:hunter2@postgresserver:5432/app
"""
DRIFT_DOC = """\
hosts in env values and URLs that name no service on the network

What it finds
    A host in an env value (POSTGRES_SERVER, DATABASE_URL, ...) that is no service, alias,
    container_name or hostname on the compose network.

Example
    POSTGRES_PASSWORD=example
    POSTGRES_SERVER=postgresserver

Fix
    Rewrite the value to the service it most likely means.
"""


def write_project(root: Path) -> Path:
    """Write the project files the canonical findings point into; return the resolved root."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / ".env").write_text(DOTENV)
    (root / "data").mkdir(exist_ok=True)
    return root.resolve()


def canonical_report(root: Path) -> Report:
    """The report, with every path under `root` (a folder made by write_project)."""
    env = root / ".env"
    drift = (
        Finding(
            "service-name-drift",
            Severity.ERROR,
            "POSTGRES_SERVER=postgresserver names no service on the network (did you mean 'db'?)",
            Location(env, 1, 17),
            "POSTGRES_SERVER",
            Fix(
                "rewrite POSTGRES_SERVER to 'db'",
                edits=(Edit(env, "POSTGRES_SERVER=postgresserver", "POSTGRES_SERVER=db", 1),),
            ),
        ),
        Finding(
            "service-name-drift",
            Severity.ERROR,
            "DATABASE_URL=postgres://app:hunter2@postgresserver:5432/app names no service 'postgresserver'",
            Location(env, 3, 14),
            "DATABASE_URL",
            Fix(
                "rewrite the host of DATABASE_URL to 'db'", edits=(Edit(env, "@postgresserver:", "@db:", 3),)
            ),
        ),
    )
    env_drift = (
        Finding(
            "env-drift",
            Severity.WARNING,
            "'REDIS_URL' is in .env.example but not in .env",
            Location(env),
            "REDIS_URL",
            Fix(
                "add REDIS_URL from .env.example", edits=(Edit(env, "", "REDIS_URL=redis://cache:6379/0\n"),)
            ),
        ),
        Finding(
            "env-drift",
            Severity.WARNING,
            "'API_TOKEN' is in .env.example but not in .env",
            Location(env),
            "API_TOKEN",
            Fix("add API_TOKEN from .env.example", edits=(Edit(env, "", "API_TOKEN=tok-abcdef123\n"),)),
        ),
    )
    leaked = Finding(
        "leaked-host-port",
        Severity.WARNING,
        "POSTGRES_PASSWORD=s3cretvalue reaches 'api' via port 5433, the host side of '5433:5432'",
        Location(env, 2),
        "api:POSTGRES_PASSWORD",
    )
    owners = Finding(
        "root-owned-files",
        Severity.WARNING,
        "'data' and 3 files below it are owned by root (uid 0), not by uid 1000",
        Location(root / "data"),
        "data",
        Fix(
            "chown 'data' back to uid 1000",
            Safety.UNSAFE,
            command=("sudo", "chown", "-R", "1000:1000", "data"),
        ),
    )
    path_gap = Finding(
        "path-gap",
        Severity.INFO,
        "'node' is on the login shell's PATH (/opt/homebrew/bin) but not on the inherited PATH",
        None,
        "node",
    )
    results = (
        CheckResult("compose-config", "compose files that compose itself would reject", Status.PASSED),
        CheckResult(
            "env-drift",
            "variables with no value; keys of .env.example missing from .env",
            Status.FAILED,
            env_drift,
        ),
        CheckResult(
            "host-vs-container", "commands run on the host that belong in a container", Status.PASSED
        ),
        CheckResult("leaked-host-port", "a host-side port reaching a container", Status.FAILED, (leaked,)),
        CheckResult(
            "missing-mount",
            "source folders the dev override forgot to mount",
            Status.ERROR,
            reason="RuntimeError: cannot read Dockerfile (token=abcd1234efgh)",
        ),
        CheckResult(
            "path-gap", "tools the login shell finds but a subprocess does not", Status.FAILED, (path_gap,)
        ),
        CheckResult(
            "port-collision",
            "published host ports already bound",
            Status.SKIPPED,
            reason="docker engine unavailable: permission denied on /var/run/docker.sock",
        ),
        CheckResult("root-owned-files", "files in the repo not owned by its owner", Status.FAILED, (owners,)),
        CheckResult(
            "service-name-drift", "hosts in env values and URLs that name no service", Status.FAILED, drift
        ),
    )
    suppressed = (
        Suppressed(
            Finding(
                "env-drift",
                Severity.WARNING,
                "'DEBUG' is in .env.example but not in .env",
                Location(env),
                "DEBUG",
            ),
            "DEBUG is optional",
        ),
    )
    return Report(
        root,
        results,
        docs={"service-name-drift": DRIFT_DOC},
        compose_files=(root / "compose.yaml",),
        suppressed=suppressed,
    )


def normalize(text: str, root: Path) -> str:
    """The output with the machine-specific project path replaced by a placeholder."""
    return text.replace(root.as_uri(), "file://" + PLACEHOLDER).replace(str(root), PLACEHOLDER)
