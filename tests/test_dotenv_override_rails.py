"""dotenv-override for a Rails app's dotenv railtie: dawarich (tests/replay/dawarich).

Freika/dawarich's devcontainer binds the checkout into 'dawarich_dev', whose compose environment says
`DATABASE_HOST: dawarich_db` and `REDIS_URL: redis://dawarich_redis:6379`, while `.env.development` (the
host's setup) says localhost for both; the Gemfile's `dotenv-rails` loads it at boot and leaves compose's
values be. Planted: `Dotenv::Rails.overwrite = true` (dotenv 3) or `Dotenv::Railtie.overload` (dotenv 2)
in config/application.rb, after which the file's localhost beats compose in the container. doctor said
nothing (its loaders were Python's and Node's). Now each overwritten variable is an error at the line
that asks for the overwrite, and one `doctor fix` turns it off there (that line alone changed), after
which a second preflight is clean and a second fix changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.model import Safety
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "dawarich"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
CHECKS = ("dotenv-override", "leaked-host-port", "service-name-drift")
ANCHOR = "Bundler.require(*Rails.groups)\n"


def _dawarich(tmp_path: Path, planted: str | None = None, gem_group: str | None = None) -> Path:
    root = tmp_path / "dawarich"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    application = root / "config" / "application.rb"
    text = application.read_text()
    assert text.count(ANCHOR) == 1
    if planted is not None:
        application.write_text(text.replace(ANCHOR, ANCHOR + planted + "\n"))
    if gem_group is not None:
        gemfile = root / "Gemfile"
        upstream = "group :development, :test, :staging do\n"
        assert gemfile.read_text().count(upstream) == 1
        gemfile.write_text(gemfile.read_text().replace(upstream, f"group {gem_group} do\n"))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root / ".devcontainer", env={**ENV, "HOME": str(root)})


def _found(root: Path) -> list[tuple[str, str, int | None, Safety | None]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=CHECKS, env=dict(options.env)), load_registry()).report
    return [(f.check, f.message, f.location.line if f.location else None, f.fix.safety if f.fix else None)
            for f in report.findings]


@pytest.mark.parametrize(("planted", "turned_off"), [
    ("Dotenv::Rails.overwrite = true", "Dotenv::Rails.overwrite = false"),
    ("Dotenv::Railtie.overload", "Dotenv::Railtie.load"),
])
def test_an_overwriting_railtie_beats_compose_and_one_fix_turns_it_off(
        tmp_path: Path, planted: str, turned_off: str) -> None:
    root = _dawarich(tmp_path, planted)
    application = root / "config" / "application.rb"
    before = application.read_text()
    assert _found(root) == [
        ("dotenv-override", "DATABASE_HOST='localhost' from ../.env.development:1 overrides compose's 'dawarich_db' "
         "in 'dawarich_dev'", 10, Safety.SAFE),
        ("dotenv-override", "REDIS_URL='redis://localhost:6379' from ../.env.development:6 overrides compose's "
         "'redis://dawarich_redis:6379' in 'dawarich_dev'", 10, Safety.SAFE),
    ]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert application.read_text() == before.replace(planted, turned_off)
    assert _found(root) == []
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert application.read_text() == before.replace(planted, turned_off)


def test_the_project_as_cloned_and_an_overwrite_the_environment_never_loads_stay_clean(tmp_path: Path) -> None:
    assert _found(_dawarich(tmp_path / "a")) == []
    # a commented overwrite, and dotenv-rails in a group RAILS_ENV=development does not require
    assert _found(_dawarich(tmp_path / "b", "# Dotenv::Rails.overwrite = true")) == []
    assert _found(_dawarich(tmp_path / "c", "Dotenv::Rails.overwrite = true", gem_group=":test")) == []
