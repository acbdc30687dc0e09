"""Where `doctor why` looks in the project for what explains a symptom, whichever reading found it.

The findings of the checks a symptom's signatures name, run on the project (checked); for a symptom no finding
explains, the compose line it points to and the setting written there (pointed_at); and the project's own commands
its advice quotes (project_words: `docker compose -p track-b`). Both readings use them: the containers on the engine
(doctor.why.command, doctor.why.from_engine) and the text piped in (doctor.why.from_text).
"""

from __future__ import annotations

from doctor.why.diagnose import Words
from doctor.why.symptoms import SILENT

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from doctor.engine import Registry
    from doctor.model import CheckResult, Finding, Location, Severity
    from doctor.project import Project, ProjectOptions
    from doctor.project.types import Service
    from doctor.why.command import WhyOptions
    from doctor.why.diagnose import Symptom


def checked(project: Project, project_options: ProjectOptions, registry: Registry, severities: dict[str, Severity],
            opts: WhyOptions, select: tuple[str, ...]) -> tuple[list[Finding], list[CheckResult]]:
    """The findings and results of the checks `select` names on the project (none when it names none)."""
    if not select:
        return [], []
    from doctor.engine import RunOptions, preflight

    run = preflight(RunOptions(project=project_options, select=select, severities=severities, env=opts.env),
                    registry, project)
    return list(run.report.findings), list(run.report.results)


def pointed_at(project: Project, symptom: Symptom, looked: bool = False) -> tuple[Location | None, str]:
    """The compose line a symptom no check explains points to, and the setting written there when the
    line names it: the healthcheck's `test:` for a failing probe; `user: postgres` for the engine's
    `unable to find user postgres` (a container created and never started has no log to read); the
    `container_name: postgres` another container had, gone from the engine now when `looked` (doctor
    read the engine's containers, and no finding says one has it)."""
    import re

    from doctor.project.keyat import service_key_at
    from doctor.why.build_copy import missing_copy

    service = project.services.get(symptom.service)
    if service is None:
        return None, ""
    name = symptom.captured.get("container")
    if name and name == service.container_name:
        where = service_key_at(project, service.name, "container_name")
        if looked:
            return where, (f"its `container_name: {name}`: no container has that name now, so the clash is gone: run "
                           f"`{project.compose_words()} up` again (`docker rm -f {name}` if it comes back and is yours "
                           "to remove)")
        return where, (f"its `container_name: {name}` and who has that name (`docker ps -a --filter name={name}`): "
                       f"doctor could not read the engine's containers")
    if service.user and re.search(rf"\buser {re.escape(service.user)}(?![\w.-])", symptom.line):
        return service_key_at(project, service.name, "user"), (
            f"its `user: {service.user}`, which the image's /etc/passwd lacks (a numeric uid:gid needs no entry; "
            "or the image is not the one meant)")
    if service.working_dir and re.search(rf"(?<![\w./-]){re.escape(service.working_dir)}(?![\w./-])",
                                         symptom.line) and "chdir" in symptom.line:
        return service_key_at(project, service.name, "working_dir"), (
            f"its `working_dir: {service.working_dir}`, which the image does not have")
    signature = symptom.signature
    if (signature is None and symptom.line.endswith(SILENT)) or (signature is not None and
                                                                  signature.id == "exited-silent"):
        return _silent(project, service, symptom.exit_code)
    started = _started_by(service, symptom.captured.get("path", "")) if signature is not None and (
        signature.id == "entrypoint-absent") else ""
    if started:
        return service_key_at(project, service.name, started), _absent_program(project, service, started,
                                                                                symptom.captured["path"])
    formless = _started_by(service, symptom.captured.get("path", "")) if signature is not None and (
        signature.id == "exec-not-found" and "exec format error" in symptom.line) else ""
    if formless:
        return service_key_at(project, service.name, formless), _no_format(project, service, formless,
                                                                          symptom.captured["path"])
    full = _full(project, service, symptom) if signature is not None and signature.id == "no-space" else None
    if full is not None:
        return full
    barred = _read_only(project, service, symptom.line) if signature is not None and (
        signature.id == "read-only") else None
    if barred is not None:
        return barred
    joined = _joined_bind(project, service, symptom.captured) if signature is not None and (
        signature.id == "mount-type") else None
    if joined is not None:
        return joined
    limited = _memory_limit(project, service.name) if signature is not None and signature.id == "oom-killed" else None
    if limited is not None:
        return limited
    copied = missing_copy(project, service, symptom.line) if signature is not None and (
        signature.id == "build-failed") else None
    if copied is not None:
        return copied
    if signature is not None and signature.setting:
        return service_key_at(project, service.name, *signature.setting), ""
    return None, ""


def _memory_limit(project: Project, service: str) -> tuple[Location | None, str] | None:
    """The memory limit the kernel killed the service's container at, at its compose line: its `mem_limit:`, else
    its `deploy.resources.limits.memory:` (compose refuses the two unequal); None when neither is written (the
    machine's, or the engine's, memory ran out: the signature's own look-at says so)."""
    from doctor.project.keyat import service_key_at, service_nodes

    for keys in (("mem_limit",), ("deploy", "resources", "limits", "memory")):
        where = service_key_at(project, service, *keys)
        if where is None:
            continue
        value: object = None
        for node in service_nodes(project, service):  # the last file writing it wins, as its line does
            found: object = node
            for key in keys:
                found = found.get(key) if isinstance(found, dict) else None
            value = found if found is not None else value
        written = f"{keys[-1]}: {value}" if value is not None else keys[-1]
        return where, (f"its `{written}`{' (deploy.resources.limits)' if len(keys) > 1 else ''}, the memory the "
                       "kernel killed it at: raise it, or have the program use less (the engine's own memory, Docker "
                       "Desktop's setting, caps it too)")
    return None


def _joined_bind(project: Project, service: Service, captured: Mapping[str, str]
                 ) -> tuple[Location | None, str] | None:
    """The bind of `service` runc could not mount (`error mounting "SOURCE" to rootfs at "TARGET": ... not a
    directory`: a file over a folder of the container, or a folder over a file) and what it joins, as the host has it
    now; None when no bind of the service has that target or source."""
    import os
    from pathlib import Path

    target, source = captured.get("target", ""), captured.get("path", "")
    binds = [m for m in service.volumes if m.type == "bind" and m.source]
    bind = next((m for m in binds if m.target.rstrip("/") == target.rstrip("/") and target), None) or next(
        (m for m in binds if m.source == source and source), None)
    if bind is None or bind.source is None:
        return None
    shown, inside = project.shown(Path(bind.source)), bind.target.rstrip("/") or "/"
    if os.path.isfile(bind.source):
        name = os.path.basename(bind.source)
        said = (f"its bind of {shown} at {inside}: {shown} is a file and the container has a folder at {inside}, "
                f"so the file cannot go there: bind it at a path inside that folder ({inside}/{name}), or bind a "
                f"folder")
    elif os.path.isdir(bind.source):
        said = (f"its bind of {shown} at {inside}: {shown} is a folder and the container has a file at {inside} "
                f"(docker makes the source a folder when it is missing at the first `up`): put the file meant there in "
                f"its place (`doctor fix --owners` first if docker made it, root-owned), or bind a file")
    else:
        said = f"its bind of {shown} at {inside}, which is not on this machine now"
    return bind.location, said


def _full(project: Project, service: Service, symptom: Symptom) -> tuple[Location | None, str] | None:
    """The size-limited place of `service` a no-space line names, at its compose line: the project's volume the engine
    fills from the image (`write /var/lib/docker/volumes/P_data/_data/busybox`: its `driver_opts` with `o: size=`),
    or a `tmpfs:` of the service whose target the line names (dd's `error writing '/scratch/x'`); else None."""
    import re

    from doctor.project.keyat import service_key_at, service_nodes

    volume = re.match(r"/var/lib/docker/volumes/([\w.-]+)/_data(?:/|$)", symptom.captured.get("path", ""))
    key = volume[1].removeprefix(f"{project.compose.project_name}_") if volume else ""
    for document in project.compose_documents() if key else ():
        for doc in document.docs:
            node = doc.get("volumes") if isinstance(doc, dict) else None
            entry = node.get(key) if isinstance(node, dict) else None
            at = getattr(entry, "locs", {}).get("driver_opts") if isinstance(entry, dict) else None
            if at is not None and isinstance(entry, dict) and "size=" in str(entry.get("driver_opts")):
                return at, (f"the `driver_opts` of its volume '{key}', whose size is less than what the engine copies "
                            "into it from the image at the mount's target: give it more (`o: size=`), or mount it "
                            "where the image has no files")
    for node in service_nodes(project, service.name):
        written = node.get("tmpfs")
        targets = [written] if isinstance(written, str) else written if isinstance(written, list) else []
        for target in (str(w).split(":")[0].rstrip("/") for w in targets):
            if target and re.search(rf"(?<![\w./-]){re.escape(target)}(?:/|\b)", symptom.line):
                return service_key_at(project, service.name, "tmpfs"), (
                    f"its `tmpfs:` at {target}, full: give it more (`size=`), or write less there")
    return None


def _read_only(project: Project, service: Service, line: str) -> tuple[Location | None, str] | None:
    """What makes the place a `Read-only file system` line names read-only, at its compose line: the deepest
    read-only mount of `service` whose target holds a path the line names, else the service's `read_only: true`
    (its own filesystem); None when neither is written."""
    import re
    from pathlib import Path

    from doctor.project.keyat import service_key_at, service_nodes

    paths = re.findall(r"(?<![\w.-])(/[^\s'\":,]*)", line)

    def holds(target: str) -> bool:
        return any(path == target or path.startswith(f"{target.rstrip('/')}/") for path in paths)

    mounts = sorted((m for m in service.volumes if m.read_only and holds(m.target)), key=lambda m: -len(m.target))
    if mounts:
        mount = mounts[0]
        source = (project.shown(Path(mount.source)) if mount.type == "bind" and mount.source
                  else f"volume '{mount.source}'" if mount.source else "an anonymous volume")
        # the short syntax as written (`./data:/data:ro`); the long one's `source:` as written, else as doctor reads it
        short = ":" in mount.raw and mount.target in mount.raw
        said = f"its mount `{mount.raw}`" if short else f"its mount of {mount.raw or source} at {mount.target}"
        return mount.location, (f"{said}, read-only: where the service is meant to write there, mount it read-write "
                                "(drop `:ro`, `read_only: true`); else have it write elsewhere")
    if any(node.get("read_only") in (True, "true") for node in service_nodes(project, service.name)):
        return service_key_at(project, service.name, "read_only"), (
            "its `read_only: true`, which makes the container's own filesystem read-only: give the folder it writes "
            "a `tmpfs:` or a volume")
    return None


def _silent(project: Project, service: Service, code: int | None) -> tuple[Location | None, str]:
    """What to look at for a container that exited with `code` and wrote no log line: what it ran, the service's
    `entrypoint:` (else its `command:`, given to the image's entrypoint) at its compose line, else the image's own;
    and how to see what it does (its log has nothing to show)."""
    import shlex

    from doctor.project.keyat import service_key_at
    from doctor.project.types import words_of
    from doctor.redact import clip

    key = "entrypoint" if service.entrypoint else "command" if service.command else ""
    run = f"`{project.compose_words()} run --rm {service.name}`"
    said = (f"exited with code {code} and left no line in its log: run it in the foreground to see what it does "
            f"({run}; `sh -x` for a script) and have it say why it stops")
    if not key:
        image = f"'{service.image}'" if service.image else f"built for '{service.name}'"
        return None, (f"what the image {image} runs (`docker image inspect --format '{{{{.Config.Entrypoint}}}} "
                      f"{{{{.Config.Cmd}}}}'`), which {said}")
    value = getattr(service, key)
    shown = shlex.join(value) if isinstance(value, tuple) else " ".join(words_of(value))  # as a shell reads it
    shown = clip(shown, 60, ellipsis="...")  # between words: a DSN's password is shown whole (and masked) or not at all
    given = " (given to the image's entrypoint)" if key == "command" else ""
    return service_key_at(project, service.name, key), f"its `{key}: {shown}`{given}, which {said}"


def _started_by(service: Service, path: str) -> str:
    """The setting of `service` whose first word is the program `path` runc found no file for: `entrypoint` (the
    program the container runs), else `command` where no entrypoint is set; "" when neither starts with it."""
    from doctor.project.types import words_of

    if service.entrypoint:
        return "entrypoint" if words_of(service.entrypoint)[:1] == [path] else ""
    return "command" if words_of(service.command)[:1] == [path] else ""


def _no_format(project: Project, service: Service, key: str, path: str) -> str:
    """What to look at for the program the service's `entrypoint:` or `command:` (`key`) starts that the kernel would
    not run (`exec /app/start.sh: exec format error`): a script with no `#!` line naming its interpreter, as the host
    has it where a bind brings it, or a binary of another platform."""
    from pathlib import Path

    bind = next((m for m in service.volumes if m.type == "bind" and m.source and m.target == path), None)
    if bind is not None and bind.source is not None:
        try:
            with open(bind.source, "rb") as script:
                first = script.read(2)
        except OSError:
            first = b"#!"
        if first != b"#!":
            shown = project.shown(Path(bind.source))
            return (f"its `{key}:`, which starts {path}: {shown}, bound there, has no `#!` first line, so the kernel "
                    f"cannot run it: begin it with its interpreter (`#!/bin/sh`), or start it with one "
                    f"(`sh {path}`)")
    return (f"its `{key}:`, which starts {path}: the kernel cannot run it, a script with no `#!` first line naming its "
            "interpreter or a program built for another platform than the engine's")


def _absent_program(project: Project, service: Service, key: str, path: str) -> str:
    """What to look at for a program the service's `entrypoint:` or `command:` (`key`) starts with that its image
    lacks: awesome-compose's nginx-flask-mongo runs `command: /bin/bash -c "envsubst ..."`, and an image with no
    bash (an alpine or busybox variant) stops `up` there with runc's `exec: "/bin/bash": stat /bin/bash: no such
    file or directory`."""
    if service.build is not None:
        return (f"its `{key}:`, which starts {path}: the image built for '{service.name}' has no such file (the "
                f"Dockerfile's COPY or install of it; `{project.compose_words()} build {service.name}` if the image "
                "predates it), or a bind mount over its folder hides it")
    image = f"the image '{service.image}'" if service.image else "its image"
    slim = " (a slim or alpine variant may have no bash: `sh` there)" if path.rpartition("/")[2] == "bash" else ""
    return (f"its `{key}:`, which starts {path}: {image} has no such file{slim}, or a bind mount over its folder "
            "hides it")


def project_words(project: Project) -> Words:
    """How the advice writes the commands it quotes for the project (doctor.why.diagnose.Words)."""
    return Words(project.compose_words(), project.doctor_options(), project.compose.project_name)
