"""Is a service a client of a server? It reads the variable, or it gets the host and depends on it.

An env_file that every service loads hands ES_PORT to services that never dial Elasticsearch;
only a client of the server is hurt by the host-side port. A service is a client when its
command or its code names the variable, or when it also gets the matching host variable
(ES_HOST beside ES_PORT) and depends on the server (depends_on or links).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project import Project, template_names
from doctor.project.app_markers import LIBPQ_KEYS, spring_config
from doctor.project.codepaths import within
from doctor.project.codetext import SOURCE_SUFFIXES, CodeText
from doctor.project.env_hosts import image_basename
from doctor.project.env_readers import (
    ANY_RUNTIME,
    APP_SUFFIXES,
    CONFIG_SUFFIXES,
    RUNTIME_SUFFIXES,
    app_code,
    host_dotenv,
    only_sets,
    run_line,
)
from doctor.project.runtimes import image_runtime, service_base
from doctor.project.types import EnvSource, EnvVar, Service
from doctor.project.webapps import Read, dials_from_inside
from doctor.system_folders import home_folder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .presigned import Signer

HOST_SUFFIX = lazy(r"_(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$", re.IGNORECASE)

# words of a key naming the browser as its reader (S3_ENDPOINT_URL_PUBLIC): a page, not a dial
_BROWSER_WORDS = frozenset({"PUBLIC", "BROWSER", "EXTERNAL", "FRONTEND", "CLIENT"})


class Clients:
    """Answers, once per run and with the code read once, why a service dials a server."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.text = CodeText()
        self._code: dict[str, list[Path]] = {}  # service -> its code folders (asked for each variable)
        self._proxied: dict[str, dict[str, str]] = {}  # service -> the variables its dev server proxies to
        self._read: Read = {}  # what doctor.project.webapps read of a code folder, once a run
        self._inside: dict[str, str | None] = {}  # service -> why it dials its browser-facing URLs itself
        self._top: list[Path] | None = None  # the git work tree's top, when asked
        self._home: Path | None = None  # the user's home folder, when asked (Path.home() reads the env each time)

    def reason(self, consumer: Service, name: str, server: Service) -> str | None:
        """Why doctor thinks the consumer dials the server with this variable, or None."""
        given = self._given(consumer, name)
        if given is not None:
            return given
        depends = _dependency(consumer, server.name)
        if depends is None or self._from_anothers_dotenv(consumer, name) or _admin_ignores(consumer, name):
            return None
        prefix = re.sub(r"_?PORT$", "", name, flags=re.IGNORECASE).upper()
        for other, var in consumer.environment.items():
            if other != name and HOST_SUFFIX.search(other) and HOST_SUFFIX.sub("", other.upper()) == prefix \
                    and var.value:
                return f"gets {other}={var.value} and {depends}"
        return None

    def local_reason(self, service: Service, name: str, peer: str) -> str | None:
        """Why a service dials `localhost` from this variable: it reads it, or depends on the peer.

        A shared `.env` is written for tools run on the host (POSTGRES_SERVER=localhost): a
        service that gets it but whose own code doctor can read, and never names the variable,
        does not dial the peer with it, whatever it depends on (a test runner built from
        `frontend/` beside `backend/`). Depending on the peer counts only when the code is unknown:
        none to read, or no program among it (ckan-docker's image brings CKAN from its base image;
        the repo adds entrypoint scripts and patches).
        """
        given = self._given(service, name)
        if given is not None:
            return given
        depends = _dependency(service, peer)
        if (depends is None or self._app_code(service) or self._from_anothers_dotenv(service, name)
                or _admin_ignores(service, name)):
            return None
        return depends

    def _from_anothers_dotenv(self, service: Service, name: str) -> bool:
        """Whether the service gets the variable only from another program's dotenv (`_anothers_dotenv`):
        its value is that program's, so depending on the peer says nothing of the service dialling it."""
        var = service.environment.get(name)
        return (var is not None and var.source is EnvSource.ENV_FILE and var.location is not None
                and self._anothers_dotenv(service, var.location.path))

    def loads_line(self, service: Service, var: EnvVar) -> str | None:
        """`loads DATABASE_URL from backend.env`, when the variable comes from an env_file the
        service lists that no tool on the host reads by convention (not compose's `.env` or the
        --env-file it interpolates from, not a dotenv-named `.env*`), and doctor cannot read the
        service's program; else None. Such a file is written for the containers that load it, so a
        line that another of them is reported for is theirs too: saleor-platform's backend.env
        reaches `api` (which depends on db) and `worker` (which does not), and a fix for `api` alone
        leaves the worker dialling itself. Not for the project-wide `.env` (a frontend test runner
        that merely gets it), nor for a service whose own code doctor reads and never names it."""
        path = var.location.path if var.location is not None else None
        if (var.source is not EnvSource.ENV_FILE or path is None or path not in service.env_files
                or host_dotenv(self.project, path) or self._app_code(service) or _server_image(service)
                or _admin_ignores(service, var.name)):
            return None
        return f"loads {var.name} from {self.project.shown(path)}"

    def _app_code(self, service: Service) -> bool:
        """Whether doctor can read the service's program: a source file (not a script or config) in its code."""
        return app_code(self.text, self._folders(service))

    def server_reads(self, service: Service, name: str) -> bool:
        """Whether the service's own server-side program reads the variable: a source file of a
        server language (Python, Ruby, Go, PHP, ...), not a test, or a JavaScript/TypeScript file of a
        service whose code holds no browser bundle (no vite, webpack, next or other bundler config:
        a Node server, not a frontend). What it reads there it dials from its container."""
        folders = self._folders(service)
        suffixes = SERVER_SUFFIXES
        if not any(os.path.lexists(folder / config) for folder in folders for config in _BUNDLER_CONFIGS):
            suffixes = suffixes | NODE_SERVER_SUFFIXES
        runtime = self._suffixes(service)
        if runtime is not None:
            suffixes = suffixes & runtime
        if self.text.reader_of(name, folders, "", suffixes, tests=False) is None:
            return False
        # go-coffeeshop's web returns REVERSE_PROXY_URL to its page as JSON: the browser dials it, not the server
        return not self._hands_out(name, folders, suffixes)

    def _hands_out(self, name: str, folders: list[Path], suffixes: frozenset[str]) -> bool:
        """Whether every file of the service's program that names the variable only hands it to the browser
        in a response (doctor.project.handed_out)."""
        from doctor.project.codetext import is_test
        from doctor.project.handed_out import hands_to_browser

        texts = [(path, text) for folder in folders for path, text in self.text.files(folder)
                 if path.suffix.lower() in suffixes and name in text and not is_test(path, folder)]
        return bool(texts) and all(hands_to_browser(name, text, path.suffix) for path, text in texts)

    def opens_itself(self, service: Service, name: str) -> bool:
        """Whether the service dials an http URL in `name` itself, whatever a browser would make of it: it
        serves no page (publishes and exposes no port, runs neither Node nor a static web server such as
        nginx serving a built bundle) and reads the variable in its code, scripts or command, or has no
        program doctor can read. openlibrary's `solr-updater` passes OL_URL to a Python updater from its
        start script; a bot whose readable code never names the variable does not dial it. An S3
        endpoint's key (MLFLOW_S3_ENDPOINT_URL, AWS_S3_ENDPOINT_URL) is its S3 client's, which a library
        reads (boto3 under the MLflow server's artifact store), whatever pages the service serves: dialed
        from its container where it runs neither Node nor a static web server and the key names no
        browser (a presigned link's audience is presigned.py's)."""
        from .presigned import S3_ENDPOINT_KEY

        storage = S3_ENDPOINT_KEY.search(name) is not None and not _BROWSER_WORDS.intersection(name.upper().split("_"))
        if (service.ports or service.expose) and not storage:
            return False
        base = self._base(service)
        if image_runtime(base) == "node" or image_basename(base) in _STATIC_SERVERS:
            return False
        return storage or not self._app_code(service) or self._reader(service, name) is not None

    def hints(self, service: Service, var: EnvVar) -> tuple[str, ...]:
        """The hosts the project means for the variable elsewhere: the value its env file's committed template
        gives it (bookwyrm's `.env.example` `REDIS_BROKER_HOST=redis_broker`), then the default the service's
        code reads it with (`env("REDIS_BROKER_HOST", "redis_broker")`, `os.getenv("KEY", "redis://broker")`)."""
        found: list[str] = []
        path = var.location.path if var.source is EnvSource.ENV_FILE and var.location is not None else None
        templates = [path.with_name(n) for n in template_names(path.name)] if path is not None and path.name else []
        for template in (*(self.project.env_file(t) for t in templates), self.project.env_example):
            entry = template.entry(var.name) if template is not None else None
            if entry is not None and entry.value:
                found.append(entry.value)
                break
        # every match holds the name: the pattern is compiled for the first text that does (if any)
        default: re.Pattern[str] | None = None
        for folder in self._folders(service):
            for file, text in self.text.files(folder):
                if file.suffix.lower() not in APP_SUFFIXES or var.name not in text:
                    continue
                default = default or _default_pattern(var.name)
                if (match := default.search(text)) is not None:
                    found.append(match[1] or match[2])
                    break
            else:
                continue
            break
        return tuple(dict.fromkeys(host for host in map(_host_of, found) if host))

    def signer(self, service: Service, name: str) -> Signer | None:
        """The file of the service's program that signs URLs for browsers with the S3 endpoint in `name`
        (plane's storage.py, `generate_presigned_url` from AWS_S3_ENDPOINT_URL), or None (presigned.signer)."""
        from .presigned import signer

        runtime = self._suffixes(service)
        return signer(self.text, name, self._folders(service), APP_SUFFIXES & runtime if runtime else APP_SUFFIXES)

    def dials_from_inside(self, service: Service) -> str | None:
        """Why the service opens its browser-facing URLs from inside its container, or None."""
        if service.name not in self._inside:
            self._inside[service.name] = dials_from_inside(service, self._folders(service), self._read)
        return self._inside[service.name]

    def proxied(self, service: Service) -> dict[str, str]:
        """The variables the service's dev server proxies to (it dials them itself), each with the
        config file that says so; its config files read once."""
        found = self._proxied.get(service.name)
        if found is None:
            from doctor.project.webapps import proxied_variables

            proxied = proxied_variables(self._folders(service), self._read)
            found = self._proxied[service.name] = {name: self.project.shown(path) for name, path in proxied.items()}
        return found

    def _given(self, service: Service, name: str) -> str | None:
        """It reads the variable in its code or command, or compose gives it to this service alone."""
        var = service.environment.get(name)
        path = var.location.path if var is not None and var.location else None
        if path is not None and spring_config(path):
            return f"reads it as a Spring Boot property of {path.name}, which compose's {name} overrides"
        where = self._reader(service, name)
        if where is not None:
            return f"reads {name} in {where}"
        if name in LIBPQ_KEYS and (config := _libpq_reader(self.project, service, name)) is not None:
            return (f"reads {name} through libpq ({self.project.shown(config)} sets no {LIBPQ_KEYS[name]} "
                    "for its postgresql adapter)")
        if var is None or _admin_ignores(service, name):
            return None
        if var.source is EnvSource.ENVIRONMENT:
            return f"sets {name} in its environment"
        # the project's .env (or the --env-file compose reads instead) is every service's file,
        # whoever loads it today
        shared = path is None or path in self.project.interpolation_files or any(
            other is not service and (path in other.env_files or any(
                v.location is not None and v.location.path == path for v in other.environment.values()))
            for other in self.project.services.values())
        return None if shared or self._anothers_dotenv(service, path) else f"loads {name} from its own env_file"

    def _anothers_dotenv(self, service: Service, path: Path | None) -> bool:
        """Whether `path` is the dotenv of another program's folder: a `.env*` beside a package.json,
        pyproject.toml or requirements.txt that none of the service's code comes from. formbricks'
        `cube` (cubejs/cube) loads `apps/web/.env`, the Next.js app's, run on the host with its
        `localhost` values, for CUBEJS_API_SECRET alone: its DATABASE_URL is not cube's. The project's own
        folder (its compose project directory, or the top of the git work tree holding it) is no other
        program's: its manifest is the project's, and a service loading a dotenv there (litestar-fullstack's
        `.env.local.example` beside its pyproject.toml, on a python image running `python -m app`) gets the
        values its own containers dial."""
        if path is None or not path.name.startswith(".env"):
            return False
        folder = Path(os.path.normpath(path.parent))
        if folder == Path(os.path.normpath(self.project.root)) or folder in self._work_tree():
            return False
        if not any(os.path.lexists(folder / name) for name in _APP_MANIFESTS):
            return False
        return not any(folder == code or folder.is_relative_to(code) or code.is_relative_to(folder)
                       for code in self._folders(service))

    def _reader(self, service: Service, name: str) -> str | None:
        from doctor.project.shipped import run_words

        runs = " ".join(run_words(self.project, service))  # the image's ENTRYPOINT and CMD too
        folders, command, suffixes = self._folders(service), run_line(service), self._suffixes(service)
        where = self.text.reader_of(name, folders, command, suffixes, runs)
        if where is not None and where != "its command" and Path(where).suffix.lower() in CONFIG_SUFFIXES:
            # a config file first in the walk: a program's code that reads the key is the better answer, and a
            # file that only sets it (ralph's Debian redis.conf, `REDIS_HOST=localhost`) reads nothing
            code = self.text.reader_of(name, folders, command, (suffixes or SOURCE_SUFFIXES) - CONFIG_SUFFIXES,
                                       runs, tests=False)
            if only_sets(self.text, folders, Path(where), name) or (
                    code is not None and (code == "its command" or Path(code).suffix.lower() in APP_SUFFIXES)):
                where = code
        if where is None or where == "its command":
            return where
        return self.project.shown(Path(where))

    def _suffixes(self, service: Service) -> frozenset[str] | None:
        """The source files the service's runtime runs (its stage's base image: python or node), with
        scripts and config files; None when the runtime is another or unknown (every file counts)."""
        family = image_runtime(self._base(service))
        return None if family is None else RUNTIME_SUFFIXES[family] | ANY_RUNTIME

    def _base(self, service: Service) -> str:
        """The image the service runs on: its stage's base when it builds one, else its image ("" unknown)."""
        return service_base(self.project, service)

    def _folders(self, service: Service) -> list[Path]:
        found = self._code.get(service.name)
        if found is None:
            found = self._code[service.name] = self._code_folders(service)
        return found

    def _code_folders(self, service: Service) -> list[Path]:
        root = self.project.root
        codes = self.project.code_map(service)
        # the image holds what its Dockerfile COPYs, not the whole build context (a test runner
        # built from the repo root does not run the backend's code)
        image = [p.host for p in codes.copies] or ([codes.context] if codes.context else [])
        # and what it built in the stages it copies from (`COPY --from=builder /opt/app /opt/app`)
        dockerfile = self.project.dockerfile(service)
        if dockerfile is not None and codes.context is not None:
            from doctor.project.dockerfile import staged_sources

            image += staged_sources(dockerfile, codes.context)
        found = [p.host for p in codes.live] + image
        # only the project's own code: a bind of $HOME or / is not searched; the project's is under the folder
        # around it, the context the service builds from, or the git work tree holding the project
        # (litestar-fullstack's compose in tools/deploy/docker builds `../../..` and binds `../../../src`)
        tops = [root.parent, *([codes.context] if codes.context is not None else []), *self._work_tree()]
        tops = [top for top in tops if top != self._home_folder() and top != Path(top.anchor)]
        return [p for p in dict.fromkeys(found) if str(p) != (p.anchor or ".") and _under(p, tops)]

    def _work_tree(self) -> list[Path]:
        """The top of the git work tree holding the project, found once ([] outside one, or for a repo of
        $HOME or /)."""
        if self._top is None:
            repo = self.project.repo()
            top = Path(os.path.normpath(repo.top)) if repo is not None else None
            self._top = [top] if top is not None and top != self._home_folder() and top != Path(top.anchor) else []
        return self._top

    def _home_folder(self) -> Path:
        """system_folders.home_folder, asked once per run."""
        if self._home is None:
            self._home = home_folder()
        return self._home


def _under(path: Path, tops: list[Path]) -> bool:
    """`any(path.is_relative_to(top) for top in tops)`, by the paths' text (codepaths.within): a service's
    COPY sources are many (otel-demo's twenty services copy ~90), and relative_to raises a ValueError for
    each top a path is not under."""
    text = str(path)
    return any(within(text, str(top)) for top in tops)


# the files of a program that runs on a server, never in a browser
SERVER_SUFFIXES = frozenset({".py", ".go", ".rb", ".php", ".java", ".kt", ".rs", ".cs", ".ex", ".exs", ".scala"})
NODE_SERVER_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".ts"})
# a browser bundle's build config: its JavaScript may run in the developer's browser
_BUNDLER_CONFIGS = ("vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts", "webpack.config.js",
                    "vue.config.js", "next.config.js", "next.config.mjs", "next.config.ts", "nuxt.config.ts",
                    "nuxt.config.js", "svelte.config.js", "angular.json", "astro.config.mjs", "rollup.config.js",
                    "parcel.config.js", ".parcelrc", "remix.config.js", "craco.config.js")
# web servers whose image serves a built browser bundle as static files
_STATIC_SERVERS = frozenset({"nginx", "httpd", "caddy", "apache", "nginx-unprivileged", "openresty"})
_APP_MANIFESTS = ("package.json", "pyproject.toml", "requirements.txt", "Gemfile", "go.mod", "composer.json")


def _default_pattern(name: str) -> re.Pattern[str]:
    """The default a program reads the variable with: `environ.get("KEY", "x")`, `getenv("KEY", "x")`,
    `env("KEY", default="x")`, `process.env.KEY || "x"` (`??` too)."""
    key = re.escape(name)
    return re.compile(rf"""["']{key}["']\s*,\s*(?:default\s*=\s*)?["']([^"'\s]+)["']"""
                      rf"""|\benv\.{key}\s*(?:\|\||\?\?)\s*["']([^"'\s]+)["']""")


def _host_of(value: str) -> str:
    """The host a value names: a URL's, else the value before any `:port`; "" when it names none."""
    if "://" in value:
        from urllib.parse import urlsplit

        try:
            return urlsplit(value).hostname or ""
        except ValueError:
            return ""
    host = value.split(":", 1)[0].strip()
    return host if re.fullmatch(r"[A-Za-z0-9][\w.-]*", host) else ""


def _libpq_reader(project: Project, service: Service, name: str) -> Path | None:
    """rails_env.libpq_reader, imported where a libpq variable is judged (a Rails reader no other project needs)."""
    from doctor.project.rails_env import libpq_reader

    return libpq_reader(project, service, name)


def _server_image(service: Service) -> bool:
    """Whether the service runs a third-party server's image as it comes (`redis:6-alpine`, no build): that
    server reads its own settings, none of an app's keys (nautobot's `redis` loading dev.env's NAUTOBOT_DB_PORT)."""
    from doctor.project.service_network import server_family

    return service.build is None and server_family(service) is not None


def _admin_ignores(service: Service, name: str) -> bool:
    """doctor.project.admin_tools.admin_ignores, imported where a service's reason is asked: pgAdmin on a shared
    `.env` with DB_HOST=127.0.0.1, linked to postgres, reads PGADMIN_* alone and dials nothing with it."""
    from doctor.project.admin_tools import admin_ignores

    return admin_ignores(service, name)


def _dependency(service: Service, peer: str) -> str | None:
    """How the service depends on the peer (`depends on 'db'`, `links to 'db'`), or None. A legacy
    `links:` entry (`db` or `db:alias`) is a dependency too: compose starts the linked service first
    (ckan-docker's docker-compose.dev.yml links `ckan-dev` to db, solr and redis, with no depends_on)."""
    if peer in service.depends_on:
        return f"depends on '{peer}'"
    if any(link.partition(":")[0] == peer for link in service.links):
        return f"links to '{peer}'"
    return None
