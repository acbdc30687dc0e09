"""Planted secrets: 40+ shapes through every output doctor has, and not one printed in clear.

One project holds every shape (in `.env`, `environment`, build args, labels, commands,
healthchecks, URLs, an override, an env file outside the project with a malformed line, an
interpolated host port that compose rejects). Each output is searched for every planted
value: the five report formats (stdout and `--output`), `fix --dry-run` and `fix --yes`
(diffs, JSON-free text report), `.doctor-baseline.json`, `info`, `config`, and the full text
of every planted file passed through the project's Redactor (what a diff's context lines
show). The no-wolf cases check that a short or name-like secret does not eat the names that
contain it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from doctor.engine import Registry
from doctor.fix_report import render_fix_report
from doctor.fixer import FixOptions, fix
from doctor.known_secrets import project_redactor
from doctor.model import Check, Edit, Finding, Fix, Location, Safety
from doctor.project import Project, ProjectOptions
from doctor.redact import Redactor, secrets_in_mapping

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
PEM_BODY = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"

# (line of .env, the secret value that must never be printed)
ENV_SHAPES = [
    ("ADMIN_PWD=Adm1nPwdValue", "Adm1nPwdValue"),
    ("SMTP_PASS=SmtpPassValue9", "SmtpPassValue9"),
    ("GH_PAT=ghp_Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789", "ghp_Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789"),
    ("CI_NOTE=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG0123456789_abcdefghij"),
    ("SENTRY_DSN=https://PubKeyDsn0123456789@o1.ingest.sentry.io/1", "PubKeyDsn0123456789"),
    (f"SESSION_JWT={JWT}", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0AAAA/B0BBBB/SlackHookSecret123", "SlackHookSecret123"),
    ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLQ", "AKIAIOSFODNN7EXAMPLQ"),
    ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("SLACK_BOT=xoxb-1234567890-ABCDEFGHIJklmn", "xoxb-1234567890-ABCDEFGHIJklmn"),
    ("PAYMENTS=sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("LLM=sk-proj-abcdefghijklmnopqrstuvwx", "sk-proj-abcdefghijklmnopqrstuvwx"),
    ("MAPS=AIzaSyA1234567890abcdefghijklmnopqrstuv", "AIzaSyA1234567890abcdefghijklmnopqrstuv"),
    ("GITLAB=glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789"),
    ("NPM_AUTH=npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
    ('DB_PASSWORD="quoted pass with spaces"', "quoted pass with spaces"),
    ("API_KEY='SingleQuotedKey77'", "SingleQuotedKey77"),
    ("export EXPORTED_SECRET=ExportedSecret42", "ExportedSecret42"),
    ("DATABASE_URL=postgres://app:EnvUrlPass55@db/app", "EnvUrlPass55"),
    ("GPG_PASSPHRASE=GpgPassphrase31", "GpgPassphrase31"),
    ("CLIENT_SECRET=ClientSecret8f2", "ClientSecret8f2"),
    ("dbPassword=CamelCasePw71", "CamelCasePw71"),
    ("AUTH_TOKEN=AuthTok_3a9Zq", "AuthTok_3a9Zq"),
    ("MONGO_INITDB_ROOT_PASSWORD=MongoRootPw62", "MongoRootPw62"),
    ("MAIL=SG.abcdefghijklmnopqr.stuvwxyz0123456789AB", "SG.abcdefghijklmnopqr.stuvwxyz0123456789AB"),
    ("JWT_SIGNING_KEY=SigningKey!77x", "SigningKey!77x"),
    ("REDIS_PW=Zq9!", "Zq9!"),
    ("WEIRD_TOKEN=HostPortTok87", "HostPortTok87"),
    (f'TLS_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"', PEM_BODY),
    ("VAULT_CREDENTIALS=hvs.VaultCred123456", "hvs.VaultCred123456"),
]

COMPOSE = """\
x-secrets:
  VAULT_TOKEN: hvs.XVaultTok99887
services:
  cache:
    image: redis:7
    command: ["redis-server", "--requirepass", "ReqPassCmd44"]
    healthcheck:
      test: ["CMD", "redis-cli", "-a", "HcRedisPw991", "ping"]
  web:
    build:
      context: .
      args:
        NPM_TOKEN: BuildArgTok77
        PIP_INDEX_URL: https://user:PipIdxPass3@pypi.example.com/simple
    image: conductor-web
    labels:
      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/"
    environment:
      POSTGRES_PASSWORD: PgEnvPass81
      REDIS_URL: redis://cach:6379/0
      REDIS_HOST: localhost
    ports:
      - "6390:80"
      - "${WEIRD_TOKEN}:81"
    env_file: [.env, ../outside.env]
    healthcheck:
      test: 'curl -fsS -H "Authorization: Bearer BearerTok0987654" -u admin:CurlUserPw66 http://localhost/'
  worker:
    image: conductor-worker
    environment:
      - API_SECRET=ListEnvSecret5
    command:
      - mongosh
      - -p
      - MongoBlockPw5
      - --password=LongFlagPw22
  db:
    image: mysql:8
    environment:
      MYSQL_PASSWORD: conductor
    ports:
      - "6390:3306"
    healthcheck:
      test: mysqladmin ping -h localhost -pMyHcPass123
"""

OVERRIDE = """\
services:
  web:
    environment:
      OVERRIDE_TOKEN: OverrideTok5521
    command: sh -c "mysql -uroot -pOvrCmdPw31 app"
"""

COMPOSE_SHAPES = [
    "hvs.XVaultTok99887", "ReqPassCmd44", "HcRedisPw991", "BuildArgTok77", "PipIdxPass3", "IgXLP6ewTrSuBkTrqE8wj",
    "PgEnvPass81", "BearerTok0987654", "CurlUserPw66", "ListEnvSecret5", "MongoBlockPw5", "LongFlagPw22",
    "MyHcPass123", "OverrideTok5521", "OvrCmdPw31",
]
OUTSIDE_SHAPES = ["OutsideTok321"]
SECRETS = [value for _, value in ENV_SHAPES] + COMPOSE_SHAPES + OUTSIDE_SHAPES


def make_project(base: Path) -> Path:
    root = base / "conductor"
    root.mkdir(parents=True)
    # fixable lines between the secrets, so the fix diff's context lines show every .env line
    lines: list[str] = []
    for index, (line, _) in enumerate(ENV_SHAPES):
        if index % 4 == 0:
            lines.append(f"CACHE{index}_HOST=cach")
        lines.append(line)
    (root / ".env").write_text("\n".join(lines) + "\n")
    (root / ".env.example").write_text("NEW_SETTING=1\n")
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "compose.override.yaml").write_text(OVERRIDE)
    (base / "outside.env").write_text("OUTSIDE_TOKEN OutsideTok321\nPLAIN=1\n")
    return root


def doctor(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text or json.dumps(secret)[1:-1] in text]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("planted")
    root = make_project(base)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT")}
    env.update(NO_COLOR="1", HOME=str(base / "home"), XDG_STATE_HOME=str(base / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-planted.sock", CI_JOB_TOKEN="ShellEnvTok5544")
    return root, env


def test_at_least_forty_shapes_are_planted() -> None:
    assert len(set(SECRETS)) == len(SECRETS) >= 40


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_no_format_prints_a_planted_secret(planted: tuple[Path, dict[str, str]], fmt: str) -> None:
    root, env = planted
    out = root.parent / f"report.{fmt}"
    done = doctor("preflight", "--format", fmt, "--output", str(out), ".", cwd=root, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert "invalid hostPort" in done.stdout + out.read_text()  # the compose-config message is there, masked
    assert leaks(done.stdout + done.stderr) == []
    assert leaks(out.read_text()) == []
    if fmt in ("json", "sarif"):
        json.loads(out.read_text())  # masking never breaks the document


def test_fix_dry_run_and_json_edits_print_no_secret(planted: tuple[Path, dict[str, str]],
                                                     tmp_path: Path) -> None:
    root, env = planted
    # compose rejects the project (a secret as a host port, a key with a space in ../outside.env): the
    # fix edits nothing, and its line quoting compose's words shows no secret
    refused = doctor("fix", "--dry-run", ".", cwd=root, env=env)
    assert "doctor fix edits nothing while compose cannot read" in refused.stdout, refused.stdout + refused.stderr
    assert leaks(refused.stdout + refused.stderr) == []
    copy = tmp_path / "planted"  # the same project with those two lines as compose reads them: the diffs
    shutil.copytree(root.parent, copy, symlinks=True)
    fixed = copy / root.name
    compose = (fixed / "compose.yaml").read_text()
    (fixed / "compose.yaml").write_text(compose.replace('      - "${WEIRD_TOKEN}:81"\n', ""))
    (copy / "outside.env").write_text("OUTSIDE_TOKEN=OutsideTok321\nPLAIN=1\n")
    done = doctor("fix", "--dry-run", ".", cwd=fixed, env=env)
    assert "--- a/.env" in done.stdout, done.stdout + done.stderr
    assert leaks(done.stdout + done.stderr) == []
    report = doctor("preflight", "--format", "json", ".", cwd=root, env=env)
    edits = [e for f in json.loads(report.stdout)["findings"] if f["fix"] for e in f["fix"]["edits"]]
    assert edits and leaks(json.dumps(edits)) == []


def test_baseline_info_and_config_print_no_secret(planted: tuple[Path, dict[str, str]]) -> None:
    root, env = planted
    done = doctor("baseline", ".", cwd=root, env=env)
    assert done.returncode == 0, done.stderr
    baseline = (root / ".doctor-baseline.json").read_text()
    assert "hostPort" in baseline and leaks(baseline) == []
    (root / ".doctor-baseline.json").unlink()
    (root / "doctor.yaml").write_text(
        "suppressions:\n  - check: env-drift\n    subject: X\n    reason: 'DB_PASSWORD=Adm1nPwdValue was old'\n")
    try:
        config = doctor("config", ".", cwd=root, env=env)
    finally:
        (root / "doctor.yaml").unlink()
    assert config.returncode == 0, config.stderr
    assert leaks(config.stdout + config.stderr) == []
    info_env = {**env, "DOCKER_HOST": "tcp://user:DockerHostPw9@127.0.0.1:1",
                "PATH": f"/opt/ghp_Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789/bin:{env.get('PATH', '')}"}
    for args in (("info",), ("info", "--json")):
        info = doctor(*args, cwd=root, env=info_env)
        assert "DockerHostPw9" not in info.stdout and leaks(info.stdout + info.stderr) == []


def test_fix_yes_diffs_and_backups_print_no_secret(tmp_path: Path, planted: tuple[Path, dict[str, str]]) -> None:
    _, env = planted
    root = make_project(tmp_path)
    env = {**env, "HOME": str(tmp_path / "home"), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = doctor("fix", "--yes", ".", cwd=root, env=env)
    assert "backed up" in done.stdout or "applied" in done.stdout, done.stdout + done.stderr
    assert leaks(done.stdout + done.stderr) == []


def test_every_planted_file_comes_out_masked_whole(planted: tuple[Path, dict[str, str]]) -> None:
    """What a diff's context lines or a JSON edit's old/new text show: the whole file, through the border."""
    root, env = planted
    redactor = project_redactor(Project(ProjectOptions(path=root, env=env)))
    for path in (root / ".env", root / "compose.yaml", root / "compose.override.yaml", root.parent / "outside.env"):
        text = path.read_text()
        masked = redactor.text(text)
        assert leaks(masked) == [], path.name
        assert leaks(redactor.text(json.dumps(text))) == [], path.name
    assert "conductor-web" in redactor.text(COMPOSE)  # no wolf: the password 'conductor' keeps its names


NAMES = ("conductor-redis", "conductor-web", "redis", "redis-cache", "postgres", "db")


@pytest.mark.parametrize(
    ("secret_env", "text", "expected"),
    [
        ({"MYSQL_PASSWORD": "conductor"}, "service 'conductor-redis' is down", "service 'conductor-redis' is down"),
        ({"MYSQL_PASSWORD": "conductor"}, "MYSQL_PASSWORD=conductor", "MYSQL_PASSWORD=***"),
        ({"REDIS_PW": "Zq9!"}, "invalid hostPort: Zq9!", "invalid hostPort: ***"),
        ({"ADMIN_PWD": "x9Secret"}, "invalid hostPort: x9Secret:80", "invalid hostPort: ***:80"),
        ({"PW": "disabled"}, "_APP_OPTIONS_ABUSE=disabled", "_APP_OPTIONS_ABUSE=disabled"),
        ({}, "CASSANDRA_NUM_TOKENS=256 _APP_WEBHOOK_MAX_FAILED_ATTEMPTS=10",
         "CASSANDRA_NUM_TOKENS=256 _APP_WEBHOOK_MAX_FAILED_ATTEMPTS=10"),
        ({}, "APP_WEBHOOK_URL=http://appwrite/v1", "APP_WEBHOOK_URL=http://appwrite/v1"),
        ({}, "HOOK_WEBHOOK_URL=https://ci.example.com/hooks/Zx81kfpQ03nnd92kd8AAqz",
         "HOOK_WEBHOOK_URL=***"),
        ({"DB_PASS": "redis"}, "image redis:7 for redis-cache", "image redis:7 for redis-cache"),
        ({"POSTGRES_PASSWORD": "postgres"}, "postgres://postgres:postgres@db/postgres",
         "postgres://postgres:***@db/postgres"),
        ({"API_TOKEN": "abcd"}, "abcdef and xabcd stay", "abcdef and xabcd stay"),
        ({"AUTH_ENABLED": "true"}, "healthy: true", "healthy: true"),
        ({"REDIS_PORT": "6379"}, "port 6379 is busy", "port 6379 is busy"),
        ({}, "PWD=/home/me and POSTGRES_PASSWORD_FILE=/run/secrets/db",
         "PWD=/home/me and POSTGRES_PASSWORD_FILE=/run/secrets/db"),
        ({}, "KEYCLOAK_URL=http://auth:8080 and REDIS_HOST=cache",
         "KEYCLOAK_URL=http://auth:8080 and REDIS_HOST=cache"),
        ({}, "DATABASE_DSN=postgres://db/app", "DATABASE_DSN=postgres://db/app"),
        ({}, "use Bearer authentication", "use Bearer authentication"),
        # getsentry/self-hosted: AWS_SECRET_ACCESS_KEY=sentry names the folder of the files doctor reports
        ({"AWS_SECRET_ACCESS_KEY": "sentry"}, "sentry/enhance-image.sh:1 and ./sentry/sentry.conf.py",
         "sentry/enhance-image.sh:1 and ./sentry/sentry.conf.py"),
        ({"AWS_SECRET_ACCESS_KEY": "sentry"}, "secret key is sentry.", "secret key is ***."),
        # settings code reading the secret, quoted as a diff's context line (plane's settings)
        ({}, 'SECRET_KEY = os.environ.get("SECRET_KEY", get_random_secret_key())',
         'SECRET_KEY = os.environ.get("SECRET_KEY", get_random_secret_key())'),
        ({}, "SECRET_KEY = env('SECRET_KEY')", "SECRET_KEY = env('SECRET_KEY')"),
        ({}, "apiKey: process.env.API_KEY,", "apiKey: process.env.API_KEY,"),
        ({}, "DB_PASSWORD=hunter(2)", "DB_PASSWORD=***)"),
        # airflow's class path under a key whose last word names the code that handles auth
        ({}, "AIRFLOW__CORE__AUTH_MANAGER: airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
         "AIRFLOW__CORE__AUTH_MANAGER: airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"),
    ],
)
def test_no_wolf(secret_env: dict[str, str], text: str, expected: str) -> None:
    assert Redactor(secrets_in_mapping(secret_env), NAMES).text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "args:\n  NPM_TOKEN: BuildArgTok77\n",
        "environment:\n  - API_SECRET=ListEnvSecret5",
        '{"dbPassword": "CamelCasePw71"}',
        "test: [\"CMD\", \"redis-cli\", \"-a\", \"HcRedisPw991\", \"ping\"]",
    ],
)
def test_key_pattern_stays_on_its_line(text: str) -> None:
    masked = Redactor().text(text)
    assert leaks(masked) == [] and masked.count("***") == 1
    assert masked.split("***")[0].count("\n") == text.split(next(s for s in SECRETS if s in text))[0].count("\n")


class LeakyPrompt(Check):
    """Fake check whose unsafe fix's message quotes a secret value"""

    id: ClassVar[str] = "env-drift"

    def run(self, project: Any, host: Any) -> Iterator[Finding]:
        env = project.root / ".env"
        yield self.finding("DB_PASSWORD is Adm1nPwdValue, and GH_PAT too", Location(env, 1), "DB_PASSWORD",
                           Fix("rotate Adm1nPwdValue", Safety.UNSAFE, (Edit(env, "", "X=1\n"),)))


def test_prompts_print_no_secret(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    (root / ".env").write_text("DB_PASSWORD=Adm1nPwdValue\n")
    env = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state"), "PATH": os.environ.get("PATH", "")}
    asked: list[str] = []

    def ask(question: str) -> bool:
        asked.append(question)
        return False

    options = FixOptions(project=ProjectOptions(path=root, env=env), env=env, interactive=True, ask=ask)
    report = fix(options, Registry({LeakyPrompt.id: LeakyPrompt}))
    assert asked and report.results[0].reason == "declined"
    assert leaks("\n".join(asked) + render_fix_report(report)) == []


def test_a_value_the_project_shows_in_the_clear_is_masked_by_shape_only(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_USER: root\n"
        "      MYSQL_ROOT_PASSWORD: root\n      MYSQL_PASSWORD: changethis\n")
    redactor = project_redactor(Project(ProjectOptions(path=tmp_path, env={})))
    assert redactor.text("MYSQL_USER=root, MYSQL_ROOT_PASSWORD=root") == "MYSQL_USER=root, MYSQL_ROOT_PASSWORD=***"
    assert redactor.text("value 'changethis' in db") == "value '***' in db"



def test_a_secret_also_written_under_a_plain_key_is_masked_there_too(tmp_path: Path) -> None:
    # POSTGRES_PASSWORD and LEGACY_VALUE both `Summer2024pw`: a fix's diff context showed the plain key's line
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n    env_file: .env\n")
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=Summer2024pw\nLEGACY_VALUE=Summer2024pw\nROLE=admin\n")
    redactor = project_redactor(Project(ProjectOptions(path=tmp_path, env={})))
    assert redactor.text("LEGACY_VALUE=Summer2024pw") == "LEGACY_VALUE=***"
    assert redactor.text("auth rejected: Summer2024pw") == "auth rejected: ***"


def test_the_text_of_a_compose_secrets_file_is_a_known_secret(tmp_path: Path) -> None:
    # `secrets: api_key: file: ./api.key`: a container that logs the key showed it in `doctor why`
    (tmp_path / "api.key").write_text("cfgsecretXq7Lp2Zr9\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    secrets: [api_key, token]\n"
                                           "secrets:\n  api_key:\n    file: ./api.key\n"
                                           "  token:\n    environment: APP_TOKEN\n")
    project = Project(ProjectOptions(path=tmp_path, env={"APP_TOKEN": "tokXk29Lm3Qp"}))
    redactor = project_redactor(project)
    assert redactor.text("using cfgsecretXq7Lp2Zr9 as given") == "using *** as given"
    assert redactor.text("token tokXk29Lm3Qp refused") == "token *** refused"


def test_a_password_in_a_required_variables_error_text_is_masked(tmp_path: Path) -> None:
    # `${DB_PASSWORD:?... the shared dev one is Dv8Pw2Kx5Qm}`: compose's error, every report and the baseline
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: x\n    environment:\n"
        "      DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD, the shared dev one is Dv8Pw2Kx5Qm}\n"
        "      TAG: ${TAG:?set TAG to release2024 or later}\n")
    project = Project(ProjectOptions(path=tmp_path, env={}))
    redactor = project_redactor(project)
    messages = [redactor.text(p.message) for p in project.compose.problems]
    assert any("the shared dev one is ***" in m for m in messages), messages
    assert "release2024" in redactor.text("set TAG to release2024 or later")  # no secret's text
