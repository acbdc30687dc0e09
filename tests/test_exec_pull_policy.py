"""`doctor exec`: the note before a `run` follows what compose's `run` does to each image (docker/compose
v2.40 pkg/compose/pull.go mustPull, build.go build; checked with the real binary in the last tests):
each service's `pull_policy` (the dependencies' too), `run --build` rebuilding images that are there
(the service's and its dependencies'), and, where the engine cannot be asked, only the services whose
images are in doubt."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_docker_engine import FakeEngine
from test_exec_deps_pull import notes
from test_execute import fake_docker, load

import doctor.execute
from doctor.execute import execute
from doctor.run_images import image_note, pull_policy

APP = """\
services:
  app:
    build: .
    working_dir: /app
    volumes:
      - .:/app
    depends_on:
      - db
  db:
"""
OFFLINE = "which fails without registry access"
NOW = datetime.now(UTC)


def project_with(root: Path, db: str, app: str = "") -> Path:
    """'app' (build:, the code bind-mounted) depends on 'db', written as `db` (its lines under `db:`)."""
    project = root / "proj"
    project.mkdir(parents=True, exist_ok=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["doctor-absent-package>=1"]\n')
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\n")
    (project / "db").mkdir(exist_ok=True)
    (project / "db" / "Dockerfile").write_text("FROM postgres:16\n")
    (project / "compose.yaml").write_text(APP.replace("    build: .\n", f"    build: .\n{app}") + db)
    return project


def offline_docker(root: Path) -> tuple[dict[str, str], Path]:
    """test_execute's recording `docker` (and its env, an engine socket that does not exist), in `root`/bin."""
    (root / "bin").mkdir(parents=True, exist_ok=True)
    return fake_docker(root / "bin")


def tag_time(when: datetime | None) -> dict[str, object]:
    """An image inspect answer with the engine's `Metadata.LastTagTime` (year 1: none recorded)."""
    text = "0001-01-01T00:00:00Z" if when is None else when.strftime("%Y-%m-%dT%H:%M:%S.123456789Z")
    return {"Id": "sha256:" + "1" * 64, "Os": "linux", "Architecture": "amd64", "Metadata": {"LastTagTime": text}}


def note_with(root: Path, db: str, tags: list[str], tagged: datetime | None = None, app: str = "",
              rebuild: str | None = None) -> tuple[str | None, list[str]]:
    """image_note for 'app', on an engine that has `tags` (each last tagged at `tagged`), and the requests it got."""
    project = project_with(root, db, app)
    env, _record = offline_docker(root)
    routes: dict[str, object] = {"/images/json": [{"RepoTags": tags}]}
    routes.update({f"/images/{tag}/json": tag_time(tagged) for tag in tags})
    fake = FakeEngine(root / "e.sock", routes)
    env["DOCKER_HOST"] = fake.url
    try:
        return image_note(*load(project, env), "app", rebuild), fake.requests
    finally:
        fake.close()


APP_IMAGE = "doctorexecfake-app:latest"
PG = ["postgres:16", APP_IMAGE]
BUILT_DB = "    build: ./db\n"
STOPS = "compose neither pulls nor builds it, so the run stops at 'No such image'"


@pytest.mark.parametrize(("db", "tags", "tagged", "expected"), [
    # as before: no policy, absent; and every image there
    ("    image: postgres:16\n", [APP_IMAGE], None,
     f"'app' starts 'db' along (depends_on): compose will pull 'postgres:16' first ({OFFLINE})"),
    ("    image: postgres:16\n", PG, None, None),
    ("    image: postgres:16\n    pull_policy: missing\n", PG, None, None),
    ("    image: postgres:16\n    pull_policy: if_not_present\n", [APP_IMAGE], None,
     f"'app' starts 'db' along (depends_on): compose will pull 'postgres:16' first ({OFFLINE})"),
    # always: pulled though the engine has it (the note said nothing: compose then failed offline)
    ("    image: postgres:16\n    pull_policy: always\n", PG, None,
     f"'app' starts 'db' along (depends_on): compose will pull 'postgres:16' (pull_policy: always) first ({OFFLINE})"),
    # never: absent, the run stops at compose's "No such image" (the note said compose would pull it)
    ("    image: postgres:16\n    pull_policy: never\n", [APP_IMAGE], None,
     f"image 'postgres:16' of 'db' (which 'app' starts along) is not on the engine and its pull_policy is never: "
     f"{STOPS}"),
    ("    image: postgres:16\n    pull_policy: never\n", PG, None, None),
    # never with build: compose builds what it may not pull
    (f"{BUILT_DB}    image: postgres:16\n    pull_policy: never\n", [APP_IMAGE], None,
     "'app' starts 'db' along (depends_on): compose will build 'postgres:16' first"),
    # build: rebuilt on every run; without build: it is never pulled
    (f"{BUILT_DB}    pull_policy: build\n", [APP_IMAGE, "doctorexecfake-db:latest"], None,
     "'app' starts 'db' along (depends_on): compose will rebuild 'doctorexecfake-db' (pull_policy: build) first"),
    ("    image: postgres:16\n    pull_policy: build\n", [APP_IMAGE], None,
     f"image 'postgres:16' of 'db' (which 'app' starts along) is not on the engine and its pull_policy is build "
     f"and it has no build:: {STOPS}"),
    # a named image with build: compose pulls it first and builds it where that fails (a warning)
    (f"{BUILT_DB}    image: postgres:16\n", [APP_IMAGE], None,
     "'app' starts 'db' along (depends_on): compose will pull 'postgres:16' (built if the pull fails) first"),
    # refresh policies: by when the engine tagged its copy (none recorded: older than any period)
    ("    image: postgres:16\n    pull_policy: daily\n", PG, NOW - timedelta(hours=2), None),
    ("    image: postgres:16\n    pull_policy: daily\n", PG, NOW - timedelta(days=2),
     "'app' starts 'db' along (depends_on): compose will pull 'postgres:16' (pull_policy: daily, and the engine "
     f"tagged its copy over a day ago) first ({OFFLINE})"),
    ("    image: postgres:16\n    pull_policy: weekly\n", PG, NOW - timedelta(days=2), None),
    ("    image: postgres:16\n    pull_policy: every_12h\n", PG, NOW - timedelta(hours=13),
     "'app' starts 'db' along (depends_on): compose will pull 'postgres:16' (pull_policy: every_12h, and the "
     f"engine tagged its copy over 12h ago) first ({OFFLINE})"),
    ("    image: postgres:16\n    pull_policy: every_1d\n", PG, None,
     "'app' starts 'db' along (depends_on): compose will pull 'postgres:16' (pull_policy: every_1d, and the "
     f"engine records no tag time for its copy) first ({OFFLINE})"),
    ("    image: postgres:16\n    pull_policy: weekly\n", [APP_IMAGE], None,
     f"'app' starts 'db' along (depends_on): compose will pull 'postgres:16' first ({OFFLINE})"),
])
def test_the_note_follows_each_dependencys_pull_policy(
        short_dir: Path, db: str, tags: list[str], tagged: datetime | None, expected: str | None) -> None:
    note, requests = note_with(short_dir, db, tags, tagged)
    assert note == expected
    # the image list answers for all; only a refresh policy asks the engine when it tagged an image there
    asked = [r for r in requests if r.startswith("/images/") and r != "/images/json"]
    assert asked == (["/images/postgres:16/json"] if "daily" in db or "every_" in db or ("weekly" in db and
                                                                                       "postgres:16" in tags) else [])


def test_the_services_own_pull_policy(short_dir: Path) -> None:
    note, _ = note_with(short_dir, "    image: postgres:16\n", PG, app="    pull_policy: build\n")
    assert note == ("image 'doctorexecfake-app' of service 'app' is built on every run (pull_policy: build): "
                    "compose will rebuild it first")
    note, _ = note_with(short_dir / "b", "    image: postgres:16\n", PG,
                        app="    image: registry.example/app:1\n    pull_policy: always\n")
    assert note == ("image 'registry.example/app:1' of service 'app' is not on the engine: compose will pull it "
                    "first, and build it if that fails")


def test_a_never_image_another_dependency_pulls_is_there_for_it(short_dir: Path) -> None:
    """compose readies every image before it creates a container: 'replica' pulls what 'db' may not."""
    note, _ = note_with(short_dir, "    image: postgres:16\n    pull_policy: never\n"
                                   "  replica:\n    image: postgres:16\n", [APP_IMAGE])
    assert note is not None and note.endswith(STOPS)  # `run app` readies no image of 'replica', which it does not start
    note, _ = note_with(short_dir / "b", "    image: postgres:16\n    pull_policy: never\n    depends_on: [replica]\n"
                                         "  replica:\n    image: postgres:16\n", [APP_IMAGE])
    assert note == ("'app' starts 'replica' along (depends_on): compose will pull 'postgres:16' first "
                    f"({OFFLINE})")


@pytest.mark.parametrize(("written", "policy", "period"), [
    ("always", "always", None), ("if_not_present", "missing", None), (None, "missing", None),
    ("Always", "missing", None), ("daily", "refresh", timedelta(days=1)), ("weekly", "refresh", timedelta(weeks=1)),
    ("every_1h30m", "refresh", timedelta(hours=1, minutes=30)), ("every_2w", "refresh", timedelta(weeks=2)),
    ("every_500ms", "refresh", timedelta(milliseconds=500)), ("every_x", "missing", None),
])
def test_pull_policy_reads_as_compose_go(written: str | None, policy: str, period: timedelta | None) -> None:
    assert pull_policy(written) == (policy, period)


COPIED = """\
services:
  app:
    build: .
    working_dir: /app
    depends_on:
      - worker
  worker:
    build: ./worker
"""


def test_a_run_build_says_it_rebuilds_an_image_that_is_there(
        short_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """No bind mount brings app's code: doctor runs `run --build`, which rebuilds app's image (there) and
    worker's (compose's --build sets pull_policy build on every service it starts that builds): the
    note said nothing, and the user waited for builds."""
    project = project_with(short_dir, "")
    (project / "compose.yaml").write_text(COPIED)
    (project / "worker").mkdir()
    (project / "worker" / "Dockerfile").write_text("FROM python:3.12-slim\n")
    env, record = offline_docker(short_dir)
    tags = [APP_IMAGE, "doctorexecfake-worker:latest"]
    fake = FakeEngine(short_dir / "e.sock", {"/images/json": [{"RepoTags": tags}]})
    env["DOCKER_HOST"] = fake.url
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    try:
        assert execute(["pytest", "-x"], *load(project, env)) == 0
    finally:
        fake.close()
    argv = record.read_text().splitlines()
    assert argv[argv.index("run"):] == ["run", "--build", "--rm", "-T", "app", "pytest", "-x"]
    assert notes(capfd.readouterr().err) == [
        "doctor: note: `run --build` rebuilds image 'doctorexecfake-app' of service 'app' first, although the "
        "engine has it: its code is copied into the image, not bind-mounted, so a `run` sees your edits after a "
        "rebuild; 'app' starts 'worker' along (depends_on): compose will rebuild 'doctorexecfake-worker' "
        "(run --build) first"]


def test_a_run_without_build_says_nothing_of_an_image_there(short_dir: Path) -> None:
    """The bound service's `run` (no --build) leaves the images there alone: no note."""
    note, _ = note_with(short_dir, f"{BUILT_DB}", [APP_IMAGE, "doctorexecfake-db:latest"])
    assert note is None
    note, _ = note_with(short_dir / "b", f"{BUILT_DB}", [APP_IMAGE, "doctorexecfake-db:latest"],
                        rebuild="its code is copied into the image")
    assert note == ("`run --build` rebuilds image 'doctorexecfake-app' of service 'app' first, although the engine "
                    "has it: its code is copied into the image; 'app' starts 'db' along (depends_on): compose will "
                    "rebuild 'doctorexecfake-db' (run --build) first")


UNASKED = """\
services:
  app:
    build: .
    working_dir: /app
    volumes:
      - .:/app
    depends_on: [db, cache, redis]
  db:
    image: postgres:16
    pull_policy: never
  cache:
    image: memcached:1
    pull_policy: always
  redis:
    image: redis:7
  unrelated:
    image: doctor-test/unrelated:none
"""


def test_the_engine_that_cannot_be_asked_leaves_in_doubt_only_what_it_decides(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """The "could not ask the engine" line named every service the run starts, those whose pull_policy
    decides without the engine too: 'db' (never: compose pulls or builds nothing) and 'cache' (always:
    pulled whatever the engine has, said as such); it names only the images in doubt."""
    project = project_with(tmp_path, "")
    (project / "compose.yaml").write_text(UNASKED)
    env, _record = offline_docker(tmp_path)  # DOCKER_HOST: a socket that does not exist
    monkeypatch.setattr(doctor.execute, "is_running", lambda *_: False)
    monkeypatch.chdir(project)
    assert execute(["pytest"], *load(project, env)) == 0
    (note,) = notes(capfd.readouterr().err)
    unknown = note[note.index("could not ask the engine"):]
    assert unknown.startswith("could not ask the engine whether it has the images of 'app' and 'redis' ("), note
    assert unknown.endswith("): compose may build or pull them first (depends_on starts 'redis' along)"), note
    assert note.startswith("doctor: note: 'app' starts 'cache' along (depends_on): compose will pull 'memcached:1' "
                           f"(pull_policy: always) first ({OFFLINE}); could not ask"), note


@pytest.mark.docker
def test_the_note_agrees_with_compose_run(tmp_path: Path, docker_engine: str, compose_bin: str,
                                          busybox_image: str) -> None:
    """The real binary: an absent `never` image stops the run at "No such image" (nothing pulled), a
    `pull_policy: build` dependency whose image is there is built again, and so is it under `run --build`.
    No registry is asked: nothing here pulls."""
    name = f"doctortest{os.getpid()}{tmp_path.name[-6:].lower()}"
    absent = f"doctor-test/exec-absent-{os.getpid()}:none"
    project = tmp_path / "proj"
    (project / "db").mkdir(parents=True)
    (project / "db" / "Dockerfile").write_text(f"FROM {busybox_image}\nRUN echo rebuilt\n")
    env = {**os.environ, "COMPOSE_PROJECT_NAME": name}

    def compose(db: str, *run: str) -> tuple[str | None, subprocess.CompletedProcess[str]]:
        (project / "compose.yaml").write_text(
            f"services:\n  app:\n    image: {busybox_image}\n    depends_on: [db]\n  db:\n{db}"
            "    command: [sleep, '30']\n")
        note = image_note(*load(project, env), "app", "the code is copied" if "--build" in run else None)
        done = subprocess.run([docker_engine, "compose", "run", *run, "--rm", "app", "true"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)
        return note, done

    try:
        note, done = compose(f"    image: {absent}\n    pull_policy: never\n")
        assert note is not None and note.endswith(STOPS)
        assert done.returncode != 0 and f"No such image: {absent}" in done.stderr, done.stderr
        assert "Pulling" not in done.stderr
        subprocess.run([docker_engine, "tag", busybox_image, f"{name}-db"], check=True, capture_output=True)
        note, done = compose("    build: ./db\n    pull_policy: build\n")
        assert note == (f"'app' starts 'db' along (depends_on): compose will rebuild '{name}-db' (pull_policy: build) "
                        "first")
        assert done.returncode == 0 and "db  Built" in done.stderr, done.stderr
        note, done = compose("    build: ./db\n")
        assert note is None
        assert done.returncode == 0 and "Built" not in done.stderr, done.stderr
        note, done = compose("    build: ./db\n", "--build")
        assert note == f"'app' starts 'db' along (depends_on): compose will rebuild '{name}-db' (run --build) first"
        assert done.returncode == 0 and "db  Built" in done.stderr, done.stderr
    finally:
        subprocess.run([docker_engine, "compose", "down", "-t", "0", "--rmi", "local"], cwd=project, env=env,
                       capture_output=True)
        subprocess.run([docker_engine, "rmi", "-f", f"{name}-db"], capture_output=True)
