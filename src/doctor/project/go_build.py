"""Which of a Go module's programs a service runs: the packages its image's `go build`/`go run`/`go install`
(or its command) names, with the name each binary takes, and the words the service runs.

`go build -o /out/api ./cmd/api && go build -o /out/worker ./cmd/worker`, or `go build -o /out/ ./cmd/...`,
builds several main packages into one image; two services each run one (`command: ["/bin/api"]`). A binary is
named by `-o` where it names a file, else by its package's folder (the module path's last element for the
root), as `go build` and `go install` name it; the service's program is the one whose name a word it runs
ends in (compose's command and entrypoint, else the image's ENTRYPOINT and CMD).
"""

from __future__ import annotations

import posixpath
import re

from doctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

# `go build -o /app ./cmd/api`, `go run main.go`, `go install ./...`: up to the shell's next command
GO_COMMAND = lazy(r"\bgo\s+(?P<verb>build|run|install)\b(?P<args>[^;&|\n]*)")
VALUE_FLAGS = frozenset({"-o", "-C", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-gccgoflags", "-mod",
                         "-modfile", "-overlay", "-pkgdir", "-buildmode", "-compiler", "-installsuffix", "-pgo",
                         "-toolexec", "-covermode", "-coverpkg", "-exec"})
CD = lazy(r"(?:^|[\s;&|(])cd\s")
SHELL_SPLIT = lazy(r"[\s;&|()'\"]+")


class GoBuild:
    """The packages named (each with its binary's name where `-o` names a file, else None: its folder's) and
    the last path elements of the words the service runs."""

    __slots__ = ("built", "runs")

    def __init__(self, built: tuple[tuple[str, str | None], ...], runs: frozenset[str]) -> None:
        self.built, self.runs = built, runs


def go_targets(project: Project, service: Service) -> GoBuild | None:
    """The packages the service's image builds (the `go build`/`go run`/`go install` of the RUN lines of its
    built stage and the stages it copies from, build args filled in) or its command runs, as folders of the
    module (`./cmd/${CMD}` -> `cmd/api`, `main.go` -> `.`, `./cmd/...` -> `cmd/...`); None where doctor cannot
    tell (none named, or one it cannot read: a variable left, a `cd` before it). Found once per service and
    project: loaded_env asks for godotenv's calls and for the code's defaults alike."""
    return project.once(f"go-targets:{service.name}:{id(service)}", lambda: _go_targets(project, service))


def _go_targets(project: Project, service: Service) -> GoBuild | None:
    from doctor.project.buildvalues import resolved_runs
    from doctor.project.script_finder import run_words

    words = run_words(project, service)
    texts = [" ".join(words)]
    build = service.build
    if build is not None and build.dockerfile_path is not None:
        todo: list[str | None] = [build.target]
        done: set[str | None] = set()
        while todo:
            stage = todo.pop()
            recipe = project.recipe(build.dockerfile_path, stage) if stage not in done else None
            done.add(stage)
            if recipe is not None:
                texts += [text for text, _ in resolved_runs(build, recipe)]
                names = {name.lower(): name for name, _ in recipe.stages}
                todo += [names[source.lower()] for _, _, source in recipe.built if source.lower() in names]
    found: list[tuple[str, str | None]] = []
    for text in texts:
        for match in GO_COMMAND.finditer(text):
            packages = _packages(match["verb"], match["args"])
            if packages is None or CD.search(text, 0, match.start()) is not None:
                return None
            output = _output(match["args"])
            single = len(packages) == 1 and "..." not in packages[0]
            name = posixpath.basename(output) if output and single and not output.endswith("/") else None
            found += [(package, name) for package in packages]
    runs = frozenset(posixpath.basename(token) for word in words for token in SHELL_SPLIT.split(word) if token)
    return GoBuild(tuple(dict.fromkeys(found)), runs) if found else None


def _packages(verb: str, args: str) -> list[str] | None:
    import shlex

    try:
        words = shlex.split(args)
    except ValueError:
        return None
    packages: list[str] = []
    taking = named = False
    for word in words:
        if taking or word.startswith("-"):
            taking = not taking and word in VALUE_FLAGS  # `-o /app`: the flag's value is no package
            continue
        if "$" in word:
            return None
        named = True
        if "@" not in word:  # `go install github.com/air-verse/air@latest`: another module's tool
            packages.append(posixpath.normpath(posixpath.dirname(word) if word.endswith(".go") else word))
        if verb == "run":
            break  # the program's own arguments follow
    return packages if named else ["."]  # a bare `go build` builds the working dir's package


def _output(args: str) -> str | None:
    """The `-o` of a go command (`-o /out/api`, `-o=/out/`), None where it names none."""
    import shlex

    try:
        words = shlex.split(args)
    except ValueError:
        return None
    for at, word in enumerate(words):
        if word in ("-o", "--o") and at + 1 < len(words):
            return words[at + 1]
        if word.startswith(("-o=", "--o=")):
            return word.partition("=")[2]
    return None


def matches(folder: str, pattern: str) -> bool:
    """Whether a package pattern names the module's folder (`cmd/...` names `cmd` and all below it)."""
    if "..." not in pattern:
        return folder == pattern
    if pattern == "...":
        return True
    regex = re.escape(pattern).replace(re.escape("..."), ".*")
    if pattern.endswith("/..."):
        regex = regex.removesuffix("/.*") + "(?:/.*)?"
    return re.fullmatch(regex, folder) is not None
