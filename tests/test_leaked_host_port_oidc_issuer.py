"""leaked-host-port and an OpenID Connect provider's issuer: suitenumerique/meet (tests/replay/lasuite-meet).

meet's dev env file (`make create-env-files` copies env.d/development/common.dist to common, loaded by
'app-dev', 'celery-dev', 'app' and 'celery') gives the Keycloak behind 'nginx' (`8083:8083`) as the
back-channel endpoints its server dials, `OIDC_OP_TOKEN_ENDPOINT=http://nginx:8083/...` and the JWKS,
userinfo and introspection twins, beside `OIDC_OP_URL=http://localhost:8083/realms/meet`: django-lasuite's
resource server compares that value with the `iss` claim of each introspected token
(`JWTClaimsRegistry(iss={"value": settings.OIDC_OP_URL})`) and never dials it, and Keycloak, started
with `--hostname-url=http://localhost:8083`, writes exactly that issuer. doctor called it an error, "OIDC_OP_URL
host 'localhost' is each container itself ... (did you mean 'nginx'?)", whose fix, `http://nginx:8083/...`,
makes every token's issuer a mismatch. A provider's own URL under an OpenID Connect key (`*_OP_URL`, the
OP's issuer identifier, as `*_ISSUER` already was) is now no dial; a back-channel endpoint on localhost is
still found, and one `doctor fix` settles it.

Keycloak's own `--hostname-url=http://localhost:8083` (its command) is the address browsers reach it at:
with nginx moved off 8083 (the compose.override.yaml `doctor fix --ports` writes where 8083 is held),
doctor called it "the command of 'keycloak' dials localhost:8083 ... (did you mean 'nginx'?)" and its fix
wrote `--hostname-url=http://nginx:8083`, a name no browser resolves. A URL given to an option naming the
server's own address (`--hostname*`, `--public-url`, `--external-url`, `--frontend-url`) is no dial.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dial_checks import edit, fix_env, found, shown
from meet_replay import set_up

ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
COMMON = "env.d/development/common"


def _meet(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The replay as `make create-env-files data/media data/static` leaves it."""
    root = set_up(tmp_path)
    return root, {**ENV, "HOME": str(root)}


def test_as_set_up_the_issuer_on_localhost_is_no_dial(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    assert "OIDC_OP_URL=http://localhost:8083/realms/meet\n" in (root / COMMON).read_text()
    assert shown(root, found(root, env)) == []


def test_a_fix_leaves_the_issuer_as_written(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    before = (root / COMMON).read_text()
    fix_env(root, env)
    assert (root / COMMON).read_text() == before


def test_the_token_endpoint_on_localhost_is_still_found_and_fixed_in_one_run(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    edit(root / COMMON, "OIDC_OP_TOKEN_ENDPOINT=http://nginx:8083/", "OIDC_OP_TOKEN_ENDPOINT=http://localhost:8083/")
    before = (root / COMMON).read_text()
    assert [(check, path, line) for check, path, line, _ in shown(root, found(root, env))] == [
        ("leaked-host-port", COMMON, 36)]
    fix_env(root, env)
    assert shown(root, found(root, env)) == []
    assert (root / COMMON).read_text() == before.replace(
        "OIDC_OP_TOKEN_ENDPOINT=http://localhost:8083/", "OIDC_OP_TOKEN_ENDPOINT=http://nginx:8083/")


def test_keycloaks_own_hostname_url_is_no_dial_when_nginx_moved(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    (root / "compose.override.yaml").write_text('services:\n  nginx:\n    ports: !override\n      - "8088:8083"\n')
    assert "      - --hostname-url=http://localhost:8083\n" in (root / "compose.yml").read_text()
    assert shown(root, found(root, env)) == []


def test_a_command_dialing_localhost_where_a_moved_peer_listens_is_still_found(tmp_path: Path) -> None:
    root, env = _meet(tmp_path)
    (root / "compose.override.yaml").write_text('services:\n  minio:\n    ports: !override\n      - "9003:9000"\n')
    edit(root / "compose.yml", '      sh -c "\n      /usr/bin/mc alias set meet http://minio:9000 meet password && \\',
         '      sh -c "\n      /usr/bin/mc alias set meet http://localhost:9000 meet password && \\')
    assert [(check, path) for check, path, _, _ in shown(root, found(root, env))] == [
        ("leaked-host-port", "compose.yml")]


@pytest.mark.parametrize(("command", "dials"), [
    ("kc.sh start-dev --hostname-url=http://localhost:8083", False),
    ("kc.sh start-dev --hostname-admin-url http://localhost:8083/", False),
    ("app --public-url=http://localhost:8083", False),
    ("client --no-verify-hostname redis://localhost:6379/0", True),  # reviewW: a flag that holds the word
    ("client --redis-hostname=redis://localhost:6379/0", True),
    ("client --broker redis://localhost:6379/0", True),
])
def test_only_an_option_named_for_the_servers_own_address_is_no_dial(command: str, dials: bool) -> None:
    from doctor.checks.leaked_host_port.run_dials import _local_refs

    assert bool(list(_local_refs(command))) is dials
