"""root-owned-files never advises `user:` for a service that runs a process supervisor.

chiefonboarding/ChiefOnboarding's back/Dockerfile-dev makes /var/run/supervisord and
/var/log/supervisord as root and runs `/usr/bin/supervisord -c ...`, whose config sets `user=root`
for [supervisord] and its programs. The advice was `set UID=1001 and GID=1001 in .env and run 'web'
with user: "${UID}:${GID}"`: as uid 1001 supervisord cannot open its log nor switch user, and web
would not start. supervisord (and runit's runsvdir, s6-overlay's /init) starts as root; the advice
is to give the programs it starts the host user (or chown again after they write).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_root_owned_advice import AS_YOU, build, needs_root, run_check, title

DOCKERFILE = ("FROM python:3.13\nRUN apt-get update && apt-get install -y supervisor && mkdir /var/log/supervisord\n"
              "WORKDIR /app\nCOPY . .\nCOPY supervisord.conf /etc/supervisor/conf.d/supervisord.conf\n"
              'CMD ["/usr/bin/supervisord", "-c", "/etc/supervisor/conf.d/supervisord.conf"]\n')
CONF = ("[supervisord]\nnodaemon=true\nlogfile=/var/log/supervisord/supervisord.log\nuser=root\n\n"
        "[program:devserver]\ncommand=python manage.py runserver 0.0.0.0:8000\nuser=root\n")
COMPOSE = "services:\n  web:\n    build: ./app\n    volumes:\n      - ./app:/app\n"
SUPERVISORD = ("make the programs supervisord starts in 'web' write as 1000:1000 (user= in their [program:...] "
               "sections, naming a user of the image with those ids; supervisord must start as root, so not user:), "
               "or chown again after they write")


def _advice(tmp_path: Path, compose: str, files: dict[str, str]) -> str:
    project = build(tmp_path, compose, ("app/manage.py", "app/__pycache__/m.pyc", *files),
                    ("app/__pycache__", "app/__pycache__/m.pyc"))
    for name, text in files.items():
        (project / name).write_text(text)
    return title(run_check(project)["owner:app"])


@needs_root
@pytest.mark.parametrize(("compose", "files"), [
    (COMPOSE, {"app/Dockerfile": DOCKERFILE, "app/supervisord.conf": CONF}),
    (COMPOSE + "    command: sh -c 'python manage.py migrate && exec supervisord -n'\n",
     {"app/Dockerfile": "FROM python:3.13\n"}),
    (COMPOSE, {"app/Dockerfile": 'FROM python:3.13\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
               "app/start.sh": "#!/bin/sh\nset -e\npython manage.py migrate\nexec /usr/bin/supervisord -n\n"}),
], ids=["cmd", "compose-sh-c", "entrypoint-script"])
def test_a_supervisord_service_is_not_advised_user(tmp_path: Path, compose: str,
                                                   files: dict[str, str]) -> None:
    advice = _advice(tmp_path, compose, files)
    assert advice.endswith(f"(then, by hand: {SUPERVISORD})"), advice
    assert "with user:" not in advice


@needs_root
@pytest.mark.parametrize(("cmd", "kind", "how"), [
    ('["/init"]', "s6-overlay", "s6-setuidgid in their run scripts"),
    ('["runsvdir", "-P", "/etc/service"]', "runit", "chpst -u in their run scripts"),
])
def test_other_supervisors(tmp_path: Path, cmd: str, kind: str, how: str) -> None:
    advice = _advice(tmp_path, COMPOSE, {"app/Dockerfile": f"FROM debian:12\nCMD {cmd}\n"})
    assert f"make the programs {kind} starts in 'web' write as 1000:1000 ({how}," in advice, advice
    assert "with user:" not in advice


@needs_root
def test_an_overriding_command_runs_no_supervisor(tmp_path: Path) -> None:
    """compose's `command:` replaces the image's supervisord CMD: the service runs python, as root."""
    compose = COMPOSE + "    command: python manage.py runserver\n"
    advice = _advice(tmp_path, compose, {"app/Dockerfile": DOCKERFILE, "app/supervisord.conf": CONF})
    assert advice.endswith(f"(then, by hand: {AS_YOU.format(repr('web'))})"), advice


@needs_root
def test_a_plain_service_beside_a_supervised_one_gets_each_advice(tmp_path: Path) -> None:
    compose = COMPOSE + "  worker:\n    image: python:3.13\n    volumes:\n      - ./app:/app\n"
    advice = _advice(tmp_path, compose, {"app/Dockerfile": DOCKERFILE, "app/supervisord.conf": CONF})
    assert 'run \'worker\' with user: "${UID}:${GID}"; make the programs supervisord starts in \'web\'' in advice, \
        advice
