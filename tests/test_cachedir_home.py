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
