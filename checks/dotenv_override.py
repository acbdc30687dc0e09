"""dotenv-override: an app's `load_dotenv(...)` whose `.env` reaches the container and changes what compose set."""

from __future__ import annotations

from collections.abc import Iterator

from doctor.host import Host
from doctor.lazyre import lazy
from doctor.model import Check, Edit, Finding, Fix, Location, Safety, Severity
from doctor.project import Project
from doctor.project.app_markers import RAILS_LOADER, code_folders, node_manifest, rails_app
from doctor.project.appenv import DotenvCall, DotenvEffect, dotenv_effects, image_env, shown_value, unread_calls
from doctor.project.dotenv_views import NODE_LOADERS
from doctor.project.edits import line_text
from doctor.project.env_hosts import FAMILIES, HostRef, host_refs, image_family
from doctor.project.python_calls import python_calls
from doctor.project.service_network import namespace_owner, server_family

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project.codepaths import CodeMap
    from doctor.project.types import Service

OVERRIDE_ARG = lazy(r",\s*(?:override|overwrite)\s*=\s*True\b|\b(?:override|overwrite)\s*=\s*True\s*,?\s*"
                    r"|,\s*override\s*:\s*true\b|\boverride\s*:\s*true\s*,?\s*")  # Node's `{ path, override: true }`


class DotenvOverride(Check):
    """an app's .env loader (load_dotenv(), Node's dotenv) whose .env reaches the container and changes what compose set

    What it finds
        A Python app that calls python-dotenv's `load_dotenv(...)` (read with `ast`, never run)
        while the file it loads reaches the container: through a bind mount of the code folder, a
        `develop.watch` sync, or a COPY into the image that `.dockerignore` does not stop (a service with
        no `build:` whose `image:` is what exactly one other service builds runs that build's image, its
        COPYs and ENV: suitenumerique/people's 'celery' on the image 'app' builds). doctor
        follows the call's path inside the container: `Path(__file__).resolve().parent / ".env"`,
        `os.path.join(BASE_DIR, ".env")`, a literal (relative to the working dir, or to the folder
        of `manage.py`), `os.path.join(os.path.dirname(__file__), os.pardir, ".env")`,
        `find_dotenv()` / `find_dotenv(".env.local")` (that name, from the calling file's folder
        upwards), `os.getenv("APP_CONF")` / `os.environ.get(..., "/etc/app.conf")` (compose's value
        for that service, else the default; no default is None: `load_dotenv(None)` searches), and
        a `for path in [...]` loop over candidates (the first that exists when the loop breaks, each
        one otherwise). A name bound in a module the calling one star-imports counts (`BASE_DIR` through
        `from .dev import *`, whose `dev.py` does `from .common import *`: relative imports, and
        absolute ones of the project's own packages, four levels and 16 files at most, read with `ast`
        too); a call with `override=True` whose file doctor still cannot work out (a function's result,
        a name from an installed package) is a note, never a silent pass. Imported names count under
        their alias (`from dotenv import load_dotenv as ld`). django-environ's `Env.read_env(path,
        overwrite=...)` (no path: the `.env` beside the calling module; environs' `read_env()` walks up)
        is read the same way, with django-environ's paths: `root = environ.Path(__file__) - 3` (three
        folders up from the file: `- 1` is its folder), `root.path("x")`, `root("a/b")` (a join). A path
        built from a literal and a variable (`root("dojo/settings/" + env.str("DD_ENV_PATH",
        ".env.prod"))`, `env("X", default=...)`, `os.environ.get("X", "...")`, an f-string) takes the
        service's value (compose's, over its Dockerfile's ENV), else the default, which the message then
        says was assumed. pydantic-settings' `env_file` (`SettingsConfigDict(env_file=...)`, a
        `model_config` dict, or `class Config`), relative to the working dir, fills only the class's
        fields (with `env_prefix`) and never beats compose; so does python-decouple's `config("KEY")`
        (the `.env` found from the module's folder upwards, for the keys it asks for; `config` from
        `from .base import *` too). A settings module beside the one the service's
        DJANGO_SETTINGS_MODULE names (settings/prod.py beside settings/local.py), which that one does
        not import, does not run there. Where a service's command runs Django's manage.py, a call in
        it runs only in the services whose command (or a script it runs) does: not in a celery worker,
        nor in a pulled image of another program that binds the checkout and runs its own CMD (no
        `build:`, no python image: suitenumerique/meet's 'crowdin', `crowdin/cli` over `.:/app`).
        It reads that file with python-dotenv itself against the
        environment compose sets, over the ENV of the service's Dockerfile (the process holds that
        too), and reports, at the call, each variable the app then sees with another value than
        compose's, naming the file:line that sets it. With `override=True` (`overwrite=True`) the file
        beats compose (error when the file's value dials localhost, else warning), and the image's
        ENV alike (bakerydemo's `ENV DJANGO_DEBUG=off`: "overrides 'off' of the image's ENV
        (Dockerfile:59)"); without it, a variable that ENV sets stays the image's (`ENV
        REDIS_URL=redis://redis:6379/0` after `COPY . .`) and is no finding. A variable neither
        sets is filled by the file with or without override: it is an error when its
        localhost names a server of this stack (`REDIS_URL=redis://localhost` next to a `redis`
        service), info otherwise (the app's own host-side setting). One fault, one finding: where
        leaked-host-port judges that same `.env` line (the app environment it reads holds the value),
        the error is leaked-host-port's, at the line with its fix, and this one a note pointing there.
        A call in a `try:` that goes on without the package (`except ImportError` /
        `ModuleNotFoundError: pass`, tubearchivist's settings.py, whose image installs python-dotenv
        only from requirements-dev.txt) is at most a warning, and says so: where the image lacks
        python-dotenv it never runs.

        A call under an `if` that reads the environment (`if not os.environ.get("IN_DOCKER")`,
        `os.getenv("X") is None`, `"X" not in os.environ`, `os.environ.get("X") != "1"`, their
        `else:`, `and` / `or`, a flag assigned from one, `os.path.exists("/.dockerenv")`,
        django-environ's and environs' `env.bool("X", default=False)`: cookiecutter-django's
        `READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)`) is judged
        per service, on compose's environment over its Dockerfile's ENV: where it is false the call
        does not run there. A condition doctor cannot read, or a variable another loaded file may
        set, counts as true. A node asset builder (a node image whose Dockerfile and command never
        name Python) runs no Python and is not reported for Python's calls.

        Node's loaders count in a service that runs Node (a node image, or a command naming node,
        npm, yarn, pnpm, npx, bun, pm2), read from what it runs, never run: its command (compose's,
        else its Dockerfile's CMD; none readable: package.json's `start` script, else `main`)
        through the package.json scripts of its working dir (`yarn dev`, `npm run X`, `npm start`)
        to entry files (`node F`, `nodemon F`, `ts-node F`, `pm2 start F`; `nest start`: nest-cli.json's
        sourceRoot/entryFile; `node dist/main`: the TypeScript source tsconfig's outDir is compiled from; a
        shell script of the service's code, `CMD ["/opt/startup.sh"]`, read line by line), then the relative
        `require()` / `import` of those files and those tsconfig.json's `paths` alias (`from '@config'`
        under `"@config": ["config"]`; 48 files at most, never node_modules). In them:
        `require('dotenv').config(...)`, `dotenv.config(...)` of a binding (`const dotenv =
        require('dotenv')`, `import * as dotenv from 'dotenv'`, `import { config } from 'dotenv'`),
        dotenv-safe's alike, `import 'dotenv/config'`, and @nestjs/config's `ConfigModule.forRoot()` (`.env`
        unless `envFilePath` names others or `ignoreEnvFile: true`; compose wins); in scripts, `node -r dotenv/config`,
        `node --env-file=F`, dotenv-cli's `dotenv -e F [-o] --` and `env-cmd -f F`. A `path:` is a
        literal (relative to the working dir, Node's process.cwd()), a template reading one variable
        (`.env.${process.env.NODE_ENV || 'development'}.local`: the container's NODE_ENV, compose's over
        the image's ENV, else the fallback), `path.join(__dirname, ...)` or
        `path.resolve(__dirname | process.cwd(), ...)`, whose last part may be such a template; the file
        is read with Node dotenv's own line rule (no expansion). Node's dotenv leaves what is set unless
        `override: true` (dotenv-cli's `-o`); env-cmd overrides unless `--no-override`. A load under an
        `if` on one variable (`if (process.env.NODE_ENV !== 'production')`, `=== 'development'`, `!process.env.X`, alone
        before the call or its `{` block) is judged as Python's are: not where compose sets
        NODE_ENV=production. hagopj13/node-express-boilerplate's
        `dotenv.config({ path: path.join(__dirname, '../../.env') })` with compose not setting
        MONGODB_URL: "MONGODB_URL='mongodb://127.0.0.1:27017/node-boilerplate' from .env:5 dials the
        container itself in 'node-app', not 'mongodb' (compose sets none)". In a service that joins
        another's network namespace (`network_mode: service:db`, a dev container's usual setup) localhost
        is that service: rag-postgres-openai-python's `.env` `POSTGRES_HOST=localhost` in its 'app' is
        db's postgres, no fault; one naming another server is said to dial "the namespace of 'db'".

        A Rails app's dotenv railtie (`gem "dotenv-rails"`, or dotenv 3's `gem "dotenv"`, in a Gemfile
        group the service's RAILS_ENV requires, development where unset) loads `.env.$RAILS_ENV.local`,
        `.env.local` (not under test), `.env.$RAILS_ENV` and `.env` at boot, the first winning, and
        leaves compose's values be unless config/application.rb or config/boot.rb asks it to
        overwrite: `Dotenv::Rails.overwrite = true` (dotenv 3), `Dotenv::Railtie.overload` (dotenv 2).
        Then each value those files change is reported at that line: dawarich's devcontainer with
        `.env.development`'s `DATABASE_HOST=localhost` over compose's `dawarich_db`. A service whose start only
        reads the code (a language server or linter: hackclub/hcb's `bundle exec solargraph socket`,
        `rubocop`; not ruby-lsp, whose Rails add-on starts a runner of the app) never boots Rails, and its
        railtie loads nothing.

        A Go app's `godotenv.Overload()` (joho/godotenv; `Load()` leaves compose's values be) and a Rust
        app's dotenvy `dotenv_override()`, `from_filename_override(".env.local")` or `from_path_override(...)`
        (`dotenv()` leaves them be), in a code folder holding go.mod or Cargo.toml, with the file in the
        process's working dir: svix-server's `dotenvy::dotenv_override()` with `.env`'s
        `SVIX_REDIS_DSN=redis://localhost:8078` over compose's `redis://redis:6379`.

    Why it matters
        `REDIS_URL=redis://localhost:6379` in `.env` (right for running the app on the host)
        beats compose's `redis://redis:6379`: inside the container localhost is the container
        itself, and the app fails with "connection refused" although compose looks right.

    Example
        src/paperless/settings/__init__.py:41  PAPERLESS_REDIS='redis://localhost:6379' from
        ../paperless.conf:1 overrides compose's 'redis://broker:6379' in 'paperless-development'

    Fix
        The safe one for the case: drop `override=True` (`overwrite=True`, Node's `override: true`; env-cmd:
        add `--no-override`; Rails: `Dotenv::Rails.overwrite = false`, `Dotenv::Railtie.load`; Go:
        `godotenv.Load` for `Overload`; Rust: `dotenvy::dotenv()` for `dotenvy::dotenv_override()`, advice where the
        call is imported by name, whose `use` must change too) from the
        call when compose sets the variable (compose then wins in the container; on the host the file
        still fills what the shell leaves unset); a flag on a line of its own in a call written over
        several lines (Prettier's one option a line, `override: true,` alone on its own; `override=True,` below
        `load_dotenv(`) loses that line, the rest of the call kept; otherwise keep the file
        out of the image (`.dockerignore`) when a COPY carries it, or set the variable in compose's
        `environment:` of each service reported when a mount does.

    Fix safety
        Dropping `override=True` is safe where compose sets every variable reported: compose's
        value then wins in the container, and on the host the file still fills what the shell
        leaves unset. Keeping the file out of the image or setting a value in compose is advice:
        the app may rely on other values of that file. Values of secret keys and URL passwords
        are masked in every message.
    """

    id = "dotenv-override"
    project_only = True  # reads the project alone: may run beside the run (doctor.forked)
    severity = Severity.WARNING
    fix_family = "env"

    def run(self, project: Project, host: Host) -> Iterator[Finding]:
        maps = {name: project.code_map(s) for name, s in project.services.items()}
        groups: dict[tuple[object, ...], list[DotenvEffect]] = {}
        unread: dict[Location, tuple[DotenvCall, list[str]]] = {}
        for service in project.services.values():
            dockerfile = project.dockerfile(service)
            workdir = service.working_dir or (dockerfile.workdir if dockerfile else None)
            # Node's loaders, of what the service runs (node_dotenv), and Python's (python_calls)
            codes = maps[service.name]
            service_calls = (*python_calls(project, service), *_node_calls(project, service, codes, workdir),
                             *_rails_calls(project, service, codes), *_overriding_go_rust(project, service, codes))
            if not service_calls:
                continue
            environ = image_env(project, service)
            for call in unread_calls(service, service_calls, maps[service.name], environ):
                unread.setdefault(call.location, (call, []))[1].append(service.name)
            recipe = dockerfile.path if dockerfile else None
            for effect in dotenv_effects(service, service_calls, maps[service.name], workdir, environ, recipe):
                if effect.compose_value is None and effect.image_value is None and (not _local_refs(
                        effect.key, effect.app_value) or _dials_its_namespace(project, effect)):
                    continue
                key = (effect.call.location, effect.env_location, effect.key, effect.app_value,
                       effect.compose_value, effect.image_value)
                groups.setdefault(key, []).append(effect)
        # a subject per finding (the fixer plans one fix per subject, a baseline suppresses by it):
        # the services and the key, and the file of the call, which two calls loading one .env differ
        # by (bakerydemo's manage.py and wsgi.py); its line too where one file makes two such calls
        subjects: dict[str, int] = {}
        for effects in groups.values():
            subject = self._subject(project, effects[0], effects)
            subjects[subject] = subjects.get(subject, 0) + 1
        for effects in groups.values():
            subject = self._subject(project, effects[0], effects)
            if subjects[subject] > 1:
                subject += f":{effects[0].call.location.line}"
            yield self._finding(project, effects, subject)
        for call, names in unread.values():
            yield self._unread(project, call, names)

    @staticmethod
    def _subject(project: Project, first: DotenvEffect, effects: list[DotenvEffect]) -> str:
        return f"{','.join(e.service for e in effects)}:{first.key}:{project.shown(first.call.location.path)}"

    def _unread(self, project: Project, call: DotenvCall, names: list[str]) -> Finding:
        """A note, never a silent pass, for a call that beats compose with a file doctor cannot name."""
        services = ", ".join(repr(n) for n in names)
        flag = "overwrite" if call.loader == "read_env" and "overwrite" in call.text else "override"
        loads = f"{call.loader}({flag}=True)" if call.loader not in NODE_LOADERS else f"{call.loader} (override)"
        message = f"could not work out the file this {loads} loads: it may beat compose in {services}"
        drop = f"drop {flag}=True" if call.loader not in NODE_LOADERS else "drop its override"
        fix = Fix(f"keep that file out of the container or {drop} at {_where(project, call.location)}",
                  Safety.ADVICE)
        subject = f"{','.join(names)}:?:{project.shown(call.location.path)}:{call.location.line}"
        return self.finding(message, call.location, subject, fix, Severity.INFO)

    def _finding(self, project: Project, effects: list[DotenvEffect], subject: str) -> Finding:
        first = effects[0]
        services = ", ".join(repr(e.service) for e in effects)
        seen = f"{first.key}={shown_value(first.key, first.app_value)} from {_where(project, first.env_location)}"
        fix = _fix(project, first, services)
        assumed = _assumed(effects)
        if first.call.optional:  # tubearchivist's settings.py: the image may well lack python-dotenv
            assumed += (" (if the image installs python-dotenv: its import is in a try that goes on without it, "
                        "where the call never runs)")
        if first.compose_value is not None or first.image_value is not None:
            message = f"{seen} overrides {_beaten(project, first)} in {services}{assumed}"
            severity = Severity.ERROR if _local_refs(first.key, first.app_value) else self.severity
            return self.finding(message, first.call.location, subject, fix, _spared(first, severity))
        # compose leaves it unset: the file fills it in with or without override; loud only when its
        # localhost stands for a server this stack runs (else it is the app's own host-side setting)
        target = _stack_server(project, first.key, first.app_value)
        if target:
            local = _localhost_in(project, effects, "the container itself")
            message = f"{seen} dials {local} in {services}, not {target!r} (compose sets none){assumed}"
            if all(_judged_at_line(project, e) for e in effects):
                # one fault, one finding: leaked-host-port reports the .env line itself, with the fix there
                message = f"{message}: leaked-host-port reports it at {_where(project, first.env_location)}"
                return self.finding(message, first.call.location, subject, fix, Severity.INFO)
            return self.finding(message, first.call.location, subject, fix, _spared(first, Severity.ERROR))
        local = _localhost_in(project, effects, "the container")
        message = f"{seen} fills what compose leaves unset in {services}: localhost is {local}{assumed}"
        return self.finding(message, first.call.location, subject, fix, Severity.INFO)


def _judged_at_line(project: Project, effect: DotenvEffect) -> bool:
    """Whether leaked-host-port reports the value at its `.env` line: the app environment it reads
    (Project.app_compose, doctor.project.loaded_env) holds the same value from the same line, and this
    run's leaked-host-port finds that line (it runs, and something says the service dials the key: an
    app reading `APP_*` by prefix, or Celery's namespace, is none, and the error stays here)."""
    service = project.app_compose.services.get(effect.service)
    var = service.environment.get(effect.key) if service is not None else None
    if var is None or var.location != effect.env_location or var.value != effect.app_value:
        return False
    from .leaked_host_port.local_lines import reported_lines

    return effect.env_location in reported_lines(project)


def _beaten(project: Project, effect: DotenvEffect) -> str:
    """The value the file beats: compose's, else the image's ENV (the Dockerfile's `ENV
    REDIS_URL=redis://redis:6379/0`, which only override=True beats), named at its line."""
    if effect.compose_value is not None:
        return f"compose's {shown_value(effect.key, effect.compose_value)}"
    where = _where(project, effect.image_location) if effect.image_location else "the Dockerfile"
    return f"{shown_value(effect.key, effect.image_value or '')} of the image's ENV ({where})"


def _node_calls(project: Project, service: Service, codes: CodeMap, workdir: str | None) -> tuple[DotenvCall, ...]:
    """Node's loaders of what the service runs (node_dotenv), where its working dir's package.json reaches it."""
    if not node_manifest(codes, workdir):
        return ()
    from doctor.project.node_dotenv import service_calls

    return service_calls(project, service, codes, workdir)


def _rails_calls(project: Project, service: Service, codes: CodeMap) -> tuple[DotenvCall, ...]:
    """The dotenv railtie's overwriting load (ruby_dotenv), where a Rails app reaches the service."""
    if not rails_app(codes):
        return ()
    from doctor.project.ruby_dotenv import rails_calls

    return rails_calls(project, service, codes)


def _overriding_go_rust(project: Project, service: Service, codes: CodeMap) -> tuple[DotenvCall, ...]:
    """The overriding loads of a Go app's joho/godotenv (`godotenv.Overload()`) and a Rust app's dotenvy
    (`dotenv_override()`, `from_filename_override(...)`), in a code folder holding go.mod or Cargo.toml: the
    non-overriding ones leave compose's values be (leaked-host-port and service-name-drift read them, through
    the same loaded_env readers)."""
    from doctor.project.loaded_env import go_loads, rust_loads

    folders = code_folders(codes)
    return (*go_loads(project, service, folders, overriding=True),
            *rust_loads(folders, overriding=True, marks=codes.marks))


def _spared(effect: DotenvEffect, severity: Severity) -> Severity:
    """At most a warning for a call whose import may be missing in the image (DotenvCall.optional)."""
    return min(severity, Severity.WARNING) if effect.call.optional else severity


def _fix(project: Project, effect: DotenvEffect, services: str) -> Fix:
    call = effect.call
    if call.override and (effect.compose_value is not None or effect.image_value is not None):
        text = line_text(call.location.path, call.location.line)
        if call.loader == RAILS_LOADER:  # `Dotenv::Rails.overwrite = true`: set false, and compose wins
            from doctor.project.ruby_dotenv import overwrite_edit

            new = overwrite_edit(text or "")
            title = f"turn off dotenv's overwrite at {_where(project, call.location)}"
            edits = (Edit(call.location.path, text, new, call.location.line),) if text and new else ()
            return Fix(title, Safety.SAFE if edits else Safety.ADVICE, edits)
        if call.loader in ("godotenv", "dotenvy"):  # `godotenv.Overload(` -> `godotenv.Load(`, `dotenv_override(` ->
            # `dotenv(`: the same files loaded, compose's values kept
            old, new_name = ("Overload(", "Load(") if call.loader == "godotenv" else ("_override(", "(")
            title = (f"load with godotenv.Load, not Overload, at {_where(project, call.location)}"
                     if call.loader == "godotenv" else
                     f"drop _override from dotenvy's {call.text.split('(')[0].split('::')[-1]}() at "
                     f"{_where(project, call.location)}")
            # a bare `dotenv_override()` is imported by name (`use dotenvy::dotenv_override;`): renamed alone it
            # would not build, so only the path-qualified call is rewritten, `dotenvy::dotenv_override()`
            qualified = call.loader == "godotenv" or call.text.startswith("dotenvy::")
            if not qualified:
                name = call.text.split("(")[0]
                base = name.removesuffix("_override")
                title = (f"call {base}() in place of {name}() at {_where(project, call.location)}, importing it "
                         f"(use dotenvy::{base};)")
            edits = (Edit(call.location.path, text, text.replace(old, new_name, 1), call.location.line),) \
                if text is not None and text.count(old) == 1 and qualified else ()
            return Fix(title, Safety.SAFE if edits else Safety.ADVICE, edits)
        line = call.flag_line or call.location.line  # the flag's own line in a call written on several
        text = line_text(call.location.path, line) if line != call.location.line else text
        matches = list(OVERRIDE_ARG.finditer(text or ""))
        flag = "overwrite" if "overwrite" in "".join(m.group(0) for m in matches) else "override"
        title = f"drop {flag}=True from {call.loader} at {_where(project, call.location)}"
        if call.loader in NODE_LOADERS:
            title = _node_override(project, call)
            matches = [m for m in matches if ":" in m.group(0)]
        if text is not None and len(matches) == 1:
            new = text[: matches[0].start()] + text[matches[0].end():]
            if line != call.location.line and not new.strip():  # `  override: true,` alone: the line goes
                return Fix(title, Safety.SAFE, (Edit(call.location.path, text + "\n", "", line),))
            return Fix(title, Safety.SAFE, (Edit(call.location.path, text, new, line),))
        return Fix(title, Safety.ADVICE)
    if effect.carrier.via == "copy":
        env = effect.env_location.path
        return Fix(f"keep {env.name} out of the image: add it to .dockerignore", Safety.ADVICE)
    return Fix(f"set {effect.key} for {services} in compose's environment", Safety.ADVICE)


def _node_override(project: Project, call: DotenvCall) -> str:
    """The title that makes a Node loader leave compose's values be: `override: true` dropped from
    dotenv's options, `-o` from dotenv-cli's words, `--no-override` added to env-cmd's."""
    where = _where(project, call.location)
    if call.loader == "env-cmd":
        return f"add --no-override to env-cmd at {where}"
    if call.loader == "dotenv-cli":
        return f"drop -o (--override) from dotenv at {where}"
    return f"drop override: true from {call.loader}'s config() at {where}"


def _assumed(effects: list[DotenvEffect]) -> str:
    """The note on a file found through a variable's default: `(DD_ENV_PATH unset: its default assumed)`,
    naming the services where some of them set it (to a value naming the same file)."""
    names = list(dict.fromkeys(n for e in effects for n in e.assumed))
    if not names:
        return ""
    where = "" if all(e.assumed for e in effects) else " in " + ", ".join(repr(e.service) for e in effects if e.assumed)
    return f" ({', '.join(names)} unset{where}: {'its default' if len(names) == 1 else 'their defaults'} assumed)"


def _where(project: Project, location: Location) -> str:
    return f"{project.shown(location.path)}:{location.line}"


def _local_refs(key: str, value: str) -> list[HostRef]:
    refs = [r for r in host_refs(key, value) if r.is_local]
    if refs or "/" in value:
        return refs
    return [r for r in host_refs(f"{key}_HOST", value) if r.is_local]  # PAPERLESS_DBHOST=localhost


def _stack_server(project: Project, key: str, value: str) -> str:
    """The service a localhost reference stands for: one of its server family (image or name), or
    one publishing the port it dials; "" when no service of the stack is it."""
    for ref in host_refs(key, value):
        if ref.is_local:
            for name, service in sorted(project.services.items()):
                if _stands_for(ref, name, service):
                    return name
    return ""


def _stands_for(ref: HostRef, name: str, service: Service) -> bool:
    kind = server_family(service) or image_family(name)
    if ref.family is not None and kind == ref.family:
        return True
    port = ref.expected_port({})
    return port is not None and (str(port) in {p.published for p in service.ports} or bool(
        kind and FAMILIES[kind][0] == port))


def _joined(project: Project, name: str) -> Service | None:
    """The service whose network namespace `name` joins (`network_mode: service:db`), else None."""
    owner = namespace_owner(project.compose, project.services[name])
    return owner if owner is not None and owner.name != name else None


def _dials_its_namespace(project: Project, effect: DotenvEffect) -> bool:
    """Whether the localhost a file fills in stands for the server whose namespace the service joins:
    rag-postgres-openai-python's devcontainer 'app' (`network_mode: service:db`), `POSTGRES_HOST=localhost`."""
    owner = _joined(project, effect.service)
    refs = _local_refs(effect.key, effect.app_value)
    return owner is not None and any(_stands_for(r, owner.name, owner) for r in refs)


def _localhost_in(project: Project, effects: list[DotenvEffect], own: str) -> str:
    """What localhost is in the effects' services: their own container, or the one whose namespace they join."""
    owners = {getattr(_joined(project, e.service), "name", "") for e in effects}
    owner = owners.pop() if len(owners) == 1 else ""
    return f"the namespace of {owner!r} (network_mode: service:{owner})" if owner else own
