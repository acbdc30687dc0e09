"""The `.env` a Laravel app loads in its container, read with vlucas/phpdotenv's rules (never run).

A Laravel app is a folder holding `artisan` and a composer.json requiring laravel/framework. A
service that runs PHP (its image, Dockerfile or command names php, artisan, composer, Sail,
FrankenPHP or Octane; never a server image such as nginx or mysql mounting the same folder, nor a web
server built on nginx, httpd or caddy that installs and starts no PHP: aschmelyun/docker-compose-laravel's
`app`, `FROM nginx:stable-alpine` whose RUN lines name its `laravel` user, hands `.php` to
`fastcgi_pass php:9000`, and the `php` service's php-fpm reads the app's config) and
gets that folder from the host (Sail's `.:/var/www/html` bind mount, or a COPY `.dockerignore`
lets through) loads the app's `.env` at boot, or `.env.$APP_ENV` where the service sets APP_ENV and
that file exists (Laravel's LoadEnvironmentVariables; none once `artisan config:cache` wrote
bootstrap/cache/config.php). phpdotenv is immutable in Laravel: a
variable the process already holds (compose's environment, the image's ENV) stays; within the
file the last line of a key wins. Its line rules: `export ` prefix, single quotes literal, double
quotes with escapes and `${VAR}` expansion, unquoted values with `${VAR}` expansion and a ` #`
comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.codepaths import CodeMap
from doctor.project.reading import ENV_LIMIT, is_dir, is_file, read_regular_text
from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

# what a service that runs PHP names somewhere in its image, build, Dockerfile or command
PHP_WORDS = lazy(r"php|artisan|\bcomposer\b|\bsail\b|frankenphp|octane|laravel", re.IGNORECASE)
# phpdotenv's entry: an optional `export`, a name, `=`, the rest of the line (a quoted value may go on)
ENTRY = lazy(r"^[ \t]*(?:export[ \t]+)?([A-Za-z0-9_.]+)[ \t]*=[ \t]*(.*)$")
EXPANDED = lazy(r"\$\{([A-Za-z0-9_.]+)\}")
COMMENT = lazy(r"[ \t]#")  # an unquoted value's comment starts after whitespace
# a web server's image (its own or its Dockerfile's base) serves the folder and runs no PHP of its own
WEB_SERVERS = frozenset({"nginx", "nginx-unprivileged", "openresty", "httpd", "caddy", "traefik"})
# what puts a PHP runtime on such an image: a package install naming php, docker-php-ext, or a start of php/php-fpm
# (`/usr/sbin/php-fpm82`, never a path's `index.php`), a command spelled in lower case as a shell runs it: the
# words `PHP files` or `PHP-FPM` of a comment in the nginx config a RUN writes through a heredoc start nothing
# (InvoiceShelf's docker/development/nginx.Dockerfile, `FROM nginx`, `cat <<EOF > .../20-invoiceshelf.conf.template`)
PHP_RUNTIME = lazy(r"(?:\b(?:apk|apt-get|apt|yum|dnf|microdnf)\b[^\n;&|]*\b(?:add|install)\b[^\n;&|]*\bphp"
                   r"|docker-php-ext|(?:^|[\s;&|/])(?-i:php(?:-fpm)?)[\d.]*(?=\s|$))", re.IGNORECASE | re.MULTILINE)
# a line of a RUN (or of the config file its heredoc writes) that is a comment: `# Pass "*.php" files to PHP-FPM`
_COMMENT_LINE = lazy(r"^[ \t]*#.*$", re.MULTILINE)
ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "v": "\v", "f": "\f", '"': '"', "\\": "\\", "$": "$"}


def is_laravel_app(folder: Path) -> bool:
    """Whether the folder is a Laravel app's root: `artisan` beside a composer.json requiring
    laravel/framework."""
    return is_file(folder / "artisan") and composer_requires(folder, "laravel/framework")


def composer_requires(folder: Path, package: str) -> bool:
    """Whether the folder's composer.json requires `package` (its `require`, not `require-dev`)."""
    if not is_file(folder / "composer.json"):
        return False
    try:
        manifest = json.loads(read_regular_text(folder / "composer.json", 512 * 1024) or "")
    except ValueError:
        return False
    require = manifest.get("require") if isinstance(manifest, dict) else None
    return isinstance(require, dict) and package in require


def runs_php(project: Project, service: Service) -> bool:
    """Whether the service runs PHP: its image, build context, Dockerfile or command names it, and it
    is no server image (an nginx or mysql that mounts the app's folder never reads its `.env`); on a web
    server's image (nginx, httpd, caddy) only a PHP it installs or starts counts, not a `laravel` user or folder."""
    from doctor.project.env_hosts import image_basename
    from doctor.project.script_finder import run_words
    from doctor.project.service_network import server_family

    if server_family(service) is not None:
        return False
    recipe = project.image_recipe(service)
    started = " ".join(run_words(project, service))
    base = recipe.base if recipe is not None else service.image or ""
    if image_basename(base) in WEB_SERVERS:
        runs = [_COMMENT_LINE.sub("", s.text) if "#" in s.text else s.text
                for s in recipe.runs] if recipe is not None else []
        return any(PHP_RUNTIME.search(w) for w in (started, *runs))
    words = [service.image or "", started]
    if service.build is not None:
        words.append(str(service.build.context or ""))
        if recipe is not None:
            words += [recipe.base, *(s.text for s in recipe.runs)]
    return any(PHP_WORDS.search(w) for w in words)


def laravel_env(project: Project, service: Service, codes: CodeMap,
                environ: Mapping[str, str]) -> Iterator[tuple[str, str, Location]]:
    """The (key, value, line) the service's Laravel app sets from its `.env` in the container, with
    `environ` the process environment before it (compose's over the image's ENV)."""
    if not runs_php(project, service):
        return
    folders = [p.host for p in codes.live] + ([codes.context] if codes.context is not None else [])
    for folder in dict.fromkeys(folders):
        if not is_dir(folder) or not is_laravel_app(folder):
            continue
        if is_file(folder / "bootstrap" / "cache" / "config.php"):
            return  # `artisan config:cache` ran: Laravel reads its cached config and never the .env
        name = f".env.{environ['APP_ENV']}" if environ.get("APP_ENV") else ""
        path = folder / name if name and is_file(folder / name) else folder / ".env"
        inside = codes.to_container(path)
        found = codes.to_host(inside) if inside is not None else None
        if found is None or found[0] != path or not is_file(path):
            continue  # the file does not reach the container (or another mount hides it)
        yield from ((k, v, Location(path, line)) for k, v, line in php_view(path, environ))
        return


def php_view(path: Path, environ: Mapping[str, str]) -> Iterator[tuple[str, str, int]]:
    """The (key, value, line) that phpdotenv's immutable load of the file sets in a process holding
    `environ`: a key the process holds stays, the last line of a key wins, `${VAR}` expanded from
    the process and the file's earlier lines. A value doctor cannot read (an unclosed quote, a
    `${VAR}` it cannot resolve) is left out."""
    text = (read_regular_text(path, ENV_LIMIT) or "").replace("\r\n", "\n")
    lines = text.split("\n")
    loaded: dict[str, tuple[str | None, int]] = {}
    scope = dict(environ)  # what `${VAR}` reads: the file's earlier values, the process's over them
    at = 0
    while at < len(lines):
        match = ENTRY.match(lines[at])
        start = at
        at += 1
        if match is None:
            continue
        key, rest = match.group(1), match.group(2)
        if rest[:1] == '"':
            while not _closed(rest) and at < len(lines):  # a double-quoted value may span lines
                rest += "\n" + lines[at]
                at += 1
        value = _value(rest, scope)
        if key not in environ:
            loaded[key] = (value, start + 1)
            if value is not None:
                scope[key] = value
            else:
                scope.pop(key, None)
    for key, (value, line) in loaded.items():
        if value is not None:
            yield key, value, line


def _closed(rest: str) -> bool:
    at = 1
    while at < len(rest):
        if rest[at] == "\\":
            at += 2
            continue
        if rest[at] == '"':
            return True
        at += 1
    return False


def _value(rest: str, scope: Mapping[str, str]) -> str | None:
    """A value as phpdotenv reads it; None where doctor cannot tell it."""
    if rest[:1] == "'":
        end = rest.find("'", 1)
        return rest[1:end] if end > 0 else None
    if rest[:1] == '"':
        out, at = [], 1
        while at < len(rest):
            char = rest[at]
            if char == "\\" and at + 1 < len(rest):
                nxt = rest[at + 1]
                out.append(ESCAPES.get(nxt, "\\" + nxt))
                at += 2
                continue
            if char == '"':
                return _expanded("".join(out), scope)
            out.append(char)
            at += 1
        return None
    value = COMMENT.split(rest, maxsplit=1)[0].strip() if not rest.startswith("#") else ""
    if any(c in value for c in " \t\"'"):
        return None  # phpdotenv refuses the file (unexpected whitespace or quote)
    return _expanded(value, scope)


def _expanded(value: str, scope: Mapping[str, str]) -> str | None:
    missing = [m.group(1) for m in EXPANDED.finditer(value) if m.group(1) not in scope]
    if missing:
        return None
    value = EXPANDED.sub(lambda m: scope[m.group(1)], value)
    return None if "${" in value else value
