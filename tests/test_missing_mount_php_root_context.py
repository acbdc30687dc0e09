"""missing-mount on a PHP app built from the repo root: laravel-docker-examples (tests/replay).

dockersamples/laravel-docker-examples builds 'php-fpm' from the repo root (`COPY . /var/www` in its
builder stage, relayed whole by `COPY --from=builder /var/www /var/www`, and `COPY ./storage
/var/www/storage-init`, the skeleton its production entrypoint copies back) and binds `./:/var/www`.
Planted: the bind split into ./app, ./routes and ./resources (the mission's forgotten mount). doctor
said "'php-fpm' mounts app, resources, routes but not storage" and offered to mount ./storage at
/var/www/storage-init, a tree of `.gitignore` files the app fills at run time, while config/,
bootstrap/ and database/, the app's PHP code, went unreported: a repo-root context counted only
Python packages. Now a PHP app's top folders holding PHP code count as a Python package does, a
folder of placeholders alone is no source, and one `doctor fix` mounts the three.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from doctor.engine import RunOptions, load_registry, preflight
from doctor.fixer import FixOptions, fix
from doctor.project import ProjectOptions

REPLAY = Path(__file__).parent / "replay" / "laravel-docker-examples"
COMPOSE = "compose.dev.yaml"
ENV = {"PATH": "/usr/bin:/bin", "DOCTOR_NO_CACHE": "1", "DOCTOR_CONTEXT": "host"}
UPSTREAM = """      # Mount the application code for live updates
      - ./:/var/www
    networks:
      - laravel-development
    depends_on:
      postgres:"""
MOUNTS = ("./app:/var/www/app", "./routes:/var/www/routes", "./resources:/var/www/resources")


def _project(tmp_path: Path, mounts: tuple[str, ...] = ()) -> Path:
    root = tmp_path / "laravel-docker-examples"
    shutil.copytree(REPLAY, root, ignore=shutil.ignore_patterns("SOURCE.md"))
    shutil.copyfile(root / ".env.example", root / ".env")  # the README's first step
    compose = root / COMPOSE
    text = compose.read_text()
    assert text.count(UPSTREAM) == 1
    if mounts:
        lines = "".join(f"      - {m}\n" for m in mounts)
        compose.write_text(text.replace(UPSTREAM, UPSTREAM.replace("      - ./:/var/www\n", lines)))
    return root


def _options(root: Path) -> ProjectOptions:
    return ProjectOptions(path=root / COMPOSE, env={**ENV, "HOME": str(root.parent)})


def _found(root: Path) -> list[tuple[str, int | None, str]]:
    options = _options(root)
    report = preflight(RunOptions(project=options, select=("missing-mount",), env=dict(options.env)),
                       load_registry()).report
    return [(f.message, f.location.line if f.location else None, f.fix.title if f.fix else "")
            for f in report.findings]


def test_the_app_as_cloned_binding_its_root_whole_is_clean(tmp_path: Path) -> None:
    assert _found(_project(tmp_path)) == []


def test_the_php_folders_a_split_bind_forgets_are_found_and_mounted_in_one_run(tmp_path: Path) -> None:
    root = _project(tmp_path, MOUNTS)
    assert _found(root) == [
        (f"'php-fpm' mounts app, resources, routes but not {name}", 41,
         f"mount ./{name} at /var/www/{name} in compose.dev.yaml beside its other mounts")
        for name in ("bootstrap", "config", "database")]
    before = (root / COMPOSE).read_text()
    options = _options(root)
    fix(FixOptions(project=options, families=frozenset({"mounts"}), yes=True, env=dict(options.env)),
        load_registry())
    added = "".join(f"      - ./{n}:/var/www/{n}\n" for n in ("bootstrap", "config", "database"))
    assert (root / COMPOSE).read_text() == before.replace(
        "      - ./resources:/var/www/resources\n", f"      - ./resources:/var/www/resources\n{added}")
    assert _found(root) == []
    again = fix(FixOptions(project=options, families=frozenset({"mounts"}), yes=True, env=dict(options.env)),
                load_registry())
    assert again.results == () and again.diffs == ()


def test_the_storage_skeleton_is_no_source_to_mount(tmp_path: Path) -> None:
    # every folder of PHP code bound, storage/ (placeholders only, COPY'd to storage-init too) left to the image
    mounts = (*MOUNTS, "./bootstrap:/var/www/bootstrap", "./config:/var/www/config", "./database:/var/www/database")
    assert _found(_project(tmp_path, mounts)) == []


def test_a_storage_a_run_filled_with_compiled_views_is_still_no_source(tmp_path: Path) -> None:
    # what any run of the app leaves there, through upstream's own `./:/var/www` bind: Blade's compiled views are
    # .php files, but storage/ is the run's (caches, sessions, logs), never code to edit
    root = _project(tmp_path, (*MOUNTS, "./bootstrap:/var/www/bootstrap", "./config:/var/www/config",
                               "./database:/var/www/database"))
    views = root / "storage" / "framework" / "views"
    (views / "3f2a9c.php").write_text("<?php echo e($title); ?>\n")
    (root / "storage" / "logs" / "laravel.log").write_text("[2026-12-06] local.INFO: up\n")
    assert _found(root) == []
