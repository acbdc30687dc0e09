"""Which of the services an env_file line reaches read the variable: `web` reads POSTGRES_HOST in
config/settings.py; `css`, a tailwind watcher loading the same `.env`, never does.

The same search leaked-host-port's `clients.py` makes: the service's command and what its image runs
(Dockerfile ENTRYPOINT and CMD), then its code (bind mounts and COPYs inside the project), kept to the
files its runtime runs (a node asset watcher that mounts the whole repo does not run the Django
settings beside it), a config file that only sets the key read as no reader.
"""

from __future__ import annotations

import re
from pathlib import Path

from doctor.project import Project
from doctor.project.codetext import SOURCE_SUFFIXES, CodeText
from doctor.project.types import Service
from doctor.system_folders import home_folder

# the files each runtime runs; scripts and config files count for any runtime (leaked-host-port's
# clients.py reads these too)
RUNTIME_SUFFIXES = {
    "python": frozenset({".py"}),
    "node": frozenset({".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".vue", ".svelte", ".prisma"}),
}
ANY_RUNTIME = frozenset({".sh", ".bash", ".ini", ".cfg", ".conf", ".properties"})
CONFIG_SUFFIXES = frozenset({".ini", ".cfg", ".conf", ".properties"})
# the files of a program (not a script or config): a service with one of them in its code is a program doctor reads
APP_SUFFIXES = frozenset({".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rb", ".php", ".java", ".kt",
                          ".rs", ".cs", ".ex", ".exs", ".scala", ".vue", ".svelte"})


class EnvReaders:
    """Answers, with each service's code read once per run, where a service reads a variable."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.text = CodeText()
        self._folders: dict[str, list[Path]] = {}

    def reader(self, service: Service, name: str) -> str | None:
        """Where the service reads the variable: 'its command' or a file as messages show it; None
        when doctor finds no reader (its code never names it, or it has no code to read)."""
        from doctor.project.script_finder import run_words

        folders, command, suffixes = self._code(service), run_line(service), self._suffixes(service)
        runs = " ".join(run_words(self.project, service))  # the image's ENTRYPOINT and CMD too
        where = self.text.reader_of(name, folders, command, suffixes, runs)
        if where is not None and where != "its command" and Path(where).suffix.lower() in CONFIG_SUFFIXES:
            # a program's code that reads the key is the better answer; a config line that only sets
            # it (`REDIS_HOST=localhost` in a redis.conf) reads nothing
            code = self.text.reader_of(name, folders, command, (suffixes or SOURCE_SUFFIXES) - CONFIG_SUFFIXES,
                                       runs, tests=False)
            if only_sets(self.text, folders, Path(where), name) or (
                    code is not None and (code == "its command" or Path(code).suffix.lower() not in ANY_RUNTIME)):
                where = code
        if where is None or where == "its command":
            return where
        return self.project.shown(Path(where))

    def unread(self, service: Service, name: str) -> bool:
        """Whether the variable is another program's: doctor reads the service's program (app_code) and finds no
        reader of it there, its command or what its image runs, while a program of the project outside the
        service's code reads it (PeerDB's setup-mongodb-peer.sh, run on the host, reads the `.env`'s
        CI_MONGO_HOST; its UI never does). A key no program of the project reads may be a library's, read under
        a name the code never writes (OTEL_EXPORTER_OTLP_ENDPOINT, libpq's PGHOST, Spring's relaxed binding):
        not unread."""
        folders = self._code(service)
        return (app_code(self.text, folders) and self.reader(service, name) is None
                and self.elsewhere(name, folders) is not None)

    def elsewhere(self, name: str, own: list[Path]) -> Path | None:
        """A source file of the project, outside the folders given (a service's code), that reads the variable."""
        from doctor.project.codetext import reads

        return next((path for path, text in self.text.files(self.project.root)
                     if reads(name, text) and not any(path.is_relative_to(folder) for folder in own)), None)

    def _code(self, service: Service) -> list[Path]:
        """The service's own code: its live paths (binds, watch syncs), then what its image COPYs (else its
        build context), under the folder around the project or the context it builds from (never $HOME or /)."""
        found = self._folders.get(service.name)
        if found is None:
            codes = self.project.code_map(service)
            image = [p.host for p in codes.copies] or ([codes.context] if codes.context is not None else [])
            tops = [top for top in (self.project.root.parent, codes.context)
                    if top is not None and top != home_folder() and top != Path(top.anchor)]
            found = self._folders[service.name] = [
                p for p in dict.fromkeys([p.host for p in codes.live] + image)
                if p != Path(p.anchor) and any(p.is_relative_to(top) for top in tops)]
        return found

    def _suffixes(self, service: Service) -> frozenset[str] | None:
        """The files the service's runtime runs (python or node, from its image or its stage's base),
        with scripts and config; None for another or an unknown runtime (every source file counts)."""
        from doctor.project.runtimes import image_runtime, service_base

        family = image_runtime(service_base(self.project, service))
        return None if family is None else RUNTIME_SUFFIXES[family] | ANY_RUNTIME


def app_code(text: CodeText, folders: list[Path]) -> bool:
    """Whether doctor can read the program in the service's code folders: a source file, not a script or config
    (a repo adding entrypoint scripts and patches to a base image's program is no program doctor reads)."""
    return any(path.suffix.lower() in APP_SUFFIXES for folder in folders for path, _ in text.files(folder))


def host_dotenv(project: Project, path: Path) -> bool:
    """Whether an env file is one tools on the host read too: compose's `.env` (or the --env-file it interpolates
    from), or a dotenv-named `.env*`. Its lines are the project's, written for whoever runs: a service that loads
    it dials only what its program reads (peerdb's `.env`, copied from `.env.example`, holds the host tests'
    `CI_MONGO_HOST=host.docker.internal` beside the UI's settings)."""
    return path in project.interpolation_files or path.name.startswith(".env")


def run_line(service: Service) -> str:
    """What the service runs: its entrypoint and command, as one line."""
    return " ".join(p if isinstance(p, str) else " ".join(p) for p in (service.entrypoint, service.command) if p)


def only_sets(text: CodeText, folders: list[Path], path: Path, name: str) -> bool:
    """Whether every line of the config file that names the variable sets it (`REDIS_HOST=localhost`,
    `REDIS_HOST: localhost`): a file that gives the value, not one that reads it (`host = ${REDIS_HOST}`)."""
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    sets = re.compile(rf"\s*(?:export\s+)?{re.escape(name)}\s*[=:]")
    for folder in folders:
        for found, content in text.files(folder):
            if found == path:
                return all(sets.match(line) for line in content.splitlines() if word.search(line))
    return False
