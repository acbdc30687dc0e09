"""What `doctor why` writes beside a symptom: a finding as its cause, or its own word when no finding explains it.

A check's finding is given as the cause of the symptom, with the signature's advice as its fix when it has none
(as_explained); a symptom no check explains gets what it means and what to look at (unexplained); a failed
container older than its configuration, that compose would recreate (stale). The commands they quote are written
for the project `why` diagnosed (in_project: `docker compose -p track-b`), with the symptom's values in their
placeholders (filled), and a container's log asked by its project's name (logs_command).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from doctor.model import Finding, Fix, Location, Safety, Severity
from doctor.why.diagnose import ALL_SERVICES, BARE, COMPOSE, NEVER_RAN, WHY, Explained, Symptom, Words


def as_explained(finding: Finding, symptom: Symptom, words: Words = BARE) -> Explained:
    """The finding as the cause of `symptom`; with the signature's advice as its fix when it has none (a note),
    its commands written for the project (`words`: in_project)."""
    message = f"{finding.message} (explains '{symptom.service}' {symptom.state}: {symptom.excerpt})"
    fix = finding.fix
    if fix is None and symptom.signature is not None and symptom.signature.advice:
        fix = Fix(in_project(symptom.signature.advice, words), Safety.ADVICE)
    return Explained(finding.check, finding.severity, message, finding.location, finding.subject, fix, symptom)


def unexplained(symptom: Symptom, where: Location | None = None, setting: str = "", project: str = "",
                words: Words = BARE) -> Explained:
    """A finding of `doctor why` itself for a symptom no check explains: what it means and what to look at.

    `where` is the compose line the look-at points to (the healthcheck's `test:`), `setting` what to
    look at there when the line names the setting written on it (`user: postgres`, which the engine's
    `unable to find user postgres` names): that, not the logs of a container that never started.
    `words`: how the commands of the signature's look-at are written for the project (in_project).
    """
    signature = symptom.signature
    if setting:
        look = setting
    elif signature is not None and signature.look_at:
        look = filled(in_project(signature.look_at, words), symptom)
    else:
        look = look_for_log(project, symptom)
    meaning = signature.meaning if signature is not None else "no known signature"
    message = f"'{symptom.service}' {symptom.state}: {symptom.excerpt} ({meaning}{f'; look at {look}' if look else ''})"
    subject = f"{symptom.service}:{signature.id if signature else 'unknown'}"
    return Explained(WHY, Severity.ERROR, message, where, subject, None, symptom, look_at=look)


def in_project(text: str, words: Words) -> str:
    """`text`, doctor's own (a signature's advice or look-at), with each command it quotes in backticks written for the
    project `why` diagnosed (`words`), so that one copied from it reaches that project, not the folder's default one:
    `docker compose COMMAND` with compose's words (`docker compose -p track-b`), and `doctor fix`, `preflight`,
    `ports`, `baseline` or `why` (each takes PATH, -p, -f, --env-file and --profile as `why` does) with the options
    that select it (`doctor fix -p track-b -f other.yml --ports`). A `docker compose logs` names the project even where
    compose finds it by itself (`words.name`), as every log command of the report does (logs_command). A command that
    names its project itself (`docker compose -p x ...`, `doctor fix -f x.yml`) stays as it is."""
    if words.compose != COMPOSE:
        text = re.sub(r"`docker compose (?=[a-z])", lambda _: f"`{words.compose} ", text)
    elif words.name:  # a log is asked by the project's name, as every `logs` the report prints (logs_command)
        import shlex

        text = re.sub(r"`docker compose (?=logs\b)", lambda _: f"`docker compose -p {shlex.quote(words.name)} ", text)
    if words.doctor:
        text = re.sub(r"`doctor (preflight|fix|ports|baseline|why)(?=[ `])(?! (?:-p|-f|--project-name|--file)\b)",
                      lambda command: f"`{words.doctor_command(command[1])}", text)
    return text


# a look-at's placeholders in its commands, and the captured value that fills each (a script as the host sees it)
_PLACEHOLDERS = {"PROGRAM": "program", "SCRIPT": "host_path", "IMAGE": "image"}


def filled(look: str, symptom: Symptom) -> str:
    """`look` with the placeholders of the commands it quotes (`SERVICE`, `PROGRAM`, ...) written as the symptom's
    service and the values its line named, so the command runs as copied: `docker compose run --rm --entrypoint sh
    web -c 'command -v python'`. A placeholder with no such value stays."""
    values = {"SERVICE": symptom.service if symptom.service != ALL_SERVICES else ""}
    values.update({word: symptom.captured.get(key, "") for word, key in _PLACEHOLDERS.items()})

    def command(quoted: re.Match[str]) -> str:
        return re.sub(r"\b[A-Z]+\b", lambda w: _shell_word(values.get(w[0], "")) or w[0], quoted[0])

    return re.sub(r"`[^`]*`", command, look)


def _shell_word(value: str) -> str:
    """`value` as one word of a shell command, or "" when quoting would be needed (the placeholder stays)."""
    return value if re.fullmatch(r"[\w./:@+-]+", value) else ""


def look_for_log(project: str, symptom: Symptom) -> str:
    """What to look at for a symptom no signature reads: the container's log (logs_command), or, for a container the
    engine created and never ran (its start failed: `error during container init: open /proc/sys/...`), which has
    no log to read, the engine's error itself and the settings the engine applies as it starts one."""
    if not symptom.state.startswith(NEVER_RAN):
        return logs_command(project, symptom.service)
    return (f"the engine's error above ('{symptom.service}' never ran: it has no log) and what the engine applies as "
            "it starts the container: the service's mounts, devices, sysctls, ulimits, user and cap_add")


def logs_command(project: str, service: str) -> str:
    """`docker compose -p NAME logs SERVICE`: with the project's name, which alone finds its containers
    wherever it is typed (a bare `docker compose logs` in the folder of a stack started with `-p`
    shows nothing)."""
    import shlex

    return f"docker compose -p {shlex.quote(project)} logs {service}" if project else f"docker compose logs {service}"


def stale(symptom: Symptom, changed: Sequence[str], fix: Fix, words: Words = BARE) -> Explained:
    """The cause of `doctor why` itself for a failed container older than its configuration: compose
    would recreate it (`changed`: the files edited since it was created, as shown, when known; `words`:
    how its commands are written for the project)."""
    what = f"{', '.join(changed[:3])} changed" if changed else "its configuration or image changed"
    message = (f"'{symptom.service}' failed in a container created before {what}: it ran the old "
               f"configuration, not the files' now; `{words.compose} up -d` recreates it (then ask "
               f"`{words.doctor_command('why')}` again)")
    return Explained(WHY, Severity.ERROR, message, None, f"{symptom.service}:stale", fix, symptom, stale=True)
