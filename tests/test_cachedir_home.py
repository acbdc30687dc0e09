"""The cache folder: none under a HOME that does not exist (a CI container run as root with
`HOME=/nonexistent` got /nonexistent/.cache/doctor made), nor with caching off."""

from __future__ import annotations

from pathlib import Path

from doctor.cachedir import cache_dir


def test_a_home_that_does_not_exist_gets_no_cache(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    assert cache_dir({"HOME": str(missing)}) is None
    assert not missing.exists()
    assert cache_dir({"HOME": str(tmp_path)}) == str(tmp_path / ".cache" / "doctor")
    xdg = {"HOME": str(missing), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert cache_dir(xdg) == str(tmp_path / "xdg" / "doctor")
    assert cache_dir({"HOME": str(tmp_path), "DOCTOR_NO_CACHE": "1"}) is None
    assert cache_dir({}) is None


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    """The XDG spec: a relative path in XDG_CACHE_HOME is invalid and ignored. doctor made
    `relative/dir/doctor` under whatever folder it ran in (a checkout, then in `git status`)."""
    assert cache_dir({"HOME": str(tmp_path), "XDG_CACHE_HOME": "relative/dir"}) == str(tmp_path / ".cache" / "doctor")
    assert cache_dir({"HOME": str(tmp_path / "nonexistent"), "XDG_CACHE_HOME": ".cache"}) is None


def test_doctor_info_in_a_checkout_writes_no_cache_there(tmp_path: Path) -> None:
    """`doctor info` run in a repository whose folder holds the cache folder (HOME is the checkout in
    a CI container, or XDG_CACHE_HOME points into it) left `.cache/doctor/` there; preflight, ports
    and why never did."""
    import os
    import subprocess
    import sys

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DOCTOR_NO_CACHE", "XDG_CACHE_HOME")}
    env.update(HOME=str(repo), XDG_CACHE_HOME=str(repo / ".cache"), SHELL="/bin/false")
    done = subprocess.run([sys.executable, "-m", "doctor", "info"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not (repo / ".cache").exists(), sorted(p.name for p in (repo / ".cache").rglob("*"))
