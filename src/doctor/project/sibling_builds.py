"""The builds of a project's services in the compose files beside the ones loaded, read for their `build:` alone.

testdrivenio/flask-on-docker builds `web` from web/Dockerfile in docker-compose.yml and from
web/Dockerfile.prod in docker-compose.prod.yml: the production image is the same service on
another Dockerfile, which runtime-drift compares with the one the loaded files build. A sibling is
a `*compose*.y*ml` in the main compose file's folder that is not loaded; of each of its services
that the loaded model builds, only `build:` is read (context, dockerfile, target, args), as a file
run alone (`-f docker-compose.prod.yml`) or over the loaded ones (a `build:` with no context takes
the loaded service's) reads it. A value with a variable is not guessed: that build is left out.
"""

from __future__ import annotations

import os
from pathlib import Path

from doctor.lean_imports import glob_patterns
from doctor.model import Location, record
from doctor.project.reading import is_file
from doctor.project.types import Build, ComposeModel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.yamlload import YMap

# the globs read in every run, compiled from the regex table (doctor.lean_imports.glob_patterns)
_GLOBS = glob_patterns("*compose*.y*ml")

_MAX_SIBLINGS = 16  # a folder of many compose variants: the first ones by name, read cheaply


@record
class SiblingBuild:
    """A loaded service built from another Dockerfile by a compose file beside the loaded ones."""

    file: Path
    service: str
    build: Build


def sibling_builds(compose: ComposeModel) -> list[SiblingBuild]:
    """Each (sibling file, service) whose build takes a Dockerfile other than the loaded build's."""
    if not compose.files:
        return []
    folder = compose.files[0].parent
    found: list[SiblingBuild] = []
    for path in _siblings(compose):
        for name, node, line in _builds(path):
            service = compose.services.get(name)
            main = service.build if service is not None else None
            if main is None or main.dockerfile_path is None:
                continue
            build = _build(node, line, folder, main, path)
            if build is not None and build.dockerfile_path is not None and not _same(build.dockerfile_path,
                                                                                      main.dockerfile_path):
                found.append(SiblingBuild(path, name, build))
    return found


def sibling_image_builds(compose: ComposeModel) -> dict[str, tuple[Path, str]]:
    """The images a compose file beside the loaded ones builds (a service with `build:` and a literal
    `image:`), each with that file and service: ghostfolio's docker-compose.build.yml tags its build
    `ghostfolio/ghostfolio:local`, which docker-compose.yml only names. Empty without such files."""
    found: dict[str, tuple[Path, str]] = {}
    for path in _siblings(compose):
        for service, image in _built_images(path):
            found.setdefault(image, (path, service))
    return found


def _siblings(compose: ComposeModel) -> list[Path]:
    """The `*compose*.y*ml` files of the main compose file's folder that are not loaded, the first
    _MAX_SIBLINGS by name; none without compose files."""
    if not compose.files:
        return []
    loaded = {os.path.normcase(os.path.realpath(f)) for f in compose.files}
    try:
        names = sorted(p for p in compose.files[0].parent.glob("*compose*.y*ml") if is_file(p))
    except OSError:
        return []
    return [p for p in names if os.path.normcase(os.path.realpath(p)) not in loaded][:_MAX_SIBLINGS]


def _built_images(path: Path) -> list[tuple[str, str]]:
    return _read(path)[1]


def _read(path: Path) -> tuple[list[_Plain], list[tuple[str, str]]]:
    """A sibling's builds (`_builds`) and the images it builds (`_built_images`), both from one parse:
    runtime-drift reads the one, image-availability the other (each parsed opentelemetry-demo's
    compose.full.yaml and compose.observability.yaml on its own, ~13M instructions of a first run);
    remembered across runs while the file is unchanged (doctor.project.memo)."""
    import functools

    from doctor.project.memo import remember

    return remember("sibling-reads", (path,), (), functools.partial(_parse, path))


def _parse(path: Path) -> tuple[list[_Plain], list[tuple[str, str]]]:
    from doctor.project.yamlload import YamlError, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError, ValueError):
        return [], []
    return _read_builds(docs), _read_built_images(docs)


def _read_built_images(docs: list[YMap | None]) -> list[tuple[str, str]]:
    """(service, image) of each service of the file that has a `build:` and a literal `image:`."""
    from doctor.project.yamlload import YMap

    found = []
    for doc in docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        for name, service in services.items() if isinstance(services, YMap) else ():
            image = service.get("image") if isinstance(service, YMap) else None
            if isinstance(image, str) and "$" not in image and service.get("build") is not None:
                found.append((str(name), image))
    return found


# a sibling's build as plain data (remembered across runs: a warm preflight reads no YAML for an
# unchanged file): a short `build: ./web`, or a map's context, dockerfile, target (a str each, else
# absent), whether it has dockerfile_inline, its args as (key, value, line), and the line of its
# dockerfile (else context) key
_Plain = tuple[str, "str | dict[str, object]", "int | None"]


def _builds(path: Path) -> list[_Plain]:
    """(service, its `build:` as plain data, line) of a compose file; none when it does not parse."""
    return _read(path)[0]


def _read_builds(docs: list[YMap | None]) -> list[_Plain]:
    from doctor.project.yamlload import YList, YMap

    found: list[_Plain] = []
    for doc in docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for name, service in services.items():
            node = service.get("build") if isinstance(service, YMap) else None
            if isinstance(node, str):
                found.append((str(name), node, None))
            elif isinstance(node, YMap):
                plain: dict[str, object] = {k: v for k in ("context", "dockerfile", "target")
                                            if isinstance(v := node.get(k), str)}
                plain.update({k: True for k in ("context", "dockerfile", "target", "dockerfile_inline")
                              if k in node and k not in plain})  # written, but not as text: no build guessed
                args = node.get("args")
                pairs: list[tuple[str, object, int | None]] = []
                if isinstance(args, YMap):
                    pairs = [(str(k), v, _line(args.loc_of(str(k)))) for k, v in args.items()]
                elif isinstance(args, YList):
                    pairs = [(k, v, _line(args.loc_of(index))) for index, item in enumerate(args)
                             if isinstance(item, str) and "=" in item for k, v in [item.split("=", 1)]]
                plain["args"] = [(k, str(v), line) for k, v, line in pairs
                                 if isinstance(v, (str, int, float)) and not isinstance(v, bool) and "$" not in str(v)]
                found.append((str(name), plain, _line(node.loc_of("dockerfile") or node.loc_of("context"))))
    return found


def _line(where: Location | None) -> int | None:
    return where.line if where is not None else None


def _build(node: str | dict[str, object], line: int | None, folder: Path, main: Build, path: Path) -> Build | None:
    """The build a sibling's `build:` describes, or None when it names no Dockerfile of its own."""
    node_map: dict[str, object] = {"context": node} if isinstance(node, str) else node
    context, dockerfile = node_map.get("context"), node_map.get("dockerfile", "Dockerfile")
    target = node_map.get("target")
    if context is None and "dockerfile" not in node_map:
        return None  # an override's `build: {target: prod}`: the loaded build's Dockerfile
    texts = [v for v in (context, dockerfile, target) if v is not None]
    if not all(isinstance(v, str) and "$" not in v and v.strip() for v in texts) or "dockerfile_inline" in node_map:
        return None
    assert isinstance(dockerfile, str)
    if isinstance(context, str):
        if "://" in context or context.startswith("git@"):
            return None
        contexts = [os.path.normpath(folder / context)]
    else:  # a standalone file's context is its folder; over the loaded files it is the loaded build's
        contexts = [main.context, os.path.normpath(folder)]
    chosen = next((c for c in contexts if is_file(Path(c) / dockerfile)), None)
    if chosen is None:
        return None
    raw_args = node_map.get("args")
    args = tuple((str(k), str(v), Location(path, n) if n is not None else None)
                 for k, v, n in (raw_args if isinstance(raw_args, list) else []))
    return Build(chosen, dockerfile, Location(path, line), args, target if isinstance(target, str) else None)


def _same(one: Path, other: Path) -> bool:
    return os.path.normcase(os.path.realpath(one)) == os.path.normcase(os.path.realpath(other))
