"""The first ownership walk started as the preflight starts (doctor.host.owner_early).

What a preflight adopts must be what the check's own walk would have found, folder for folder and
cache entry for cache entry, wherever the early walk stands when the check asks (done, stopped in
the middle, found waiting on I/O); a walk the check does not ask for is never used, and is stopped.
The trees are test_owner_find.py's (root-owned files planted in a uid-1000 project): root only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_owner_find import EXCLUDE, cached, odd_tree
from test_owners import USER, needs_root, same_scan

from doctor import cli
from doctor.cachedir import cache_dir
from doctor.host import owner_cache, owner_early, owner_native, owner_pace
from doctor.host.owners import scan_owners

if owner_native.module is None and os.environ.get("CI") != "true":
    pytest.skip("doctor.host._ownerwalk not built (no C compiler or Python headers at install)",
                allow_module_level=True)


@pytest.fixture(autouse=True)
def no_early_left(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(owner_cache, "RACY_NS", 0)  # every folder's stamp is stored: the tables compare
    yield
    owner_early.discard()


def env_for(tmp_path: Path, name: str) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / name), "PATH": os.environ.get("PATH", "")}


def own_walk(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots the check's own C walk was asked for (none when it adopted the early one)."""
    asked: list[str] = []
    real = owner_native.native_walk

    def native_walk(walk: object, root: str, *rest: object) -> bool:
        asked.append(root)
        return real(walk, root, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(owner_native, "native_walk", native_walk)
    return asked


def expected(project: Path, tmp_path: Path, exclude: tuple[str, ...] = ()) -> tuple[object, str]:
    """The scan and the cache folder of a walk made the usual way (no early walk)."""
    folder = str(tmp_path / f"usual{len(exclude)}")
    return scan_owners(project, USER, exclude, cache=folder), folder


@needs_root
@pytest.mark.parametrize("where", ["done", "stopped", "on-io"])
def test_the_walk_started_early_is_the_checks_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  where: str) -> None:
    project = odd_tree(tmp_path)
    usual, usual_cache = expected(project, tmp_path)
    env = env_for(tmp_path, "early")
    real = owner_native.module
    assert real is not None
    walker = real.walk
    if where == "stopped":  # one folder a slice, slowly: the check asks while it walks on
        class Slow:
            @staticmethod
            def walk(*args: object) -> int:
                time.sleep(0.003)
                return walker(*args)  # type: ignore[no-any-return]

        monkeypatch.setattr(owner_early, "c_walk", lambda: Slow)
        monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
        monkeypatch.setattr(owner_pace, "SLICE", 0.0)
        monkeypatch.setattr(owner_pace, "waiting_on_io", lambda *args: False)  # its sleeps are no I/O
    if where == "on-io":
        monkeypatch.setattr(owner_pace, "FIRST_SLICE", 0.0)
        monkeypatch.setattr(owner_pace, "waiting_on_io", lambda *args: True)
    asked = own_walk(monkeypatch)
    owner_early.start(env, str(project), None, None)
    assert len(owner_early._early) == 1
    started = owner_early._early[0]
    if where == "stopped":  # the check's walk goes on with the early walk's C module, whatever owner_native has
        monkeypatch.setattr(owner_native, "module", None)
    if where == "done":
        started.done.acquire()
        started.done.release()
    scan = scan_owners(project, USER, (), cache=cache_dir(env))
    assert asked == [] and owner_early._early == []  # adopted, handed over once
    assert started.state == {"done": owner_early.DONE, "stopped": owner_early.STOPPED,
                             "on-io": owner_early.ON_IO}[where]
    same_scan(scan, usual)  # type: ignore[arg-type]
    folder = cache_dir(env)
    assert folder is not None
    assert cached(Path(folder), project, ()) == cached(Path(usual_cache), project, ())


@needs_root
def test_a_walk_the_check_does_not_ask_for_is_stopped_and_never_used(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    usual, _ = expected(project, tmp_path, EXCLUDE)
    env = env_for(tmp_path, "early")
    asked = own_walk(monkeypatch)
    owner_early.start(env, str(project), None, None)  # the guess: no exclude pattern
    started = owner_early._early[0]
    scan = scan_owners(project, USER, EXCLUDE, cache=cache_dir(env))  # the check's: patterns
    assert asked == [str(project)] and owner_early._early == [] and started.stop
    assert started.done.acquire(timeout=5)  # its thread has ended
    same_scan(scan, usual)  # type: ignore[arg-type]


@needs_root
def test_no_early_walk_where_the_command_line_cannot_be_sure(tmp_path: Path) -> None:
    project = odd_tree(tmp_path)
    env = env_for(tmp_path, "early")
    for select, ignore in ((("port-collision",), None), (None, ("root-owned-files",))):
        owner_early.start(env, str(project), select, ignore)
        assert owner_early._early == []
    owner_early.start(env, str(project / "compose.yaml"), None, None)  # a file: the loader decides
    assert owner_early._early == []
    scan_owners(project, USER, (), cache=cache_dir(env))  # a warm cache: the check lists only changes
    owner_early.start(env, str(project), None, None)
    assert owner_early._early == []
    (project / "doctor.yaml").write_text("exclude: [data]\n")  # may exclude paths, or choose checks
    owner_early.start(env_for(tmp_path, "other"), str(project), None, None)
    assert owner_early._early == []
    empty = tmp_path / "no-compose"
    empty.mkdir()
    owner_early.start(env_for(tmp_path, "third"), str(empty), None, None)
    assert owner_early._early == []


@needs_root
def test_a_preflight_adopts_the_walk_its_command_line_started(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    project = odd_tree(tmp_path)
    usual, _ = expected(project, tmp_path)
    for name, value in env_for(tmp_path, "cli").items():
        monkeypatch.setenv(name, value)
    asked = own_walk(monkeypatch)
    taken: list[object] = []
    real_take = owner_early.take

    def take(key: tuple[str, int, tuple[str, ...], str | None]) -> owner_early.Early | None:
        taken.append(real_take(key))
        return taken[-1]  # type: ignore[return-value]

    monkeypatch.setattr(owner_early, "take", take)
    with pytest.raises(SystemExit) as ended:
        cli.main(["preflight", "--select", "root-owned-files", "--format", "json", str(project)])
    assert ended.value.code == 0  # its findings are warnings
    assert asked == [] and len(taken) == 1 and taken[0] is not None
    assert len(usual.strays) > 10  # type: ignore[attr-defined]
