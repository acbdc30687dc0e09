"""The Python/Node versions a GitLab pipeline (`.gitlab-ci.yml`) runs its jobs on: their `image:`."""

from __future__ import annotations

import functools
from pathlib import Path

from doctor.model import Location
from doctor.project.runtimes import Declared, image_declared_at

TYPE_CHECKING = False  # yamlload imports yaml: a warm run reads no YAML for an unchanged pipeline
if TYPE_CHECKING:
    from doctor.project.yamlload import YMap

GITLAB_CI = ".gitlab-ci.yml"
# the pipeline's own keywords: every other top-level mapping is a job (or a hidden `.template` jobs extend)
_KEYWORDS = frozenset({"stages", "variables", "include", "workflow", "default", "image", "services", "cache",
                       "before_script", "after_script", "spec", "types"})

# a variable's values and the place they are written
Values = tuple[tuple[str, ...], Location | None]  # None: where yaml gave no mark


def read_gitlab_ci(top: Path) -> list[Declared]:
    """The versions of the images the pipeline at `top` runs its jobs in (`image: python:3.11-slim`,
    `image: {name: ...}`, the `default:` one, cookiecutter-django's `ghcr.io/astral-sh/uv:python3.14`),
    each at the line that writes the version: `python:$PYTHON_VERSION` is read from the job's, then the
    pipeline's `variables:`, and a `parallel: matrix:` list of them is one matrix (several versions)."""
    from doctor.project.memo import remember

    path = top / GITLAB_CI
    if not path.is_file():
        return []
    return remember("gitlab-pins", (path,), (), functools.partial(_pipeline, path))


def _pipeline(path: Path) -> list[Declared]:
    """The pins of one pipeline file (see read_gitlab_ci)."""
    from doctor.project.yamlload import YamlError, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return []
    # a pipeline with a `spec:` header is its second document
    pipeline = next((d for d in reversed(docs) if isinstance(d, YMap)), None)
    if pipeline is None:
        return []
    shared = _variables(pipeline.get("variables"))
    found: list[Declared] = []
    default = pipeline.get("default")
    for owner in (pipeline, default if isinstance(default, YMap) else None):
        if owner is not None and "image" in owner:
            found += _declared(owner, shared, {})
    for name, job in pipeline.items():
        if name in _KEYWORDS or not isinstance(job, YMap) or "image" not in job:
            continue
        found += _declared(job, {**shared, **_variables(job.get("variables"))}, _matrix(job))
    return found


def _declared(owner: YMap, variables: dict[str, Values], matrix: dict[str, Values]) -> list[Declared]:
    """The runtime of `owner`'s image, its variables expanded (a matrix variable to each of its values)."""
    from doctor.project.yamlload import YMap

    image = owner["image"]
    at = owner.loc_of("image")
    if isinstance(image, YMap):
        at = image.loc_of("name")
        image = image.get("name")
    if not isinstance(image, str) or at is None:
        return []
    names = _names(image)
    values = {n: v for n in names if (v := matrix.get(n) or variables.get(n)) is not None}
    if len(values) != len(names):
        return []  # a CI/CD variable set outside the file (project settings): not known here
    images = [image]
    for name, (written, _) in values.items():
        images = [_substitute(i, name, value) for i in images for value in written]
    versioned = [n for n in names if _carries(image, n, values[n])]
    where: Location = next((w for n in versioned if (w := values[n][1]) is not None), at)
    pins = [d for i in dict.fromkeys(images) for d in image_declared_at([(i, where)])]
    if not pins or len({d.runtime for d in pins}) != 1 or len(pins) != len(dict.fromkeys(images)):
        return []
    versions = tuple(dict.fromkeys(v for d in pins for v in d.versions))
    label = f"GitLab CI image {image}"
    if versioned:
        label += " (" + "; ".join(f"{n}: {', '.join(values[n][0])}" for n in versioned) + ")"
    return [Declared(pins[0].runtime, where, label, versions)]


def _carries(image: str, name: str, values: Values) -> bool:
    """Whether the variable writes the image's tag (its version), not only its registry or name."""
    return ":" in image and name in _names(image.rsplit(":", 1)[1]) and bool(values[0])


def _variables(node: object) -> dict[str, Values]:
    """A `variables:` block: each name's value (`NAME: 3.12` or `NAME: {value: 3.12, ...}`) at its line."""
    from doctor.project.yamlload import YMap

    if not isinstance(node, YMap):
        return {}
    found: dict[str, Values] = {}
    for name, value in node.items():
        if isinstance(value, YMap):
            value = value.get("value")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            found[str(name)] = ((str(value),), node.loc_of(name))
    return found


def _matrix(job: YMap) -> dict[str, Values]:
    """The variables a job's `parallel: matrix:` lists, every value of each (across its entries)."""
    from doctor.project.yamlload import YList, YMap

    parallel = job.get("parallel")
    entries = parallel.get("matrix") if isinstance(parallel, YMap) else None
    found: dict[str, Values] = {}
    for entry in entries if isinstance(entries, YList) else ():
        if not isinstance(entry, YMap):
            continue
        for name, value in entry.items():
            listed = value if isinstance(value, YList) else [value]
            items = [str(v) for v in listed if isinstance(v, (str, int, float))]
            before, at = found.get(str(name), ((), entry.loc_of(name)))
            found[str(name)] = (tuple(dict.fromkeys([*before, *items])), at)
    return found


def _names(text: str) -> list[str]:
    """The variables `$NAME` / `${NAME}` a value reads, in order (`$$` is a literal dollar)."""
    names: list[str] = []
    index = text.find("$")
    while index != -1:
        rest = text[index + 1:]
        if rest.startswith("$"):
            index = text.find("$", index + 2)
            continue
        if rest.startswith("{"):
            name = rest[1:rest.find("}")] if "}" in rest else ""
        else:
            name = rest[:next((i for i, c in enumerate(rest) if not (c.isalnum() or c == "_")), len(rest))]
        if name:
            names.append(name)
        index = text.find("$", index + 1)
    return list(dict.fromkeys(names))


def _substitute(text: str, name: str, value: str) -> str:
    """`text` with `${NAME}` and `$NAME` (not `$NAMES`) replaced by `value`."""
    text = text.replace("${" + name + "}", value)
    out, index = [], 0
    while (at := text.find("$" + name, index)) != -1:
        end = at + 1 + len(name)
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            out.append(text[index:end])
        else:
            out.append(text[index:at] + value)
        index = end
    return "".join(out) + text[index:]
