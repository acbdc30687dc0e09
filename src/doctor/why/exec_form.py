"""A list form whose first word holds blanks: `why`'s own cause, at the compose line that writes it.

docuseal's healthcheck is `test: ["CMD", "pg_isready -U postgres"]`: the whole command as ONE word. No shell splits a
list, so the engine looks for a program named `pg_isready -U postgres` (runc: `exec: "pg_isready -U postgres":
executable file not found in $PATH`), every probe fails and the services that wait on it never start; `why` used to
ask whether pg_isready was in the image. The same for `command: ["sleep 600"]` or an `entrypoint:` list: the container
is created and never runs. The words and the compose line say it all: split the word, or write a shell form.
"""

from __future__ import annotations

from doctor.model import Fix, Safety, Severity
from doctor.why.diagnose import WHY, Explained, Symptom

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

EXEC_WORD_BLANKS = "exec-word-blanks"  # doctor.why.signatures.EXEC_WORD_BLANKS's id
_HEALTHCHECK = ("healthcheck", "test")


def blank_word(project: Project, symptom: Symptom) -> Explained | None:
    """`why`'s own cause for a symptom of a list form whose first word holds blanks: the engine's `exec: "a b":
    executable file not found` (the exec-word-blanks signature) of the healthcheck, `entrypoint:` or `command:` that
    starts with that word; or a failed healthcheck (its setting the `test:`, as compose's piped `is unhealthy`, which
    quotes no probe) whose `test:` is such a list. None for any other symptom."""
    from doctor.project.keyat import service_key_at

    signature = symptom.signature
    if signature is None:
        return None
    service = project.services.get(symptom.service)
    program = symptom.captured.get("program", "")
    if service is None and signature.id == EXEC_WORD_BLANKS:  # the engine's error piped in alone: whose word it is
        starting = [s for s in project.services.values() if any(w[0] == program for _, w in _lists(s))]
        service = starting[0] if len(starting) == 1 else None
    if service is None:
        return None
    if signature.id == EXEC_WORD_BLANKS:
        keys = [k for k, words in _lists(service) if words[0] == program]
    elif signature.setting == _HEALTHCHECK:
        keys = [k for k, words in _lists(service) if k == "healthcheck" and len(words[0].split()) > 1]
    else:
        return None
    if not keys:
        return None
    key = keys[0]
    words = dict(_lists(service))[key]
    split = [*words[0].split(), *words[1:]]
    shown, written, fixed = _forms(key, words, split)
    message = (f"the `{key}:` list of '{service.name}' {written} has blanks in its first word: the engine runs no "
               f"shell for a list and looks for a program named {words[0]!r}")
    where = service_key_at(project, service.name, *(_HEALTHCHECK if key == "healthcheck" else (key,)))
    return Explained(WHY, Severity.ERROR, message, where, f"{service.name}:{EXEC_WORD_BLANKS}",
                     Fix(f"split it into words ({fixed}) or use {shown}", Safety.ADVICE), symptom, own=True)


def _lists(service: Service) -> list[tuple[str, list[str]]]:
    """The service's settings written as lists whose first word holds blanks, by key: `healthcheck` (its `["CMD",
    ...]` test, the words after CMD), `entrypoint`, and `command` where no `entrypoint:` is set (else its words are
    the entrypoint's arguments)."""
    found = []
    for key, value in (("healthcheck", service.healthcheck), ("entrypoint", service.entrypoint),
                       ("command", None if service.entrypoint else service.command)):
        if isinstance(value, tuple) and value and len(value[0].split()) > 1:
            found.append((key, list(value)))
    return found


def _forms(key: str, words: list[str], split: list[str]) -> tuple[str, str, str]:
    """How the advice writes the list as it is, split into words, and its shell form."""
    import json
    import shlex

    if key == "healthcheck":
        return (f"`CMD-SHELL` (`test: {json.dumps(['CMD-SHELL', shlex.join(split)])}`)",
                json.dumps(["CMD", *words]), f"`test: {json.dumps(['CMD', *split])}`")
    return (f"a string (`{key}: {shlex.join(split)}`)", json.dumps(words), f"`{key}: {json.dumps(split)}`")
