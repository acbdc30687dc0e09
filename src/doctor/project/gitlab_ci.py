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
    pipeline's `variables:`, and a `parallel: matrix:` list of them is one matrix (several versions).
    A job that `extends:` another (a hidden `.template`) runs the image it takes from it, with its own
    variables over the template's; the pipeline's local `include:` files are read as its own."""
    from doctor.project.memo import remember

    path = top / GITLAB_CI
    if not path.is_file():
        return []
    files = pipeline_files(top, path)
    return remember("gitlab-pins", files, (), functools.partial(_pipeline, files))


def pipeline_files(top: Path, path: Path) -> tuple[Path, ...]:
    """`path` and the files its `include:` reads from the repository (`include: 'ci/python.yml'`,
    `- local: /ci/*.yml`, relative to `top`; theirs too), in order; a remote, project, template or
    component include is not readable here and is skipped."""
    from doctor.project.memo import remember

    files, index = [path], 0
    while index < len(files) and len(files) <= _MAX_INCLUDES:
        # remembered: a warm run reads no YAML for an unchanged file's includes
        for pattern in remember("gitlab-includes", (files[index],), (), functools.partial(_includes, files[index])):
            files += [f for f in _local_files(top, pattern) if f not in files]
        index += 1
    return tuple(files[:_MAX_INCLUDES + 1])


_MAX_INCLUDES = 150  # GitLab's own limit on a pipeline's includes


def _includes(path: Path) -> list[str]:
    """The local files one pipeline file includes, as written (a string, or a mapping's `local:`)."""
    from doctor.project.reading import read_regular_text

    text = read_regular_text(path, 512 * 1024) or ""
    if not any(line.startswith("include") for line in text.splitlines()):
        return []  # no top-level `include:`: no YAML to read for it
    pipeline = _document(path)
    listed = pipeline.get("include") if pipeline is not None else None
    found = []
    for item in listed if isinstance(listed, list) else [listed]:
        local = item.get("local") if isinstance(item, dict) else item
        if isinstance(item, dict) and "local" not in item:
            continue  # remote:, project:, template:, component:
        if isinstance(local, str) and local.strip() and "://" not in local and "$" not in local:
            found.append(local.strip())
    return found


def _local_files(top: Path, pattern: str) -> list[Path]:
    """The files a local include names, relative to the repository's top (`*` and `**` as GitLab globs)."""
    relative = pattern.lstrip("/")
    if not relative or ".." in Path(relative).parts:
        return []  # outside the repository: not the pipeline's
    if any(c in relative for c in "*?["):
        return sorted(p for p in top.glob(relative) if p.is_file() and p.suffix in (".yml", ".yaml"))
    found = top / relative
    return [found] if found.is_file() else []


def _document(path: Path) -> YMap | None:
    """A pipeline file's configuration (after a `spec:` header, its second document), None if unreadable."""
    from doctor.project.yamlload import YamlError, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return None
    return next((d for d in reversed(docs) if isinstance(d, YMap)), None)


def _pipeline(files: tuple[Path, ...]) -> list[Declared]:
    """The pins of a pipeline, its included files merged into it (see read_gitlab_ci)."""
    from doctor.project.yamlload import YMap

    layers = pipeline_layers(files)
    if not layers:
        return []
    shared: dict[str, Values] = {}
    for layer in reversed(layers):
        shared.update(variables_of(layer.get("variables")))
    found: list[Declared] = []
    for key in ("image", "default"):  # the pipeline's own image (deprecated) and `default:`'s
        owner = next((o for layer in layers if isinstance(o := layer if key == "image" else layer.get(key), YMap)
                      and "image" in o), None)
        found += _declared(owner, shared, {}) if owner is not None else []
    jobs = pipeline_jobs(layers)
    extended = {parent for defined in jobs.values() for parent in _parents(defined)}
    for name in jobs:
        if name.startswith(".") and name in extended:
            continue  # a template is run by the jobs that extend it, counted with them
        chain = job_chain(name, jobs)
        owner = next((m for m in chain if "image" in m), None)
        if owner is None:
            continue
        variables = dict(shared)
        for each in reversed(chain):
            variables.update(variables_of(each.get("variables")))
        parallel = next((m for m in chain if "parallel" in m), None)
        found += _declared(owner, variables, matrix_of(parallel) if parallel is not None else {})
    # a template's image several jobs take, with the same variables, is one place
    return list(dict.fromkeys(found))


def pipeline_layers(files: tuple[Path, ...]) -> list[YMap]:
    """The pipeline's files as GitLab merges them: the main file over its includes, a later include
    over an earlier one (unreadable ones left out)."""
    return [d for d in [_document(files[0]), *reversed([_document(f) for f in files[1:]])] if d is not None]


def pipeline_jobs(layers: list[YMap]) -> dict[str, list[YMap]]:
    """Every job (and hidden `.template`) of the merged layers: its definitions, the main file's first."""
    from doctor.project.yamlload import YMap

    jobs: dict[str, list[YMap]] = {}
    for layer in layers:
        for name, job in layer.items():
            if name not in _KEYWORDS and isinstance(job, YMap):
                jobs.setdefault(str(name), []).append(job)
    return jobs


def job_chain(name: str, jobs: dict[str, list[YMap]], depth: int = 0) -> list[YMap]:
    """A job's definitions, most specific first: its own (the main file's first), then those of what it
    `extends:` (the last named first, as the later one wins), theirs in turn (GitLab allows 11 levels)."""
    own = jobs.get(name, [])
    if depth > 11:
        return own
    extends = next((m.get("extends") for m in own if "extends" in m), None)
    parents = [extends] if isinstance(extends, str) else [p for p in extends if isinstance(p, str)] \
        if isinstance(extends, list) else []
    return [*own, *(m for parent in reversed(parents) if parent != name for m in job_chain(parent, jobs, depth + 1))]


def _parents(defined: list[YMap]) -> set[str]:
    """The names a job's definitions extend."""
    names: set[str] = set()
    for each in defined:
        extends = each.get("extends")
        names.update([extends] if isinstance(extends, str) else
                     [p for p in extends if isinstance(p, str)] if isinstance(extends, list) else [])
    return names


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


def variables_of(node: object) -> dict[str, Values]:
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


def matrix_of(job: YMap) -> dict[str, Values]:
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
