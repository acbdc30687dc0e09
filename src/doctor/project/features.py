"""Which compose-file features a project's files use, and the compose release that introduced each.

Read from the files as written (before merge), so each use keeps its file and line. Release
numbers are from the compose release notes (docs.docker.com/compose/releases/release-notes and
github.com/docker/compose/releases): `include` 2.20.0, `depends_on.<svc>.required` 2.20.2,
`develop` 2.22.0 (watch GA), `env_file` long syntax with `required` 2.24.0, the `!reset` /
`!override` merge tags 2.24.4, `provider` services 2.35.0, top-level `models` 2.38.0
(docker/compose#12976).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from doctor.model import Location, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from doctor.project import ComposeDocuments

INCLUDE = (2, 20, 0)
DEPENDS_ON_REQUIRED = (2, 20, 2)
DEVELOP = (2, 22, 0)
ENV_FILE_REQUIRED = (2, 24, 0)
MERGE_TAGS = (2, 24, 4)
PROVIDER = (2, 35, 0)
MODELS = (2, 38, 0)


@record
class FeatureUse:
    """One use of a compose-file feature: what, since which compose release, where."""

    feature: str
    since: tuple[int, int, int]
    location: Location | None


@record
class FileFeatures:
    """What compose-version reads from the files as written: feature uses and obsolete `version:` keys.

    Computed once from the loader's parse; the model cache stores it, so a warm run parses nothing."""

    uses: tuple[FeatureUse, ...]
    obsolete_versions: tuple[Location, ...]


def file_features(files: Iterable[ComposeDocuments]) -> FileFeatures:
    """The feature uses and obsolete `version:` keys of the given compose files."""
    files = tuple(files)
    return FileFeatures(tuple(feature_uses(files)), tuple(obsolete_version(files)))


def feature_uses(files: Iterable[ComposeDocuments]) -> Iterator[FeatureUse]:
    """Every versioned feature used in the given compose files (Project.compose_documents)."""
    from doctor.project.yamlload import YList, YMap

    for file in files:
        path, docs, tags = file.path, file.docs, file.tags
        for doc in docs:
            if not isinstance(doc, YMap):
                continue
            if "include" in doc:
                yield FeatureUse("include", INCLUDE, doc.loc_of("include"))
            if "models" in doc:
                yield FeatureUse("models", MODELS, doc.loc_of("models"))
            services = doc.get("services")
            for name, svc in services.items() if isinstance(services, YMap) else ():
                if not isinstance(svc, YMap):
                    continue
                for key, feature, since in (("develop", "develop", DEVELOP), ("provider", "provider", PROVIDER),
                                            ("models", "models", MODELS)):
                    if key in svc:
                        yield FeatureUse(f"services.{name}.{feature}", since, svc.loc_of(key))
                env_files = svc.get("env_file")
                for index, item in enumerate(env_files if isinstance(env_files, YList) else ()):
                    if isinstance(item, YMap) and "required" in item:
                        where = item.loc_of("required") or (env_files.loc_of(index) if env_files else None)
                        yield FeatureUse(f"services.{name}.env_file.required", ENV_FILE_REQUIRED, where)
                depends = svc.get("depends_on")
                for dep, spec in depends.items() if isinstance(depends, YMap) else ():
                    if isinstance(spec, YMap) and "required" in spec:
                        yield FeatureUse(f"services.{name}.depends_on.{dep}.required", DEPENDS_ON_REQUIRED,
                                         spec.loc_of("required"))
        for at, tag in tags:
            found = next((loc for loc in (_locate(d, at) for d in docs) if loc is not None), None)
            yield FeatureUse(tag, MERGE_TAGS, found or Location(path, None))


def obsolete_version(files: Iterable[ComposeDocuments]) -> Iterator[Location]:
    """Where a compose file sets the obsolete top-level `version:`."""
    from doctor.project.yamlload import YMap

    for file in files:
        for doc in file.docs:
            if isinstance(doc, YMap) and "version" in doc:
                yield doc.loc_of("version") or Location(file.path, 1)


def _locate(doc: Any, at: tuple[str, ...]) -> Location | None:
    """The location of the value at a tag path (`("services", "web", "ports")`, `"[0]"` for list items)."""
    node = doc
    for key in at[:-1]:
        node = _child(node, key)
    if not at or node is None:
        return None
    last: str | int = int(at[-1][1:-1]) if at[-1].startswith("[") and isinstance(node, list) else at[-1]
    loc_of = getattr(node, "loc_of", None)
    try:
        return loc_of(last) if loc_of is not None else None
    except (IndexError, KeyError):
        return None


def _child(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and key.startswith("["):
        index = int(key[1:-1])
        return node[index] if index < len(node) else None
    return None
