"""`docker compose up 2>&1 | doctor why` when compose refused the project before creating anything.

Before (trial K1): `docker compose -p trialK1-cms up` printed `invalid project name "trialK1-cms": must consist
only of lowercase ...`; piped into `doctor why` it answered "project 'cms' has no container ... as when it cannot
pull an image" (rc 2) and never named the project name. On litestar, `env file .../.env.local.example not found`
piped in showed the generic `no container: compose created none`, and the count line said `1 of 6 services failed
(and a fault of them all) · 2 explained by a finding (5 not started)`: a service whose Dockerfile is missing was
counted as failed, though compose refused the whole project at its env file first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.model import Finding, Location, Severity
from doctor.why.diagnose import ALL_SERVICES, Diagnosis, Explained
from doctor.why.refused import REFUSED, refusal, refusal_causes
from doctor.why.render import count_line
from doctor.why.symptoms import line_symptom

# compose v2.40.3's own words, as captured
REFUSALS = [
    'invalid project name "trialK1-cms": must consist only of lowercase alphanumeric characters, hyphens, and '
    "underscores as well as start with a letter or number",
    "env file /work/ls/tools/.env.local.example not found: stat /work/ls/tools/.env.local.example: no such file or "
    "directory",
    "couldn't find env file: /tmp/p/nope.env",
    "yaml: line 1: did not find expected key",
    "validating /tmp/p/compose.yaml: services.web.ports must be a array",
    "validating /tmp/p/compose.yaml: services.web additional properties 'foo' not allowed",
    'service "web" refers to undefined network nope: invalid compose project',
    'service "web" depends on undefined service "db": invalid compose project',
    "no configuration file provided: not found",
    "error while interpolating services.web.image: required variable TAG is missing a value: TAG must be set",
    'external volume "proj_data" not found',
    "invalid hostPort: abc",
    "no such service: nosuch",
]


def _why(root: Path, text: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # no engine: compose's refusal is the answer without one
    environ = {**os.environ, "DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": str(root), **(env or {})}
    environ.pop("COMPOSE_PROJECT_NAME", None)
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args, "."], cwd=root, capture_output=True,
                          text=True, timeout=120, input=text, env=environ)


@pytest.mark.parametrize("line", REFUSALS)
def test_compose_s_refusals_are_read_from_the_piped_output(line: str) -> None:
    assert refusal(f'WARN[0000] The "X" variable is not set. Defaulting to a blank string.\n{line}\n') == line


def test_other_failures_and_a_later_run_that_got_on_are_no_refusal() -> None:
    dns = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'
    assert refusal(f" db Pulling\n db Error {dns}\nError response from daemon: {dns}\n") == ""
    held = ("Error response from daemon: driver failed programming external connectivity on endpoint p-db-1 (e3): "
            "Error starting userland proxy: listen tcp4 0.0.0.0:28765: bind: address already in use\n")
    assert refusal(held) == ""
    assert refusal(f"{REFUSALS[1]}\n ✔ Container p-db-1  Created\n ✘ Container p-db-1  Error\n") == ""


def _finding(subject: str, message: str, check: str = "compose-config") -> Finding:
    return Finding(check, Severity.ERROR, message, Location(Path("compose.yaml"), 4), subject)


def test_the_findings_that_explain_a_refusal() -> None:
    env = "env file /p/.env.local not found"
    build = _finding("build:app:Dockerfile", "'app' builds from docker/Dockerfile, which does not exist: up fails")
    one, two = _finding(f"env-file:{env}", env), _finding(f"env-file:{env}@compose.override.yaml:9", env)
    assert refusal_causes(f"{env}: stat /p/.env.local: no such file or directory", [build, one, two]) == [one, two]
    # compose's quotes are `"`, doctor's `'`
    ref = _finding("reference:service 'web' refers to undefined network nope", "service 'web' ...")
    undefined = 'service "web" refers to undefined network nope: invalid compose project'
    assert refusal_causes(undefined, [build, ref]) == [ref]
    # a YAML error: compose's line and doctor's differ in words; the kind says it
    yaml = _finding("yaml:yaml: did not find expected key", "yaml: did not find expected key")
    assert refusal_causes("yaml: line 1: did not find expected key", [build, yaml]) == [yaml]
    # a project name: only a finding naming it, never another fault of the same kind
    schema = _finding("schema:services.web.ports must be a array", "services.web.ports must be a array")
    named = _finding("schema:invalid project name 'Bad' (COMPOSE_PROJECT_NAME in .env): ...",
                     "invalid project name 'Bad' (COMPOSE_PROJECT_NAME in .env): use only lowercase ...")
    line = 'invalid project name "Bad": must consist only of lowercase alphanumeric characters'
    assert refusal_causes(line, [schema, build]) == [] and refusal_causes(line, [schema, named]) == [named]


def test_the_count_line_says_compose_refused_the_project() -> None:
    line = REFUSALS[1]
    symptom = line_symptom(ALL_SERVICES, "", "refused by compose", 0, line, [REFUSED])
    causes = tuple(Explained("compose-config", Severity.ERROR, "env file ...", None, f"env-file:{n}", None, symptom)
                   for n in range(3))
    start, end = REFUSED.span(line)
    shown = [Diagnosis(ALL_SERVICES, None, (symptom,), causes, from_text=True, refused=line[start:end]),
             Diagnosis("app", None, from_text=True, text_state="not started: compose refused the project"),
             Diagnosis("db", None, from_text=True, text_state="not started: compose refused the project")]
    assert count_line(shown) == ("compose refused the project: env file /work/ls/tools/.env.local.example not found "
                                 "· explained by compose-config (3 findings) · 2 services not started")


LITESTAR = """\
services:
  app:
    build:
      context: .
      dockerfile: docker/dev/Dockerfile
    env_file: ../.env.local.example
  worker:
    image: busybox
    env_file: ../.env.local.example
  db:
    image: postgres:16
"""


def test_a_missing_env_file_piped_in_is_compose_refusing_the_project(tmp_path: Path) -> None:
    root = tmp_path / "deploy"
    root.mkdir()
    (root / "compose.yaml").write_text(LITESTAR)
    missing = tmp_path / ".env.local.example"
    line = f"env file {missing} not found: stat {missing}: no such file or directory"
    done = _why(root, line + "\n")
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ (all services)  compose refused the project before creating any container, in the piped output" in out
    assert f"    symptom  {line}" in out, out
    assert "compose created none" not in out, out
    # one cause for app's and worker's env_file lines: compose's one refusal, at the first line
    assert out.count("    cause    compose-config  compose.yaml:") == 1, out
    assert "env file ../.env.local.example not found: 'app', 'worker' load it" in out, out
    # compose refused the whole project: no service is listed one by one (each was "not started: compose refused
    # the project", and app's missing Dockerfile no fault of its own); the count line says how many
    assert "- app" not in out and "- db" not in out and "not started: compose refused" not in out, out
    assert out.rstrip().endswith(f"compose refused the project: env file {missing} not found · explained by "
                                 "compose-config · 3 services not started"), out
    assert "services failed" not in out, out
    alone = _why(root, line + "\n", "--service", "db")
    assert alone.returncode == 1 and "- app" not in alone.stdout, alone
    assert alone.stdout.rstrip().endswith("· 1 service not started"), alone.stdout


def test_an_invalid_project_name_piped_in_is_explained_by_the_name_and_the_rule(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n  db:\n    image: postgres:16\n")
    done = _why(tmp_path, REFUSALS[0] + "\n")
    assert done.returncode == 1, done
    out = done.stdout
    assert f"    symptom  {REFUSALS[0]}" in out, out
    assert "    cause    compose refused the project name 'trialK1-cms': a project name takes only lowercase" in out
    assert "`-p trialK1-cms` or COMPOSE_PROJECT_NAME=trialK1-cms gave it to `up`" in out, out
    assert "    fix      name the project 'trialk1-cms': `docker compose -p trialk1-cms up`" in out, out
    assert "- web" not in out and "not started: compose refused the project" not in out, out
    assert out.rstrip().endswith('compose refused the project: invalid project name "trialK1-cms" · explained above '
                                 "· 2 services not started"), out
    assert "has no container" not in done.stderr and "pull" not in done.stderr, done.stderr


def test_an_invalid_project_name_this_folder_gives_is_compose_config_s_finding(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    (tmp_path / ".env").write_text("COMPOSE_PROJECT_NAME=Bad_Name\n")
    done = _why(tmp_path, 'invalid project name "Bad_Name": must consist only of lowercase alphanumeric characters, '
                          "hyphens, and underscores as well as start with a letter or number\n")
    assert done.returncode == 1, done
    assert "    cause    compose-config  .env:1\n" in done.stdout, done.stdout
    assert "explained by compose-config ·" in done.stdout, done.stdout


def test_a_network_clash_is_no_finding_naming_a_service_called_like_the_other_project() -> None:
    """compose's `network temporal-network was found but has incorrect label com.docker.compose.network set to
    "temporal" (expected: "temporal-network")`: its names are why's own cause (network_clash), not the cause of a
    finding that names a service 'temporal' (a review's finding: such a finding took the clash's place)."""
    clash = ('network temporal-network was found but has incorrect label com.docker.compose.network set to '
             '"temporal" (expected: "temporal-network")')
    named = _finding("reference:service 'temporal' refers to undefined volume data", "service 'temporal' ...")
    assert refusal_causes(clash, [named]) == []
