"""A Makefile's simple variables, expanded in its recipes the way make expands them.

make expands `$(NAME)` and `${NAME}` in a recipe when it runs it, with the value the whole file
gave the variable: `NAME = v` (recursive: its own references are expanded when used), `NAME := v`
and `NAME ::= v` (simple: expanded where it is written), `NAME ?= v` (only where nothing set it
before) and `NAME += v` (appended). A reference doctor cannot know stays as written, whole:
a function (`$(shell ...)`, `$(wildcard ...)`), a substitution (`$(SRC:.c=.o)`), a `!=` shell
assignment, a variable set under a conditional (`ifeq`) or in a `define` block, one set nowhere in
the file (the environment's, an included file's, make's own `$(MAKE)`). `$$` is a `$` for the shell.
`$(MAKECMDGOALS)` is the goals make is given: the target itself where doctor reads its recipe (`make
test`), so `ARG := $(word 2, $(MAKECMDGOALS))`, the usual way to pass `make test app.tests` an
argument, is empty there; make's list functions over known words (`word`, `wordlist`, `firstword`,
`lastword`, `words`, `filter`, `filter-out`, `strip`) are evaluated, and a reference of MAKECMDGOALS
doctor cannot evaluate is empty too (it stands for goals given after the target, none of them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from doctor.lazyre import lazy
from doctor.project.digits import written_number

# `[override|export] NAME OP value`, never a rule (`target: NAME = v` has a colon before the name's end)
_ASSIGN = lazy(r"^(?:(?:override|export|private)\s+)*([A-Za-z0-9_.-]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$")
_CONDITIONAL = lazy(r"^(?:ifeq|ifneq|ifdef|ifndef)\b")
_MODIFIERS = frozenset({"override", "export", "private"})
_LIST_FUNCTIONS = frozenset({"word", "wordlist", "firstword", "lastword", "words", "filter", "filter-out", "strip"})
_GOALS = "MAKECMDGOALS"
_DEPTH = 16  # variables expanded within one another, at most
_LONGEST = 64 * 1024  # characters a variable expands to, at most (a recipe line is no bigger)


class MakeVariables:
    """The variables a Makefile sets (outside recipes), ready to expand a recipe line."""

    def __init__(self) -> None:
        # name -> (value, recursive); None: set where doctor cannot tell the value (a conditional, `!=`)
        self._values: dict[str, tuple[str, bool] | None] = {}
        self._expanded: dict[tuple[str, str], str] = {}  # a recursive variable's value, expanded once
        self._goals: tuple[str, ...] | None = None  # `make GOAL...`'s goals; None: the recipe's own target

    @classmethod
    def read(cls, lines: Sequence[str], overrides: Mapping[str, str] | None = None,
             goals: Sequence[str] = ()) -> MakeVariables:
        """The variables of a Makefile's lines (continuation lines already joined or not); `overrides`
        are `make NAME=value`'s, which win over the file's own assignments (bar `override NAME = ...`);
        `goals` are the goals make is given (none: each recipe's own target, `make TARGET`)."""
        found = cls()
        found._goals = tuple(goals) or None
        forced: set[str] = set()  # `override NAME = ...`: the file's value wins over the command line's
        conditional = 0
        in_define = False
        logical = _joined(lines)
        for line in logical:
            if line.startswith("\t"):
                continue  # a recipe line
            stripped = line.strip()
            words = stripped.split()
            word = words[0] if words else ""
            if in_define:
                in_define = word != "endef"
                continue
            if "define" in words[:3] and all(w in _MODIFIERS for w in words[:words.index("define")]):
                at = words.index("define")
                if at + 1 < len(words):  # a multi-line value: not one doctor reads
                    found._values[words[at + 1].rstrip("=:?+!")] = None
                in_define = True
                continue
            if _CONDITIONAL.match(stripped):
                conditional += 1
                continue
            if word == "endif":
                conditional = max(0, conditional - 1)
                continue
            match = _ASSIGN.match(stripped)
            if match is None:
                continue
            name, op, value = match.group(1), match.group(2), _uncommented(match.group(3))
            if overrides and name in overrides:
                if word != "override":
                    continue
                forced.add(name)
            found._assign(name, op, value, conditional > 0)
        for name, value in (overrides or {}).items():
            if name not in forced:
                found._values[name] = (value, False)
        return found

    def _assign(self, name: str, op: str, value: str, conditional: bool) -> None:
        self._expanded.clear()  # a later assignment changes what a recursive variable expands to
        if conditional or op == "!=" or (name in self._values and self._values[name] is None):
            self._values[name] = None  # one value of several, or the shell's: not known here
            return
        old = self._values.get(name)
        if op == "?=":
            if old is None:
                self._values[name] = (value, True)
        elif op == "+=" and old is not None:
            text, recursive = old
            added = value if recursive else self.expand(value)
            self._values[name] = (f"{text} {added}" if text else added, recursive)
        elif op in (":=", "::=", ":::=") and _GOALS in value and self._goals is None:
            # its value depends on the goals, known per recipe here: expanded where used (make knows
            # them before it reads the file, so nothing else changes)
            self._values[name] = (value, True)
        elif op in (":=", "::=", ":::="):
            self._values[name] = (self.expand(value), False)
        else:  # `=`, or `+=` to a variable not set before
            self._values[name] = (value, True)

    def expand(self, text: str, target: str = "", active: frozenset[str] = frozenset()) -> str:
        """`text` with every variable doctor knows replaced by its value (`$@` by `target`), and `$$`
        by the `$` make hands the shell."""
        if "$" not in text:
            return text
        out: list[str] = []
        at = 0
        while at < len(text):
            char = text[at]
            if char != "$" or at + 1 >= len(text):
                out.append(char)
                at += 1
                continue
            after = text[at + 1]
            if after == "$":
                out.append("$")
                at += 2
                continue
            if after in "({":
                end = _closing(text, at + 1)
                if end < 0:  # unbalanced: leave the rest as written
                    out.append(text[at:])
                    break
                reference, inner = text[at:end + 1], text[at + 2:end]
                at = end + 1
            else:
                reference, inner = text[at:at + 2], after
                at += 2
            out.append(self._value(reference, inner, target, active))
        return "".join(out)

    def _value(self, reference: str, name: str, target: str, active: frozenset[str]) -> str:
        if name == "@" and target:
            return target
        if name == _GOALS and name not in self._values:
            goals = self._goals or ((target,) if target else None)
            return reference if goals is None else " ".join(goals)
        function = name.split(None, 1)
        if len(function) == 2 and function[0] in _LIST_FUNCTIONS:
            value = _list_function(function[0], [self.expand(a, target, active) for a in _arguments(function[1])])
            if value is not None:
                return value
        if _GOALS in name and (self._goals is not None or target):
            return ""  # goals given after the target's own: none when make is given the target alone
        known = self._values.get(name)
        if not known or name in active or len(active) >= _DEPTH:
            # a function, a substitution, an unknown or unset variable, one referring to itself: as written
            return reference
        value, recursive = known
        if not recursive:
            return value
        cached = self._expanded.get((name, target))
        if cached is None:  # once per variable: four references a level, ten levels deep, were 2 s
            cached = self._expanded[name, target] = self.expand(value, target, active | {name})[:_LONGEST]
        return cached


def _arguments(text: str) -> list[str]:
    """A function's arguments: `text` split at the commas outside nested references."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += char in "({"
        depth -= char in ")}"
        if char == "," and depth == 0:
            found.append(text[start:index])
            start = index + 1
    return [*found, text[start:]]


def _list_function(name: str, arguments: list[str]) -> str | None:
    """What make's list function `name` gives for its expanded arguments; None where one still holds
    a reference doctor could not expand, or the arguments are not the function's."""
    if any("$" in a for a in arguments):
        return None
    lists = [a.split() for a in arguments]
    counts = {"word": 2, "wordlist": 3, "filter": 2, "filter-out": 2}
    if len(arguments) != counts.get(name, 1):
        return None
    if name in ("word", "wordlist"):
        numbers = [written_number(a.strip(), 9) for a in arguments[:-1]]
        if not all(numbers):  # make refuses `0` and `1²`; an index of thousands of digits is not read
            return None
        first, last = numbers[0] or 0, numbers[-1] or 0
        return " ".join(lists[-1][first - 1:last])
    if name in ("filter", "filter-out"):
        patterns = lists[0]
        kept = [w for w in lists[1] if any(_matches(p, w) for p in patterns) == (name == "filter")]
        return " ".join(kept)
    words = lists[0]
    return {"firstword": " ".join(words[:1]), "lastword": " ".join(words[-1:]), "words": str(len(words)),
            "strip": " ".join(words)}[name]


def _matches(pattern: str, word: str) -> bool:
    """Whether `word` matches a make pattern (one `%` standing for any characters)."""
    head, percent, tail = pattern.partition("%")
    if not percent:
        return word == pattern
    return len(word) >= len(head) + len(tail) and word.startswith(head) and word.endswith(tail)


def _closing(text: str, opening: int) -> int:
    """The index of the bracket closing the one at `opening`, counting nested ones of its kind."""
    open_char = text[opening]
    close_char = ")" if open_char == "(" else "}"
    depth = 0
    for index in range(opening, len(text)):
        if text[index] == open_char:
            depth += 1
        elif text[index] == close_char:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _uncommented(value: str) -> str:
    """An assignment's value without its trailing comment (`# ...`; `\\#` is a literal `#`)."""
    at = 0
    while True:
        at = value.find("#", at)
        if at < 0:
            return value.strip()
        if at == 0 or value[at - 1] != "\\":
            return value[:at].strip()
        value = value[:at - 1] + value[at:]


def _joined(lines: Sequence[str]) -> list[str]:
    """The logical lines: a line ending in a backslash joined with the next."""
    joined: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1].rstrip() + " " + lines[index].strip()
        joined.append(line)
        index += 1
    return joined


def logical_lines(lines: Sequence[str]) -> Iterator[tuple[int, str]]:
    """A Makefile's lines as make reads them: (number of the first physical line, the line with
    its `\\` continuations joined), the bodies of `define ... endef` (and those two lines) left out."""
    index, in_define = 0, False
    while index < len(lines):
        line, number = lines[index], index + 1
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1] + " " + lines[index].lstrip("\t")
        index += 1
        stripped = line.strip()
        if stripped.startswith("define ") or stripped == "endef":
            in_define = stripped != "endef"
            continue
        if not in_define:
            yield number, line
