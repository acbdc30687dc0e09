"""leaked-host-port and an OpenID Connect provider's front-channel endpoint: suitenumerique/people
(tests/replay/lasuite-people).

people's dev env file (`make create-env-files` copies env.d/development/common.dist to common, loaded
by 'app-dev', its celery workers and flower) gives mozilla-django-oidc four endpoints of the Keycloak
behind 'nginx' (`8083:8083`): the JWKS, token and userinfo endpoints at `http://nginx:8083/...`, which
the Django server dials itself, and `OIDC_OP_AUTHORIZATION_ENDPOINT=http://localhost:8083/...`, the
login page the server redirects the developer's browser to (and OIDC_OP_LOGOUT_ENDPOINT, which
settings.py reads too, is the logout page it sends the browser to). doctor took the latter for a dial because
people/settings.py reads it, and called it an error whose fix, `http://nginx:8083/...`, sends the
browser to a name it cannot resolve. An authorization or logout (end-session) endpoint is now a page; a
back-channel endpoint on localhost is still found, and one `doctor fix` settles it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from dial_checks import edit, fix_env, found, shown
from meet_replay import set_up

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
COMMON = "env.d/development/common"


def _people(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The replay as `make create-env-files` and `make data/media data/static` leave it."""
    root = set_up(tmp_path, "lasuite-people", "people")
    return root, {**ENV, "HOME": str(root)}


def test_as_set_up_the_authorization_endpoint_is_the_browsers(tmp_path: Path) -> None:
    root, env = _people(tmp_path)
    assert shown(root, found(root, env)) == []


def test_the_logout_endpoint_on_localhost_is_a_page_too(tmp_path: Path) -> None:
    root, env = _people(tmp_path)
    with (root / COMMON).open("a") as out:
        out.write("OIDC_OP_LOGOUT_ENDPOINT=http://localhost:8083/realms/people/protocol/openid-connect/logout\n")
    assert shown(root, found(root, env)) == []


def test_the_token_endpoint_on_localhost_is_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root, env = _people(tmp_path)
    edit(root / COMMON, "OIDC_OP_TOKEN_ENDPOINT=http://nginx:8083/", "OIDC_OP_TOKEN_ENDPOINT=http://localhost:8083/")
    before = (root / COMMON).read_text()
    assert [(check, path, line) for check, path, line, _ in shown(root, found(root, env))] == [
        ("leaked-host-port", COMMON, 23)]
    fix_env(root, env)
    assert shown(root, found(root, env)) == []
    assert (root / COMMON).read_text() == before.replace(
        "OIDC_OP_TOKEN_ENDPOINT=http://localhost:8083/", "OIDC_OP_TOKEN_ENDPOINT=http://nginx:8083/")


def _policy_engine(tmp_path: Path, key: str) -> tuple[Path, dict[str, str]]:
    """An app whose server POSTs each request to an Open Policy Agent peer, `KEY` on localhost."""
    root = tmp_path / "opa"
    (root / "app").mkdir(parents=True)
    (root / "compose.yaml").write_text(
        "services:\n  app:\n    build: ./app\n    env_file: app.env\n    depends_on: [opa]\n"
        "  opa:\n    image: openpolicyagent/opa:0.68.0\n    command: [run, --server]\n    expose: ['8181']\n")
    (root / "app" / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n")
    (root / "app" / "main.py").write_text(
        f"import os\nfrom urllib.request import urlopen\n\nURL = os.getenv({key!r})\n\n\n"
        "def allowed(body):\n    return urlopen(URL, data=body).status == 200\n")
    (root / "app.env").write_text(f"{key}=http://localhost:8181/v1/data/httpapi/authz\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root, {**ENV, "HOME": str(root)}


def test_a_policy_engines_authorization_url_is_a_dial_not_a_page(tmp_path: Path) -> None:
    # OPA_AUTHORIZATION_URL names no OAuth / OpenID Connect provider: the server POSTs to it, as to AUTHZ_URL
    for key in ("OPA_AUTHORIZATION_URL", "AUTHZ_URL"):
        root, env = _policy_engine(tmp_path / key, key)
        assert [(check, path, line) for check, path, line, _ in shown(root, found(root, env))] == [
            ("leaked-host-port", "app.env", 1)], key
