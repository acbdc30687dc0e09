"""script-line-endings: scripts reaching a container with CRLF, a BOM, or a shebang the image lacks."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity, service_names
from doctor.project import Project
from doctor.project.reading import read_bytes
from doctor.project.recipe import Recipe
from doctor.project.shipped import Shipped, shipped_scripts

from .cr_strip import strips_cr

BOM = b"\xef\xbb\xbf"
MAX_BYTES = 1024 * 1024
# interpreters a busybox-based image (alpine, busybox) does not have unless a RUN installs them
NOT_IN_BUSYBOX = frozenset(("bash", "zsh", "fish", "ksh"))
# `alpine`, `3.12-alpine3.20`, `lts-alpine`: the official images' alpine variants
_ALPINE_TAG = lazy(r"(?:^|-)alpine[0-9.]*$")
_SHEBANG = lazy(rb"^#!\s*(\S+)(?:[ \t]+(\S+))?")
# a shell line that strips CRs: sed's `s/\r` (a YAML "\r" is the CR itself), dos2unix, `tr -d '\r'`


class ScriptLineEndings(Check):
    """shell scripts reaching a container with CRLF, a BOM, or a shebang the image lacks

    What it finds
        Scripts that reach a container — COPY'd by a service's Dockerfile (unless the build
        context's `.dockerignore` keeps them out, read as docker reads it: `**`, `!` exceptions,
        a rule matching a folder above the file, a `<Dockerfile>.dockerignore` first; not a file
        a later COPY puts another over: laravel-docker-examples' development entrypoint.sh
        replaces the production one at /usr/local/bin/entrypoint.sh),
        bind-mounted, named as its entrypoint, command or healthcheck (by path, or by a bare name
        that a folder of the container's PATH holds: `docker-entrypoint` COPY'd to
        /usr/local/bin; a text script only, never a binary), or run by a Makefile target through
        `docker compose exec|run`; in a folder, `*.sh`, `*.bash` and executables without a suffix
        that start with `#!` (s6-overlay's `run` scripts), except the host's own that a bind of
        the whole repository carries along: the folders of CI, git hooks, editors and agents
        (`.github`, `.husky`, `.claude`, ...) and scripts that drive docker or `docker compose`
        (DefectDojo's run-unittest.sh runs `docker compose exec uwsgi ...`; a container
        has no engine to drive) or set up the machine (`sudo`, `systemctl`, `launchctl`, `brew` or
        `vagrant` as a command: CTFd's prepare.sh, `sudo apt-get install ...`; outside
        `.devcontainer`, whose scripts run in its container), and a file a recipe runs by its path
        whatever its suffix (`backend/manage.py test`: the kernel reads its `#!/usr/bin/env python`
        line); a script only a hosting platform runs (render.yaml's `buildCommand`) is no
        container's: a warning names that route; anywhere in the project's git checkout (or, without
        .git, the checkout's top its marks show: `.github`, `.gitignore`),
        so a compose file in `docker/` that binds `../server` counts its scripts (for those no
        `.gitattributes` line is offered: the rule belongs to the checkout's own). A script that
        the image's own stage, or a builder stage (one it copies from with `COPY --from`), COPYs
        and then RUNs (as a command, or the script a shell is given; not `chmod +x` it) breaks the
        build, and is reported so even when a service also binds or runs it: the build fails
        first (getsentry/self-hosted's sentry/enhance-image.sh); a file a builder stage only copies
        is not judged, unless the final stage takes it with `COPY --from` (umap's build stage copies
        the context whole, the final one its docker/ folder, whose entrypoint.sh its CMD runs). It
        reports those that have Windows (CRLF) line endings (a `\\r` ending a file without a final
        newline counts: the shell reads it as part of the last word; unless
        the service's entrypoint or command strips them from the script, or from its copy, before
        running it: dify's ssrf_proxy runs `sed -i 's/\\r$//'` on it, onyx's nginx on a copy of its bound
        folder, `cp -a /nginx-templates/. /etc/nginx/conf.d/`, writing the one it starts to /tmp (`sed A > B`
        strips B alone: starting A, by its path, `sh A` or `exec A`, still runs the CRLF script); or a RUN of
        the image does,
        after the last COPY that puts it there and with no bind mount over it at run time:
        `sed -i`, `dos2unix`, `tr -d '\\r'` into a file moved back, by its path, against the
        WORKDIR, a glob or a `find` over its folder; testdrivenio/django-on-docker strips its
        entrypoint.sh, then `COPY . .` and its `./app/:/usr/src/app/` bind bring the CRLF one back;
        or, for a file nothing runs by any name (its path, `./init.sh` after a `cd` or WORKDIR,
        `sh init.sh`, in a `sh -c` string, an environment value or a script the service starts)
        outside a folder an image's entrypoint runs whole (`/docker-entrypoint-initdb.d/` runs the
        CRLF file beside its twin), a RUN writes an LF copy of it elsewhere with
        `dos2unix -n IN OUT`: piggymetrics' mongodb image runs `dos2unix -n /init.sh /initx.sh` and
        starts `ENTRYPOINT ["/initx.sh"]`),
        start with a UTF-8 byte-order mark, or name in their shebang an interpreter the image
        lacks (a script a folder's COPY or mount only carries along, which nothing there runs, is
        not judged for that: snipe-it's alpine image COPYs the repo with docker/startup.sh, its
        Ubuntu image's) (`#!/bin/bash` on an alpine or busybox base, or on the alpine variant of the
        official python or node image, whose Dockerfile installs no bash; other images' alpine
        variants are not judged: postgres's ships bash). The image is judged from its FROM and RUN
        lines only; no registry is asked. A compose `entrypoint:` (even `entrypoint: []`) replaces
        the image's ENTRYPOINT and CMD, so the message names a service that runs the script:
        compose's entrypoint names it, or the image's ENTRYPOINT does and nothing replaces it;
        every service it reaches the same way is named (redash's ENTRYPOINT: 'scheduler',
        'server', 'worker'; past four, three and how many more), a service with no `build:` on the
        image exactly one other service builds among them (`celery: {image: app:dev}` beside
        `app: {build: ., image: app:dev}` runs app's ENTRYPOINT). A script no service runs by
        name is named by the route of the copy most likely to run: a mount or COPY into a folder an
        entrypoint runs (nginx's /docker-entrypoint.d/; a folder's own files too: chirpstack's postgres
        binds `.docker-compose/postgresql/initdb` onto /docker-entrypoint-initdb.d), then of that very
        file elsewhere, before a folder that carries it along (a `.:/app` of a service that never runs it), and
        the image's COPY before a bind of the whole folder that does not cover the COPY's place
        (ralph's /opt/build.sh). A service a profile leaves off is judged too (docker-elk's
        `setup`, which `docker compose up setup` starts): a warning that names its profile, where
        no enabled service has the script. Scripts are looked for in the project's git checkout, else its
        compose folder, and in each local build context (a checkout downloaded without `.git`
        whose docker/ compose builds from `..`); a WORKDIR is read with the ENV and ARG values
        it names (`WORKDIR $PYTHONPATH`).

    Why it matters
        Linux reads the `\\r` as part of the interpreter's name or of each command: the container
        dies with `exec /entrypoint.sh: no such file or directory`, `bash\\r: bad interpreter` or
        `syntax error near unexpected token`, messages that never mention line endings; in a RUN
        the build stops (`/bin/sh^M: not found`). A file checked out on Windows with
        `core.autocrlf=true` is the usual source.

    Example
        scripts/entrypoint.sh:1  has CRLF line endings and reaches 'web' (COPY, Dockerfile:6)
        scripts/build.sh:1  has CRLF line endings and breaks the build of 'web' (RUN in stage 'build', Dockerfile:3)

    Fix
        Rewrite the file with LF line endings and without the BOM (every `\\r` before a newline,
        and at the end of a file without a final newline, which stays without one: a file
        converted twice holds `\\r\\r\\n`; the fixer backs up a file git does not track); where the
        copy that runs is the image's (a COPY, a RUN of the build), the title adds the rebuild
        that brings the fixed file in (`then rebuild: docker compose build web`). A second
        finding (info) adds `*.sh text eol=lf` to `.gitattributes` (the project folder's, else the
        checkout top's where that exists and the compose folder builds from the top: mealie's
        docker/; the top's, made if need be, for a script beside the compose folder: peeringdb's
        Ctl/docker/entrypoint.sh from Ctl/dev), and a path rule for a script
        without `.sh` (`/compose/local/django/start text eol=lf`), unless a rule of a
        `.gitattributes` git reads for it (the script's folder and each above it, up to the
        repository's top) already keeps it at LF, so git checks scripts out with LF on every
        machine; each rule goes on its own line, and a file without a final newline still ends
        without one (a line break of its own kind ends its last line first). A script past the
        checkout's top (a build context beside it) is rewritten by hand: `doctor fix` writes only
        in the checkout (advice). For a missing interpreter: install it in the Dockerfile
        (`RUN apk add --no-cache bash`) or use `#!/bin/sh` (advice).

    Fix safety
        Safe: only the line-ending bytes and the BOM change; the script's text stays the same.
    """

    id = "script-line-endings"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    severity = Severity.ERROR
    fix_family = "scripts"

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        root = project.root
        writable: list[Path] = []  # where `doctor fix` writes (doctor.project.edits.edit_root), once asked
        crlf: list[Path] = []  # the scripts with CRLF: .gitattributes must keep each at LF
        judged: set[Path] = set()
        for shipped, profile in _every_shipped(project):
            if profile and shipped.path.resolve() in judged:
                continue  # an enabled service has it too: judged as its
            judged.add(shipped.path.resolve())
            try:
                data = read_bytes(shipped.path, MAX_BYTES + 1, head=True)
            except OSError:
                continue
            if len(data) > MAX_BYTES or b"\0" in data[:8192]:
                continue  # not a script
            # a builder stage's RUN runs it while building: `/bin/sh^M: not found` fails the build
            names = service_names(shipped.services)
            where = (f"breaks the build of {names} ({shipped.how})" if shipped.stage
                     else f"reaches {names} ({shipped.how})")
            # docker-elk's `setup` runs only under its profile (`docker compose up setup`): it fails then
            where += f" when {profile} is on" if profile else ""
            severity = Severity.WARNING if profile and self.severity is Severity.ERROR else None
            location = Location(shipped.path, 1)
            # a script beside the compose folder (immich's docker/ binds ../server): `../server/bin/immich-dev`
            subject = os.path.relpath(shipped.path, root)
            # dify's ssrf_proxy: `cp /docker-entrypoint-mount.sh ... && sed -i 's/\r$//' ...` runs a copy it
            # stripped of its CRs first: CRLF harms nothing there
            has_crlf = _has_crlf(data) and not shipped.stripped and not strips_cr(project, shipped)
            faults = [name for name, found in (("a BOM", data.startswith(BOM)), ("CRLF line endings", has_crlf))
                      if found]
            if has_crlf:  # _gitattributes_fix keeps those a .gitattributes it may write reaches (no ../ path)
                crlf.append(shipped.path)
            if faults:
                message = f"has {' and '.join(faults)} and {where}"
                if not writable:
                    from doctor.project.edits import edit_root

                    writable.append(edit_root(project).resolve())
                yield self.finding(message, location, subject, _rewrite_fix(project, shipped, data, writable[0]),
                                   severity)
            # a script a folder only carries along runs nowhere there: its shebang breaks nothing
            missing = "" if shipped.carried else _missing_interpreter(data.removeprefix(BOM), shipped)
            if missing:
                message = f"shebang needs {missing}, which image '{shipped.image}' lacks; it {where}"
                fix = Fix(f"install {missing} in the image (RUN apk add --no-cache {missing}) or use #!/bin/sh",
                          Safety.ADVICE)
                yield self.finding(message, location, f"{subject}:{missing}", fix, severity)
        yield from self._platform_scripts(project, judged, writable, crlf)
        attributes = None
        if crlf:
            from .gitattributes import _gitattributes_fix  # here: only a script with CRLF

            attributes = _gitattributes_fix(project, crlf)
        if attributes is not None:
            fix, kept = attributes
            message = f"no .gitattributes rule keeps {kept} at LF: a Windows checkout brings CRLF back"
            location = Location(fix.edits[0].path if fix.edits else project.root / ".gitattributes", None)
            yield self.finding(message, location, ".gitattributes", fix, Severity.INFO)


    def _platform_scripts(self, project: Project, judged: set[Path], writable: list[Path],
                          crlf: list[Path]) -> Iterator[Finding]:
        """A warning for each script a hosting platform's build runs (render.yaml's buildCommand)
        that no container runs: the platform's Linux reads the `\r` as a container would."""
        from doctor.project.edits import edit_root
        from doctor.project.run_by_path import platform_runs

        for path, how in platform_runs(project).items():
            if path in judged:
                continue  # a container runs or holds it: reported as such
            try:
                data = read_bytes(path, MAX_BYTES + 1, head=True)
            except OSError:
                continue
            if len(data) > MAX_BYTES or b"\0" in data[:8192]:
                continue
            faults = [name for name, found in (("a BOM", data.startswith(BOM)), ("CRLF line endings", _has_crlf(data)))
                      if found]
            if not faults:
                continue
            if not writable:
                writable.append(edit_root(project).resolve())
            if _has_crlf(data) and path.is_relative_to(project.root.resolve()):
                crlf.append(path)
            shipped = Shipped(path, "", how, None, "")
            yield self.finding(f"has {' and '.join(faults)} and breaks {how}",
                               Location(path, 1), os.path.relpath(path, project.root),
                               _rewrite_fix(project, shipped, data, writable[0]), Severity.WARNING)


def _every_shipped(project: Project) -> Iterator[tuple[Shipped, str]]:
    """The scripts the enabled services get, then those only a service a profile leaves off gets,
    with the profile that turns it on ('' for the enabled)."""
    for shipped in shipped_scripts(project):
        yield shipped, ""
    profiled = project.compose.profiled
    if profiled:
        for shipped in shipped_scripts(project, profiled):
            profiles = profiled[shipped.service].profiles
            yield shipped, (f"its profile '{profiles[0]}'" if len(profiles) == 1
                            else "one of its profiles " + ", ".join(f"'{p}'" for p in profiles))


def _rewrite_fix(project: Project, shipped: Shipped, data: bytes, writable: Path) -> Fix:
    """The rewrite, or advice for a file past `writable` (the checkout's top: a build context beside
    it), which `doctor fix` would refuse to write."""
    # every run of CRs before a newline, or at the end of a file without a final newline (the shell
    # reads that `\r` as part of the last word): a CRLF file converted once more holds `\r\r\n`
    path = shipped.path
    fixed = re.sub(rb"\r+(\n|\Z)", rb"\1", data.removeprefix(BOM))
    if not _has_crlf(data):
        title = f"remove the BOM from {project.shown(path)}"
    else:
        title = f"rewrite {project.shown(path)} with LF line endings"
        title += " and no BOM" if data.startswith(BOM) else ""
    if shipped.baked:  # the image holds a copy of the old file: only a build brings the fixed one
        title += f", then rebuild: {project.compose_words()} build {' '.join(shipped.services)}"
    if not path.resolve().is_relative_to(writable):
        return Fix(f"{title} (by hand: it lies outside the project's checkout)", Safety.ADVICE)
    return Fix(title, Safety.SAFE, (Edit(path, data, fixed),))


def _has_crlf(data: bytes) -> bool:
    """Whether a line ends in CR: before a newline, or at the end of the file."""
    return b"\r\n" in data or data.endswith(b"\r")


def _missing_interpreter(data: bytes, shipped: Shipped) -> str:
    """The shebang's interpreter when the image is busybox-based and no RUN installs it, else ""."""
    match = _SHEBANG.match(data)
    if match is None:
        return ""
    program = match.group(1).rsplit(b"/", 1)[-1]
    if program == b"env" and match.group(2):
        program = match.group(2)
    name = program.decode("ascii", "replace").rstrip("\r")
    if name not in NOT_IN_BUSYBOX or not _busybox_based(shipped.image):
        return ""
    if shipped.recipe is not None and _installs(shipped.recipe, name):
        return ""
    return name


def _busybox_based(image: str) -> bool:
    """Whether the image is known to have no bash: alpine and busybox, and the alpine variants of
    the official python and node images (docker-library installs no bash in them)."""
    reference = image.lower().partition("@")[0]  # `python:3.12-alpine@sha256:...`
    repo, _, tag = reference.rpartition(":") if ":" in reference.rsplit("/", 1)[-1] else (reference, "", "")
    name = repo.rsplit("/", 1)[-1]
    if name in ("alpine", "busybox"):
        return True
    # a product's alpine variant may ship bash (postgres:*-alpine does), and doctor asks no
    # registry, so only the official images whose Dockerfiles are known stay judged
    official = repo.removeprefix("docker.io/").removeprefix("index.docker.io/").removeprefix("library/")
    return official in ("python", "node") and _ALPINE_TAG.search(tag) is not None


def _installs(recipe: Recipe, program: str) -> bool:
    return any(re.search(rf"\b(?:apk|apt-get|apt|yum|dnf|microdnf)\b[^;&|]*\b(?:add|install)\b[^;&|]*\b{program}\b",
                         step.text) for step in recipe.runs)
