"""Leaks a review found: URL passwords with a blank or a quote, Microsoft Teams and Power Automate
webhooks, and short random secrets under keys that say nothing; and the price of the last in
masked ordinary values, measured on every env value of ../shared/corpus."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.known_secrets import project_redactor, secrets_in_text
from doctor.project import Project, ProjectOptions
from doctor.redact import Redactor, scrub, secrets_in_mapping
from doctor.secret_keys import secret_for_key
from doctor.secret_shapes import looks_like_credential

SPACED = [  # (the URL as a value reads, its password)
    ('postgres://app:pa ss"w0rd@db/x', 'pa ss"w0rd'),
    ("postgres://app:pa ss'w0rd@db/x", "pa ss'w0rd"),
    ('postgres://app:pa%20ss"w0rd@db/x', 'pa%20ss"w0rd'),
    ("mysql://root:two words here@mysql:3306/app", "two words here"),
    ("amqps://guest:Spaced Pw\"9@rabbit:5671/vhost", 'Spaced Pw"9'),
]


@pytest.mark.parametrize(("url", "password"), SPACED)
def test_a_url_password_with_a_blank_or_a_quote_is_masked(url: str, password: str) -> None:
    """An env file reads the line whole: `DATABASE_URL=postgres://app:pa ss"w0rd@db/x` is one value."""
    assert scrub(f"connecting to {url} failed") == "connecting to " + url.replace(password, "***") + " failed"
    redactor = Redactor(secrets_in_mapping({"DATABASE_URL": url}))
    for text in (f"DATABASE_URL={url}", f"DATABASE_URL='{url}'", json.dumps({"DATABASE_URL": url}),
                 f"password {password} rejected"):
        masked = redactor.text(text)
        assert password not in masked and json.dumps(password)[1:-1] not in masked, masked
        assert "@" not in text or "db" not in url or "@db/x" in masked


def test_a_percent_encoded_password_is_masked_decoded_too() -> None:
    redactor = Redactor(secrets_in_mapping({"DATABASE_URL": "postgres://app:pa%20ss%22w0rd@db/x"}))
    assert redactor.text('app logged postgres://app:pa ss"w0rd@db/x') == "app logged postgres://app:***@db/x"
    assert redactor.text('auth failed for "pa ss\\"w0rd"') == 'auth failed for "***"'


@pytest.mark.parametrize(
    "text",
    [
        'redis://cache:6379 is down; mail ops@example.com',
        '- "SOME=http://svc:api", "mail=a@b.c"',
        "see https://host/a:b c@d",
        "http://user: pass@x",
        '"url": "http://localhost:8080", "owner": "me@example.com"',
    ],
)
def test_no_url_password_is_read_across_a_port_a_string_or_a_path(text: str) -> None:
    assert scrub(text) == text


TEAMS = ("https://contoso.webhook.office.com/webhookb2/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b@"
         "9e2b4d6f-8a0c-4e3b-9d7f-9a2c4e6b8d0f/IncomingWebhook/7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e/"
         "8b1d4f6a-0c5e-4b3d-8f1a-8c2e4b6d0f9a")
TEAMS_LEGACY = ("https://outlook.office.com/webhook/3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b@9e2b4d6f-8a0c-4e3b-9d7f-"
                "9a2c4e6b8d0f/IncomingWebhook/0c5e9b3d7f1a8c2e7a3f9c2e8b1d4f6a/8b1d4f6a-0c5e-4b3d-8f1a-8c2e4b6d0f9a")
FLOW = ("https://default1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6.d7.environment.api.powerplatform.com:443/powerautomate/"
        "automations/direct/workflows/7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e/triggers/manual/paths/invoke"
        "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg-AbCd12")


@pytest.mark.parametrize(
    ("url", "secret"),
    [(TEAMS, "7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e"), (TEAMS_LEGACY, "0c5e9b3d7f1a8c2e7a3f9c2e8b1d4f6a"),
     (FLOW, "Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg-AbCd12")],
)
def test_teams_and_power_automate_webhooks_are_masked(url: str, secret: str) -> None:
    for key in ("NOTIFY", "TEAMS_WEBHOOK_URL"):
        found = secrets_in_mapping({key: url})
        for text in (f"{key}={url}", f"posting to {url} failed", json.dumps({key: url})):
            assert secret not in Redactor(found).text(text), text
            assert secret not in scrub(text), text
    assert secret in "".join(secrets_in_text(f"NOTIFY={url}\n"))


SHORT = ["Xk9#mP2$vL7q", "9fK2mQ8zL4pW7xR1", "t4Ph722qJ5QHeQ1qfu36", "Zq8!Pk2@Wm5#Xn7"]
ORDINARY = [
    "MyApp2Service3", "SHA256withRSA", "Win64OpenSSL3", "OAuth2Proxy", "Thumbor/5.2.1", "x86_64-Linux-GNU",
    "a1b2c3d4e5f6", "A1B2C3D4E5F6", "3f9a2b7c1d4e5f60", "postgres:16-alpine", "v2.4.1-rc3", "Europe/Berlin",
    "en_US.UTF-8", "redis-cache-2", "app_v2_worker3", "127.0.0.1:6379", "--max-old-space-size=4096",
    "utf8mb4_0900_ai_ci", "Ubuntu2204LTS", "S3StorageV2Beta1", "config/app2.yml", "user@example.com",
]


@pytest.mark.parametrize("value", SHORT)
def test_a_short_random_value_under_an_innocent_key_is_masked(value: str) -> None:
    assert looks_like_credential(value, "APP_CODE")
    assert Redactor(secrets_in_mapping({"APP_CODE": value})).text(f"APP_CODE={value}; seen {value}") == \
        "APP_CODE=***; seen ***"
    assert scrub(f"APP_CODE='{value}'") == "APP_CODE='***'"


@pytest.mark.parametrize("value", ORDINARY)
def test_a_short_ordinary_value_stays(value: str) -> None:
    assert not looks_like_credential(value, "APP_CODE")
    assert scrub(f"APP_CODE={value}") == f"APP_CODE={value}"


def test_a_short_value_under_a_revision_key_stays() -> None:
    assert not looks_like_credential("9fK2mQ8zL4pW7xR1", "BUILD_REF")


def test_short_secrets_planted_in_a_project_are_masked(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: busybox\n    environment:\n      UPSTREAM: 9fK2mQ8zL4pW7xR1\n"
        "      TZ: Europe/Berlin\n")
    (tmp_path / ".env").write_text('APP_CODE=Xk9#mP2$vL7q\nDATABASE_URL=postgres://app:pa ss"w0rd@db/x\n')
    redactor = project_redactor(Project(ProjectOptions(path=tmp_path, env={})))
    text = (tmp_path / ".env").read_text() + (tmp_path / "compose.yaml").read_text()
    masked = redactor.text(text)
    for secret in ("Xk9#mP2$vL7q", "9fK2mQ8zL4pW7xR1", 'pa ss"w0rd'):
        assert secret not in masked
    assert "TZ: Europe/Berlin" in masked and "@db/x" in masked


def _corpus_pairs(corpus: Path) -> set[tuple[str, str]]:
    """Every value of every env file and of every service's `environment` in the corpus."""
    import yaml
    from dotenv import dotenv_values

    pairs: set[tuple[str, str]] = set()
    for path in sorted(corpus.rglob("*")):
        name = path.name
        if not path.is_file():
            continue
        if name.endswith(".env") or name.startswith(".env") or name == "env.example":
            pairs.update((k, v) for k, v in dotenv_values(path, interpolate=False).items() if v)
        elif name.endswith((".yml", ".yaml")):
            try:
                document = yaml.safe_load(path.read_text())
            except yaml.YAMLError:
                continue
            services = document.get("services") if isinstance(document, dict) else None
            for service in (services or {}).values():
                env = service.get("environment") if isinstance(service, dict) else None
                items = (env.items() if isinstance(env, dict)
                         else (str(e).partition("=")[::2] for e in env) if isinstance(env, list) else ())
                pairs.update((str(k), str(v)) for k, v in items if v is not None and str(v))
    return pairs


def test_corpus_values_masked_by_shape_are_all_credentials(shared_dir: Path) -> None:
    """Of the corpus's ~2,500 env values, those masked though their key says no secret are the
    URL passwords and an htpasswd hash: credentials. Any other one masked is a false alarm."""
    pairs = _corpus_pairs(shared_dir / "corpus")
    assert len(pairs) > 2000
    masked = []
    for key, value in sorted(pairs):
        if secret_for_key(key, value):
            continue
        line = f"{key}={value}"
        if Redactor(secrets_in_mapping({key: value})).text(line) != line:
            masked.append(value)
    credentials = [v for v in masked if re.search(r"://[^/\s@]*:[^/\s@]+@", v) or "$2y$" in v]
    assert masked == credentials and len(masked) <= 10, masked


def test_the_piece_of_a_password_a_url_read_to_its_first_blank_calls_the_host_is_masked(tmp_path: Path) -> None:
    """service-name-drift reads `redis://:Secr3t@Pw9xQ7 more@cache` to its first blank and names
    `Pw9xQ7`, a piece of the password, as the host (and offers to replace it)."""
    url = "redis://:Secr3t@Pw9xQ7 more@cache:6379/0"
    redactor = Redactor(secrets_in_mapping({"REDIS_URL": url}))
    assert redactor.text("REDIS_URL host 'Pw9xQ7' names no service") == "REDIS_URL host '***' names no service"
    (tmp_path / "compose.yaml").write_text(
        f'services:\n  web:\n    image: busybox\n    environment:\n      REDIS_URL: "{url}"\n'
        "  cache:\n    image: redis\n")
    for done in _preflight_and_dry_fix(tmp_path):
        assert "Traceback" not in done.stderr
        assert "Pw9xQ7" not in done.stdout + done.stderr and "Secr3t" not in done.stdout + done.stderr, done.stdout


def _preflight_and_dry_fix(root: Path) -> list[subprocess.CompletedProcess[str]]:
    """`doctor preflight --format json` and `doctor fix --dry-run` on `root`, each in a process of its own."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(root / "home"), "NO_COLOR": "1",
           "XDG_STATE_HOME": str(root / "state"), "DOCKER_HOST": "unix:///nonexistent/doctor-leaks.sock"}
    return [subprocess.run([sys.executable, "-m", "doctor", *args], cwd=root, env=env, capture_output=True,
                           text=True, timeout=120)
            for args in (("preflight", "--format", "json", "."), ("fix", "--dry-run", "."))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AZ=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=abc+def/ghi0==;EndpointSuffix=core.windows.net",
         "AZ=DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=***;EndpointSuffix=core.windows.net"),
        ("Server=tcp:db,1433;Database=app;User ID=sa;Password=AdoNetPw85;Encrypt=true",
         "Server=tcp:db,1433;Database=app;User ID=sa;Password=***;Encrypt=true"),
        ("DB_PASSWORD=pa;ss=word", "DB_PASSWORD=***"),  # a value of its own: `;` is the password's
    ],
)
def test_a_connection_string_field_masks_its_value_alone(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_the_files_include_and_extends_bring_in_are_read_for_secrets(tmp_path: Path) -> None:
    """A build arg or label in a file `include:` (or `extends: file:`) brings in was printed in
    clear in fix diffs: only the compose files named on the command line were read."""
    (tmp_path / "compose.yaml").write_text("include:\n  - other.yaml\nservices:\n  db:\n    image: postgres:16\n"
                                           "  api:\n    extends: {file: base.yaml, service: base}\n")
    (tmp_path / "other.yaml").write_text("services:\n  web:\n    image: busybox\n    build:\n      args:\n"
                                         "        CACHE_BUST: Bq5Tn8Wc3Hd6Jm2Lx\n")
    (tmp_path / "base.yaml").write_text("services:\n  base:\n    image: busybox\n    build:\n      args:\n"
                                        "        SEED: Rk7Qz2Wp9Xm4Lb8Vn3\n")
    redactor = project_redactor(Project(ProjectOptions(path=tmp_path, env={})))
    assert redactor.text("CACHE_BUST: Bq5Tn8Wc3Hd6Jm2Lx, Rk7Qz2Wp9Xm4Lb8Vn3") == "CACHE_BUST: ***, ***"


def test_a_flow_collections_values_are_read_as_its_block_forms_are() -> None:
    """`labels: [Rk7...]` gave the value `[Rk7...]`, `[redis-server, --requirepass, x]` gave `x]`
    and `{args: {SEED: x}}` nothing: the bare value then printed in clear."""
    text = ("services:\n  web:\n    labels: [Rk7Qz2Wp9Xm4Lb8Vn3]\n    command: [redis-server, --requirepass, "
            "Wm4Kp9sQ3abcdefg]\n    build: {args: {SEED: Tx9Lm2Qp8Vz4Kr7N}}\n    ports: ['8080:80']\n"
            "    depends_on: [db, redis]\n")
    found = secrets_in_text(text)
    assert {"Rk7Qz2Wp9Xm4Lb8Vn3", "Wm4Kp9sQ3abcdefg", "Tx9Lm2Qp8Vz4Kr7N"} <= found
    assert not {"8080:80", "db", "redis"} & found


@pytest.mark.parametrize(("text", "secret"), [
    ('java -Dspring.datasource.password=Mk3rQ9zz -jar app.jar', "Mk3rQ9zz"),
    ('JAVA_OPTS: "-Xmx512m -Djavax.net.ssl.trustStorePassword=Tru5tPa55x -Dfile.encoding=UTF-8"', "Tru5tPa55x"),
    ("sshpass -p Sh9pAss ssh deploy@host", "Sh9pAss"),
    ("sshpass -pSh9pAss ssh deploy@host", "Sh9pAss"),
    ("docker login -u me -p Dl0gin9x registry.example.com", "Dl0gin9x"),
])
def test_java_properties_sshpass_and_docker_login_passwords_are_masked(text: str, secret: str) -> None:
    """A key after `-D` was refused (the look-behind stopped at the `-`), and neither sshpass nor
    `docker login` was a tool whose `-p` names a password."""
    shown = scrub(text)
    assert secret not in shown and "***" in shown, shown


def test_docker_run_p_and_other_flags_stay() -> None:
    text = "docker run -p 8080:80 web && java -Dfile.encoding=UTF-8 -Dserver.port=8080 -jar app.jar"
    assert scrub(text) == text


def test_a_folded_multi_line_value_and_a_quote_escaped_one_are_masked_as_a_diff_or_a_message_shows_them() -> None:
    """Compose folds `JWT_SECRET: plainOne` + a second line `plainTwo` into `plainOne plainTwo`: a fix's
    diff shows `plainTwo` on a line of its own. A message quoting a value with both quotes shows it
    as repr() does, `'it\\'s"mixed'`."""
    redactor = Redactor(["plainMultiLineSecretOne plainMultiLineSecretTwo", "it's\"mixedUp"])
    assert redactor.text("        plainMultiLineSecretTwo") == "        ***"
    assert redactor.text("depends on undefined service 'it\\'s\"mixedUp'") == "depends on undefined service '***'"
    assert Redactor(["correct horse battery staple"]).text("the battery") == "the battery"  # words stay


def test_the_first_line_of_a_quoted_value_that_goes_on_is_masked_by_its_key() -> None:
    """`I_PASSWORD: 'multi` + `  lineSecret'`: the key's line ends inside the quotes (a diff shows it
    alone); its part of the value is masked by the key, as a whole quoted value is."""
    assert scrub("      I_PASSWORD: 'multi\n        lineSecret'") == "      I_PASSWORD: '***\n        lineSecret'"
    assert scrub('      API_TOKEN: "quotedOne\r\n') == '      API_TOKEN: "***\r\n'
    assert scrub("      COMMENT: 'it goes\n on'") == "      COMMENT: 'it goes\n on'"


@pytest.mark.parametrize("where", [".env.example", "backend/.env.example"])
def test_a_templates_value_of_several_words_is_masked_whole_in_a_copys_diff(tmp_path: Path, where: str) -> None:
    """A template's `DB_PASSWORD=correct horse battery staple` (an env file's value is its whole line) showed as
    `DB_PASSWORD=*** horse battery staple` in env-drift's copy (`doctor fix --dry-run`, the JSON's edit), the key
    matching the first word alone (karakeep's `MEILI_MASTER_KEY=[generate with <openssl rand ...>]` too): the
    templates a fix copies or appends from are read for secrets as the env files are."""
    env_file = "backend/.env" if where.startswith("backend") else ".env"
    (tmp_path / "compose.yaml").write_text(f"services:\n  web:\n    image: busybox\n    env_file: {env_file}\n")
    (tmp_path / where).parent.mkdir(exist_ok=True)
    (tmp_path / where).write_text("DB_PASSWORD=correct horse battery staple\n"
                                  "MEILI_MASTER_KEY=[generate with <openssl rand -base64 36>]\nDEBUG=1\n")
    for done in _preflight_and_dry_fix(tmp_path):
        out = done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "DEBUG=1" in out, out
        assert not any(word in out for word in ("horse", "battery", "staple", "openssl", "base64")), out


def test_a_templates_json_value_lends_no_word_to_mask_elsewhere(tmp_path: Path) -> None:
    """joanie's env.d/development/common.dist: `JOANIE_JWT_USER_FIELDS_SYNC={"username": "preferred_username", ...}`
    (a key of JWT) read whole made the Redactor mask its long words too, and `{"username":` turned another line's
    comment into `# JOANIE_PAYMENT_CONFIGURATION=*** "$LYRA_USERNAME"`. A JSON or list value is left to its key."""
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: .env\n")
    (tmp_path / ".env.example").write_text(
        'JOANIE_JWT_USER_FIELDS_SYNC={"username": "preferred_username", "first_name": "given_name"}\n'
        "DB_PASSWORD=correct horse battery staple\n")
    redactor = project_redactor(Project(ProjectOptions(path=tmp_path, env={"PATH": "/usr/bin:/bin"})))
    comment = '# JOANIE_PAYMENT_CONFIGURATION={"username": "$LYRA_USERNAME"}'
    assert redactor.text(comment) == comment
    assert redactor.text("login with correct horse battery staple failed") == "login with *** failed"
