"""script-line-endings: a RUN of the image that strips a script's CRs clears it, until something brings them back.

`doctor explain script-line-endings` says a CRLF script is not reported when the stage's RUN
strips it. Only a RUN that both stripped and ran the script was read: the common shape
(`COPY e.sh /e.sh`, `RUN sed -i 's/\\r$//' /e.sh`, `ENTRYPOINT ["/e.sh"]`), whose image runs fine,
was an error. A RUN clears the script at the path it strips (absolute, against the WORKDIR, a
glob, a `find` over its folder, a `for` loop over a glob) when no later COPY puts the CRLF file
back there (testdrivenio/django-on-docker's `COPY . .`) and no bind mount of the service covers
it at run time (its `./app/:/usr/src/app/`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_script_line_endings_real import errors, project

CRLF = b"#!/bin/sh\r\necho hi\r\nexec \"$@\"\r\n"
BUILT = "services:\n  app:\n    build: .\n"
REPORTED = [("e.sh", "has CRLF line endings and reaches 'app' (ENTRYPOINT)")]


def dockerfile(*lines: str, entrypoint: str = "/e.sh") -> str:
    return "\n".join(("FROM busybox", *lines, f'ENTRYPOINT ["{entrypoint}"]', ""))


# -- 1. a RUN that strips the script the image runs ------------------------------------------------

STRIPPING = {
    "sed": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//' /e.sh"),
    "sed-g": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//g' /e.sh"),
    "sed-e": dockerfile("COPY e.sh /e.sh", "RUN sed -i -e 's/\\r//' /e.sh"),
    "sed-pipe-delimiter": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's|\\r$||' /e.sh"),
    "sed-in-place-long": dockerfile("COPY e.sh /e.sh", "RUN sed --in-place --expression='s/\\r$//' /e.sh"),
    "sed-double-quotes": dockerfile("COPY e.sh /e.sh", 'RUN sed -i "s/\\r$//" /e.sh'),
    "sed-then-chmod": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//' /e.sh && chmod +x /e.sh"),
    "sed-exec-form": dockerfile("COPY e.sh /e.sh", 'RUN ["sed", "-i", "s/\\\\r$//", "/e.sh"]'),
    "sed-two-runs-later": dockerfile("COPY e.sh /e.sh", "RUN apk add --no-cache bash", "RUN sed -i 's/\\r$//' /e.sh"),
    "dos2unix": dockerfile("COPY e.sh /e.sh", "RUN dos2unix /e.sh"),
    "dos2unix-installed": dockerfile("COPY e.sh /e.sh", "RUN apk add --no-cache dos2unix && dos2unix -q /e.sh"),
    "tr-and-mv": dockerfile("COPY e.sh /e.sh", "RUN tr -d '\\r' < /e.sh > /tmp/e && mv /tmp/e /e.sh"),
    "sed-to-file-and-cp": dockerfile("COPY e.sh /e.sh", "RUN sed 's/\\r$//' /e.sh > /tmp/e; cp /tmp/e /e.sh"),
    "sh-c": dockerfile("COPY e.sh /e.sh", "RUN sh -c \"sed -i 's/\\r$//' /e.sh\""),
    "workdir-relative": dockerfile("WORKDIR /app", "COPY e.sh .", "RUN sed -i 's/\\r$//' e.sh", entrypoint="/app/e.sh"),
    "workdir-relative-dot": dockerfile("WORKDIR /app", "COPY e.sh .", "RUN sed -i 's/\\r$//' ./e.sh",
                                       entrypoint="./e.sh"),
    "env-variable": dockerfile("ENV APP_HOME=/home/app/web", "WORKDIR $APP_HOME", "COPY ./e.sh .",
                               "RUN sed -i 's/\\r$//g'  $APP_HOME/e.sh", entrypoint="/home/app/web/e.sh"),
    "find-exec-plus": dockerfile("COPY . /app", "RUN find /app -name '*.sh' -exec sed -i 's/\\r$//' {} +",
                                 entrypoint="/app/e.sh"),
    "find-exec-semicolon": dockerfile("COPY . /app", "RUN find /app -type f -name \"*.sh\" -exec dos2unix {} \\;",
                                      entrypoint="/app/e.sh"),
    "find-all-files": dockerfile("COPY . /app", "RUN find /app -type f -exec sed -i 's/\\r$//' {} +",
                                 entrypoint="/app/e.sh"),
    "find-xargs": dockerfile("COPY . /app", "RUN find /app -name '*.sh' -print0 | xargs -0 sed -i 's/\\r$//'",
                             entrypoint="/app/e.sh"),
    "glob": dockerfile("COPY . /app", "RUN sed -i 's/\\r$//' /app/*.sh", entrypoint="/app/e.sh"),
    "for-loop": dockerfile("COPY . /app", "RUN for f in /app/*.sh; do sed -i 's/\\r$//' \"$f\"; done",
                           entrypoint="/app/e.sh"),
}


@pytest.mark.parametrize("text", STRIPPING.values(), ids=STRIPPING.keys())
def test_a_run_that_strips_the_script_clears_it(tmp_path: Path, text: str) -> None:
    root = project(tmp_path, {"e.sh": CRLF, "Dockerfile": text, "compose.yaml": BUILT})
    assert errors(root) == []


def test_a_compose_command_running_the_stripped_copy_is_clear(tmp_path: Path) -> None:
    text = "FROM busybox\nCOPY e.sh /e.sh\nRUN sed -i 's/\\r$//' /e.sh\n"
    compose = "services:\n  app:\n    build: .\n    command: /e.sh\n"
    root = project(tmp_path, {"e.sh": CRLF, "Dockerfile": text, "compose.yaml": compose})
    assert errors(root) == []


def test_a_copied_folder_the_run_strips_is_clear(tmp_path: Path) -> None:
    text = "FROM busybox\nCOPY scripts /scripts\nRUN find /scripts -name '*.sh' -exec sed -i 's/\\r$//' {} +\n"
    root = project(tmp_path, {"scripts/e.sh": CRLF, "scripts/f.sh": CRLF, "Dockerfile": text, "compose.yaml": BUILT})
    assert errors(root) == []


def test_a_builder_stage_that_strips_in_an_earlier_run(tmp_path: Path) -> None:
    text = ("FROM python:3.12-slim AS build\nCOPY scripts/build.sh /build.sh\nRUN sed -i 's/\\r$//' /build.sh\n"
            "RUN /build.sh\nFROM python:3.12-slim\nCOPY --from=build /out /out\n")
    root = project(tmp_path, {"scripts/build.sh": CRLF, "Dockerfile": text, "compose.yaml": BUILT})
    assert errors(root) == []


def test_a_bom_stays_an_error_when_the_crs_are_stripped(tmp_path: Path) -> None:
    root = project(tmp_path, {"e.sh": b"\xef\xbb\xbf" + CRLF, "compose.yaml": BUILT,
                              "Dockerfile": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//' /e.sh")})
    assert errors(root) == [("e.sh", "has a BOM and reaches 'app' (ENTRYPOINT)")]


# -- 2. what it still reports --------------------------------------------------------------------

STILL_CRLF = {
    "no-strip": dockerfile("COPY e.sh /e.sh", "RUN chmod +x /e.sh"),
    "stripped-before-the-copy": dockerfile("RUN sed -i 's/\\r$//' /e.sh || true", "COPY e.sh /e.sh"),
    "copied-again-after": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//' /e.sh", "COPY e.sh /e.sh"),
    "another-file": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/\\r$//' /other.sh"),
    "sed-without-i": dockerfile("COPY e.sh /e.sh", "RUN sed 's/\\r$//' /e.sh"),
    "sed-of-something-else": dockerfile("COPY e.sh /e.sh", "RUN sed -i 's/foo/bar/' /e.sh"),
    "sed-unquoted-r": dockerfile("COPY e.sh /e.sh", "RUN sed -i s/\\r$// /e.sh"),  # the shell makes it `s/r$//`
    "tr-without-mv": dockerfile("COPY e.sh /e.sh", "RUN tr -d '\\r' < /e.sh > /tmp/e"),
    "dos2unix-new-file": dockerfile("COPY e.sh /e.sh", "RUN dos2unix -n /e.sh /tmp/e"),
    "relative-in-another-workdir": dockerfile("COPY e.sh /e.sh", "WORKDIR /app", "RUN sed -i 's/\\r$//' e.sh"),
    "find-another-folder": dockerfile("COPY . /app", "RUN find /srv -name '*.sh' -exec sed -i 's/\\r$//' {} +",
                                      entrypoint="/app/e.sh"),
    "find-other-names": dockerfile("COPY . /app", "RUN find /app -name '*.py' -exec sed -i 's/\\r$//' {} +",
                                   entrypoint="/app/e.sh"),
    "glob-of-other-names": dockerfile("COPY . /app", "RUN sed -i 's/\\r$//' /app/*.py", entrypoint="/app/e.sh"),
    "glob-one-folder-deep": dockerfile("COPY . /app", "RUN sed -i 's/\\r$//' /app/*/*.sh", entrypoint="/app/e.sh"),
    "another-stage": ("FROM busybox AS other\nCOPY e.sh /e.sh\nRUN sed -i 's/\\r$//' /e.sh\n"
                      "FROM busybox\nCOPY e.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n"),
}


@pytest.mark.parametrize("text", STILL_CRLF.values(), ids=STILL_CRLF.keys())
def test_a_run_that_does_not_strip_what_the_image_runs_leaves_it_an_error(tmp_path: Path, text: str) -> None:
    root = project(tmp_path, {"e.sh": CRLF, "Dockerfile": text, "compose.yaml": BUILT})
    assert errors(root) == REPORTED


# testdrivenio/django-on-docker's app/Dockerfile and docker-compose.yml
DJANGO_DOCKERFILE = ("FROM python:3.11.4-slim-buster\nWORKDIR /usr/src/app\n"
                     "ENV PYTHONDONTWRITEBYTECODE 1\nENV PYTHONUNBUFFERED 1\n"
                     "RUN pip install --upgrade pip\nCOPY ./requirements.txt .\nRUN pip install -r requirements.txt\n"
                     "COPY ./entrypoint.sh .\nRUN sed -i 's/\\r$//g' /usr/src/app/entrypoint.sh\n"
                     "RUN chmod +x /usr/src/app/entrypoint.sh\n")
DJANGO_COMPOSE = ("services:\n  web:\n    build: ./app\n    command: python manage.py runserver 0.0.0.0:8000\n"
                  "    volumes:\n      - ./app/:/usr/src/app/\n")
DJANGO_ENTRYPOINT = b"#!/bin/sh\r\npython manage.py migrate\r\nexec \"$@\"\r\n"


def django(tmp_path: Path, copy_all: bool, compose: str) -> Path:
    text = DJANGO_DOCKERFILE + ("COPY . .\n" if copy_all else "") + 'ENTRYPOINT ["/usr/src/app/entrypoint.sh"]\n'
    return project(tmp_path, {"app/Dockerfile": text, "app/entrypoint.sh": DJANGO_ENTRYPOINT,
                              "app/requirements.txt": "django\n", "app/manage.py": "", "docker-compose.yml": compose})


def test_django_on_docker_copies_the_crlf_script_back_over_the_stripped_one(tmp_path: Path) -> None:
    root = django(tmp_path, True, "services:\n  web:\n    build: ./app\n")
    assert errors(root) == [("app/entrypoint.sh", "has CRLF line endings and reaches 'web' (ENTRYPOINT)")]


def test_django_on_docker_binds_the_crlf_script_over_the_stripped_one(tmp_path: Path) -> None:
    root = django(tmp_path, True, DJANGO_COMPOSE)
    assert errors(root) == [("app/entrypoint.sh", "has CRLF line endings and reaches 'web' (ENTRYPOINT)")]


def test_a_bind_mount_alone_brings_the_crlf_script_back(tmp_path: Path) -> None:
    root = django(tmp_path, False, DJANGO_COMPOSE)
    assert errors(root) == [("app/entrypoint.sh", "has CRLF line endings and reaches 'web' (ENTRYPOINT)")]


def test_without_the_copy_back_or_the_bind_the_stripped_script_is_clear(tmp_path: Path) -> None:
    root = django(tmp_path, False, "services:\n  web:\n    build: ./app\n")
    assert errors(root) == []


@pytest.mark.parametrize("volume", ["./:/app", ".:/app/", "./e.sh:/app/e.sh"])
def test_a_bind_mount_over_the_stripped_script(tmp_path: Path, volume: str) -> None:
    compose = f"services:\n  app:\n    build: .\n    volumes: ['{volume}']\n"
    text = dockerfile("WORKDIR /app", "COPY e.sh .", "RUN sed -i 's/\\r$//' e.sh", entrypoint="/app/e.sh")
    root = project(tmp_path, {"e.sh": CRLF, "Dockerfile": text, "compose.yaml": compose})
    assert errors(root) == REPORTED


def test_a_bind_mount_beside_the_stripped_script_leaves_it_clear(tmp_path: Path) -> None:
    compose = "services:\n  app:\n    build: .\n    volumes: ['./data:/app/data']\n"
    text = dockerfile("WORKDIR /app", "COPY e.sh .", "RUN sed -i 's/\\r$//' e.sh", entrypoint="/app/e.sh")
    root = project(tmp_path, {"e.sh": CRLF, "data/x.txt": "", "Dockerfile": text, "compose.yaml": compose})
    assert errors(root) == []


# -- 3. the RUN reader itself --------------------------------------------------------------------

@pytest.mark.parametrize(("run", "inside", "stripped"), [
    ("find /app -maxdepth 1 -name '*.sh' -exec sed -i 's/\\r$//' {} +", "/app/e.sh", True),
    ("find /app -maxdepth 1 -name '*.sh' -exec sed -i 's/\\r$//' {} +", "/app/bin/e.sh", False),
    ("find /app -iname '*.SH' -exec dos2unix {} +", "/app/bin/e.sh", True),
    ("find /app ! -name '*.sh' -exec dos2unix {} +", "/app/e.sh", False),  # a selection not followed
    ("find /app -name '*.sh' -exec chmod +x {} +", "/app/e.sh", False),
    ("find /app -name '*.sh' | xargs -I{} sed -i 's/\\r$//' {}", "/app/e.sh", True),
    ("sed -i.bak 's/\\r$//' /app/e.sh", "/app/e.sh", True),
    ("sed -ie 's/\\r$//' /app/e.sh", "/app/e.sh", True),  # GNU: -i with the suffix `e`, then the script
    ("perl -pi -e 's/\\r\\n/\\n/' /app/e.sh", "/app/e.sh", True),
    ("cat /app/e.sh | tr -d '\\015' > /tmp/e && mv -f /tmp/e /app/e.sh", "/app/e.sh", True),
    ("tr -d '\\r' < /app/e.sh > /tmp/e 2>&1 && mv /tmp/e /app/e.sh", "/app/e.sh", True),
    ("echo 's/\\r$//' && sed -i 's/a/b/' /app/e.sh", "/app/e.sh", False),
    ("sed -i 's/\\r$//' '/app/e.sh", "/app/e.sh", False),  # an open quote: sh reads nothing
])
def test_what_a_run_strips(run: str, inside: str, stripped: bool) -> None:
    from doctor.project.lf_rewrites import lf_rewrites

    assert any(r.covers(inside) for r in lf_rewrites(run, "/")) is stripped
