"""project.memo: a remembered fact equals a fresh compute, every change of an input misses, the store is guarded.

Each test has its own XDG_CACHE_HOME (conftest), and conftest forgets the process's stores after
it. A new process is played by `memo.flush(); memo.forget()`: written at exit, read again at the
next first use. Inputs are aged by AGE seconds: a file written in the last RACY_NS is not kept.
"""

from __future__ import annotations

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
from test_corpus_precision import CHECKS, VARIANTS, prepare

from doctor import cachedir
from doctor.clean_digests import CleanDigests, digest
from doctor.configfile import ConfigError, read_pyproject
from doctor.project import memo
from doctor.project.edits import override_edit
from doctor.project.manifests import read_manifests
from doctor.project.runtimes import read_declared

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
AGE = 60
OVERRIDE = "services:\n  web:\n    environment:\n      A: '1'\n"
PYPROJECT = '[project]\nname = "app"\nrequires-python = ">=3.11"\ndependencies = ["fastapi>=0.110", "redis"]\n'


def age(root: Path, seconds: int = AGE) -> None:
    """Every file and folder under root (or root itself) last modified `seconds` ago."""
    when = time.time() - seconds
    for path in [root, *(root.rglob("*") if root.is_dir() else ())]:
        os.utime(path, (when, when), follow_symlinks=False)


def new_process() -> None:
    """What a new doctor process sees: the stores as the last one wrote them at exit."""
    memo.flush()
    memo.forget()


@contextmanager
def counting() -> Iterator[list[str]]:
    """The kinds whose compute ran (a miss) in the block, wherever remember is called from."""
    ran: list[str] = []
    real = memo.remember

    def spy(kind: str, files: Any, args: Any, compute: Callable[[], Any], keep: Any = (), valid: Any = None) -> Any:
        def counted() -> Any:
            ran.append(kind)
            return compute()

        return real(kind, files, args, counted, keep, valid)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(memo, "remember", spy)
        yield ran


def stores(cache: Path | None = None) -> list[Path]:
    return sorted((cache or Path(os.environ["XDG_CACHE_HOME"]) / "doctor").glob("memo*.pickle"))


def stored_kinds(store: Path) -> set[str]:
    from _pickle import loads

    _header, _crc, body = loads(store.read_bytes())
    return {kind for kind, _args, _paths in loads(body)}


def remembered(path: Path, value: Callable[[], Any], **kwargs: Any) -> tuple[Any, int]:
    """(value, how many times it was computed) through remember, in a new process."""
    calls: list[int] = []

    def compute() -> Any:
        calls.append(1)
        return value()

    new_process()
    value = memo.remember("test", (path,), "args", compute, **kwargs)
    memo.flush()
    return value, len(calls)


def test_a_hit_returns_what_was_computed_without_computing(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("one")
    age(source)
    assert remembered(source, lambda: {"text": source.read_text()}) == ({"text": "one"}, 1)
    assert [p.name for p in stores()] == ["memo.pickle"]
    assert remembered(source, lambda: {"text": "never computed"}) == ({"text": "one"}, 0)


def test_a_changed_input_misses_even_with_its_old_size_and_mtime(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("one")
    age(source)
    assert remembered(source, source.read_text) == ("one", 1)
    old = source.stat()
    source.write_text("two")  # same size; the mtime put back: the ctime still moved
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert remembered(source, source.read_text) == ("two", 1)
    source.unlink()
    assert remembered(source, lambda: "absent") == ("absent", 1)
    assert remembered(source, lambda: "never computed") == ("absent", 0)


def test_an_input_that_became_unreadable_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Leaving the file's group changes none of its stat: whether it is readable is in the stamp."""
    source = tmp_path / "input.txt"
    source.write_text("one")
    age(source)
    assert remembered(source, source.read_text) == ("one", 1)
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != source and real(path, mode, **kw))
    assert remembered(source, lambda: "cannot read") == ("cannot read", 1)


def test_a_racy_input_is_not_kept(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("one")  # written just now: an edit in the same tick would look unchanged
    assert remembered(source, source.read_text) == ("one", 1)
    assert remembered(source, source.read_text) == ("one", 1)
    assert stores() == []


def test_none_and_kept_exceptions_are_remembered_others_are_not(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("x")
    age(source)
    assert remembered(source, lambda: None) == (None, 1)
    assert remembered(source, lambda: "never computed") == (None, 0)

    def fails() -> None:
        raise ConfigError("broken", source, 3)

    for expected_calls in (1, 0):
        new_process()
        with counting() as ran, pytest.raises(ConfigError) as raised:
            memo.remember("test-error", (source,), "e", fails, keep=(ConfigError,))
        assert (str(raised.value), raised.value.path, raised.value.line) == (f"{source}:3: broken", source, 3)
        assert len(ran) == expected_calls

    def other() -> None:
        raise KeyError("not kept")

    for _ in range(2):
        new_process()
        with pytest.raises(KeyError):
            memo.remember("test-other", (source,), "e", other, keep=(ConfigError,))
    assert stored_kinds(stores()[0]) == {"test", "test-error"}


def test_a_caller_changing_its_value_does_not_change_the_next_one(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("x")
    age(source)
    first = memo.remember("test", (source,), "a", lambda: [1, 2])
    first.append(3)
    assert memo.remember("test", (source,), "a", lambda: [9]) == [1, 2]


def test_args_and_paths_are_part_of_the_key(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("same")
    os.link(one, two)  # the same inode under another name: the value may name its path
    age(tmp_path)
    assert memo.remember("test", (one,), "a", lambda: "one a") == "one a"
    assert memo.remember("test", (one,), "b", lambda: "one b") == "one b"
    assert memo.remember("test", (two,), "a", lambda: "two a") == "two a"
    assert memo.remember("test", (one,), "a", lambda: "never computed") == "one a"


def test_doctor_no_cache_computes_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTOR_NO_CACHE", "1")
    source = tmp_path / "input.txt"
    source.write_text("x")
    age(source)
    assert remembered(source, lambda: "a") == ("a", 1)
    assert remembered(source, lambda: "b") == ("b", 1)
    assert stores() == []


@pytest.mark.parametrize("damage", ["truncated", "garbage", "zeroed block", "foreign header", "group-writable",
                                    "symlink"])
def test_a_damaged_or_foreign_store_is_a_miss(tmp_path: Path, damage: str) -> None:
    source = tmp_path / "input.txt"
    source.write_text("x")
    age(source)
    assert remembered(source, lambda: "stored") == ("stored", 1)
    [store] = stores()
    data = store.read_bytes()
    if damage == "truncated":
        store.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        store.write_bytes(b"\x80\x05not a pickle")
    elif damage == "zeroed block":  # a crash before the data reached the disk (stores are not fsynced)
        store.write_bytes(data[:-40] + bytes(30) + data[-10:])
    elif damage == "foreign header":
        from _pickle import dumps, loads

        _header, crc, body = loads(data)
        store.write_bytes(dumps(((0, "another doctor"), crc, body)))
    elif damage == "group-writable":
        store.chmod(0o664)
    else:
        elsewhere = tmp_path / "elsewhere.pickle"
        store.rename(elsewhere)
        store.symlink_to(elsewhere)
    assert remembered(source, lambda: "fresh") == ("fresh", 1)


def test_nothing_is_written_inside_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOME is the repo in some containers and CI jobs: ~/.cache/doctor would show in git status."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "backend").mkdir()
    source = repo / "backend" / "pyproject.toml"
    source.write_text(PYPROJECT)
    age(repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / ".cache"))
    cachedir.keep_out(repo)  # as loading the project's model does
    assert remembered(source, lambda: "a") == ("a", 1)
    assert remembered(source, lambda: "a") == ("a", 1)
    assert not (repo / ".cache").exists()


def test_the_store_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MAX_STORE", 4000)
    source = tmp_path / "input.txt"
    source.write_text("x")
    age(source)
    for n in range(20):
        memo.remember("test", (source,), n, lambda n=n: str(n) * 500)
    new_process()
    from _pickle import loads

    _header, _crc, body = loads(stores()[0].read_bytes())
    entries = loads(body)
    assert 0 < sum(len(data) for _, data in entries.values()) <= 4000
    assert memo.remember("test", (source,), 19, lambda: "recomputed") == "19" * 500  # the newest kept
    assert memo.remember("test", (source,), 0, lambda: "recomputed") == "recomputed"  # the oldest dropped


def test_override_edit_hit_equals_fresh_and_an_edit_misses(tmp_path: Path) -> None:
    override = tmp_path / "compose.override.yaml"
    override.write_text(OVERRIDE)
    age(override)
    wanted = {"web": {"B": "2", "A": "3"}}
    written = {"web": {"A": 4}}
    with counting() as ran:
        cold = override_edit(override, "environment", wanted, written)
    assert ran == ["override-edit"]
    new_process()
    with counting() as ran:
        warm = override_edit(override, "environment", wanted, written)
        other = override_edit(override, "environment", {"web": {"B": "2"}})
        volume = override_edit(override, "volumes", {"web": ["./src:/app/src"]})
    assert ran == ["override-edit", "override-edit"]  # other arguments are other entries
    assert warm == cold is not None and "B: '2'" in str(warm.new) and "A: '3'" in str(warm.new)
    assert other is not None and volume is not None and "./src:/app/src" in str(volume.new)
    override.write_text(OVERRIDE.replace("'1'", "'5'"))
    age(override)
    new_process()
    with counting() as ran:
        edited = override_edit(override, "environment", wanted, written)
    assert ran == ["override-edit"]
    assert edited is not None and edited.old == OVERRIDE.replace("'1'", "'5'")
    override.write_text("services: [not, a, mapping\n")
    age(override)
    for expected in (["override-edit"], []):  # None (the override cannot be edited) is remembered too
        new_process()
        with counting() as ran:
            assert override_edit(override, "environment", wanted) is None
        assert ran == expected


def test_a_pyproject_edit_misses(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    age(tmp_path)
    with counting() as ran:
        manifests = read_manifests(tmp_path)
        declared = read_declared(tmp_path, ())
    assert sorted(ran) == ["pyproject", "pyproject", "tox-envs"]  # (runtime-drift asks whether it configures tox)
    new_process()
    with counting() as ran:
        assert read_manifests(tmp_path) == manifests
        assert read_declared(tmp_path, ()) == declared
    assert ran == []
    assert [r.name for m in manifests for r in m.requirements] == ["fastapi", "redis"]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"redis"', '"celery"'))
    age(tmp_path)
    new_process()
    with counting() as ran:
        assert [r.name for m in read_manifests(tmp_path) for r in m.requirements] == ["fastapi", "celery"]
    assert ran == ["pyproject"]


def test_tool_doctor_table_and_its_error_are_remembered(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT + '[tool.doctor]\nignore = ["path-gap"]\n')
    age(pyproject)
    cold = read_pyproject(pyproject)
    new_process()
    with counting() as ran:
        assert read_pyproject(pyproject) == cold is not None
    assert ran == []
    pyproject.write_text(PYPROJECT + "[tool.doctor]\nignore = [\n")
    age(pyproject)
    for expected in (["pyproject"], []):
        new_process()
        with counting() as ran, pytest.raises(ConfigError) as raised:
            read_pyproject(pyproject)
        assert ran == expected
        assert raised.value.path == pyproject and raised.value.line is not None


def test_the_secrets_a_file_gives_away_are_remembered_and_an_edit_misses(tmp_path: Path) -> None:
    """The redactor's scan of each compose/env file's text: from the store on a warm run, and a new
    secret written into the file is masked on the next run (never an old answer)."""
    from doctor.known_secrets import project_redactor
    from doctor.project import Project, ProjectOptions

    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  db:\n    image: postgres\n    command: mysql -phunter2-first\n")
    age(tmp_path)

    def masked(text: str) -> str:
        return project_redactor(Project(ProjectOptions(path=tmp_path, env={}))).text(text)

    with counting() as ran:
        assert masked("pw hunter2-first") == "pw ***"
    assert ran.count("secrets-in-text") == 1
    new_process()
    with counting() as ran:
        assert masked("pw hunter2-first") == "pw ***"
    assert "secrets-in-text" not in ran
    compose.write_text("services:\n  db:\n    image: postgres\n    command: mysql -pswordfish-second\n")
    age(tmp_path)
    new_process()
    with counting() as ran:
        assert masked("pw swordfish-second") == "pw ***"
    assert ran.count("secrets-in-text") == 1


def test_a_file_that_could_not_be_read_is_not_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An I/O error (EIO on a network mount, a permission fixed by joining a group) leaves the
    stat stamp as it was: what a compute made of it must not answer the next run."""
    import errno

    from doctor import known_secrets
    from doctor.known_secrets import project_redactor
    from doctor.project import Project, ProjectOptions

    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  cache:\n    image: redis\n"
                       "    command: redis-server --requirepass Zq8vLx2mTT9wPp\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.doctor]\nignore = ["path-gap"]\n')
    age(tmp_path)
    real_open, real_read = os.open, Path.read_text
    failing = {str(compose), str(pyproject)}

    def eio_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) in failing:
            raise OSError(errno.EIO, "Input/output error")
        return real_open(path, *args, **kwargs)

    def eio_read(self: Path, *args: Any, **kwargs: Any) -> str:
        if str(self) in failing:
            raise OSError(errno.EIO, "Input/output error")
        return real_read(self, *args, **kwargs)

    def masked() -> str:
        return project_redactor(Project(ProjectOptions(path=tmp_path, env={}))).text("Zq8vLx2mTT9wPp")

    with monkeypatch.context() as patch:
        patch.setattr(known_secrets.os, "open", eio_open)
        patch.setattr(Path, "read_text", eio_read)
        assert masked() == "Zq8vLx2mTT9wPp"  # the file could not be read: its secret is not known
        with pytest.raises(ConfigError, match="cannot read"):
            read_pyproject(pyproject)
    new_process()  # the disk answers again, the files unchanged
    assert masked() == "***"
    table = read_pyproject(pyproject)
    assert table is not None and "ignore" in table.value


def test_an_env_file_is_remembered_while_it_and_the_variables_it_asks_are_unchanged(tmp_path: Path) -> None:
    """The project's `.env` (parsed before any check runs): from the store on a warm run; a new
    value of a variable its `${X}` reads, an edit, or a file that could not be read is read again."""
    import errno

    from doctor.project import Project, ProjectOptions
    from doctor.project.envfile import read_env_file

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    dotenv = tmp_path / ".env"
    dotenv.write_text("HOST=db\nURL=http://${WHERE:-here}/x\nFROM_SHELL\n")
    age(tmp_path)

    def values(env: dict[str, str]) -> dict[str, str]:
        found = Project(ProjectOptions(path=tmp_path, env=env)).dotenv
        assert found is not None
        assert found == read_env_file(dotenv, env)  # what a fresh read says, every time
        return found.as_dict()

    with counting() as ran:
        assert values({"WHERE": "a", "FROM_SHELL": "s"}) == {"HOST": "db", "URL": "http://a/x", "FROM_SHELL": "s"}
    assert ran.count("env-file") == 1
    new_process()
    with counting() as ran:
        assert values({"WHERE": "a", "FROM_SHELL": "s", "OTHER": "o"})["URL"] == "http://a/x"
    assert "env-file" not in ran  # a variable the file does not ask changes nothing
    new_process()
    assert values({"WHERE": "b", "FROM_SHELL": "s"})["URL"] == "http://b/x"
    new_process()
    with counting() as ran:
        assert values({"WHERE": "b", "FROM_SHELL": "s"})["URL"] == "http://b/x"
    assert "env-file" not in ran  # the parse for the new value was remembered in place of the old one
    new_process()
    assert values({"FROM_SHELL": "t"}) == {"HOST": "db", "URL": "http://here/x", "FROM_SHELL": "t"}
    new_process()
    assert "FROM_SHELL" not in values({})
    dotenv.write_text("HOST=cache\n")
    age(tmp_path)
    new_process()
    assert values({}) == {"HOST": "cache"}

    def eio(path: Any, *args: Any, **kwargs: Any) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    dotenv.write_text("HOST=queue\n")
    age(tmp_path)
    new_process()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("doctor.project.envfile.read_regular", eio)
        found = Project(ProjectOptions(path=tmp_path, env={})).dotenv
        assert found is not None and found.problems and not found.entries
    new_process()  # the disk answers again: the file is read, not the failure remembered
    assert values({}) == {"HOST": "queue"}


def test_dotenv_calls_are_remembered_per_module(tmp_path: Path) -> None:
    from doctor.project.appenv import dotenv_calls

    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text('from dotenv import load_dotenv\nload_dotenv(".env", override=True)\n')
    (app / "other.py").write_text("import os\n")
    age(tmp_path)
    with counting() as ran:
        cold = dotenv_calls([tmp_path])
    assert ran == ["dotenv-calls"] and len(cold) == 1 and cold[0].override
    new_process()
    with counting() as ran:
        assert dotenv_calls([tmp_path]) == cold
    assert ran == []
    (app / "main.py").write_text('from dotenv import load_dotenv\nload_dotenv(".env")\n')
    age(tmp_path)
    new_process()
    with counting() as ran:
        assert not dotenv_calls([tmp_path])[0].override
    assert ran == ["dotenv-calls"]


# port-collision and image-availability read the machine (ports, images) that other jobs change meanwhile
HOST_STATE = "port-collision,image-availability"
_RUN = r"""
import sys
from doctor.cli import main
try:
    main(["preflight", "--format", "json", "--ignore", sys.argv[2], sys.argv[1]])
except SystemExit:
    pass
print(" ".join(m for m in ("ruamel.yaml", "tomllib", "ast") if m in sys.modules), file=sys.stderr)
"""


def test_broken_stack_warm_report_is_the_cold_one_byte_for_byte(tmp_path: Path) -> None:
    """Three processes: no cache, cold (stores), warm (every remembered fact a hit). The warm one runs
    every check in its own process (DOCTOR_JOBS=1): a check the helper of doctor.forked took would hide
    its imports from the modules listed (runtime-drift's `dataclasses.replace` pulled in inspect and
    ast only when the run, not the helper, happened to take it)."""
    project = tmp_path / "broken-stack"
    shutil.copytree(EXAMPLES / "broken-stack", project)
    age(project)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}

    def run(**extra: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", _RUN, str(project), HOST_STATE], capture_output=True,
                              text=True, env={**env, **extra}, timeout=120, cwd=tmp_path)
        return done.stdout, done.stderr.strip()

    uncached, _ = run(DOCTOR_NO_CACHE="1")
    cold, cold_modules = run()
    warm, warm_modules = run(DOCTOR_JOBS="1")
    assert json.loads(uncached)["findings"], "broken-stack has findings"
    assert any(f["check"] == "leaked-host-port" and f["fix"]["edits"] for f in json.loads(warm)["findings"])
    assert warm == cold == uncached
    assert "ruamel.yaml" not in cold_modules.split()  # its override edits take project.textedit's plain-text path
    assert warm_modules == "", "a warm run builds the fixes' edits and reads pyproject.toml from the store"
    [store] = stores(tmp_path / "cache" / "doctor")
    assert stored_kinds(store) == {"check-index-fields", "dockerfile", "env-file", "extends-files",
                                   "folder-versions", "override-edit", "pyproject", "pyproject-dev", "recipe",
                                   "scrub-clean", "secret-free", "secrets-in-text", "site-folder", "tox-envs"}


def test_corpus_warm_reports_are_the_cold_ones_byte_for_byte(shared_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Every corpus variant, through the CLI in this process: cold (stores), then as a new process."""
    from doctor.cli import main

    checks = ",".join(c for c in CHECKS if c != "image-availability")  # the engine's images change meanwhile
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    copies = tmp_path / "corpus"
    used: list[str] = []
    for variant in VARIANTS:
        project_dir = prepare(variant, copies)
        age(copies / variant["slug"])
        files = [a for f in variant["files"] for a in ("-f", str(project_dir / f))] if variant["explicit_files"] else []
        with monkeypatch.context() as patch:
            for name, value in variant["env"].items():
                patch.setenv(name, value)
            reports = []
            for run in ("cold", "warm"):
                new_process()
                out = tmp_path / f"{run}.json"
                with counting() as ran, pytest.raises(SystemExit):
                    main(["preflight", "--format", "json", "--select", checks, "-o", str(out), *files,
                          str(project_dir)])
                reports.append(out.read_text())
                used.append(f"{variant['slug']}:{','.join(ran)}")
        assert reports[1] == reports[0], variant["slug"]
        assert json.loads(reports[0])["checks"], variant["slug"]
    # the corpus copies hold no pyproject.toml and no load_dotenv, and these checks build no override
    # edit there (they stay quiet): this guards that a warm run changes nothing; the facts are tested above
    assert [u for u in used[1::2] if not u.endswith(":")] == []


@pytest.mark.parametrize("case", ["compose-in-a-subfolder", "config-error"])
def test_a_run_writes_no_cache_into_the_repository_that_is_home(tmp_path: Path, case: str) -> None:
    """HOME is the repository (CI containers): a compose file in `.devcontainer/`, or a run that
    stops on a bad [tool.doctor] before any model loads, leaves no `.cache/` for git status."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    project = repo / ".devcontainer" if case == "compose-in-a-subfolder" else repo
    project.mkdir(exist_ok=True)
    (project / "compose.yaml").write_text(
        "services:\n  cache:\n    image: redis\n    command: redis-server --requirepass Zq8vLx2mTT9wPp\n")
    if case == "config-error":
        (repo / "pyproject.toml").write_text("[tool.doctor]\nignore = [\n")
    age(repo)
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env.update(HOME=str(repo), DOCKER_HOST="unix:///nonexistent/docker.sock", NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "doctor", "preflight", str(project)], capture_output=True,
                          text=True, env=env, timeout=120, cwd=repo)
    assert done.returncode == (2 if case == "config-error" else 0), done.stdout + done.stderr
    assert not (repo / ".cache").exists(), sorted(p.name for p in (repo / ".cache").rglob("*"))


def _stored_clean(store: Path, kind: str = "secret-free") -> frozenset[bytes]:
    from _pickle import loads

    _header, _crc, body = loads(store.read_bytes())
    entries = loads(body)
    raised, value = loads(entries[(kind, None, ())][1])
    assert not raised
    return value  # type: ignore[no-any-return]


def test_pairs_and_commands_without_secrets_are_judged_once_and_those_with_secrets_every_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The redactor judges each pair of the environment and each service command: a later run takes
    what a former found clean from the memo's digests, judges the rest again, and masks the same."""
    from doctor import known_secrets
    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres\n    command: postgres -c log_min_messages=info\n"
        "    environment:\n      POSTGRES_PASSWORD: Wq7zPx9mKd2vLs\n      POSTGRES_DB: app\n"
        "  cache:\n    image: redis\n    command: redis-server --requirepass Hn4kTz8wQp3xRb\n")
    age(tmp_path)
    env = {"HOME": str(tmp_path), "LANG": "C.UTF-8", "API_TOKEN": "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2}
    judged: list[str] = []
    real_pair, real_text = known_secrets.secrets_in_pair, known_secrets.secrets_in_text

    def pair(key: str, value: str | None, by_key: bool | None = None) -> set[str]:
        judged.append(key)
        return real_pair(key, value, by_key)

    def text(value: str) -> set[str]:
        judged.append(value)
        return real_text(value)

    monkeypatch.setattr(known_secrets, "secrets_in_pair", pair)
    monkeypatch.setattr(known_secrets, "secrets_in_text", text)
    shown = ("pw Wq7zPx9mKd2vLs, Hn4kTz8wQp3xRb and " + env["API_TOKEN"] + " for app on postgres -c "
             "log_min_messages=info")

    def masked() -> str:
        return known_secrets.project_redactor(Project(ProjectOptions(path=tmp_path, env=env))).text(shown)

    first = masked()
    assert "Wq7zPx9mKd2vLs" not in first and "Hn4kTz8wQp3xRb" not in first and env["API_TOKEN"] not in first
    assert {"LANG", "POSTGRES_DB", "postgres -c log_min_messages=info"} <= set(judged)
    new_process()
    judged.clear()
    assert masked() == first
    # the clean ones came from the digests; each that holds a secret was judged again
    assert not {"LANG", "POSTGRES_DB", "HOME", "postgres -c log_min_messages=info"} & set(judged), judged
    assert {"POSTGRES_PASSWORD", "API_TOKEN", "redis-server --requirepass Hn4kTz8wQp3xRb"} <= set(judged)
    (store,) = stores()
    kept = _stored_clean(store)
    assert len(kept) >= 4 and all(len(digest) == 8 for digest in kept)
    for what in ("pair\0POSTGRES_PASSWORD\0=Wq7zPx9mKd2vLs", f"pair\0API_TOKEN\0={env['API_TOKEN']}",
                 "text\0redis-server --requirepass Hn4kTz8wQp3xRb"):  # what holds a secret is never kept
        assert digest(what, 8, b"doctor-clean") not in kept
    assert digest("pair\0POSTGRES_DB\0=app", 8, b"doctor-clean") in kept


def test_the_clean_digests_hold_this_runs_alone_past_their_bound(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from doctor import known_secrets
    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    age(tmp_path)
    monkeypatch.setattr(CleanDigests, "MAX_KEPT", 30)

    def run(env: dict[str, str]) -> frozenset[bytes]:
        new_process()
        known_secrets.project_redactor(Project(ProjectOptions(path=tmp_path, env=env)))
        memo.flush()
        return _stored_clean(stores()[0])

    base = run({})  # the pairs every run has (the loader's own variables)
    first = run({f"SESSION_{n}": f"value{n}" for n in range(20)})
    grown = run({f"SESSION_{n}": f"other{n}" for n in range(5)})
    assert base < first < grown and len(grown) <= 30
    again = run({f"SESSION_{n}": f"third{n}" for n in range(20)})
    assert len(again) <= 30 and again & first == base  # the former runs' SESSION_ values are dropped
    assert run({f"SESSION_{n}": f"third{n}" for n in range(20)}) == again  # nothing new: not rewritten


def test_the_output_border_scans_again_only_what_held_a_secret(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Redactor.text of a project run: a text a former run's shapes found nothing in is known by its
    16-byte digest and not scanned again; one holding a secret by its shape is scanned (and masked) on
    every run, and its digest is never kept. The output is the same, byte for byte."""
    from doctor import known_secrets, redact
    from doctor.project import Project, ProjectOptions

    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    age(tmp_path)
    scanned: list[str] = []
    real_scrub = redact.scrub

    def scrub(text: str, sink: Any = None) -> str:
        scanned.append(text)
        return real_scrub(text) if sink is None else real_scrub(text, sink)

    monkeypatch.setattr(redact, "scrub", scrub)
    clean = "'web' publishes 8080 twice (compose.yaml:3)\nfix: drop one"
    secret = "DATABASE_URL=postgres://app:Zq8vLx2mTT9wPp@db/app"
    token = "token ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2

    def shown() -> list[str]:
        new_process()
        redactor = known_secrets.project_redactor(Project(ProjectOptions(path=tmp_path, env={})))
        scanned.clear()
        out = [redactor.text(t) for t in (clean, secret, token, clean)]
        memo.flush()  # as at exit: the digests are replaced as the store is written
        return out

    first = shown()
    assert first[0] == first[3] == clean and "Zq8vLx2mTT9wPp" not in first[1] and "ghp_" not in first[2]
    assert scanned == [clean, secret, token]  # the same text twice in a run: scanned once
    assert shown() == first
    assert scanned == [secret, token]
    kept = _stored_clean(stores()[0], "scrub-clean")
    assert digest(clean, 16, b"doctor-scrub") in kept and all(len(d) == 16 for d in kept)
    assert not {digest(secret, 16, b"doctor-scrub"), digest(token, 16, b"doctor-scrub")} & kept


def test_what_gitignore_says_of_a_file_is_remembered_and_an_edit_of_it_misses(tmp_path: Path) -> None:
    from doctor.project.portplan import git_ignored

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    rules = tmp_path / ".gitignore"
    rules.write_text("*.log\n")
    override = tmp_path / "compose.override.yaml"
    override.write_text("services: {}\n")
    age(tmp_path)
    with counting() as ran:
        assert git_ignored(override) is False
    assert ran == ["git-ignored"]
    new_process()
    with counting() as ran:
        assert git_ignored(override) is False
    assert ran == []  # from the store: no rule compiled
    rules.write_text("*.log\n/compose.override.yaml\n")
    age(tmp_path)
    new_process()
    assert git_ignored(override) is True


def test_runtime_drift_folders_are_remembered_and_a_new_version_file_misses(tmp_path: Path) -> None:
    """runtime-drift's read of a folder's version files: from the store while they are as they were, and
    read again once one of them is written, even one that was not there (an `.nvmrc` added)."""
    from doctor.checks.runtime_drift.folders import RememberedVersions

    from doctor.project.runtimes import read_folder

    (tmp_path / ".python-version").write_text("3.12\n")
    (tmp_path / "package.json").write_text('{"engines": {"node": ">=20"}}\n')
    age(tmp_path)
    with counting() as ran:
        cold = RememberedVersions(tmp_path).folder(tmp_path)
    assert ran == ["folder-versions"] and cold == read_folder(tmp_path)
    new_process()
    with counting() as ran:
        assert RememberedVersions(tmp_path).folder(tmp_path) == cold
    assert ran == []
    (tmp_path / ".nvmrc").write_text("22\n")
    age(tmp_path)
    new_process()
    with counting() as ran:
        warm = RememberedVersions(tmp_path).folder(tmp_path)
    assert ran == ["folder-versions"] and warm == read_folder(tmp_path) != cold


def test_a_read_error_in_a_nested_entry_keeps_the_entries_around_it_out(tmp_path: Path) -> None:
    """A compute that calls remember for part of its value (runtime-drift's folder versions around a
    pyproject's) is not kept when that part met a read error (`unreadable`): kept, its value would answer
    every later run with what the error left out, while the file's stamp stays as it was."""
    path = tmp_path / "f"
    path.write_text("x")
    age(tmp_path)
    calls: list[str] = []

    def inner() -> str:
        calls.append("inner")
        memo.unreadable()
        return "partial"

    def outer() -> str:
        calls.append("outer")
        return memo.remember("test-inner", (path,), (), inner) + "!"

    assert memo.remember("test-outer", (path,), (), outer) == "partial!"
    new_process()
    assert memo.remember("test-outer", (path,), (), outer) == "partial!"
    assert calls == ["outer", "inner", "outer", "inner"]


def test_an_io_error_reading_uv_lock_is_read_again_on_the_next_run(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """uv.lock's header that an I/O error kept from being read (an EIO on a network mount) is no fact of
    the file: the folder's versions are not kept without it, and the next run finds its requires-python."""
    import errno

    from doctor.checks.runtime_drift.folders import RememberedVersions

    from doctor import regular

    (tmp_path / "uv.lock").write_text('version = 1\nrequires-python = "==3.13.*"\n')
    age(tmp_path)

    def failing(path: Any, *args: Any, **kwargs: Any) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(regular, "read_bytes", failing)
        assert RememberedVersions(tmp_path).folder(tmp_path) == []
    new_process()
    assert [d.spec for d in RememberedVersions(tmp_path).folder(tmp_path)] == ["==3.13.*"]


def test_a_remembered_folder_names_every_file_its_read_looks_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                ) -> None:
    """RememberedVersions' entry is stamped with FOLDER_FILES: runtimes.read_folder looks at no other name
    (were one added there, a warm run would miss an edit of it)."""
    from doctor.checks.runtime_drift.folders import FOLDER_FILES

    from doctor.project.runtimes import read_folder

    (tmp_path / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.11"\n')
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    seen: list[str] = []
    real_stat, real_open = os.stat, os.open

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(path, int):
            seen.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    def opened(path: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "open", opened)
    read_folder(tmp_path)
    monkeypatch.undo()
    names = {Path(p).name for p in seen if Path(p).parent == tmp_path}
    assert names and names <= set(FOLDER_FILES), names - set(FOLDER_FILES)


def test_tox_env_lists_and_gitlab_includes_are_remembered(tmp_path: Path) -> None:
    """tox.ini, a pyproject's `[tool.tox]` and a pipeline with its local include: a warm run computes
    none of them again, and an edit of the included file alone misses its pins."""
    from doctor.project.gitlab_ci import read_gitlab_ci
    from doctor.project.tox_envs import read_tox

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "tox.ini").write_text("[tox]\nenvlist = py{310,311}\n")
    (tmp_path / "pyproject.toml").write_text('[tool.tox]\nenv_list = ["3.12"]\n')
    (tmp_path / ".gitlab-ci.yml").write_text("include: ci.yml\n")
    (tmp_path / "ci.yml").write_text("t:\n  image: python:3.11\n")
    age(tmp_path)
    with counting() as ran:
        cold = (read_tox(tmp_path / "a"), read_tox(tmp_path), read_gitlab_ci(tmp_path))
    assert sorted(ran) == ["gitlab-includes", "gitlab-includes", "gitlab-pins", "tox-envs", "tox-envs"]
    assert [d.versions for found in cold for d in found] == [("3.10", "3.11"), ("3.12",), ("3.11",)]
    new_process()
    with counting() as ran:
        assert (read_tox(tmp_path / "a"), read_tox(tmp_path), read_gitlab_ci(tmp_path)) == cold
    assert ran == []
    (tmp_path / "ci.yml").write_text("t:\n  image: python:3.13\n")
    age(tmp_path / "ci.yml")
    new_process()
    with counting() as ran:
        assert [d.versions for d in read_gitlab_ci(tmp_path)] == [("3.13",)]
    assert sorted(ran) == ["gitlab-includes", "gitlab-pins"]


def test_an_import_folders_listing_is_remembered_and_a_name_added_or_removed_misses(tmp_path: Path) -> None:
    """host/interpreter listed the standard library's ~500 names (and each site folder's) on every run that
    judged a Python service: a folder's listing is kept while the folder's stamp is as it was, and a
    distribution installed or a `.pth` file added (either changes the folder's mtime) is seen at once."""
    from doctor.host.interpreter import read_interpreter

    prefix = tmp_path / "venv"
    packages = prefix / "lib" / "python3.12" / "site-packages"
    packages.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python").write_bytes(b"\x7fELF")
    (packages / "six.py").write_text("")
    (tmp_path / "src" / "mine").mkdir(parents=True)
    age(tmp_path)
    wanted = [("six", "six"), ("requests", "requests"), ("mine", "mine")]

    def judged() -> tuple[tuple[Path, ...], tuple[str, ...]]:
        found = read_interpreter(prefix / "bin" / "python")
        assert found is not None
        return found.site_dirs, found.missing(wanted)

    with counting() as ran:
        assert judged() == ((packages,), ("requests", "mine"))
    assert ran == ["site-folder"]
    new_process()
    with counting() as ran:
        assert judged() == ((packages,), ("requests", "mine"))
    assert ran == []  # from the store: the folder not listed
    (packages / "requests-2.32.3.dist-info").mkdir()
    (packages / "mine.pth").write_text(f"{tmp_path / 'src'}\n")
    age(packages)
    new_process()
    with counting() as ran:
        assert judged() == ((packages, tmp_path / "src"), ())
    assert ran == ["site-folder", "site-folder"]  # site-packages again, and the folder its .pth adds
    (packages / "six.py").unlink()
    age(packages)
    new_process()
    assert judged() == ((packages, tmp_path / "src"), ("six",))
