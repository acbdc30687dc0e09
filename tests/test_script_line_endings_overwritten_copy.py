"""A script a later COPY overwrites is not the one the container runs: laravel-docker-examples (tests/replay).

dockersamples/laravel-docker-examples builds 'php-fpm' to the Dockerfile's `development` stage, FROM
`production`: `production` COPYs docker/production/php-fpm/entrypoint.sh to /usr/local/bin/entrypoint.sh
(its ENTRYPOINT), and `development` COPYs docker/development/php-fpm/entrypoint.sh to the same place.
doctor took the first COPY to a place for the file there: a CRLF planted in the production script was
'reaches 'php-fpm' (ENTRYPOINT)', rebuild advised, though the dev container never holds it (only the
`./:/var/www` bind carries it along), and one planted in the development script, the one that runs,
was a mere '(COPY, Dockerfile:167)'. Now a file COPY'd where a later COPY puts another is not in the
image, and of two COPYs to one place the later is what the container holds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import Project, ProjectOptions
from doctor.project.script_finder import script_finder

REPLAY = Path(__file__).parent / "replay" / "laravel-docker-examples"
COMPOSE = "compose.dev.yaml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
PRODUCTION = "docker/production/php-fpm/entrypoint.sh"
DEVELOPMENT = "docker/development/php-fpm/entrypoint.sh"


def _project(tmp_path: Path, crlf: str | None = None) -> Path:
    root = tmp_path / "laravel-docker-examples"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")
    if crlf is not None:
        script = root / crlf
        script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root / COMPOSE, env={**ENV, "HOME": str(root.parent)})


def _found(root: Path) -> list[tuple[str, str, int | None, str]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("script-line-endings",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.path.relative_to(root).as_posix() if f.location else "",
             f.location.line if f.location else None, f.fix.title if f.fix else "") for f in report.findings]


def test_the_start_is_the_development_stage_s_entrypoint(tmp_path: Path) -> None:
    root = _project(tmp_path)
    project = Project(_options(root))
    started = script_finder(project).started_by(project.services["php-fpm"])
    assert [(path.relative_to(root).as_posix(), how) for path, how in started] == [(DEVELOPMENT, "ENTRYPOINT")]


def test_a_crlf_in_the_overwritten_production_script_is_no_entrypoint_of_the_dev_image(tmp_path: Path) -> None:
    assert _found(_project(tmp_path, PRODUCTION)) == [
        ("has CRLF line endings and reaches 'php-fpm' (bind mount, compose.dev.yaml:41)", PRODUCTION, 1,
         f"rewrite {PRODUCTION} with LF line endings")]


def test_a_crlf_in_the_development_script_is_its_entrypoint_and_one_fix_settles_it(tmp_path: Path) -> None:
    root = _project(tmp_path, DEVELOPMENT)
    assert _found(root) == [
        ("has CRLF line endings and reaches 'php-fpm' (ENTRYPOINT)", DEVELOPMENT, 1,
         f"rewrite {DEVELOPMENT} with LF line endings, then rebuild: docker compose -f compose.dev.yaml build php-fpm")]
    options = _options(root)
    fix(FixOptions(project=options, yes=True, env=dict(options.env)), load_registry())
    assert (root / DEVELOPMENT).read_bytes() == (REPLAY / DEVELOPMENT).read_bytes()
    assert _found(root) == []
