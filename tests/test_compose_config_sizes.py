"""A byte size compose cannot decode (`shm_size: 1gig`): compose-config reports compose's own error.

bookwyrm-social/bookwyrm (db40a61c9e, 2026-08-22, ANTI-CAPITALIST SOFTWARE LICENSE v1.4; its
docker-compose.yml:86) writes `shm_size: ${POSTGRES_SHM_SIZE:-128mb}` and its .env.example
`POSTGRES_SHM_SIZE=128mb`. With the value written `1gig` in .env, `docker compose config` stops:
`'services[db].shm_size' invalid suffix: 'gig'`; doctor said ✓ (audit-runtime): the schema allows
any string there, and compose-go decodes the size with go-units' RAMInBytes afterwards, which doctor
did not. The live test asks compose itself.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.project import ProjectOptions
from doctor.project.gosize import size_error

# (the value, compose's words for it or None), as docker compose v2.40 prints them
SIZES = [
    ("128mb", None), ("1.5g", None), ("1 GiB", None), ("5 m", None), ("512", None), ("2B", None), ("1KiB", None),
    ("1gig", "invalid suffix: 'gig'"), ("10kbb", "invalid suffix: 'kbb'"), ("512X", "invalid suffix: 'x'"),
    ("5Megabytes", "invalid suffix: 'Megabytes'"), ("1bb", "invalid suffix: 'bb'"), ("1mi", "invalid suffix: 'mi'"),
    ("lots", "invalid size: 'lots'"), ("", "invalid size: ''"), ("-1", "invalid size: '-1'"),
    ("1,5g", 'strconv.ParseFloat: parsing "1,5": invalid syntax'),
    ("x1", 'strconv.ParseFloat: parsing "x1": invalid syntax'),
]

BOOKWYRM_DB = ("services:\n  db:\n    image: postgres:17\n    env_file: .env\n"
               "    shm_size: ${POSTGRES_SHM_SIZE:-128mb}\n")


@pytest.mark.parametrize(("value", "error"), SIZES)
def test_size_error_says_what_go_units_says(value: str, error: str | None) -> None:
    assert size_error(value) == error


def _findings(root: Path) -> list[tuple[int | None, str]]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "DOCTOR_NO_CACHE": "1"}
    options = RunOptions(project=ProjectOptions(path=root, env=env), select=("compose-config",), env=env)
    report = preflight(options, load_registry()).report
    return [(f.location.line if f.location else None, f.message) for f in report.findings]


@pytest.mark.parametrize(("value", "expected"), [
    ("128mb", []),  # upstream's .env.example
    ("1gig", [(5, "'services[db].shm_size' invalid suffix: 'gig'")]),
])
def test_bookwyrm_shm_size_from_env(tmp_path: Path, value: str, expected: list[tuple[int, str]]) -> None:
    (tmp_path / "docker-compose.yml").write_text(BOOKWYRM_DB)
    (tmp_path / ".env").write_text(f"POSTGRES_USER=fedireads\nPOSTGRES_SHM_SIZE={value}\n")
    assert _findings(tmp_path) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    ("mem_limit: 512m\n    memswap_limit: 1g\n    mem_reservation: 256m", []),
    ("mem_limit: lots", [(4, "'services[app].mem_limit' invalid size: 'lots'")]),
    ("mem_swappiness: lots", [(4, "'services[app].mem_swappiness' invalid size: 'lots'")]),
    ("deploy:\n      resources:\n        limits:\n          memory: 1gig",
     [(7, "'services[app].deploy.resources.limits.memory' invalid suffix: 'gig'")]),
    ("volumes:\n      - type: tmpfs\n        target: /cache\n        tmpfs:\n          size: big",
     [(8, "'services[app].volumes[0].tmpfs.size' invalid size: 'big'")]),
], ids=["valid", "mem_limit", "mem_swappiness", "deploy-memory", "tmpfs-size"])
def test_each_size_field_is_read_at_its_line(tmp_path: Path, lines: str, expected: list[tuple[int, str]]) -> None:
    (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: busybox\n    {lines}\n")
    assert _findings(tmp_path) == expected


@pytest.mark.docker
def test_compose_refuses_exactly_what_size_error_refuses(tmp_path: Path, compose_bin: str) -> None:
    """Each value through `docker compose config -q`: it fails with the same words, or passes."""
    assert compose_bin
    for value, error in SIZES:
        (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: busybox\n    shm_size: '{value}'\n")
        done = subprocess.run([compose_bin, "config", "-q"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60)
        if error is None:
            assert done.returncode == 0, (value, done.stderr)
        else:
            assert f"'services[app].shm_size' {error}" in done.stderr, (value, done.stderr)
