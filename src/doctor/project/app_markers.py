"""Whether a language's app reaches a service, by the file its reader looks for first.

The readers of other languages' apps (rails_env and ruby_dotenv, laravel_env, symfony_env,
node_dotenv, go_env and go_build, rust_dotenv, spring_env) are imported only where such a file is there: a
Python project imports none of them on its preflight. Each test here is the first file test its
reader makes itself (config/application.rb, composer.json, the package.json of the working dir,
go.mod, Cargo.toml, src/main/resources), so it decides nothing of its own: where it fails, the reader would
have found nothing.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from doctor.project.reading import is_dir, is_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from doctor.project.codepaths import CodeMap

SPRING_RESOURCES = Path("src") / "main" / "resources"
SPRING_SUFFIXES = (".properties", ".yml", ".yaml")
RAILS_LOADER = "dotenv-rails"  # ruby_dotenv's DotenvCall.loader, which dotenv-override's fix tells apart
# the libpq variables rails_env.libpq_reader judges, each with the database.yml setting that gives it
LIBPQ_KEYS = {"PGHOST": "host", "PGHOSTADDR": "host", "PGPORT": "port"}


def code_folders(codes: CodeMap) -> tuple[Path, ...]:
    """The host folders of the service's code: its live mounts, then its build context."""
    return tuple(dict.fromkeys((*(p.host for p in codes.live), *((codes.context,) if codes.context is not None
                                                                  else ()))))


def rails_app(codes: CodeMap) -> bool:
    """A folder of the service's code holds a Rails app (config/application.rb)."""
    return any(marked(codes.marks, folder, "config/application.rb", is_file) for folder in code_folders(codes))


def php_app(codes: CodeMap) -> bool:
    """A folder of the service's code holds a composer.json (every Laravel and Symfony app does)."""
    return any(marked(codes.marks, folder, "composer.json", is_file) for folder in code_folders(codes))


def node_manifest(codes: CodeMap, workdir: str | None) -> bool:
    """The package.json of the service's working dir reaches it (what node_dotenv reads first)."""
    found = codes.to_host(posixpath.join(workdir or "/", "package.json"))
    return found is not None and is_file(found[0])


def go_module(folders: tuple[Path, ...], marks: dict[str, bool] | None = None) -> bool:
    """One of the folders is a Go module (its go.mod). `marks`: what this run found already (see marked)."""
    return any(marked(marks, folder, "go.mod", is_file) for folder in dict.fromkeys(folders))


def rust_crate(folders: tuple[Path, ...], marks: dict[str, bool] | None = None) -> bool:
    """One of the folders holds a Rust crate or workspace (its Cargo.toml)."""
    return any(marked(marks, folder, "Cargo.toml", is_file) for folder in dict.fromkeys(folders))


def spring_app(folders: tuple[Path, ...], marks: dict[str, bool] | None = None) -> bool:
    """One of the folders has a Spring Boot app's src/main/resources."""
    return any(marked(marks, folder, "src/main/resources", is_dir) for folder in dict.fromkeys(folders))


def marked(marks: dict[str, bool] | None, folder: Path, relative: str, test: Callable[[str], bool]) -> bool:
    """`test` of the file at `relative` in the folder, asked once per run where `marks` keeps the answers (a
    CodeMap's, a project's): a service's markers are asked by loaded_env, dotenv-override and leaked-host-port,
    some several times, and one folder (the project's, `context: .`) is most services' code."""
    path = os.path.join(folder, relative)
    if marks is None:
        return test(path)
    found = marks.get(path)
    if found is None:
        found = marks[path] = test(path)
    return found


def spring_config(path: Path) -> bool:
    """Whether the file is a Spring Boot config spring_env reads (src/main/resources/application*.yml, or in
    its config/)."""
    folder = path.parent.parent if path.parent.name == "config" else path.parent
    return (path.name.startswith("application") and path.suffix in SPRING_SUFFIXES
            and folder.parts[-3:] == SPRING_RESOURCES.parts)
