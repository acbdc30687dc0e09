"""leaked-host-port and a site's own URL behind a proxy: lila-docker (tests/replay/lila-docker).

lichess-org/lila-docker runs the Scala app 'lila' (no port of its own) behind 'caddy' (`8080:80`, which
reverse-proxies to `lila:9663`), under the profiles its setup exports from settings.env
(`COMPOSE_PROFILES=base,chessground` when the optional chessground board is chosen). 'lila' gets
`LILA_URL=http://localhost:8080`, which conf/lila.conf reads as `net.base_url`: the address the browser
opens, caddy's host port. doctor preflight said 'LILA_URL host 'localhost' is 'lila' itself in its container
(did you mean 'chessground'?)', an error, because chessground's `http-server -p 8080` listens on 8080 inside
the network, and its fix would have pointed the site's links at chessground. A URL to a host port another
service publishes is that service's address from the host, a page; the same kind of dial of a peer that
publishes its own port (openingexplorer's `9002:9002`) is still the error it was, fixed in one run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "lila-docker"
# what `./lila-docker start` leaves: .env with the user's ids, settings.env exported into the shell
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host",
       "COMPOSE_PROFILES": "base,chessground", "LILA_WS_CONTAINER": "image",
       "LILA_DOMAIN": "localhost:8080", "LILA_URL": "http://localhost:8080"}
# `doctor fix --env`, the family of the fault: the stack publishes 8080, 9002 and more, which a developer's own
# stack may hold, and port-collision's moves would write files of their own
ENV_FIXES = frozenset({"env"})
CHECKS = ("leaked-host-port", "service-name-drift")
RATE_LINE = "      - ENABLE_RATE_LIMITING=${ENABLE_RATE_LIMITING:-true}\n"
INTERNAL = 'explorer.internal_endpoint = "http://openingexplorer:9002"'


def _lila_docker(tmp_path: Path) -> Path:
    root = tmp_path / "lila-docker"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    (root / ".env").write_text("USER_ID=1000\nGROUP_ID=1000\n")
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.line if f.location else None) for f in report.findings]


def test_the_site_url_on_the_proxys_host_port_is_no_dial_of_a_peer_listening_there(tmp_path: Path) -> None:
    assert _found(_lila_docker(tmp_path)) == []


def test_a_dial_of_a_peer_on_its_own_published_port_is_still_found_and_fixed(tmp_path: Path) -> None:
    root = _lila_docker(tmp_path)
    compose, conf = root / "compose.yml", root / "conf" / "lila.conf"
    text = compose.read_text()
    assert text.count(RATE_LINE) == 1 and conf.read_text().count(INTERNAL) == 1
    compose.write_text(text.replace(RATE_LINE, RATE_LINE + "      - EXPLORER_INTERNAL_ENDPOINT=http://localhost:9002\n"))
    conf.write_text(conf.read_text().replace(INTERNAL, "explorer.internal_endpoint = ${?EXPLORER_INTERNAL_ENDPOINT}"))
    assert _found(root) == [("EXPLORER_INTERNAL_ENDPOINT host 'localhost' is 'lila' itself in its container (did you "
                             "mean 'openingexplorer'?): 'lila' reads EXPLORER_INTERNAL_ENDPOINT in conf/lila.conf", 60)]
    options = _options(root)
    fix(FixOptions(project=options, families=ENV_FIXES, yes=True, env=dict(options.env)), load_registry())
    assert (root / "compose.override.yaml").read_text() == (
        'services:\n  lila:\n    environment:\n      EXPLORER_INTERNAL_ENDPOINT: "http://openingexplorer:9002"\n')
    assert _found(root) == []


def test_a_worker_dialing_a_peer_behind_a_proxy_on_that_port_is_still_found(tmp_path: Path) -> None:
    """openlibrary's shape with an nginx in front of 'web': nginx publishes 8080:80, 'web' listens on 8080 inside,
    and the updater's OL_URL=http://localhost:8080/ dials its own container. Found before the lila exemption, then
    missed (another service publishing the port made it a page); the key names neither the updater nor does nginx
    front it, so it is the error again."""
    root = tmp_path / "ol"
    root.mkdir()
    (root / "compose.yaml").write_text(
        "services:\n"
        "  updater:\n    image: python:3.12\n    command: python scripts/solr_updater.py\n"
        "    environment:\n      OL_URL: http://localhost:8080/\n"
        "  web:\n    image: python:3.12\n    command: gunicorn -b 0.0.0.0:8080 app:app\n    expose: [\"8080\"]\n"
        "  nginx:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n    depends_on: [web]\n")
    options = ProjectOptions(path=root, env={"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1",
                                             "DOCTOR_CONTEXT": "host", "HOME": str(root)})
    report = preflight(RunOptions(project=options, select=("leaked-host-port",), env=dict(options.env)),
                       load_registry()).report
    assert [(f.message.split(":")[0], f.location.line if f.location else None) for f in report.findings] == [
        ("OL_URL host 'localhost' is 'updater' itself in its container (did you mean 'web'?)", 6)]
