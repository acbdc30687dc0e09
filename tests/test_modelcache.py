"""The warm model cache: a hit equals a fresh load, every kind of change misses, the store is guarded.

Each test has its own XDG_CACHE_HOME (never the developer's cache). Project files are aged
by AGE seconds: a file written in the last RACY_NS is not trusted (git's racy-index rule).
"""

from __future__ import annotations

import builtins
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from doctor.project import Project, ProjectOptions, modelcache
from doctor.project.features import FileFeatures
from doctor.project.types import ComposeModel

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
DOCTOR_PACKAGE = str(Path(modelcache.__file__).resolve().parent.parent)
AGE = 60

COMPOSE = """\
services:
  web:
    image: nginx:${NGINX_TAG:-1.25}
    ports: ["${WEB_PORT:-8080}:80"]
    env_file: [web.env, {path: optional.env, required: false}]
    extends: {file: base.yaml, service: base}
  worker:
    image: busybox
    profiles: [jobs]
include:
  - path: inc/compose.yaml
    env_file: inc/inc.env
"""
BASE = "services:\n  base:\n    environment:\n      FROM_BASE: '1'\n"
INCLUDED = "services:\n  db:\n    image: postgres:${PG_TAG}\n"


def age(root: Path, seconds: int = AGE) -> None:
    """Every file and folder under root last modified `seconds` ago (as a checkout would be)."""
    when = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)


def make_project(tmp_path: Path) -> Path:
    root = tmp_path / "work" / "proj"
    (root / "inc").mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "base.yaml").write_text(BASE)
    (root / "web.env").write_text("GREETING=hello ${NGINX_TAG:-none}\n")
    (root / ".env").write_text("WEB_PORT=8081\n")
    (root / "inc" / "compose.yaml").write_text(INCLUDED)
    (root / "inc" / "inc.env").write_text("PG_TAG=16\n")
    age(tmp_path / "work")
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


@contextmanager
def counting_loads() -> Iterator[list[int]]:
    """How many times the loader ran (a cache miss) in the block."""
    calls: list[int] = []
    real = modelcache._load_recorded

    def spy(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(modelcache, "_load_recorded", spy)
        yield calls


def load(root: Path, env: dict[str, str], **options: Any) -> tuple[ComposeModel, FileFeatures, bool]:
    """The model and features of a fresh Project, and whether they came from the cache."""
    with counting_loads() as calls:
        project = Project(ProjectOptions(root, env=env, **options))
        return project.compose, project.compose_features(), not calls


def fresh(root: Path, env: dict[str, str], **options: Any) -> tuple[ComposeModel, FileFeatures]:
    """What the loader computes with no cache at all (the model's variables as the cached run sees them)."""
    project = Project(ProjectOptions(root, env={**env, "DOCTOR_NO_CACHE": "1"}, **options))
    variables = {k: v for k, v in project.compose.variables.items() if k != "DOCTOR_NO_CACHE"}
    return dataclasses.replace(project.compose, variables=variables), project.compose_features()


def entries(env: dict[str, str]) -> list[Path]:
    return sorted((Path(env["XDG_CACHE_HOME"]) / "doctor").glob("model-*.pickle"))


def assert_hit_equals_fresh(root: Path, env: dict[str, str], **options: Any) -> None:
    first = load(root, env, **options)
    assert not first[2]
    assert len(entries(env)) == 1, "a project whose files are not new is stored"
    warm = load(root, env, **options)
    assert warm[2], "the second load comes from the cache"
    expected = fresh(root, env, **options)
    assert warm[:2] == first[:2] == expected
    assert list(warm[0].variables) == list(expected[0].variables)  # same order too


def test_warm_equals_cold_with_include_extends_env_files(tmp_path: Path, env: dict[str, str]) -> None:
    root = make_project(tmp_path)
    assert_hit_equals_fresh(root, env)
    model = load(root, env)[0]
    assert model.services["web"].image == "nginx:1.25" and model.services["db"].image == "postgres:16"
    assert model.services["web"].environment["FROM_BASE"].value == "1"


@pytest.mark.parametrize("name", ["clean-stack", "broken-stack"])
def test_examples_warm_equals_cold(name: str, tmp_path: Path, env: dict[str, str]) -> None:
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    age(root)
    assert_hit_equals_fresh(root, env)


def _corpus_variants(shared: Path) -> list[dict[str, Any]]:
    variants: list[dict[str, Any]] = json.loads((shared / "corpus" / "variants.json").read_text())
    return variants


def test_corpus_warm_equals_cold_and_every_read_is_recorded(shared_dir: Path, tmp_path: Path,
                                                           env: dict[str, str]) -> None:
    for index, variant in enumerate(_corpus_variants(shared_dir)):
        project_dir = shared_dir / "corpus" / variant["slug"] / variant["dir"]
        files = tuple(project_dir / f for f in variant["files"]) if variant["explicit_files"] else ()
        run_env = {**env, **variant["env"], "XDG_CACHE_HOME": str(tmp_path / f"cache{index}")}
        touched, names = recorded_load(project_dir, run_env, files=files)
        assert_unrecorded_none(touched, names, run_env, variant["slug"])
        warm = load(project_dir, run_env, files=files)
        assert warm[2], variant["slug"]
        assert warm[:2] == fresh(project_dir, run_env, files=files), variant["slug"]
        shutil.rmtree(Path(run_env["XDG_CACHE_HOME"]) / "doctor")
        loaded, stored = (preflight_json(project_dir, run_env, files) for _ in range(2))
        assert not loaded[1] and stored[1], variant["slug"]  # a miss, then a hit
        assert loaded[0] == stored[0], variant["slug"]
        assert len(entries(run_env)) == 1


STATIC = ("service-name-drift", "leaked-host-port", "missing-mount", "env-drift", "dotenv-override",
          "script-line-endings", "runtime-drift", "compose-version", "volume-shadowing", "host-gateway",
          "compose-config")


def preflight_json(root: Path, env: dict[str, str], files: tuple[Path, ...] = ()) -> tuple[str, bool]:
    """The JSON report of the file-only checks (a live port or engine could differ between runs),
    and whether the model came from the cache."""
    from doctor.engine import RunOptions, load_registry, preflight
    from doctor.redact import Redactor
    from doctor.report import RenderOptions
    from doctor.report.json import render

    options = ProjectOptions(path=root, files=files, env=env)
    with counting_loads() as calls:
        report = preflight(RunOptions(project=options, select=STATIC, env=env), load_registry()).report
    return render(report, Redactor(), RenderOptions(version="test", cwd=root)), not calls


# --- every input is recorded ---------------------------------------------------------------

@contextmanager
def watching_os() -> Iterator[tuple[set[str], set[str]]]:
    """The paths stat'ed / opened / listed and the os.environ names read while in the block."""
    paths: set[str] = set()
    names: set[str] = set()

    def spy(call: Callable[..., Any]) -> Callable[..., Any]:
        def spied(path: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(path, (str, bytes, os.PathLike)) and "dir_fd" not in kwargs:
                paths.add(os.fsdecode(os.fspath(path)))
            return call(path, *args, **kwargs)
        return spied

    class Environ(dict[str, str]):
        def __getitem__(self, key: str) -> str:
            names.add(key)
            return super().__getitem__(key)

        def get(self, key: str, default: Any = None) -> Any:
            names.add(key)
            return super().get(key, default)

        def __contains__(self, key: object) -> bool:
            names.add(str(key))
            return super().__contains__(key)

    with pytest.MonkeyPatch.context() as patch:
        for name in ("stat", "lstat", "open", "scandir", "listdir", "access", "readlink"):
            patch.setattr(os, name, spy(getattr(os, name)))
        patch.setattr(builtins, "open", spy(builtins.open))
        patch.setattr(io, "open", spy(io.open))
        patch.setattr(os, "environ", Environ(os.environ))
        yield paths, names


def recorded_load(root: Path, env: dict[str, str], **options: Any) -> tuple[set[str], set[str]]:
    """Load with the cache on while watching the OS; the paths and os.environ names the loader used."""
    from doctor.project import compose

    real = compose.load_project
    seen: list[tuple[set[str], set[str]]] = []

    def watched(*args: Any) -> Any:
        with watching_os() as found:
            seen.append(found)
            return real(*args)

    load(root, env, **options)  # imports (and the schema file) outside the watch: not project input
    shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "doctor")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compose, "load_project", watched)
        load(root, env, **options)
    assert len(seen) == 1
    return seen[0]


def stored_header(env: dict[str, str]) -> tuple[Any, ...]:
    [entry] = entries(env)
    header: tuple[Any, ...] = modelcache.loads(entry.read_bytes())[0]
    return header


def assert_unrecorded_none(touched: set[str], names: set[str], env: dict[str, str], what: str) -> None:
    _key, reads, stamps, _written = stored_header(env)
    own = (DOCTOR_PACKAGE, sys.prefix, sys.base_prefix)
    unrecorded = {p for p in touched if not p.startswith(own)} - {path for path, _ in stamps}
    assert unrecorded == set(), f"{what}: read but not in the cache key"
    assert names - {name for name, _ in reads} - {"HOME"} == set(), f"{what}: os.environ read outside options.env"


def test_every_file_and_variable_the_loader_uses_is_recorded(tmp_path: Path, env: dict[str, str]) -> None:
    root = make_project(tmp_path)
    touched, names = recorded_load(root, env)
    assert_unrecorded_none(touched, names, env, "fixture project")
    _key, reads, stamps, _written = stored_header(env)
    paths = {path for path, _ in stamps}
    for name in ("compose.yaml", "base.yaml", "web.env", "optional.env", ".env", "compose.override.yaml",
                 "inc/compose.yaml", "inc/inc.env"):
        assert str(root / name) in paths, name
    assert {"NGINX_TAG", "WEB_PORT", "PG_TAG", "COMPOSE_FILE", "COMPOSE_PROFILES"} <= {n for n, _ in reads}


def test_a_loader_reading_the_whole_environment_is_not_stored(tmp_path: Path, env: dict[str, str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor.project import discover

    real = discover.discover

    def greedy(options: ProjectOptions) -> Any:
        sorted(options.env)  # any new code iterating the environment
        return real(options)

    monkeypatch.setattr(discover, "discover", greedy)
    monkeypatch.setattr("doctor.project.compose.discover", greedy)
    root = make_project(tmp_path)
    load(root, env)
    assert entries(env) == []


# --- every kind of change misses -----------------------------------------------------------

def warmed(tmp_path: Path, env: dict[str, str]) -> Path:
    root = make_project(tmp_path)
    load(root, env)
    assert load(root, env)[2]
    return root


def assert_miss_equals_fresh(root: Path, env: dict[str, str], **options: Any) -> ComposeModel:
    model, features, hit = load(root, env, **options)
    assert not hit
    assert (model, features) == fresh(root, env, **options)
    return model


def test_editing_a_compose_file_misses(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    (root / "base.yaml").write_text(BASE.replace("'1'", "'2'"))
    model = assert_miss_equals_fresh(root, env)
    assert model.services["web"].environment["FROM_BASE"].value == "2"


def test_a_file_rewritten_during_the_load_with_its_old_mtime_misses(tmp_path: Path, env: dict[str, str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """rsync -a, cp -p or a sync agent rewriting .env while a run loads: the entry must hold the
    stamps of what the load read, so the next run misses (inputs are stamped before reading)."""
    from doctor.project import compose

    root = make_project(tmp_path)
    dotenv = root / ".env"
    real = compose.load_project

    def rewritten_meanwhile(*args: Any, **kwargs: Any) -> Any:
        model = real(*args, **kwargs)
        old = dotenv.stat()
        dotenv.write_text("WEB_PORT=9091\n")  # same size, the old mtime put back
        os.utime(dotenv, ns=(old.st_atime_ns, old.st_mtime_ns))
        return model

    monkeypatch.setattr(compose, "load_project", rewritten_meanwhile)
    load(root, env)
    monkeypatch.setattr(compose, "load_project", real)
    model = assert_miss_equals_fresh(root, env)
    assert model.services["web"].ports[0].published == "9091"


def test_a_load_that_could_not_read_a_file_is_not_stored(tmp_path: Path, env: dict[str, str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied is no fact of the file's stat: joining its group changes no stamp."""
    from doctor.project import reading

    root = make_project(tmp_path)
    real = reading._read_regular

    def denied(path: Path, limit: int) -> bytes:
        if Path(path).name == "web.env":
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(reading, "_read_regular", denied)
    model, _, hit = load(root, env)
    assert not hit and any("cannot read env file: permission denied" in p.message for p in model.problems)
    assert entries(env) == []
    monkeypatch.setattr(reading, "_read_regular", real)
    model, _, hit = load(root, env)
    assert not hit and not model.problems


def test_a_file_that_became_unreadable_misses(tmp_path: Path, env: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The other way round (a group left): the stamp says whether the file is readable."""
    root = warmed(tmp_path, env)
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path).name != "web.env" and real(path, mode, **kw))
    assert not load(root, env)[2]


def test_touching_dotenv_misses(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    os.utime(root / ".env")
    assert_miss_equals_fresh(root, env)


def test_an_included_env_file_edit_misses(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    (root / "inc" / "inc.env").write_text("PG_TAG=17\n")
    assert assert_miss_equals_fresh(root, env).services["db"].image == "postgres:17"


@pytest.mark.parametrize("name", ["compose.override.yaml", "docker-compose.override.yml"])
def test_adding_an_override_file_misses(name: str, tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    (root / name).write_text("services:\n  web:\n    image: caddy\n")
    model = assert_miss_equals_fresh(root, env)
    assert model.services["web"].image == "caddy"


def test_adding_a_dangling_override_symlink_misses(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    (root / "compose.override.yaml").symlink_to("nowhere.yaml")
    model = assert_miss_equals_fresh(root, env)
    assert any("dangling" in p.message for p in model.problems)


def test_a_compose_file_appearing_nearer_than_the_parents_misses(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    sub = root / "sub"
    sub.mkdir()
    age(sub)
    load(sub, env)  # discovery walks up to root/compose.yaml
    assert load(sub, env)[2]
    (sub / "compose.yaml").write_text("services:\n  only:\n    image: busybox\n")
    assert list(assert_miss_equals_fresh(sub, env).services) == ["only"]


def test_a_referenced_variable_misses_an_unreferenced_one_does_not(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    changed = {**env, "NGINX_TAG": "1.27"}
    model = assert_miss_equals_fresh(root, changed)
    assert model.services["web"].image == "nginx:1.27"
    assert model.services["web"].environment["GREETING"].value == "hello 1.27"  # ${X} in an env_file
    assert load(root, changed)[2]
    empty = {**env, "NGINX_TAG": ""}  # set but empty is not unset
    assert assert_miss_equals_fresh(root, empty).services["web"].image == "nginx:1.25"
    shell_wins = {**changed, "WEB_PORT": "9000"}  # the shell over .env
    assert assert_miss_equals_fresh(root, shell_wins).services["web"].ports != model.services["web"].ports
    unrelated = {**shell_wins, "SOMETHING_ELSE": "x"}
    model, _features, hit = load(root, unrelated)
    assert hit
    assert model.variables["SOMETHING_ELSE"] == "x"
    assert (model, _features) == fresh(root, unrelated)


def test_profiles_miss(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    assert "worker" in assert_miss_equals_fresh(root, env, profiles=("jobs",)).services
    assert "worker" in assert_miss_equals_fresh(root, {**env, "COMPOSE_PROFILES": "jobs"}).services
    assert load(root, env, profiles=("jobs",))[2]  # one file per key: --profile has its own entry


def test_env_files_miss(tmp_path: Path, env: dict[str, str]) -> None:
    """--env-file (penpot's devenv: defaults.env) replaces .env: a model cached without it is not reused."""
    root = warmed(tmp_path, env)
    (root / "defaults.env").write_text("WEB_PORT=9000\n")
    age(tmp_path / "work")
    given = {"env_files": (root / "defaults.env",)}
    model = assert_miss_equals_fresh(root, env, **given)
    assert model.services["web"].ports != load(root, env)[0].services["web"].ports
    assert load(root, env, **given)[2]  # one entry per key: --env-file has its own
    assert load(root, env)[2]


def test_a_file_written_within_the_racy_window_is_not_stored(tmp_path: Path, env: dict[str, str]) -> None:
    root = make_project(tmp_path)
    (root / "web.env").write_text("GREETING=now\n")  # mtime: now
    load(root, env)
    assert entries(env) == []
    assert not load(root, env)[2]
    age(root)
    load(root, env)
    assert load(root, env)[2]


def test_another_doctor_version_misses(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = warmed(tmp_path, env)
    monkeypatch.setattr(modelcache, "_doctor_version", lambda: "0.0.0-other")
    assert_miss_equals_fresh(root, env)


# --- the store is guarded ------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "foreign"])
def test_a_damaged_entry_is_a_miss(damage: str, tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    [entry] = entries(env)
    data = entry.read_bytes()
    entry.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x80\x05not a pickle" * 50,
                       "empty": b"", "foreign": modelcache.dumps(("a", "b", "c"))}[damage])
    assert_miss_equals_fresh(root, env)
    assert load(root, env)[2]  # rewritten by the miss


def test_a_cache_folder_of_another_user_is_ignored(tmp_path: Path, env: dict[str, str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("chown to another uid needs root (CI runs as root)")
    root = warmed(tmp_path, env)
    folder = Path(env["XDG_CACHE_HOME"]) / "doctor"
    [entry] = entries(env)
    for path in (folder, entry):
        os.chown(path, 4242, 4242)
    before = entry.stat().st_mtime_ns
    assert_miss_equals_fresh(root, env)
    assert entry.stat().st_mtime_ns == before and entries(env) == [entry]  # nothing written there either
    os.chown(folder, 0, 0)
    assert_miss_equals_fresh(root, env)  # the entry itself is still another user's


def test_a_group_writable_cache_folder_is_ignored(tmp_path: Path, env: dict[str, str]) -> None:
    root = warmed(tmp_path, env)
    folder = Path(env["XDG_CACHE_HOME"]) / "doctor"
    folder.chmod(0o770)
    assert_miss_equals_fresh(root, env)
    folder.chmod(0o700)
    assert load(root, env)[2]


def test_the_cache_folder_is_private(tmp_path: Path, env: dict[str, str]) -> None:
    warmed(tmp_path, env)
    assert (Path(env["XDG_CACHE_HOME"]) / "doctor").stat().st_mode & 0o777 == 0o700


def test_no_cache_writes_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    root = make_project(tmp_path)
    off = {**env, "DOCTOR_NO_CACHE": "1"}
    load(root, off)
    load(root, off)
    assert not (tmp_path / "cache").exists()


def test_a_cache_folder_inside_the_project_is_not_written(tmp_path: Path, env: dict[str, str]) -> None:
    """HOME is the repository in some containers and CI jobs: ~/.cache would land in the repo."""
    root = make_project(tmp_path)
    inside = {**env, "HOME": str(root), "XDG_CACHE_HOME": ""}
    load(root, inside)
    assert not load(root, inside)[2]
    assert not (root / ".cache").exists()
    deeper = {**env, "XDG_CACHE_HOME": str(root / "inc" / "cache")}
    load(root, deeper)
    assert not (root / "inc" / "cache").exists()


def test_the_total_size_is_bounded(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = warmed(tmp_path, env)
    [first] = entries(env)
    monkeypatch.setattr(modelcache, "MAX_TOTAL", first.stat().st_size + 10)
    old = time.time() - 100
    os.utime(first, (old, old))
    load(root, env, profiles=("jobs",))  # another key: the oldest entry goes
    assert len(entries(env)) == 1 and entries(env) != [first]


# --- end to end ----------------------------------------------------------------------------

RUN = """\
import json, sys
import doctor.cli
sys.argv = ["doctor", "preflight", "--format", "json", "--ignore", "path-gap,port-collision"]
try:
    doctor.cli.main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("name", ["clean-stack", "broken-stack", "drift-note"])
def test_warm_preflight_parses_nothing_and_reports_the_same(name: str, tmp_path: Path, env: dict[str, str]) -> None:
    # without path-gap (RUN ignores it): with no login-PATH cache, its answer depends on whether the
    # login shell answered within 50 ms (by design), which a busy machine tips either way (two test
    # runs at once did); its own cache is tested in test_login_cache and test_path_gap. Nor
    # port-collision: a port the examples publish held on this machine (a developer's server on
    # 8000) changes its findings between runs and plans a move that reads the compose files
    root = tmp_path / name
    if name == "drift-note":  # a host nothing resembles: the note's branch must not read the files again
        root.mkdir()
        (root / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n    environment:\n"
                                           "      QUEUE_HOST: zzz\n  web:\n    image: busybox\n")
    else:
        shutil.copytree(EXAMPLES / name, root)
    age(root)
    run_env = {**env, "SHELL": "/bin/sh", "DOCKER_HOST": "unix:///nonexistent/doctor-test/docker.sock",
               "DOCTOR_CONTEXT": "host"}

    def preflight(extra: dict[str, str]) -> tuple[str, list[str]]:
        done = subprocess.run([sys.executable, "-c", RUN], cwd=root, env={**run_env, **extra},
                              capture_output=True, text=True, timeout=120, check=False)
        return done.stdout, json.loads(done.stderr.splitlines()[-1])

    cold, _ = preflight({"DOCTOR_NO_CACHE": "1"})
    stored, cold_modules = preflight({})
    warm, warm_modules = preflight({"DOCTOR_JOBS": "1"})  # every check here: a forked helper hides its imports
    assert entries(env)
    assert json.loads(cold)["checks"] and cold == stored == warm
    assert "yaml" in cold_modules
    # (a fix for broken-stack's findings imports doctor.project.discover for OVERRIDE_NAMES, and yamledit)
    assert not {"yaml", "doctor.project.assemble", "doctor.project.compose", "doctor.project.yamlload",
                "doctor.project.goscalar", "doctor.project.include", "doctor.project.extends",
                "doctor.project.merge", "doctor.project.schema"} & set(warm_modules)


def test_a_readable_folder_of_an_older_doctor_becomes_private(tmp_path: Path, env: dict[str, str]) -> None:
    folder = Path(env["XDG_CACHE_HOME"]) / "doctor"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    root = make_project(tmp_path)
    load(root, env)
    assert folder.stat().st_mode & 0o777 == 0o700 and load(root, env)[2]


def test_jsonschema_decides_the_problems_so_its_folder_is_an_input(tmp_path: Path, env: dict[str, str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "site" / "jsonschema"
    installed.mkdir(parents=True)
    monkeypatch.setattr(modelcache, "_jsonschema_folder", lambda: str(installed))
    root = warmed(tmp_path, env)
    installed.rmdir()  # uninstalled: the hand-written shape problems would be reported instead
    assert_miss_equals_fresh(root, env)
    monkeypatch.setattr(modelcache, "_jsonschema_folder", lambda: None)
    shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "doctor")
    load(root, env)
    assert entries(env) == []  # without jsonschema nothing is stored: its install could not be seen


def test_an_entry_made_by_other_doctor_code_is_replaced_not_kept_beside(tmp_path: Path, env: dict[str, str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """doctor's code stamp (its source files' paths, mtimes, sizes: an editable install edited)
    is part of the key, so other code misses; its entry takes the same file (the name is of the
    rest of the key), and the cache folder does not grow one entry per edit."""
    root = make_project(tmp_path)
    assert not load(root, env)[2] and load(root, env)[2]
    [stored] = entries(env)
    edited = tuple((path, mtime + 1, size) for path, mtime, size in modelcache._code_stamp())
    monkeypatch.setattr(modelcache, "_CODE_STAMP", [edited])  # as a run of the edited code reads it
    assert not load(root, env)[2], "other code misses"
    assert entries(env) == [stored] and load(root, env)[2]
    monkeypatch.setattr(modelcache, "_CODE_STAMP", [])  # the code as it is: it misses again
    assert not load(root, env)[2] and entries(env) == [stored]
