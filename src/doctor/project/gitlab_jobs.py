"""What a GitLab pipeline's jobs build and start with docker, read from their scripts (never run).

A job's `before_script` (its own, else `default:`'s or the pipeline's) and `script` lines, after its
`extends:` and the pipeline's local `include:` files (doctor.project.gitlab_ci), are read as a GitHub
step's `run:` is (doctor.project.ciimages.read_script), one shell from the repository's top
(`$CI_PROJECT_DIR`): a `cd` in `before_script` holds for `script`. Only jobs on a `docker:dind` service
are read: that engine starts empty with each job, while a shell runner's (or a mounted socket's) keeps
what earlier jobs built. A `!reference [.job, script]` line is not resolved: the job is unknown.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Set
from pathlib import Path

from doctor.model import Location
from doctor.project.ciimages import CiJob, ComposeStart, ci_home, read_script
from doctor.regular import read_text, text_lines

TYPE_CHECKING = False  # yamlload imports yaml: a warm run reads no YAML for an unchanged pipeline
if TYPE_CHECKING:
    from doctor.project.ciimages import Checkout
    from doctor.project.yamlload import YMap

PIPELINE = ".gitlab-ci.yml"  # gitlab_ci.GITLAB_CI, named here without importing its runtimes
_TOPS = ("CI_PROJECT_DIR",)  # `cd $CI_PROJECT_DIR/docker` is from the top (CI_BUILDS_DIR is its parent)
# the keys a job takes from `default:` (or the pipeline's own, deprecated) unless it writes its own
_DEFAULTED = ("before_script", "services")


def gitlab_jobs(root: Path, interpolated: Set[str], reached: Iterable[Path] = (),
                checkout: Checkout | None = None) -> list[CiJob]:
    """The jobs of the GitLab pipeline of the checkout around `root` (its `.gitlab-ci.yml` at the
    repository's top, the one GitLab reads) that start compose services on a dind engine; a job whose
    variables (its own, its templates', the pipeline's, a matrix's) set one the compose files
    interpolate (or COMPOSE_FILE) is left out."""
    top = ci_home(root, PIPELINE, reached, nearest=False, checkout=checkout)
    if top is None or not (top / PIPELINE).is_file():
        return []
    from doctor.project.gitlab_ci import pipeline_files
    from doctor.project.memo import remember

    files = pipeline_files(top, top / PIPELINE)
    names = tuple(sorted(interpolated))
    # remembered: a warm run reads no YAML for an unchanged pipeline and its includes
    return remember("gitlab-ci-jobs", files, names, functools.partial(_pipeline_jobs, files, frozenset(names)))


def _pipeline_jobs(files: tuple[Path, ...], interpolated: frozenset[str]) -> list[CiJob]:
    from doctor.project.gitlab_ci import job_chain, pipeline_jobs, pipeline_layers, variables_of

    layers = pipeline_layers(files)
    shared: set[str] = set()
    for layer in layers:
        shared.update(variables_of(layer.get("variables")))
    defaults = _defaults(layers)
    jobs = pipeline_jobs(layers)
    texts: dict[Path, list[str]] = {}
    found: list[CiJob] = []
    for name in jobs:
        if name.startswith("."):
            continue  # hidden: a template, run only as the jobs that extend it
        chain = job_chain(name, jobs)
        if _sets(chain, shared, interpolated) or not _on_dind(_owner(chain, "services", defaults)):
            continue
        job = _job(files[0].parent, name, chain, defaults, texts)
        if job.starts:
            found.append(job)
    return found


def _defaults(layers: list[YMap]) -> dict[str, YMap]:
    """The map that gives a job its `before_script` / `services` when it has none: `default:`'s, else
    the pipeline's own top-level keys (the main file's over its includes')."""
    from doctor.project.yamlload import YMap

    found: dict[str, YMap] = {}
    for key in _DEFAULTED:
        owners = [d for layer in layers if isinstance(d := layer.get("default"), YMap) and key in d]
        owners += [layer for layer in layers if key in layer]
        if owners:
            found[key] = owners[0]
    return found


def _owner(chain: list[YMap], key: str, defaults: dict[str, YMap]) -> YMap | None:
    """The map whose `key` the job runs: its own or its templates' (arrays are not merged by
    `extends:`, the nearest wins), else the default one unless `inherit: default:` turns it off."""
    from doctor.project.yamlload import YMap

    owner = next((m for m in chain if key in m), None)
    if owner is not None or key not in defaults:
        return owner
    inherit = next((m.get("inherit") for m in chain if "inherit" in m), None)
    default = inherit.get("default", True) if isinstance(inherit, YMap) else True
    return defaults[key] if default is True or (isinstance(default, list) and key in default) else None


def _sets(chain: list[YMap], shared: set[str], interpolated: Set[str]) -> bool:
    """Whether the job's variables set one the compose files interpolate (or COMPOSE_FILE)."""
    from doctor.project.gitlab_ci import matrix_of, variables_of

    names = set(shared)
    for each in chain:
        names.update(variables_of(each.get("variables")))
        if "parallel" in each:
            names.update(matrix_of(each))
    return any(n in interpolated or n == "COMPOSE_FILE" for n in names)


def _on_dind(owner: YMap | None) -> bool:
    """Whether the job's `services:` run a docker-in-docker engine (`docker:dind`, `{name: docker:27-dind}`)."""
    from doctor.project.yamlload import YMap

    listed = owner.get("services") if owner is not None else None
    names = [s.get("name") if isinstance(s, YMap) else s for s in listed] if isinstance(listed, list) else []
    return any(isinstance(n, str) and "dind" in n.rsplit("/", 1)[-1] for n in names)


def _job(top: Path, name: str, chain: list[YMap], defaults: dict[str, YMap], texts: dict[Path, list[str]]) -> CiJob:
    built: list[tuple[str, Location]] = []
    starts: list[ComposeStart] = []
    directory: str | None = "."
    unknown = False
    for key in ("before_script", "script"):
        owner = _owner(chain, key, defaults)
        for text, where, block in _lines(owner, key, texts) if owner is not None else ():
            if text is None:
                unknown = True  # a `!reference`: lines of another job, not resolved here
                continue
            directory, lost = read_script(text, where, block, directory, built, starts, _TOPS)
            unknown |= lost
    path = chain[0].loc.path if chain[0].loc is not None else top / PIPELINE
    return CiJob(path, name, tuple(t for t, _ in built), tuple(starts), unknown, tuple(a for _, a in built), top)


def _lines(owner: YMap, key: str, texts: dict[Path, list[str]]) -> Iterator[tuple[str | None, Location, bool]]:
    """(text, where, whether a `|`/`>` block) of each line of a script key, its nested lists flattened
    (as GitLab does); None for a `!reference`."""
    value, at = owner.get(key), owner.loc_of(key)
    if isinstance(value, str) and at is not None:
        yield value, at, _text(at, texts).split(":", 1)[-1].lstrip().startswith(("|", ">"))
    else:
        yield from _items(value, texts)


def _items(node: object, texts: dict[Path, list[str]]) -> Iterator[tuple[str | None, Location, bool]]:
    from doctor.project.yamlload import YList

    if not isinstance(node, YList):
        return
    if node.loc is not None and _text(node.loc, texts).startswith("!reference"):
        yield None, node.loc, False
        return
    for index, item in enumerate(node):
        at = node.loc_of(index)
        if isinstance(item, YList):
            yield from _items(item, texts)
        elif isinstance(item, str) and at is not None:
            yield item, at, _text(at, texts).startswith(("|", ">"))


def _text(at: Location, texts: dict[Path, list[str]]) -> str:
    """The file's text from `at` to the end of its line."""
    if at.path not in texts:
        try:
            texts[at.path] = text_lines(read_text(at.path))
        except OSError:
            texts[at.path] = []
    lines = texts[at.path]
    return lines[at.line - 1][(at.column or 1) - 1:] if at.line and 0 < at.line <= len(lines) else ""
