"""The Python/Node versions CI pins: a GitHub workflow's `python-version` / `node-version` (a
matrix's values where a step uses them, an `env:` value it names) and the images
`.circleci/config.yml` runs its jobs in."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.reading import is_file
from doctor.project.runtimes import _VERSION, CALLED_MATRIX, Declared

_WORKFLOW_KEYS = {"python-version": "python", "node-version": "node"}
# a matrix's own names for them, where a step uses the value (mathesar's `py-version: [3.10-bookworm, ...]` fed to
# the PYTHON_VERSION build arg of the image it tests)
_MATRIX_KEYS = {"python": "python", "py-version": "python", "py": "python", "python-versions": "python",
                "node": "node", "node-versions": "node"}


# a CircleCI job's image: its convenience images (`cimg/python:3.10`, the older `circleci/node:18.17`) or the
# official ones, as `- image:` writes it under `docker:`
_CIRCLECI_IMAGE = lazy(r"""^\s*-?\s*image:\s*["']?((?:cimg/|circleci/)?(python|node):(\d+(?:\.\d+){0,2})\b[^"'\s]*)""",
                       re.MULTILINE)


def read_circleci(top: Path) -> list[Declared]:
    """The Python/Node versions of the images `.circleci/config.yml` runs its jobs in (openfun/joanie's six
    jobs on `cimg/python:3.10`), each at its line: CI's voice beside GitHub's workflows."""
    from doctor.project.reading import read_regular_text

    path = top / ".circleci" / "config.yml"
    text = read_regular_text(path, 512 * 1024) if path.is_file() else None
    found: list[Declared] = []
    for match in _CIRCLECI_IMAGE.finditer(text or ""):
        line = text.count("\n", 0, match.start(1)) + 1 if text else 1
        found.append(Declared(match[2].lower(), Location(path, line), f"CircleCI image {match[1]}", (match[3],)))
    return found


def _workflow(path: Path, folders: Collection[str] | None = None,
              skip: Collection[tuple[str, int | None]] = ()) -> list[Declared]:
    """The pins of one workflow; `skip`: (runtime, first line) of the jobs whose pins of that
    runtime are no voice (they work in another folder)."""
    from doctor.project.ciimages import default_directory
    from doctor.project.workflow_env import Scopes, env_value, with_env
    from doctor.project.yamlload import YamlError, YList, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return []
    found: list[Declared | None] = []
    # per reusable workflow a job calls (`uses: ./.github/workflows/test-stack.yml`), the pins its callers
    # hand it, by their index in `found`: changedetection.io's five jobs, one per Python, are one matrix
    callers: dict[str, list[int]] = {}

    def walk(node: object, default: str | None, job: object = None, matrix: bool = False, scopes: Scopes = (),
             skipped: Collection[str] = ()) -> None:
        if isinstance(node, YMap):
            scopes = with_env(node, scopes)  # the workflow's, a job's or a step's `env:`
            if job is not None and isinstance(used := node.get("uses"), str) and used.strip().startswith("./"):
                found.extend(d for d in _action_pins(path.parents[2], used.strip(), node.get("with"), job)
                             if d is None or d.runtime not in skipped)
            for key, value in node.items():
                runtime = _WORKFLOW_KEYS.get(key) or (_MATRIX_KEYS.get(key) if matrix else None)
                where = node.loc_of(key)
                if runtime is not None and where is not None and runtime not in skipped:
                    # a matrix value only where a step uses it (`node-version: ${{ matrix.node-version }}`):
                    # django-react-boilerplate's deploy job lists node 20.13 and runs git alone
                    if matrix and not _mentions(job, "matrix." + str(key)):
                        continue
                    # the list and its `include:` entries are one matrix (uptime-kuma's `node: [20, 24]`
                    # and `include: - node: 25`): apart, each was a voice against the other
                    merged = _matrix_values(job, str(key)) if matrix else []
                    if merged:
                        found.extend(_pinned(runtime, at, f"CI {key}", items) for items, at in merged)
                        continue
                    named_env = env_value(value, scopes) if not matrix and isinstance(value, str) else None
                    if named_env is not None:  # `${{ env.PYTHON_VERSION }}`: pinned where that env: writes it
                        written, at, name = named_env
                        found.append(_pinned(runtime, at, f"CI env {name}", list(written) if isinstance(
                            written, YList) else [written]))
                        continue
                    if not matrix and isinstance(value, str) and "${{" in value:
                        # `python-version: ${{ matrix.python }}`: the versions of the job's matrix key
                        # (a matrix key named `python-version` is read where it is listed, above)
                        named = _matrix_key(value)
                        if named is not None and named not in _WORKFLOW_KEYS:
                            found.extend(_pinned(runtime, at, f"CI matrix {named}", items)
                                         for items, at in _matrix_values(job, named))
                        continue
                    found.append(_pinned(runtime, where, f"CI {key}", list(value) if isinstance(value, YList)
                                         else [value]))
                elif key == "jobs" and isinstance(value, YMap):
                    for name, each in value.items():  # (an expression: where it runs is not known, so it counts)
                        first = (value.loc_of(name) or Location(path)).line
                        if _checks_out_another_repo(each):
                            continue  # openlibrary's docs job: setup-node for the wiki's package.json
                        if folders is None or default_directory(each, default) in (None, *folders):
                            start = len(found)
                            walk(each, default, each, scopes=scopes, skipped={r for r, n in skip if n == first})
                            called = each.get("uses") if isinstance(each, YMap) else None
                            if isinstance(called, str) and called.strip():
                                callers.setdefault(called.strip(), []).extend(range(start, len(found)))
                else:
                    walk(value, default, job, matrix or (key == "matrix" and job is not None), scopes, skipped)
        elif isinstance(node, YList):
            for item in node:
                walk(item, default, job, matrix, scopes, skipped)

    for doc in docs:
        walk(doc, default_directory(doc, "."))
    _called_matrices(found, callers)
    # a matrix key read both where it is listed (_MATRIX_KEYS) and through the setup step that names it
    # (`python-version: ${{ matrix.python }}`): once, as the step's
    by_place: dict[tuple[str, Location], Declared] = {}
    for declared in found:
        if declared is None:
            continue
        place = (declared.runtime, declared.location)
        if place not in by_place or declared.source.startswith("CI matrix "):
            by_place[place] = declared
    return list(by_place.values())


def _action_pins(root: Path, used: str, given: object, job: object) -> list[Declared | None]:
    """The pins of a step that uses one of the repository's composite actions (rallly's every job on `uses:
    ./.github/actions/setup-node`, whose `actions/setup-node` step takes `node-version: ${{ inputs.node-version
    }}`, the input's `default: "24"`): a literal in the action's own steps at its line; an input the step hands
    it in `with:` (a literal, or its job's matrix values) at the step's line, else the input's default at the
    action's. Only the actions in `.github/actions/` (runtimes.local_actions: the files a warm run's stored
    pins depend on), and not the actions they use in turn."""
    from doctor.project.yamlload import YamlError, YList, YMap, load_documents

    folder = (root / used).resolve()
    if folder.parent != (root / ".github" / "actions").resolve():
        return []
    action = next((folder / n for n in ("action.yml", "action.yaml") if is_file(folder / n)), None)
    try:
        docs, _ = load_documents(action) if action is not None else ([], None)
    except (OSError, YamlError):
        return []
    doc = docs[0] if docs and isinstance(docs[0], YMap) else None
    runs = doc.get("runs") if doc is not None else None
    steps = runs.get("steps") if isinstance(runs, YMap) else None
    inputs = doc.get("inputs") if doc is not None else None
    found: list[Declared | None] = []
    for step in steps if isinstance(steps, YList) else ():
        settings = step.get("with") if isinstance(step, YMap) else None
        if not isinstance(settings, YMap):
            continue
        for key, value in settings.items():
            runtime = _WORKFLOW_KEYS.get(key)
            where = settings.loc_of(key)
            if runtime is None or where is None:
                continue
            name = _input_name(value) if isinstance(value, str) else None
            if name is None:
                found.append(_pinned(runtime, where, f"CI {key}", list(value) if isinstance(value, YList) else [value]))
                continue
            handed, at = (given.get(name), given.loc_of(name)) if isinstance(given, YMap) else (None, None)
            if handed is not None and at is not None:
                if isinstance(handed, str) and (matrix := _matrix_key(handed)) is not None:
                    found.extend(_pinned(runtime, here, f"CI matrix {matrix}", items)
                                 for items, here in _matrix_values(job, matrix))
                elif not (isinstance(handed, str) and "${{" in handed):
                    found.append(_pinned(runtime, at, f"CI {name}", [handed]))
                continue
            entry = inputs.get(name) if isinstance(inputs, YMap) else None
            fallback = entry.get("default") if isinstance(entry, YMap) else None
            at = entry.loc_of("default") if isinstance(entry, YMap) else None
            if fallback is not None and at is not None and not (isinstance(fallback, str) and "${{" in fallback):
                found.append(_pinned(runtime, at, f"CI {key} default", [fallback]))
    return found


def _input_name(value: str) -> str | None:
    """NAME of `${{ inputs.NAME }}` alone, else None."""
    inner = value.strip()
    if not (inner.startswith("${{") and inner.endswith("}}")):
        return None
    name = inner[3:-2].strip()
    return name[len("inputs."):] if name.startswith("inputs.") and len(name) > len("inputs.") else None


def _called_matrices(found: list[Declared | None], callers: dict[str, list[int]]) -> None:
    """Make the one-version pins that several jobs hand one reusable workflow one matrix, in place:
    changedetection.io's test-only.yml calls test-stack-reusable-workflow.yml from five jobs, each
    `with: python-version:` 3.10 to 3.14, which is a matrix written job by job (its tests run on each),
    not five pins apart. The matrix stands at the first caller's line; the others are dropped."""
    for called, indices in callers.items():
        by_runtime: dict[str, list[int]] = {}
        for index in indices:
            declared = found[index]
            if declared is not None and len(declared.versions) == 1 and not declared.spec:
                by_runtime.setdefault(declared.runtime, []).append(index)
        for runtime, pins in by_runtime.items():
            versions = tuple(dict.fromkeys(v for i in pins for v in found[i].versions))  # type: ignore[union-attr]
            if len(versions) < 2:
                continue
            first = found[pins[0]]
            assert first is not None
            key = first.source.split(":", 1)[0]  # `CI python-version`
            # CALLED_MATRIX: the advice adds a job calling the workflow, as there is no list to add a version to
            source = f"{key} of the jobs calling {called}{CALLED_MATRIX}{', '.join(versions)}"
            found[pins[0]] = Declared(runtime, first.location, source, versions)
            for index in pins[1:]:
                found[index] = None


def _checks_out_another_repo(job: object) -> bool:
    """Whether every `actions/checkout` step of the job checks out another repository
    (`repository: internetarchive/openlibrary.wiki`): its runtime pins are that repository's,
    not this one's. A job that also checks out its own (no `repository:`, or
    `${{ github.repository }}`) keeps them, and so does one with no checkout step."""
    steps = job.get("steps") if isinstance(job, dict) else None
    if not isinstance(steps, list):
        return False
    others = False
    for step in steps:
        uses = step.get("uses") if isinstance(step, dict) else None
        if not isinstance(uses, str) or uses.split("@", 1)[0].strip().lower() != "actions/checkout":
            continue
        given = step.get("with")
        repository = given.get("repository") if isinstance(given, dict) else None
        if not isinstance(repository, str) or not repository.strip() or "github.repository" in repository:
            return False
        others = True
    return others


def _pinned(runtime: str, at: Location, label: str, items: list[object]) -> Declared | None:
    """The versions CI pins at `at` (`label: 3.11, 3.12`), or None unless every item is one: a value whose
    major is no release of the runtime is a name of the project's (fastapi-nano's matrix `python-version:
    [313, 314]`, fed to `.env` to pick dockerfiles/python313/)."""
    versions = [_VERSION.match(str(v)) for v in items if "${{" not in str(v)]
    pinned = tuple(v.group(1) for v in versions if v is not None and _released(runtime, v.group(1)))
    if not pinned or len(pinned) != len(items):
        return None
    return Declared(runtime, at, f"{label}: {', '.join(str(v) for v in items)}", pinned)


def _released(runtime: str, version: str) -> bool:
    """Whether the version's major is one of the runtime's: Python 2 or 3, Node below 100."""
    from doctor.project.digits import written_number

    major = written_number(version.split(".", 1)[0])
    return major is not None and (major in (2, 3) if runtime == "python" else major < 100)


def _matrix_key(value: str) -> str | None:
    """The key of `${{ matrix.KEY }}`, or None for another expression."""
    inner = value.strip()
    if not (inner.startswith("${{") and inner.endswith("}}")):
        return None
    name = inner[3:-2].strip()
    if not name.startswith("matrix."):
        return None
    key = name[len("matrix."):]
    return key if key and all(c.isalnum() or c in "-_" for c in key) else None


def _matrix_values(job: object, key: str) -> list[tuple[list[object], Location]]:
    """The values a job's `strategy.matrix` lists for `key`, its list's and each `include:` entry's, as one
    matrix (GitHub runs the included combinations beside the list's), at the list's line (else at the first
    entry's); none where it lists no value."""
    from doctor.project.yamlload import YList, YMap

    strategy = job.get("strategy") if isinstance(job, YMap) else None
    matrix = strategy.get("matrix") if isinstance(strategy, YMap) else None
    if not isinstance(matrix, YMap):
        return []
    items: list[object] = []
    value, at = matrix.get(key), None
    if value is not None and not isinstance(value, YMap):
        at = matrix.loc_of(key)
        items.extend(value if isinstance(value, YList) else [value])
    exclude = matrix.get("exclude")
    for entry in exclude if isinstance(exclude, YList) else ():
        # an entry naming only this key drops its version from every combination (GitHub applies exclude
        # before include); one naming other keys too drops some combinations only
        if isinstance(entry, YMap) and list(entry.keys()) == [key]:
            items = [item for item in items if str(item) != str(entry.get(key))]
    include = matrix.get("include")
    for entry in include if isinstance(include, YList) else ():
        value = entry.get(key) if isinstance(entry, YMap) else None
        if value is not None and not isinstance(value, (YMap, YList)) and (where := entry.loc_of(key)) is not None:
            at = at or where
            if value not in items:
                items.append(value)
    return [(items, at)] if items and at is not None else []


def _mentions(node: object, text: str) -> bool:
    """Whether a string of the node (a job: its steps' `with:` and `run:`) holds `text`."""
    from doctor.project.yamlload import YList, YMap

    if isinstance(node, YMap):
        return any(_mentions(value, text) for key, value in node.items() if key != "strategy")
    if isinstance(node, YList):
        return any(_mentions(item, text) for item in node)
    return isinstance(node, str) and text in node
