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

from doctor.model import Location, record
from doctor.project.types import Build, ComposeModel

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
    loaded = {os.path.normcase(os.path.realpath(f)) for f in compose.files}
    try:
        names = sorted(p for p in folder.glob("*compose*.y*ml") if p.is_file())
    except OSError:
        return []
    siblings = [p for p in names if os.path.normcase(os.path.realpath(p)) not in loaded][:_MAX_SIBLINGS]
    found: list[SiblingBuild] = []
    for path in siblings:
        for name, node in _builds(path):
            service = compose.services.get(name)
            main = service.build if service is not None else None
            if main is None or main.dockerfile_path is None:
                continue
            build = _build(node, folder, main, path)
            if build is not None and build.dockerfile_path is not None and not _same(build.dockerfile_path,
                                                                                      main.dockerfile_path):
                found.append(SiblingBuild(path, name, build))
    return found


def _builds(path: Path) -> list[tuple[str, object]]:
    """(service, its `build:` node) of a compose file; none when it does not parse."""
    from doctor.project.yamlload import YamlError, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError, ValueError):
        return []
    found = []
    for doc in docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for name, service in services.items():
            if isinstance(service, YMap) and "build" in service:
                found.append((str(name), service.get("build")))
    return found


def _build(node: object, folder: Path, main: Build, path: Path) -> Build | None:
    """The build a sibling's `build:` node describes, or None when it names no Dockerfile of its own."""
    from doctor.project.yamlload import YMap

    location: Location | None
    if isinstance(node, str):
        node_map: dict[str, object] = {"context": node}
        location = None
    elif isinstance(node, YMap):
        node_map, location = dict(node.items()), node.loc_of("dockerfile") or node.loc_of("context")
    else:
        return None
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
    chosen = next((c for c in contexts if (Path(c) / dockerfile).is_file()), None)
    if chosen is None:
        return None
    return Build(chosen, dockerfile, location or Location(path), _args(node_map.get("args")),
                 target if isinstance(target, str) else None)


def _args(node: object) -> tuple[tuple[str, str, Location | None], ...]:
    """`build.args` with a value, as a map or a `KEY=value` list (a value with a variable left out)."""
    from doctor.project.yamlload import YList, YMap

    pairs: list[tuple[str, object, Location | None]] = []
    if isinstance(node, YMap):
        pairs = [(str(k), v, node.loc_of(str(k))) for k, v in node.items()]
    elif isinstance(node, YList):
        pairs = [(k, v, node.loc_of(index)) for index, item in enumerate(node) if isinstance(item, str) and "=" in item
                 for k, v in [item.split("=", 1)]]
    return tuple((k, str(v), where) for k, v, where in pairs
                 if isinstance(v, (str, int, float)) and not isinstance(v, bool) and "$" not in str(v))


def _same(one: Path, other: Path) -> bool:
    return os.path.normcase(os.path.realpath(one)) == os.path.normcase(os.path.realpath(other))
