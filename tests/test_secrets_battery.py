"""A hostile user's battery of real secret shapes, planted in copies of examples/broken-stack and
the fastapi-template replay project, through every command and format doctor has.

Beside tests/test_secrets_planted.py (one synthetic project): the shapes here are the real
formats (AWS, GitHub classic/fine-grained/app, GitLab runner, Slack, Stripe live/test/webhook,
Google, SendGrid, Twilio, OpenAI, Anthropic, Hugging Face, DigitalOcean, Shopify, bcrypt, JWT,
PEM), URLs with several hosts, an IPv6 host, a percent-encoded password and a password with a
raw `/`, `?` or `#`, Docker registry auth, a django secret key and random lower-case, hex and
base64 tokens under innocent keys (`CALLBACK_ID`, `SEED`, `EXTRA`). In broken-stack's `.env`
every battery line sits within a diff's context of a line the fixer rewrites, so `fix` prints
each one through the border; in the replay project they sit in compose's list-form
`environment`, `command`, `entrypoint`, `labels` and an `x-` extension. Each output is searched
for every secret and for its last ten characters.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from doctor.known_secrets import project_redactor
from doctor.project import Project, ProjectOptions

REPO = Path(__file__).resolve().parent.parent
PEM = ("MIIEowIBAAKCAQEAuZ8kQmVx3Jp7Tn2Lq9Wc4Rf6Hy1Ud8Ks5Ng0Ma3Ob7Pe2Qc\n"
       "Vt9Xw4Yz6Ab1Cd3Ef5Gh7Ij9Kl2Mn4Op6Qr8St0Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij\n"
       "Kl7Mn9Op1Qr3St5Uv7Wx9Yz1Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx==")
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIn0"
       ".Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg")

# (key, value as written, the secrets in it that must never be printed; None: the whole value)
BATTERY: list[tuple[str, str, list[str] | None]] = [
    ("AWS_ACCESS_KEY_ID", "AKIAZ3QX7PLM5NRT2WYB", None),
    ("AWS_SECRET_ACCESS_KEY", "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", None),
    ("GH_CLASSIC", "ghp_R8fK2mQx9LpV4nZ7tW1yB6cH3jD5sG0aE2uN", None),
    ("GH_FINE", "github_pat_11AQZ7XYA0r8Kf2mQx9LpV_4nZ7tW1yB6cH3jD5sG0aE2uNbV8kLm", None),
    ("GH_APP", "ghs_Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb", None),
    ("GITLAB_RUNNER", "glrt-t3_Zk8Pq2Wm5Xn7Rv4Ty9Lb", None),
    ("GITLAB_PAT", "glpat-Hq7Zk2Pm9Xn4Rv6Ty1Lb", None),
    ("SLACK_BOT", "xoxb-2841099312-7712093856471-QmZ8kPq2Wm5Xn7Rv4Ty9LbCd", None),
    ("NOTIFY_HOOK", "https://hooks.slack.com/services/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",
     ["Zk8Pq2Wm5Xn7Rv4Ty9LbCd3F"]),
    ("STRIPE_LIVE", "sk_live_51Hq7Zk2Pm9Xn4Rv6Ty1LbQe3Wm5Xn7", None),
    ("STRIPE_TEST", "sk_test_51Hz8Kq3Pn0Ym5Sw7Ux2McRf4Xn6Yo8", None),
    ("STRIPE_WEBHOOK", "whsec_Zq8Pk2Wm5Xn7Rv4Ty9LbCd3FgH6Jk1", None),
    ("GOOGLE_MAPS", "AIzaSyD3Zq8Pk2Wm5Xn7Rv4Ty9LbCd3FgH6Jk1", None),
    ("MAILER", "SG.Zq8Pk2Wm5Xn7Rv4Ty9Lb.Cd3FgH6Jk1Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz", None),
    ("TWILIO_AUTH", "9e2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f", None),
    ("OPENAI", "sk-proj-Zq8Pk2Wm5Xn7Rv4Ty9LbCd3FgH6Jk1Qw2Er4T", None),
    ("ANTHROPIC", "sk-ant-api03-Zq8Pk2Wm5Xn7Rv4Ty9LbCd3FgH6Jk1Qw2Er4Ty6Ui8-AA", None),
    ("HUGGING", "hf_QzWmXnRvTyLbCdFgHjKqPsUvWxYzAbCdEf", None),
    ("DO_API", "dop_v1_7a3f9c2e8b1d4f6a0c5e9b3d7f1a8c2e4b6d0f9a3c7e1b5d8f2a6c0e4b9d3f7a", None),
    ("SHOPIFY", "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", None),
    ("DASHBOARD_USERS", "admin:$2y$10$Zq8Pk2Wm5Xn7Rv4Ty9LbCuN8qKz1aVx9Yb2Wc3Zd4Ee5Ff6Gg7Hh9",
     ["Zq8Pk2Wm5Xn7Rv4Ty9LbCuN8qKz1aVx9Yb2Wc3Zd4Ee5Ff6Gg7Hh9"]),
    ("SESSION", JWT, ["Qm9vbTQyX3NpZ25hdHVyZV9oZXJlX3h5eg"]),
    # htpasswd's default hash (traefik's basicauth label), and crypt(3)'s SHA-512: cracked offline
    ("PROXY_AUTH", "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/", ["H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]),
    ("SHADOW_LINE", "deploy:$6$rounds=5000$Qm8zWx4P$Tr7vKq2Lm9Np4Xz6Wb1Yc3Rd5Se8Uf0Gh2Jk4Lm6Np8Qr0St2Uv4Wx6Yz8"
     "Ab0Cd2Ef4Gh6Ij8Kl0Mn2Op4Qr",
     ["Qm8zWx4P$Tr7vKq2Lm9Np4Xz6Wb1"]),
    ("PG_URL_MULTI", "postgresql://app:MultiHostPw81@pg1:5432,pg2:5432/app", ["MultiHostPw81"]),
    ("PG_URL_V6", "postgres://app:Ipv6HostPw72@[fd00::12]:5432/app", ["Ipv6HostPw72"]),
    ("PG_URL_PCT", "postgres://app:p%40ss%3AW0rdPct@db:5432/app", ["p%40ss%3AW0rdPct"]),
    ("PG_URL_RAW", "postgres://app:Qm?zW0rdRaw2@postgresql:5432/app", ["Qm?zW0rdRaw2", "W0rdRaw2"]),
    ("MYSQL_URL", "mysql://root:MysqlUrlPw63@mysql:3306/app", ["MysqlUrlPw63"]),
    ("CACHE_URL", "redis://:RedisUrlPw54@redis:6379/0", ["RedisUrlPw54"]),
    ("BROKER", "amqp://guest:AmqpUrlPw45@rabbit:5672/vhost", ["AmqpUrlPw45"]),
    ("UPSTREAM", "https://deploy:BasicUrlPw36@git.example.com/org/repo.git", ["BasicUrlPw36"]),
    ("DOCKER_AUTH_CONFIG", '{"auths":{"registry.example.com":{"auth":"ZGVwbG95OlJlZ0F1dGhQdzI3"}}}',
     ["ZGVwbG95OlJlZ0F1dGhQdzI3"]),
    ("CALLBACK_ID", "q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0", None),
    ("SEED", "m4x9k2q7z1p8v3n6r0t5w2y7b4c9d1f6", None),
    ("EXTRA", "xk29fj38dk47slq0pz83mv92nc71bd65", None),
    ("BLOB", "U2VjcmV0QmxvYkRhdGFGb3JUZXN0aW5nMTIzNDU2Nzg5MA==", None),
    ("HEX40", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", None),
    ("HEX64", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", None),
]
# in .env only: a value compose would interpolate or YAML would need quoted
ENV_ONLY: list[tuple[str, str, list[str] | None]] = [
    ("DJANGO_SK", '"k#9v!2m@x$z&q7w^p3r*t8y(u1i)o5e-a6s+d4f"', ["k#9v!2m@x$z&q7w^p3r*t8y(u1i)o5e-a6s+d4f"]),
    ("PG_URL_HASH", '"postgres://app:Pa/ss#w0rdRaw@db/app"', ["Pa/ss#w0rdRaw", "w0rdRaw@"]),
]
COMPOSE_ONLY = ["CmdPw55xq", "EntryPw64x", "LabelPw46q", "XextPw82q"]


def _secrets() -> list[str]:
    found: list[str] = []
    for _, value, parts in BATTERY + ENV_ONLY:
        for secret in parts or [value]:
            found += [secret, secret[-10:]]
    return found + PEM.splitlines() + COMPOSE_ONLY


SECRETS = _secrets()


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or json.dumps(s)[1:-1] in text]


def plant_broken_stack(base: Path) -> Path:
    root = base / "broken-stack"
    shutil.copytree(REPO / "examples" / "broken-stack", root)
    lines = []
    for index, (key, value, _) in enumerate(BATTERY + ENV_ONLY):
        if index % 3 == 0:  # a line the fixer rewrites (service-name-drift): the battery is its context
            lines.append(f"STATS{index}_SERVER=postgresserver")
        lines.append(f"{key}={value}")
    lines.append(f'TLS_KEY="-----BEGIN RSA PRIVATE KEY-----\n{PEM}\n-----END RSA PRIVATE KEY-----"')
    lines.append("STATS_LAST_SERVER=postgresserver")
    with (root / ".env").open("a") as env:
        env.write("\n".join(lines) + "\n")
    return root


def plant_fastapi(base: Path) -> Path:
    root = base / "fastapi-template"
    shutil.copytree(REPO / "tests" / "replay" / "fastapi-template", root)
    compose = (root / "compose.yml").read_text()
    listed = "".join(f"      - {key}={value}\n" + ("      - STATS_SERVER=mailpitt\n" if key == "SHOPIFY" else "")
                     for key, value, _ in BATTERY if "{" not in value)  # mailpitt: a fix, its diff shows the rest
    compose = compose.replace("      - POSTGRES_DB=app\n", "      - POSTGRES_DB=app\n" + listed, 1)
    compose = compose.replace("  db:\n    image: postgres:18\n", """  db:
    image: postgres:18
    command: ["sh", "-c", "mysql -uroot -pCmdPw55xq app && echo q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0"]
    entrypoint: /entry.sh --token EntryPw64x
    labels:
      - "traefik.http.middlewares.auth.basicauth.users=admin:LabelPw46q"
      - "com.example.seed=m4x9k2q7z1p8v3n6r0t5w2y7b4c9d1f6"
""", 1)
    assert compose.count("CmdPw55xq") == 1 and compose.count("AKIAZ3QX7PLM5NRT2WYB") == 1
    compose += ("\nx-deploy:\n  deploy_token: XextPw82q\n"
                f"  registry: '{BATTERY[30][1]}'\n  blob: {BATTERY[34][1]}\n")
    (root / "compose.yml").write_text(compose)
    with (root / ".env").open("a") as env:
        env.write("".join(f"{key}_ENV={value}\n" for key, value, _ in BATTERY + ENV_ONLY))
        env.write(f"TLS_KEY='-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM}\n-----END OPENSSH PRIVATE KEY-----'\n")
    return root


def doctor(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module", params=["broken-stack", "fastapi-template"])
def battery(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("battery")
    root = (plant_broken_stack if request.param == "broken-stack" else plant_fastapi)(base)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "DOCKER_CONTEXT", "DOCTOR_DEBUG")}
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(base / "home"), XDG_STATE_HOME=str(base / "state"),
               DOCKER_HOST="unix:///nonexistent/doctor-battery.sock")
    return root, env


def test_every_battery_file_comes_out_masked_whole(battery: tuple[Path, dict[str, str]]) -> None:
    """What any diff, edit or finding can quote of a planted file: all of it, through the border."""
    root, env = battery
    redactor = project_redactor(Project(ProjectOptions(path=root, env=env)))
    for path in (root / ".env", *root.glob("compose*.y*ml")):
        text = path.read_text()
        assert leaks(redactor.text(text)) == [], path.name
        assert leaks(redactor.text(json.dumps(text))) == [], path.name


@pytest.mark.parametrize("fmt", ["console", "json", "sarif", "junit", "github"])
def test_no_report_format_prints_a_battery_secret(battery: tuple[Path, dict[str, str]], fmt: str) -> None:
    root, env = battery
    out = root.parent / f"report.{fmt}"
    done = doctor("preflight", "--format", fmt, "--output", str(out), ".", cwd=root, env=env)
    assert done.returncode in (0, 1), done.stderr
    assert leaks(done.stdout + done.stderr) == [] and leaks(out.read_text()) == []


def test_fix_why_ports_and_debug_print_no_battery_secret(battery: tuple[Path, dict[str, str]],
                                                        tmp_path: Path) -> None:
    root, env = battery
    dry = doctor("fix", "--dry-run", ".", cwd=root, env=env)
    assert "--- a/" in dry.stdout, dry.stdout + dry.stderr
    if root.name == "broken-stack":  # every battery line is in a hunk's context
        assert "CALLBACK_ID=***" in dry.stdout and "STATS0_SERVER=db" in dry.stdout, dry.stdout
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


def test_malformed_compose_with_a_secret_on_the_bad_line(battery: tuple[Path, dict[str, str]],
                                                         tmp_path: Path) -> None:
    root, env = battery
    copy = tmp_path / root.name
    shutil.copytree(root, copy)
    compose = copy / ("compose.yaml" if root.name == "broken-stack" else "compose.yml")
    compose.write_text(compose.read_text() + "  bad: [CALLBACK_ID=q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0\n")
    for fmt in ("console", "json"):
        done = doctor("preflight", "--format", fmt, ".", cwd=copy, env={**env, "DOCTOR_DEBUG": "1"})
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert leaks(done.stdout + done.stderr) == []


def test_a_secret_default_in_a_port_compose_rejects(battery: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """`"${API_TOKEN:-Sup3rPortPw9}:81"`: compose-config quotes the port and its `invalid hostPort`."""
    root, env = battery
    copy = tmp_path / root.name
    shutil.copytree(root, copy)
    compose = copy / ("compose.yaml" if root.name == "broken-stack" else "compose.yml")
    text = ("\n" + compose.read_text()).replace("\nservices:\n", '\nservices:\n  porttok:\n    image: busybox\n'
                                              '    ports: ["${API_TOKEN:-Sup3rPortPw9}:81"]\n', 1)
    assert "Sup3rPortPw9" in text
    compose.write_text(text)
    for args in (("preflight", "."), ("preflight", "--format", "json", "."), ("ports", "."), ("baseline", ".")):
        done = doctor(*args, cwd=copy, env=env)
        assert "Sup3rPortPw9" not in done.stdout + done.stderr, done.stdout
    assert "hostPort" in (copy / ".doctor-baseline.json").read_text()
    assert "Sup3rPortPw9" not in (copy / ".doctor-baseline.json").read_text()


def test_an_env_line_without_equals_sign_is_quoted_masked(battery: tuple[Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    """compose rejects `CALLBACK 9k2m...` as a key with a space, and its message quotes the line."""
    root, env = battery
    copy = tmp_path / root.name
    shutil.copytree(root, copy)
    with (copy / ".env").open("a") as dotenv:
        dotenv.write("RETRY_CALLBACK 9k2m7x4q8z3p6v1n5r0t8w3y7b2c6d1f4g9h5j0l\n")
    for fmt in ("console", "github"):
        done = doctor("preflight", "--format", fmt, ".", cwd=copy, env=env)
        assert "RETRY_CALLBACK ***" in done.stdout, done.stdout
        assert "9k2m7x4q8z3p6v1n5r0t8w3y7b2c6d1f4g9h5j0l"[-10:] not in done.stdout + done.stderr


def test_dotenv_override_quotes_an_app_env_file_masked(tmp_path: Path) -> None:
    """dotenv-override shows the value an app's own `.env` (no file compose reads) sets: a token
    under an innocent key there is masked by its shape."""
    root = tmp_path / "app"
    (root / "backend" / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(
        "services:\n  backend:\n    image: busybox\n    working_dir: /app\n    volumes: [./backend:/app]\n"
        "    environment:\n      CALLBACK_ID: composevalue\n      REDIS_URL: redis://backend:6379\n")
    main = root / "backend" / "app" / "main.py"
    main.write_text("from dotenv import load_dotenv\nload_dotenv('.env', override=True)\n")
    (root / "backend" / ".env").write_text(
        "CALLBACK_ID=q8z3k7m2p9x4v6n1r5t0w8y3b7c2d6f1g4h9j5l0\nREDIS_URL=redis://:AppEnvPw81x@localhost:6379\n")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home"), "NO_COLOR": "1",
           "XDG_STATE_HOME": str(tmp_path / "state"), "DOCKER_HOST": "unix:///nonexistent/doctor-battery.sock"}
    for fmt in ("console", "json", "github"):
        done = doctor("preflight", "--format", fmt, ".", cwd=root, env=env)
        assert "CALLBACK_ID=" in done.stdout and "overrides compose" in done.stdout, done.stdout
        assert "f1g4h9j5l0" not in done.stdout and "AppEnvPw81x" not in done.stdout
