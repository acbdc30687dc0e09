"""missing-mount in a Ruby app built from the project folder: hcb (tests/replay/hcb).

hackclub/hcb's 'web' builds `ADD . /usr/src/app` from the project folder and binds `./:/usr/src/app`.
Planted: the bind narrowed to ./app and ./config, so lib/ (its AdminConstraint, which Rails' autoload_lib
loads) keeps the image's copy and edits there never reach the container. doctor said nothing: of a
repo-root context only Python packages and a PHP app's code folders counted. Now a Ruby app's top folders
holding Ruby code (a Gemfile at the context) count too, and one `doctor fix --mounts` mounts lib/ in a new
dev override, leaving docker-compose.yml as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "hcb"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("missing-mount",)
UPSTREAM = "      - ./:/usr/src/app:cached\n"
NARROWED = "      - ./app:/usr/src/app/app:cached\n      - ./config:/usr/src/app/config:cached\n"


def _hcb(tmp_path: Path, volumes: str) -> Path:
    root = tmp_path / "hcb"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.development.example", root / ".env.development")
    compose = root / "docker-compose.yml"
    text = compose.read_text()
    assert text.count(UPSTREAM) == 1
    compose.write_text(text.replace(UPSTREAM, volumes))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root, env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, int | None, str | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else None)
            for f in report.findings]


def test_the_whole_folder_bound_misses_nothing(tmp_path: Path) -> None:
    assert _found(_hcb(tmp_path, UPSTREAM)) == []


def test_lib_left_out_of_the_binds_is_found_and_mounted_in_one_run(tmp_path: Path) -> None:
    root = _hcb(tmp_path, NARROWED)
    compose = (root / "docker-compose.yml").read_text()
    assert _found(root) == [("'web' mounts app, config but not lib", 18,
                             "mount ./lib at /usr/src/app/lib in a new dev override docker-compose.override.yml")]
    options = _options(root)
    # `doctor fix --mounts`, the family of the fault: the stack publishes 3000 and 7658, which a developer's own
    # stack may hold, and port-collision's moves would write the same dev override
    fix(FixOptions(project=options, families=frozenset({"mounts"}), yes=True, env=dict(options.env)),
        load_registry())
    assert (root / "docker-compose.yml").read_text() == compose
    assert (root / "docker-compose.override.yml").read_text() == (
        "services:\n  web:\n    volumes:\n      - ./lib:/usr/src/app/lib:cached\n")
    assert _found(root) == []


@pytest.mark.parametrize("left", ["log/left.rb", "vendor/bundle/ruby/3.3.0/gems/rack-3.1.8/lib/rack.rb"])
def test_a_run_time_folder_of_ruby_files_is_no_source(tmp_path: Path, left: str) -> None:
    """log/ (or storage/) holds what a run left, never code to edit; vendor/ the gems a host's `bundle install
    --path vendor/bundle` put there (the image installs its own)."""
    root = _hcb(tmp_path, NARROWED + "      - ./lib:/usr/src/app/lib:cached\n")
    (root / left).parent.mkdir(parents=True)
    (root / left).write_text("# left by a run\n")
    assert _found(root) == []
