"""The CI pins runtime-drift compares: GitHub workflow jobs that work in the project's folders (where
each job's steps run each runtime's tools), CircleCI jobs and GitLab pipeline images."""

from __future__ import annotations

import functools
import os
import posixpath
import shlex
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project
from doctor.project.ciimages import default_directory
from doctor.project.reading import glob
from doctor.project.runtimes import Declared, read_workflows

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re


def _workflows(project: Project, found: Path | None, folders: list[Path], with_root: bool = True) -> list[Declared]:
    """The CI pins of the checkout around the project (also for compose files in docker/ that
    build from the top: mealie, paperless-ngx), each job's only where it works in one of the
    project's folders: a job at the top speaks for a project in examples/demo only when that
    project builds from the top. `with_root=False`: in one of `folders` alone (a service's).
    `found`: the checkout's `.github/workflows` (ciimages.workflows_folder), None when it has none."""
    if found is None:
        return []
    top = found.parent.parent
    places = [Path(os.path.normpath(f)) for f in [*([project.root] if with_root else []), *folders]]
    mine = {f.relative_to(top).as_posix() or "." for f in places if f.is_relative_to(top)}
    mine |= {"."} if any(top.is_relative_to(f) for f in places) else set()
    # a job whose steps run the runtime mostly in other folders is no voice either: hoppscotch's
    # agent and desktop builds (`cd packages/hoppscotch-agent`, `pnpm --dir ${{ env.DESKTOP_PATH }}`)
    # pin node 20 while its tests, devenv.nix and the packages' `engines` say 22
    # (its pins are left out with the `env:` they read: a workflow-wide NODE_VERSION it alone uses)
    elsewhere = {(path, runtime, first) for path in [*glob(found, "*.yml"), *glob(found, "*.yaml")]
                 for first, _, runtime, worked in job_folders(path)
                 if 2 * sum(f is not None and f not in mine for f in worked) > len(worked)}
    return read_workflows(top, mine, elsewhere)


def _circleci(project: Project) -> list[Declared]:
    """The versions of the CircleCI jobs and of the GitLab pipeline's job images of the checkout around the
    project (its git work tree's top, else the project folder)."""
    repo = project.repo()
    top = repo.top if repo is not None else project.root
    found: list[Declared] = []
    # each reader imported only where its file is (the first test it makes itself): most checkouts have neither
    if (top / ".circleci" / "config.yml").is_file():
        from doctor.project.ci_pins import read_circleci

        found += read_circleci(top)
    if (top / GITLAB_CI).is_file():
        from doctor.project.gitlab_ci import read_gitlab_ci

        found += read_gitlab_ci(top)
    return found


GITLAB_CI = ".gitlab-ci.yml"  # gitlab_ci.GITLAB_CI, named here without importing that module


# the commands that run each runtime (its package managers and test runners), each with the options
# that name the folder it works in (`pnpm --dir`, `npm --prefix`, `yarn --cwd`, `uv --directory`)
_TOOLS = {
    "node": {"node": (), "npm": ("--prefix", "-C"), "npx": (), "pnpm": ("--dir", "-C"), "pnpx": (),
             "yarn": ("--cwd",), "corepack": ()},
    "python": {"python": (), "python3": (), "pip": (), "pip3": (), "uv": ("--directory", "--project"),
               "uvx": (), "poetry": ("-C", "--directory", "-P", "--project"), "pipenv": (),
               "pdm": ("-p", "--project"), "hatch": (), "tox": (), "nox": (), "pytest": ()},
}
_PREFIXES = frozenset(("sudo", "env", "time", "exec", "command"))  # `sudo npm ...` runs npm
_EXPRESSION = lazy(r"\$\{\{\s*(?:env\.(\w+)|github\.workspace)\s*\}\}|\$\{?GITHUB_WORKSPACE\b\}?")


def job_folders(path: Path) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    """Per job of a workflow and runtime: the job's lines (first, last) and, for each command of
    its steps that runs that runtime's tools, the folder (relative to the checkout's top) it runs
    in - where a `working-directory:`, a `cd` or the tool's own folder option takes it, with
    `${{ env.X }}` and `${{ github.workspace }}` read from the workflow's text; None where the
    text does not tell."""
    from doctor.project.memo import remember

    return remember("workflow-job-folders", (path,), None, functools.partial(_job_folders, path))


def _job_folders(path: Path) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    from doctor.project.yamlload import YamlError, YList, YMap, load_documents

    try:
        docs, _ = load_documents(path)
    except (OSError, YamlError):
        return []
    found = []
    for doc in docs:
        jobs = doc.get("jobs") if isinstance(doc, YMap) else None
        if not isinstance(doc, YMap) or not isinstance(jobs, YMap):
            continue
        top_env, top_default = _strings(doc.get("env")), default_directory(doc, ".")
        starts = sorted(((where.line or 0), name) for name in jobs if (where := jobs.loc_of(name)) is not None)
        for index, (first, name) in enumerate(starts):
            job = jobs.get(name)
            steps = job.get("steps") if isinstance(job, YMap) else None
            if not isinstance(job, YMap) or not isinstance(steps, YList):
                continue
            worked: dict[str, list[str | None]] = {runtime: [] for runtime in _TOOLS}
            default = default_directory(job, top_default)
            for step in steps:
                run = step.get("run") if isinstance(step, YMap) else None
                if not isinstance(step, YMap) or not isinstance(run, str):
                    continue
                env = {**top_env, **_strings(job.get("env")), **_strings(step.get("env"))}
                directory = _join(".", step.get("working-directory")) if "working-directory" in step else default
                for words in _commands(_expand(run, env)):
                    if words[0] in ("cd", "pushd", "popd"):
                        directory = _join(directory, words[1]) if words[0] != "popd" and len(words) == 2 else None
                    for runtime, tools in _TOOLS.items():
                        if words[0] in tools:
                            worked[runtime].append(_join(directory, _option(words, tools[words[0]]) or "."))
            last = starts[index + 1][0] - 1 if index + 1 < len(starts) else 1 << 30
            found += [(first, last, runtime, tuple(folders)) for runtime, folders in worked.items() if folders]
    return found


def _option(words: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` among a command's options (`--dir X`, `--dir=X`)."""
    for index, word in enumerate(words):
        if word in names and index + 1 < len(words):
            return words[index + 1]
        if word.split("=", 1)[0] in names and "=" in word:
            return word.split("=", 1)[1]
    return None


def _strings(node: object) -> dict[str, str]:
    from doctor.project.yamlload import YMap

    return {str(k): str(v) for k, v in node.items() if isinstance(v, (str, int))} if isinstance(node, YMap) else {}


def _expand(text: str, env: dict[str, str]) -> str:
    """`${{ env.X }}` as the workflow sets it, and the workspace (`${{ github.workspace }}`,
    `$GITHUB_WORKSPACE`) as the checkout's top, `.`; any other expression stays (and is not read)."""
    def value(found: re.Match[str]) -> str:
        if found[1] is None:
            return "."
        return _EXPRESSION.sub(lambda inner: "." if inner[1] is None else inner[0], env.get(found[1], found[0]))

    return _EXPRESSION.sub(value, text)


def _commands(script: str) -> Iterator[list[str]]:
    """The words of each simple command of a shell script (continuations joined, a Windows path's
    backslashes read as slashes), a leading `sudo` or `VAR=value` dropped."""
    for line in script.replace("\\\n", " ").splitlines():
        try:
            words = shlex.split(line.replace("\\", "/"), comments=True)
        except ValueError:
            words = line.split()
        command: list[str] = []
        for word in [*words, ";"]:
            if word not in ("&&", "||", ";", "|"):
                command += [word] if command or (word not in _PREFIXES and "=" not in word) else []
            elif command:
                yield command
                command = []


def _join(directory: str | None, value: object) -> str | None:
    """`directory` then `value` (a `working-directory:`, `cd` or `--dir` operand) relative to the
    checkout's top; None where the text does not tell (`$DIR`, `${{ ... }}`, `~`, an absolute path)."""
    if directory is None or not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.startswith(("/", "~", "-")) or any(c in value for c in "$`*?"):
        return None
    joined = posixpath.normpath(posixpath.join(directory, value))
    return None if joined == ".." or joined.startswith("../") else joined
