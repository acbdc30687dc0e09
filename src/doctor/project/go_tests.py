"""Go code only `go test` runs: a `_test.go` file, or a function of the package no code but tests calls.

`go test` builds a program of its own from the package and its `_test.go` files; the service runs the
other one (`go run .`, the binary `go build` made). ThreeDotsLabs' wild-workouts keeps
`NewMySQLConnection()`, the one reader of MYSQL_ADDR, in internal/trainer/adapters beside the Firestore
repository its server uses: only hour_repository_test.go calls it, run on the host by `make test`, so
the shared `.env`'s `MYSQL_ADDR=localhost` is no address the trainer's container dials. A word search,
not a parse: a top-level `func` starts its line (gofmt's layout), a function is used where its name is
written anywhere else in the non-test Go code (a call, a method value, an interface's method of that
name), and `main` and `init` always run.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable

from doctor.lazyre import lazy

# a top-level declaration, at the start of its line: `func (r *Repo) Name(`, `func Name(`, `var (`, `type T`
DECLARATION = lazy(r"(?m)^(?:func[ \t]*(?:\([^)\n]*\)[ \t]*)?(?P<func>\w+)|var\b|const\b|type\b|import\b)")
ALWAYS_RUN = frozenset({"main", "init"})
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def is_go_test(name: str) -> bool:
    """Whether a file is a Go test's (`hour_repository_test.go`), which only `go test` compiles."""
    return name.endswith("_test.go")


def runs_go_test(words: str) -> bool:
    """Whether what a service runs (its command, its image's ENTRYPOINT and CMD) is `go test`."""
    return any(word.rsplit("/", 1)[-1] == "go" and following == "test"
               for word, following in itertools.pairwise(words.split()))


def only_tests_read(name: str, text: str, program: Iterable[str]) -> bool:
    """Whether every place the Go file `text` names the variable lies in a function that no non-test Go
    text of the program (`program`, this file's included) names but its own declaration. False where a
    place is at the top level (a package `var`), in `main` or `init`, or where the file names it nowhere."""
    places = list(_words(text, name))
    if not places:
        return False
    declarations = list(DECLARATION.finditer(text))
    starts = [d.start() for d in declarations]
    functions: set[str] = set()
    for place in places:
        index = bisect.bisect_right(starts, place) - 1
        function = declarations[index]["func"] if index >= 0 else None
        if function is None or function in ALWAYS_RUN:
            return False
        functions.add(function)
    texts = list(program)
    return not any(_used(function, texts) for function in functions)


def _used(function: str, texts: list[str]) -> bool:
    """Whether the function's name is written in the texts more often than they declare it."""
    written = declared = 0
    for text in texts:
        for at in _words(text, function):
            written += 1
            start = text.rfind("\n", 0, at) + 1
            if text.startswith("func", start) and (match := DECLARATION.match(text, start)) is not None \
                    and match["func"] == function:
                declared += 1
    return written > declared


def _words(text: str, word: str) -> Iterable[int]:
    """Where `word` begins in `text` as a whole word, left to right."""
    size, at = len(word), text.find(word)
    while at >= 0:
        if (at == 0 or text[at - 1] not in _WORD) and text[at + size:at + size + 1] not in _WORD:
            yield at
        at = text.find(word, at + 1)
