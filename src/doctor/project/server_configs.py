"""The lines a known server reads from config files bound into its container, and the upstreams they dial.

A proxy or scraper run from its official image takes its upstreams from a file the project binds in, which
compose never reads: nginx's `./nginx.conf:/etc/nginx/conf.d/default.conf` with `proxy_pass
http://host.docker.internal:8080;` (or a file of /etc/nginx/templates/ its entrypoint fills), a Caddyfile's
`reverse_proxy host.docker.internal:8080`, traefik's dynamic files (`url: http://...`), prometheus.yml's scrape
`targets`, envoy's `address:`, httpd's `ProxyPass`, haproxy's `server`. Only binds into such a server's config
folder are read (or, for a server's image, a bound file named like a config file): a bound folder is listed,
never walked below, and files and lines are bounded. A line counts only under a directive or key that dials
what it names; a comment, nginx's `server_name` or `listen`, traefik's `rule: Host(...)` name hosts nothing
connects to.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location, record
from doctor.project.env_hosts import image_basename
from doctor.project.reading import glob, is_dir, read_regular_text
from doctor.project.types import Service
from doctor.regular import text_lines

# where the official images read their config: a bind below one of these is that server's config
_CONFIG_DIRS = ("/etc/nginx/", "/usr/local/openresty/nginx/conf/", "/etc/caddy/", "/etc/traefik/",
                "/etc/prometheus/", "/etc/envoy/", "/usr/local/apache2/conf/", "/usr/local/etc/haproxy/")
# images whose config may be bound anywhere (traefik's `--providers.file.filename=/config/dynamic.yml`)
_SERVERS = frozenset({"nginx", "nginx-unprivileged", "openresty", "caddy", "traefik", "prometheus", "envoy",
                      "httpd", "haproxy"})
_NGINX_DIRS = ("/etc/nginx/", "/usr/local/openresty/nginx/conf/")
_NGINX_IMAGES = frozenset({"nginx", "nginx-unprivileged", "openresty"})
_SUFFIXES = (".conf", ".template", ".yml", ".yaml", ".toml", ".cfg", "caddyfile")
# directives and keys whose value a server connects to (nginx, Caddy, traefik, prometheus, envoy, httpd, haproxy)
DIAL_WORDS = frozenset({
    "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass", "server",
    "reverse_proxy", "to", "php_fastcgi", "forward_auth", "url", "urls", "targets", "target", "address",
    "socket_address", "endpoint", "proxypass", "balancermember",
})
# a YAML key (`url:`, `- targets:`) or a TOML one (`url =`); `host:9100` is none
_KEY = lazy(r"[\"']?([A-Za-z_][\w.-]*)[\"']?\s*(?::(?=\s|$)|=)")
_FILES = 64  # files of one bound folder
_LIMIT = 256 * 1024  # a config file; a larger one is no hand-written config


@record
class ConfigLine:
    """A line of a bound config file (comment cut off) and the directive or key it sets: for a YAML list item
    with no key of its own (`- host.docker.internal:9100` under prometheus's `targets:`), the list's key."""

    location: Location
    word: str
    text: str


def config_files(service: Service) -> list[Path]:
    """The host files bound into a known server's config (a bound folder's files, not below it)."""
    return list(_bound_configs(service))


def _bound_configs(service: Service) -> dict[Path, str]:
    """Each host file bound into a known server's config, with the container folder it is bound below."""
    server = bool(service.image) and image_basename(service.image or "") in _SERVERS
    found: dict[Path, str] = {}
    for mount in service.volumes:
        if mount.type != "bind" or not mount.source or "$" in mount.source:
            continue
        target = posixpath.normpath(mount.target) + "/"
        source = Path(mount.source)
        if is_dir(source):
            if target.startswith(_CONFIG_DIRS):
                for path in [p for p in glob(source, "*") if p.name.lower().endswith(_SUFFIXES)][:_FILES]:
                    found.setdefault(path, target)
        elif target.startswith(_CONFIG_DIRS) or (server and target.rstrip("/").lower().endswith(_SUFFIXES)):
            found.setdefault(source, target)
    return found


def _comment_style(service: Service, path: Path, target: str) -> str:
    """How the file's server (or format) starts a comment: `nginx` (`#` outside quotes, anywhere), `hash`
    (`#` after whitespace, or first on the line: YAML, a Caddyfile, the rest), `toml` (`#` outside strings)."""
    name = path.name.lower()
    if name.endswith(".toml"):
        return "toml"
    if name.endswith((".yml", ".yaml")) or "caddy" in name or target.startswith("/etc/caddy/"):
        return "hash"
    if target.startswith(_NGINX_DIRS) or image_basename(service.image or "") in _NGINX_IMAGES:
        return "nginx"
    return "hash"


def _uncommented(raw: str, style: str) -> str:
    """`raw` without its comment: nginx and TOML cut at a `#` outside quotes (`proxy_pass http://app:8000;# was
    host.docker.internal`), YAML and a Caddyfile at one after a space or tab or first on the line."""
    quote = ""
    for at, char in enumerate(raw):
        before = raw[at - 1] if at else " "
        if quote:
            quote = "" if char == quote and not (quote == '"' and before == "\\") else quote
        elif char in "\"'" and (style != "hash" or before in " \t:[{,-" or before == char):
            quote = char  # YAML quotes a scalar from its start (`it's` is plain), and `''` is a quote in one
        elif char == "#" and (style != "hash" or before in " \t"):
            return raw[:at]
    return raw


def config_lines(service: Service) -> Iterator[ConfigLine]:
    """The lines of the service's bound config files that set a directive or key it dials with."""
    for path, target in _bound_configs(service).items():
        text = read_regular_text(path, _LIMIT)
        style = _comment_style(service, path, target)
        listed = ""  # the key a YAML list's items belong to (`targets:`, then `- 'host:9100'` lines)
        for number, raw in enumerate(text_lines(text or ""), 1):
            line = _uncommented(raw, style).strip()
            if not line or line.startswith("#"):
                continue
            item = line.startswith("-")
            body = line[1:].lstrip() if item else line
            key = _KEY.match(body)
            if key is not None:
                word = key[1].lower()
                if not body[key.end():].strip():
                    listed = word
            elif item:
                word = listed  # a bare list item: `- host.docker.internal:9100`
            else:
                word = body.split(None, 1)[0].lower() if body else ""
            if word in DIAL_WORDS:
                yield ConfigLine(Location(path, number), word, line)
