"""The battery's second round: 50+ more real credential formats (after gitleaks' rules and the
vendors' docs) and a DSN of every common scheme, planted like tests/test_secrets_battery.py does,
and each through every output doctor has.

Each format sits: in broken-stack's `.env` (within a fix diff's context), in the fastapi
template's list-form `environment`, in a URL's query under a parameter that says nothing
(`?k=<token>`), and in an app's own `.env` that python-dotenv loads with `override=True` (which
compose never reads: dotenv-override quotes it, and only the shapes can mask it). The values are
drawn from a seeded generator to each format's alphabet and length, so they look like the real
thing and are the same on every run. Each output is searched for every secret and for its last
ten characters.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from doctor.known_secrets import project_redactor, secrets_in_text
from doctor.project import Project, ProjectOptions
from doctor.redact import Redactor, scrub, secrets_in_mapping

REPO = Path(__file__).resolve().parent.parent
_RNG = random.Random(20261130)
HEX, B62 = "0123456789abcdef", string.ascii_letters + string.digits
B64URL, B64 = B62 + "-_", B62 + "+/"
UPPER = string.ascii_uppercase + string.digits


def draw(alphabet: str, length: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


JWT = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZXBsb3ktYm90IiwiZXhwIjoxNzk4NzYxNjAwfQ."
       + draw(B64URL, 43))
ACCOUNT_KEY = draw(B64, 86) + "=="
SAS_SIG = draw(B64, 43).replace("+", "%2B").replace("/", "%2F") + "%3D"
EC_BODY = [draw(B64, 64), draw(B64, 64), draw(B64, 24) + "=="]
TELEGRAM = "AAH" + draw(B64URL, 32)
GIT_PASS = "Kq7Wn2Px9Lz4Rt"

# (key, value as written, the secrets in it that must never be printed; None: the whole value)
FORMATS: list[tuple[str, str, list[str] | None]] = [
    ("AZURE_STORAGE", f"DefaultEndpointsProtocol=https;AccountName=acmestore01;AccountKey={ACCOUNT_KEY};"
     "EndpointSuffix=core.windows.net", [ACCOUNT_KEY]),
    ("UPLOADS_SAS", "https://acmestore01.blob.core.windows.net/uploads?sv=2022-11-02&ss=b&srt=co&sp=rwdlac"
     f"&se=2026-12-31T00:00:00Z&spr=https&sig={SAS_SIG}", [SAS_SIG]),
    ("DATABRICKS", "dapi" + draw(HEX, 32), None),
    ("DOPPLER", "dp.st.dev." + draw(B62, 40), None),
    ("DOPPLER_PERSONAL", "dp.pt." + draw(B62, 43), None),
    ("LINEAR", "lin_api_" + draw(B62, 40), None),
    ("POSTMAN", "PMAK-" + draw(HEX, 24) + "-" + draw(HEX, 34), None),
    ("GRAFANA_SA", "glsa_" + draw(B62, 32) + "_" + draw(HEX, 8), None),
    ("GRAFANA_CLOUD", "glc_" + draw(B64, 96) + "=", None),
    ("ATLASSIAN", "ATATT3xFfGF0" + draw(B64URL, 174) + "=" + draw("0123456789ABCDEF", 8), None),
    ("BREVO", "xkeysib-" + draw(HEX, 64) + "-" + draw(B62, 16), None),
    ("MAILGUN", "key-" + draw(HEX, 32), None),
    ("TWILIO_KEY_SID", "SK" + draw(HEX, 32), None),
    ("SQUARE_OAUTH", "sq0csp-" + draw(B64URL, 43), None),
    ("SQUARE_ACCESS", "EAAA" + draw(B64URL, 60), None),
    ("SHOPIFY_SHARED", "shpss_" + draw(HEX, 32), None),
    ("SIGNER", "-----BEGIN EC PRIVATE KEY-----\\n" + "\\n".join(EC_BODY) + "\\n-----END EC PRIVATE KEY-----",
     EC_BODY),
    ("SSO_CALLBACK", f"https://app.example.com/sso/callback?next=%2Fhome&token={JWT}", [JWT.rsplit(".", 1)[1]]),
    ("GIT_ASKPASS_CRED", f"deploy:{GIT_PASS}", [GIT_PASS]),
    ("AAD_APP", draw(B62, 3) + "8Q~" + draw(B64URL + ".~", 34), None),
    ("HEROKU", "HRKU-AA" + draw(B64URL, 58), None),
    ("VAULT_LOGIN", "hvs.CAESI" + draw(B64URL, 90), None),
    ("SENTRY_USER", "sntryu_" + draw(HEX, 64), None),
    ("NOTION", "ntn_" + draw(string.digits, 11) + draw(B62, 35), None),
    ("PERPLEXITY", "pplx-" + draw(B62, 48), None),
    ("DOCKERHUB", "dckr_pat_" + draw(B64URL, 27), None),
    ("TAILSCALE", "tskey-auth-k" + draw(B62, 11) + "CNTRL-" + draw(B62, 33), None),
    ("SUPABASE", "sbp_" + draw(HEX, 40), None),
    ("TELEGRAM_BOT", f"7212345678:{TELEGRAM}", [TELEGRAM]),
    ("PLANETSCALE", "pscale_pw_" + draw(B64URL, 43), None),
    ("PULUMI", "pul-" + draw(HEX, 40), None),
    ("RUBYGEMS", "rubygems_" + draw(HEX, 48), None),
    ("DYNATRACE", "dt0c01." + draw(UPPER, 24) + "." + draw(UPPER, 64), None),
    ("FLYIO", "fo1_" + draw(B64URL, 43), None),
    ("PREFECT", "pnu_" + draw(B62, 36), None),
    ("ALIBABA", "LTAI" + draw(B62, 20), None),
    ("OCTOPUS", "API-" + draw(UPPER, 26), None),
    ("AIRTABLE", "pat" + draw(B62, 14) + "." + draw(HEX, 64), None),
    ("INFRACOST", "ico-" + draw(B62, 32), None),
    ("CLOUDFLARE_ORIGIN", "v1.0-" + draw(HEX, 24) + "-" + draw(HEX, 146), None),
    ("MAPBOX", "sk.eyJ1IjoiYWNtZSIsImEiOiJjbHgxMjM0NTYifQ." + draw(B64URL, 22), None),
    ("ONEPASSWORD", "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSJ9" + draw(B64, 40), None),
    # a password in a DSN of every common scheme
    ("PG_DSN", "postgresql://app:PgDsn%40Pw81@db:5432/app?sslmode=require", ["PgDsn%40Pw81"]),
    ("SQLA_DSN", "postgresql+psycopg2://app:SqlaPw29x@db:5432/app", ["SqlaPw29x"]),
    ("MONGO_SRV", "mongodb+srv://app:MongoSrvPw31@cluster0.ab1cd.mongodb.net/app?retryWrites=true&w=majority",
     ["MongoSrvPw31"]),
    ("MONGO_RS", "mongodb://root:MongoRsPw42@mongo1:27017,mongo2:27017/app?replicaSet=rs0&authSource=admin",
     ["MongoRsPw42"]),
    ("AMQPS_URL", "amqps://svc:AmqpsPw53@mq.example.com:5671/%2F", ["AmqpsPw53"]),
    ("REDISS_URL", "rediss://:RedissPw64@cache.example.com:6380/0", ["RedissPw64"]),
    ("REDIS_ACL", "redis://default:RedisDefPw75@redis:6379", ["RedisDefPw75"]),
    ("MARIADB_URL", "mariadb://app:MariaPw86x@mariadb:3306/app", ["MariaPw86x"]),
    ("MSSQL_URL", "sqlserver://sa:MsSqlPw97x@mssql:1433?database=app", ["MsSqlPw97x"]),
    ("CLICKHOUSE_URL", "clickhouse://default:ChPw18xq@clickhouse:9000/default", ["ChPw18xq"]),
    ("NATS_URL", "nats://svc:NatsPw29xq@nats:4222", ["NatsPw29xq"]),
    ("SMTP_URL", "smtps://mailer%40example.com:SmtpUrlPw41@smtp.example.com:465", ["SmtpUrlPw41"]),
    ("FTP_URL", "ftp://backup:FtpUrlPw52@files.example.com/backups", ["FtpUrlPw52"]),
    ("ELASTIC_URL", "https://elastic:ElasticPw63@es01:9200", ["ElasticPw63"]),
    ("NEO4J_URL", "neo4j+s://neo4j:Neo4jPw07x@graph.example.com:7687", ["Neo4jPw07x"]),
    ("CELERY_BACKEND", "db+postgresql://app:CeleryPw18@db/app", ["CeleryPw18"]),
    ("KAFKA_JAAS", 'org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" '
     'password="JaasPw74x";', ["JaasPw74x"]),
    ("ADO_NET", "Server=tcp:db.example.com,1433;Database=app;User ID=sa;Password=AdoNetPw85;Encrypt=true",
     ["AdoNetPw85"]),
    ("JDBC_URL", "jdbc:postgresql://db:5432/app?user=app&password=JdbcPw96x", ["JdbcPw96x"]),
    ("JDBC_MYSQL", "jdbc:mysql://app:JdbcMyPw07q@mysql:3306/app", ["JdbcMyPw07q"]),
    # the leaks tests/test_secrets_leaks.py pins, here through every output
    ("SPACED_URL", 'postgres://app:pa ss"w0rd@db/x', ['pa ss"w0rd']),
    ("SQUOTE_URL", "postgres://app:it's a pw9@db/x", ["it's a pw9"]),
    ("AT_SPACED_URL", "redis://:p@ss w0rd 77@cache:6379/0", ["p@ss w0rd 77"]),
    ("TEAMS_HOOK", "https://acme.webhook.office.com/webhookb2/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b@9e2b4d6f-8a0c-"
     f"4e3b-9d7f-9a2c4e6b8d0f/IncomingWebhook/{draw(HEX, 32)}/8b1d4f6a-0c5e-4b3d-8f1a-8c2e4b6d0f9a",
     None),
    ("FLOW_TRIGGER", "https://default1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6.d7.environment.api.powerplatform.com:443/"
     f"powerautomate/automations/direct/workflows/{draw(HEX, 32)}/triggers/manual/paths/invoke?api-version=1"
     f"&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={draw(B64URL, 43)}", None),
    ("APP_CODE", "Xk9#mP2$vL7q", None),
    ("UPSTREAM", "9fK2mQ8zL4pW7xR1", None),
]
# a value with a quote or a blank in it is planted where its file can hold it (.env and the app .env)
BY_SHAPE_UNDER_EQUALS = {"GIT_ASKPASS_CRED", "APP_CODE", "UPSTREAM"}
BY_SHAPE_WHEN_QUOTED = {"AT_SPACED_URL"}
ENV_ONLY = {"KAFKA_JAAS", "SPACED_URL", "SQUOTE_URL", "AT_SPACED_URL", "APP_CODE"}


def _secrets() -> list[str]:
    found: list[str] = []
    for _, value, parts in FORMATS:
        for secret in parts or [value]:
            found += [secret, secret[-10:]]
    return found


SECRETS = _secrets()


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or json.dumps(s)[1:-1] in text]


def test_more_than_fifty_formats_are_planted() -> None:
    assert len(FORMATS) >= 50 and len({key for key, _, _ in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize(("key", "value", "parts"), FORMATS, ids=[key for key, _, _ in FORMATS])
def test_each_format_is_masked_by_value_and_by_shape(key: str, value: str, parts: list[str] | None) -> None:
    """By value (the project defines it) and by shape alone (an app's `.env`, a log line)."""
    redactor = Redactor(secrets_in_mapping({key: value}))
    line = f"{key}={value}"
    assert leaks(Redactor(secrets_in_text(line + "\n")).text(f"{line}\nseen: {value}")) == []
    for text in (f"{key}={value}", f"{key}='{value}'", json.dumps({key: value}), f"got {value} back"):
        assert leaks(redactor.text(text)) == [], text
        if "'" in value and "'" in text:
            continue  # no single-quoted string holds a raw `'`
        # a short random value or a `user:password` is a secret by shape only where `=` assigns it,
        # a URL password with an `@` and a blank only where quotes say where the URL ends
        if (key in BY_SHAPE_UNDER_EQUALS and "=" not in text) or (key in BY_SHAPE_WHEN_QUOTED and "'" not in text
                                                                  and '"' not in text):
            continue
        assert leaks(scrub(text)) == [], text
    if "://" not in value and "=" not in value and " " not in value:  # a token in a URL's query
        url = f"https://api.example.com/v1/notify?id=7&k={value}"
        assert leaks(Redactor(secrets_in_mapping({f"{key}_ENDPOINT": url})).text(f"posting to {url}")) == []


def plant_broken_stack(base: Path) -> Path:
    root = base / "broken-stack"
    shutil.copytree(REPO / "examples" / "broken-stack", root)
    lines = []
    for index, (key, value, _) in enumerate(FORMATS):
        if index % 3 == 0:  # a line the fixer rewrites (service-name-drift): the formats are its context
            lines.append(f"STATS{index}_SERVER=postgresserver")
        lines.append(f"{key}={value}")
        if "://" not in value and "=" not in value and " " not in value:
            lines.append(f"{key}_ENDPOINT=https://api.example.com/v1/notify?id=7&k={value}")
    lines.append("STATS_LAST_SERVER=postgresserver")
    with (root / ".env").open("a") as env:
        env.write("\n".join(lines) + "\n")
    return root


def plant_fastapi(base: Path) -> Path:
    """In compose's list-form `environment` of `db`, and in the backend's own `.env` that its
    main.py loads with override=True over the same keys, which `backend`'s `environment` sets."""
    root = base / "fastapi-template"
    shutil.copytree(REPO / "tests" / "replay" / "fastapi-template", root)
    compose = (root / "compose.yml").read_text()
    listed = "".join(f"      - {key}={value}\n" for key, value, _ in FORMATS if key not in ENV_ONLY)
    listed += "      - STATS_SERVER=mailpitt\n"  # a fix: its diff shows the lines around it
    compose = compose.replace("      - POSTGRES_DB=app\n", "      - POSTGRES_DB=app\n" + listed, 1)
    shadowed = "".join(f"      {key}: placeholder\n" for key, _, _ in FORMATS)
    compose = compose.replace("      PROJECT_NAME: ${PROJECT_NAME:?Variable not set}\n",
                              "      PROJECT_NAME: ${PROJECT_NAME:?Variable not set}\n" + shadowed, 1)
    (root / "compose.yml").write_text(compose)
    app = root / "backend" / "app"
    app.mkdir(parents=True, exist_ok=True)
    (app / "main.py").write_text("from dotenv import load_dotenv\nload_dotenv('.env', override=True)\n")
    (root / "backend" / ".env").write_text("".join(f"{key}={value}\n" for key, value, _ in FORMATS))
    return root


def doctor(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module", params=["broken-stack", "fastapi-template"])
def planted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("formats")
    root = (plant_broken_stack if request.param == "broken-stack" else plant_fastapi)(base)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(base / "home"), XDG_STATE_HOME=str(base / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-formats.sock")
    return root, env


def test_every_planted_file_comes_out_masked_whole(planted: tuple[Path, dict[str, str]]) -> None:
    root, env = planted
    redactor = project_redactor(Project(ProjectOptions(path=root, env=env)))
    for path in (root / ".env", *root.glob("compose*.y*ml")):
        text = path.read_text()
        assert leaks(redactor.text(text)) == [], path.name
        assert leaks(redactor.text(json.dumps(text))) == [], path.name


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_no_report_format_prints_a_planted_secret(planted: tuple[Path, dict[str, str]], fmt: str) -> None:
    root, env = planted
    out = root.parent / f"report.{fmt}"
    done = doctor("preflight", "--format", fmt, "--output", str(out), ".", cwd=root, env=env)
    assert done.returncode in (0, 1), done.stderr
    if root.name == "fastapi-template" and fmt == "console":  # the app's .env is quoted, masked
        report = out.read_text()
        assert report.count("overrides compose") >= len(FORMATS) and "LINEAR='***'" in report, report
    assert leaks(done.stdout + done.stderr) == [] and leaks(out.read_text()) == []


def test_fix_why_ports_and_debug_print_no_planted_secret(planted: tuple[Path, dict[str, str]],
                                                        tmp_path: Path) -> None:
    root, env = planted
    dry = doctor("fix", "--dry-run", ".", cwd=root, env=env)
    assert "--- a/" in dry.stdout, dry.stdout + dry.stderr
    if root.name == "broken-stack":  # every planted line is in a hunk's context
        assert "LINEAR=***" in dry.stdout and "STATS0_SERVER=db" in dry.stdout, dry.stdout
    outputs = [dry.stdout + dry.stderr]
    for args in (("why", "."), ("why", "--format", "json", "."), ("ports", "."), ("ports", "--json", "."),
                 ("baseline", ".")):
        done = doctor(*args, cwd=root, env=env)
        outputs.append(done.stdout + done.stderr)
    outputs.append((root / ".doctor-baseline.json").read_text())
    (root / ".doctor-baseline.json").unlink()
    debug = doctor("preflight", ".", cwd=root, env={**env, "DOCTOR_DEBUG": "1"})
    outputs.append(debug.stdout + debug.stderr)
    copy = tmp_path / root.name
    shutil.copytree(root, copy)
    applied = doctor("fix", "--yes", ".", cwd=copy, env=env)
    assert "applied" in applied.stdout, applied.stdout + applied.stderr
    outputs.append(applied.stdout + applied.stderr)
    assert [leaks(text) for text in outputs] == [[]] * len(outputs)


def _first_characters(nodes: Any) -> set[str] | None:
    """The characters a match of the parsed pattern can begin with (None: a shape the test does not read)."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, arg in nodes:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):  # zero-width: the next node consumes the first character
            continue
        if op is c.LITERAL:
            return {chr(arg)}
        if op is c.IN:
            found: set[str] = set()
            for kind, item in arg:
                if kind is c.LITERAL:
                    found.add(chr(item))
                elif kind is c.RANGE:
                    found.update(chr(code) for code in range(item[0], item[1] + 1))
                else:
                    return None
            return found
        if op is c.SUBPATTERN:
            return _first_characters(arg[3])
        if op is c.BRANCH:
            branches = [_first_characters(branch) for branch in arg[1]]
            return None if None in branches else set().union(*branches)
        if op in (c.MAX_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            return _first_characters(arg[2])
        return None
    return None


def _literal_texts(nodes: Any) -> set[str]:
    """Every text a sequence of literals and character sets matches (a look-behind's)."""
    from re import _constants as c  # type: ignore[attr-defined]

    texts = {""}
    for op, arg in nodes:
        if op is c.LITERAL:
            choices = {chr(arg)}
        else:
            assert op is c.IN and all(kind is c.LITERAL for kind, _ in arg), (op, arg)
            choices = {chr(item) for _, item in arg}
        texts = {text + choice for text in texts for choice in choices}
    return texts


def test_each_token_shape_begins_where_its_entry_says() -> None:
    """match_shape compiles only the shapes that can begin where it looks, as _SHAPES says: each
    entry's first characters are those of its shape's own parse, a webhook's (and `sig=`'s) literal
    texts are those of its look-behind, and the one shape that may begin anywhere has its `Q~` four
    characters in. TOKEN_SHAPES is every shape, in order."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    from doctor.secret_shapes import _SHAPES, TOKEN_SHAPES

    assert TOKEN_SHAPES.pattern == "(?P<v>" + "|".join(shape for _, shape in _SHAPES) + ")"
    anywhere = 0
    for begins, shape in _SHAPES:
        nodes = list(_parser.parse(shape))
        if isinstance(begins, str):
            assert set(begins) == _first_characters(nodes), shape
        elif isinstance(begins, tuple):
            op, (direction, behind) = nodes[0]
            assert op is c.ASSERT and direction == -1, shape  # a look-behind first
            assert set(begins) == _literal_texts(list(behind)), shape
        else:
            anywhere += 1
            assert shape.startswith(r"(?<![\w~.-])[A-Za-z0-9_~.]{3}[0-9]Q~"), shape
    assert anywhere == 1


def test_token_hints_begin_each_with_a_literal() -> None:
    """_TOKEN_HINT's branches each begin with a literal character (no class), so that sre skips the
    positions none begins at before trying its branches (its charset prefix: ~40 % of the scan)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    from doctor.secret_shapes import _TOKEN_HINT

    assert _compiler._get_charset_prefix(_parser.parse(_TOKEN_HINT.pattern), 0) is not None


def test_token_hints_find_every_shape_where_sub_does() -> None:
    """mask_tokens tries the shapes at their hints alone (an Azure AD secret a few characters
    before its `8Q~`, Telegram's after `:`): on texts that glue the formats and their pieces
    together, it masks exactly what `sub` masks."""
    from doctor.redact import _mask
    from doctor.secret_shapes import TOKEN_SHAPES, mask_tokens

    rng = random.Random(7)
    pieces = [value for _, value, _ in FORMATS] + [value[:12] for _, value, _ in FORMATS] + ["x", "8Q~", ":AA", "-"]
    texts = ["".join(rng.choice(pieces) + rng.choice(["", " ", "=", ":", ".", "\n", "_"]) for _ in range(8))
             for _ in range(3000)]
    found = 0
    for text in texts:
        slow: list[str] = []
        fast: list[str] = []
        assert mask_tokens(text, fast.append) == _mask(TOKEN_SHAPES, text, slow.append), text
        assert fast == slow, text
        found += len(fast)
    assert found > 3000


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_a_secret_flags_argument_in_an_advised_command_is_masked_in_every_format(tmp_path: Path, fmt: str) -> None:
    """A Makefile's `--password X --token Y` reaches host-vs-container's advised `docker compose run`:
    the console and the text formats masked it, JSON's `fix.command` array (one item per word, never
    read as `--password X`) printed it."""
    root = tmp_path / "broken-stack"
    shutil.copytree(REPO / "examples" / "broken-stack", root)
    words = [draw(string.ascii_letters + string.digits, 14) for _ in range(3)]
    (root / "Makefile").write_text(f"seed:\n\tpython backend/app/main.py --password {words[0]} --token {words[1]} "
                                   f"--api-key={words[2]} -p 8080\n")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(tmp_path / "home"), DOCKER_HOST="unix:///nonexistent/x.sock")
    done = doctor("preflight", "--format", fmt, ".", cwd=root, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert "8080" in done.stdout and "--password" in done.stdout, done.stdout  # the command is there
    assert not [w for w in words if w in done.stdout + done.stderr], done.stdout


def test_blank_is_what_str_isspace_calls_a_blank() -> None:
    """secret_shapes.BLANK (re's `\\s` for a str pattern) finds exactly the characters str.isspace
    accepts, every code point checked: looks_like_credential and the clear values ask it in C."""
    import sys

    from doctor.secret_shapes import BLANK

    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() != bool(BLANK.search(c))] == []
