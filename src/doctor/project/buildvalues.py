"""A Dockerfile's RUN lines as the compose build runs them: build args, ARG defaults and ENV filled in.

`RUN pip install -r ${REQ_FILE}` installs the file compose's `build.args` names (djangoproject.com's
`REQ_FILE=requirements/tests.txt`), else the ARG's default; `ENV DJANGO_ENV=${DJANGO_ENV}` carries a
build arg into later RUNs. A shell test on values known that way is decided as the shell would
(wemake-django-template's `$(if [ "$DJANGO_ENV" = 'production' ]; then echo '--only main'; fi)`
under `DJANGO_ENV: development` adds nothing). A variable doctor does not know stays as written.
"""

from __future__ import annotations

import re

from doctor.lazyre import lazy
from doctor.project.types import Build

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.recipe import Recipe

_REFERENCE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# `if [ "a" = 'b' ]; then BODY; [else BODY;] fi` (also `[[ ]]`, `==`, `!=`): one level, no nesting
_WORD = r"(?:\"[^\"$`]*\"|'[^']*'|[^\s\"'$`;\]]+)"
_IF = lazy(r"\bif\s+\[\[?\s+(?P<left>" + _WORD + r")\s+(?P<op>==?|!=)\s+(?P<right>" + _WORD + r")\s+\]\]?\s*;\s*"
           r"then\s+(?P<then>(?:(?!\bfi\b|\belse\b|\bif\b).)*?)\s*;?\s*(?:else\s+(?P<else>(?:(?!\bfi\b|\bif\b).)*?)"
           r"\s*;?\s*)?fi\b")
# `$(echo 'X')` and `$()`: what the shell puts in the line
_ECHO = lazy(r"\$\(\s*(?:echo\s+(?P<said>\"[^\"$`]*\"|'[^']*'|[^\s\"'$`()]+))?\s*\)")


def build_values(build: Build, recipe: Recipe) -> dict[str, str]:
    """The values the build's RUN lines see: the ARGs (compose's `build.args`, else their defaults),
    then the final chain's ENV (which wins over an ARG of the same name), each filled in."""
    import shlex

    from doctor.project.dockerfile import parsed_instructions
    from doctor.project.reading import read_regular_text

    given = {name: value for name, value, _ in build.args}
    values: dict[str, str] = {}
    text = read_regular_text(recipe.path) or ""
    for ins in parsed_instructions(text):
        if ins.keyword != "ARG":
            continue
        try:
            words = shlex.split(ins.args)
        except ValueError:
            words = ins.args.split()
        for word in words:
            name, equals, default = word.partition("=")
            if name in given:
                values[name] = given[name]
            elif name not in values:  # an ARG given no value and no default is empty in the build
                values[name] = fill(default, values) if equals else ""
    for name, value in recipe.env:
        values[name] = fill(value, values)
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with the references to known values replaced (`${X:-d}`: d where X is empty)."""
    if "$" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name, default = match.group(1) or match.group(3), match.group(2)
        if name not in values:  # the base image's, or the shell's own: not known here
            return match.group(0)
        empty_default = default is not None and ":-" in match.group(0) and not values[name]
        return default if empty_default and default is not None else values[name]

    return _REFERENCE.sub(value, text)


def decided(text: str) -> str:
    """`text` with each shell test on two known words decided (`if [ "a" = "b" ]; then X; fi` -> "" ) and
    each `$(echo WORD)` replaced by the word."""
    previous = None
    while previous != text and "if" in text:
        previous = text
        text = _IF.sub(_branch, text)
    return _ECHO.sub(lambda m: (m.group("said") or "").strip("\"'"), text) if "$(" in text else text


def _branch(match: re.Match[str]) -> str:
    left, right = match.group("left").strip("\"'"), match.group("right").strip("\"'")
    equal = left == right
    return (match.group("then") if equal == (match.group("op") != "!=") else match.group("else") or "") or ""


def resolved_runs(build: Build, recipe: Recipe) -> list[tuple[str, str]]:
    """(text, workdir) of each RUN of the recipe, with the build's values filled in and tests decided."""
    if not any("$" in step.text for step in recipe.runs):
        return [(step.text, step.workdir) for step in recipe.runs]
    values = build_values(build, recipe)
    return [(decided(fill(step.text, values)), step.workdir) for step in recipe.runs]
