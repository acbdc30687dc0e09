"""A Makefile's simple variables, expanded in its recipes the way make expands them.

make expands `$(NAME)` and `${NAME}` in a recipe when it runs it, with the value the whole file
gave the variable: `NAME = v` (recursive: its own references are expanded when used), `NAME := v`
and `NAME ::= v` (simple: expanded where it is written), `NAME ?= v` (only where nothing set it
before) and `NAME += v` (appended). A reference doctor cannot know stays as written, whole:
a function (`$(shell ...)`, `$(wildcard ...)`), a substitution (`$(SRC:.c=.o)`), a `!=` shell
assignment, a variable set under a conditional (`ifeq`) or in a `define` block, one set nowhere in
the file (the environment's, an included file's, make's own `$(MAKE)`). `$$` is a `$` for the shell.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from doctor.lazyre import lazy

# `[override|export] NAME OP value`, never a rule (`target: NAME = v` has a colon before the name's end)
_ASSIGN = lazy(r"^(?:(?:override|export|private)\s+)*([A-Za-z0-9_.-]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$")
_CONDITIONAL = lazy(r"^(?:ifeq|ifneq|ifdef|ifndef)\b")
_MODIFIERS = frozenset({"override", "export", "private"})
_DEPTH = 16  # variables expanded within one another, at most
_LONGEST = 64 * 1024  # characters a variable expands to, at most (a recipe line is no bigger)


class MakeVariables:
    """The variables a Makefile sets (outside recipes), ready to expand a recipe line."""

    def __init__(self) -> None:
        # name -> (value, recursive); None: set where doctor cannot tell the value (a conditional, `!=`)
        self._values: dict[str, tuple[str, bool] | None] = {}
        self._expanded: dict[tuple[str, str], str] = {}  # a recursive variable's value, expanded once

    @classmethod
    def read(cls, lines: Sequence[str], overrides: Mapping[str, str] | None = None) -> MakeVariables:
        """The variables of a Makefile's lines (continuation lines already joined or not); `overrides`
        are `make NAME=value`'s, which win over the file's own assignments (bar `override NAME = ...`)."""
        found = cls()
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
