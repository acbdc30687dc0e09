"""Known failure signatures: a log line's pattern, what it means, and the checks that explain it.

Each signature is one small frozen record, registered through the `doctor.signatures`
entry-point group exactly like a third-party one (pyproject.toml names each built-in below).
A pattern may capture named groups (`host`, `port`, `module`, `path`, `image`): a finding that names
the captured value explains that symptom better than one that only concerns the service.

Besides log lines, `doctor why` matches lines it writes itself from the container's state,
so state faults use the same table: `container was OOMKilled (exit 137)`,
`container is restarting: N restarts`, `healthcheck unhealthy: <last probe output>`,
`container created, never started: it waits on 'db' (...)`, and the
engine's own start error (`Bind for 0.0.0.0:8094 failed: port is already allocated`).
"""

from __future__ import annotations

import re
from functools import cached_property

from doctor.model import record


@record
class Signature:
    """A failure a log line shows: its regex, its meaning, the check ids that find its cause, where to look."""

    id: str
    pattern: str
    meaning: str
    checks: tuple[str, ...] = ()
    look_at: str = ""
    # the line names only the first fault of its kind the service has (the engine binds a container's
    # ports one by one and reports the first held one): its other findings of that check explain it too
    names_first: bool = False
    # the service's key the look-at means (`("healthcheck", "test")`): `why` names its compose file:line
    setting: tuple[str, ...] = ()
    # a failure a process retries without exiting (`until psql ...; do sleep 1; done`): repeated at the end
    # of a running container's log, the service is stuck waiting, not up (doctor.why.loop)
    retried: bool = False
    # signatures that misread a line this one matches (a registry's host that does not resolve is a failed
    # pull, not the app's host name): dropped from that line's readings, their checks not asked
    supersedes: tuple[str, ...] = ()
    # a note (info) of its checks explains it as a warning does: an image compose pulls on `up` is a note
    # until the pull fails
    notes: bool = False
    # a line of it that names no service concerns each one: any service's finding of its checks explains it
    # (the engine's last line repeats a failed pull without the service)
    project_wide: bool = False
    # the fix to offer when the finding that explains it has none (a note)
    advice: str = ""
    # its `port` is a host port the project publishes (the engine's bind error): a piped line naming no service
    # it reads as a service's (an endpoint name doctor does not know) is of the one service publishing that port
    host_port: bool = False

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)

    def match(self, line: str) -> dict[str, str] | None:
        """The captured groups (maybe empty) when `line` shows this failure, else None."""
        found = self.regex.search(line)
        return None if found is None else _groups(found)

    def span(self, line: str) -> tuple[int, int]:
        """Where in `line` the pattern matches ((0, 0) when it does not): the longer, the more specific."""
        found = self.regex.search(line)
        return found.span() if found else (0, 0)


def _groups(found: re.Match[str]) -> dict[str, str]:
    groups: dict[str, str] = {}
    for key, value in found.groupdict().items():
        if value:  # `host2` is the same value as `host`, written in another place of the line
            groups.setdefault(key.rstrip("0123456789"), value)
    return groups


_HOST = r"['\"]?(?P<host>[A-Za-z0-9_.-]+)['\"]?"

PSYCOPG_CONNECT = Signature(
    "database-connect",
    r"(OperationalError|could not connect to server|connection to server at)"
    r"(.*?\"(?P<host>[A-Za-z0-9_.-]+)\")?(.*?port (?P<port>\d+))?"
    # Prisma's P1001 (`Can't reach database server at `localhost`:`5432``): refused and unresolved alike
    r"|P1001: Can't reach database server at `(?P<host2>[A-Za-z0-9_.-]+)`:`(?P<port2>\d+)`",
    "the app could not reach its database at the host and port its settings name",
    ("service-name-drift", "leaked-host-port", "env-drift", "dotenv-override"),
    "the DATABASE_URL / POSTGRES_SERVER / POSTGRES_PORT the service gets: the service name and the "
    "container-side port of the database, not localhost or the published port",
    retried=True,
)
CONNECTION_REFUSED = Signature(
    "connection-refused",
    r"(?:(?<![\w.-])(?P<host>[A-Za-z][\w.-]*|\d+\.\d+\.\d+\.\d+):(?P<port>\d{2,5})\b.*?)?"
    r"(Connection refused|ECONNREFUSED)"
    r"(?:.*?(?<![\w.-])(?P<host2>[A-Za-z][\w.-]*|\d+\.\d+\.\d+\.\d+):(?P<port2>\d{2,5})\b)?",
    "the host exists but nothing listens on that port: a host-side (published) port or localhost "
    "used inside the network, or the target service not up yet",
    ("leaked-host-port", "service-name-drift", "dotenv-override", "host-gateway"),
    "the port in the URL: inside the network a service listens on its container port; and "
    "depends_on with condition: service_healthy for a slow peer",
    retried=True,
)
BAD_ADDRESS = Signature(
    "unknown-host",
    # from psycopg's `OperationalError` on to the resolver's words: longer than database-connect's match of
    # the same line, so what the line means is the name, not the database
    r"(bad address " + _HOST + r"|(?:OperationalError.*?)?could not translate host name "
    + _HOST.replace("host", "host2") + r"(?: to address\b.*)?"
    r"|Name or service not known|Temporary failure in name resolution"
    r"|getaddrinfo (?:EAI_AGAIN|ENOTFOUND)(?: (?P<host3>[A-Za-z0-9_.-]+))?"
    r"|nodename nor servname provided|(?:lookup (?P<host4>[A-Za-z0-9_.-]+)(?: on \S+)?: )?no such host"
    # PHP's (`php_network_getaddresses: getaddrinfo for mysqlserver failed`), Java's, and redis-py's
    # (`Error -2 connecting to redisserver:6379. Name or service not known.`) words name the host first
    r"|getaddrinfo for (?P<host5>[A-Za-z0-9_.-]+) failed|UnknownHostException: (?P<host6>[A-Za-z0-9_.-]+)"
    r"|Error -?\d+ connecting to (?P<host7>[A-Za-z0-9_.-]+):\d+\. (?:Name or service not known"
    r"|Temporary failure in name resolution)"
    # nginx's, at start, for a proxy_pass or upstream server it cannot resolve (it stops: `[emerg] host not
    # found in upstream "host.docker.internal:8080" in /etc/nginx/conf.d/default.conf:6`)
    r"|host not found in upstream ['\"]?(?P<host8>[A-Za-z0-9_.-]+))",
    "the host name the app dials does not resolve: it is no service, alias or container on its network",
    ("service-name-drift", "dotenv-override", "host-gateway"),
    "the host names in environment and .env (POSTGRES_SERVER, DATABASE_URL...) against the service "
    "names in the compose file, and the networks both services are on",
    retried=True,
)
DATABASE_AUTH = Signature(
    "database-auth",
    # from `OperationalError` on, as unknown-host: the line means the password, not the connection
    r"(?:OperationalError.*?)?(password authentication failed for user|Access denied for user) ['\"]?[\w.@-]+",
    "the app reached its database, which refused the password: the one the app sends is not the one the "
    "database was initialised with (a data volume keeps the password of its first start)",
    ("dotenv-override", "env-drift"),
    "the password the service sends against the database's: POSTGRES_PASSWORD (MYSQL_PASSWORD) applies only "
    "to an empty data volume; change it in the database, or `docker compose down -v` (deletes the data)",
    retried=True,
)
DATABASE_UNINITIALIZED = Signature(
    "database-uninitialized",
    # the postgres, mysql and mariadb images' entrypoints, on an empty data folder without a password
    r"Database is uninitialized and (?:superuser password|password option) is not specified",
    "the database image refuses to initialize its empty data volume: no superuser password reached it "
    "(an empty POSTGRES_PASSWORD from a copied .env.example is one)",
    ("env-drift",),
    "the password variable of the database service (POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD)",
)
MODULE_NOT_FOUND = Signature(
    "module-not-found",
    r"(ModuleNotFoundError|ImportError): No module named ['\"]?(?P<module>[A-Za-z0-9_.]+)",
    "Python cannot import a module: the code is not where the image or the bind mount put it, or a "
    "dependency is missing from the image",
    ("missing-mount", "volume-shadowing", "host-vs-container"),
    "the COPY lines of the Dockerfile against the dev override's bind mounts, and PYTHONPATH / WORKDIR",
)
NODE_MODULE_NOT_FOUND = Signature(
    "node-module-not-found",
    r"(Error: Cannot find module ['\"](?P<module>[^'\"]+)['\"]"
    r"|ERR_MODULE_NOT_FOUND.*?package ['\"](?P<module2>[^'\"]+)['\"])",
    "Node cannot load a package: a bind mount of the source over the image's folder hides the "
    "node_modules the image installed, or an anonymous node_modules volume kept an older install",
    ("volume-shadowing", "missing-mount", "host-vs-container"),
    "the service's volumes: an anonymous `/app/node_modules` volume beside the `./:/app` bind, and "
    "`docker compose up -V` after a dependency change",
)
EXEC_NOT_FOUND = Signature(
    "exec-not-found",
    r"(exec (?P<path>\S+?):? no such file or directory|bad interpreter|/usr/bin/env: .*\\r|"
    r"(?<!\S)\S+?\\r: not found|(?:exec (?P<path3>/\S+): )?exec format error"
    r"|(?<![\w./-])(?P<path2>[\w./-]+): cannot execute: required file not found)",
    "the kernel could not start the entrypoint: the script has CRLF line endings or a BOM (the "
    "shebang names `sh\\r`), its interpreter is absent from the image, or it is not in the image; `exec format "
    "error`: a script with no `#!` first line, or a program built for another platform",
    ("script-line-endings", "missing-mount", "image-availability"),  # exec format error: an image of another platform
    "the entrypoint script's line endings (`file script.sh`), its shebang, and .gitattributes",
)
# runc's words where the entrypoint or command file is not in the container at all (`exec: "/app/x.sh": stat
# /app/x.sh: no such file or directory`): its own stat failed, so no line ending or interpreter is involved, unlike
# the kernel's `exec /x.sh: no such file or directory`, which a CRLF shebang gives too (checked with busybox)
ENTRYPOINT_ABSENT = Signature(
    "entrypoint-absent",
    r"exec: \"(?P<path>/[^\"\s]+)\": stat \S+: no such file or directory",
    "the entrypoint or command file is not in the container: the image has no such file (a COPY that misses it, "
    "an image built before the file was added) or a bind mount over its folder hides it",
    ("missing-mount", "volume-shadowing"),
    "the Dockerfile's COPY of that path, whether the image predates it (`docker compose build SERVICE`), and the "
    "service's bind mounts over its folder",
)
_CR = r"(?:\\r|\^M|\r)"  # how a shell shows a CR: `\r` (bash's `$'\r'`, a raw CR piped in: doctor.why.piped), `^M`
CRLF_SCRIPT = Signature(
    "crlf-script",
    # the script's name before bash's `line N: ` (dash's `N: `) when it has a folder or a shell suffix; then the
    # line's end read into a word: bash's `$'\r': command not found` (a blank line) and `set: -\r: invalid option`,
    # dash's `set: Illegal option -\r`, busybox's `\r: not found`, `/bin/sh^M: bad interpreter`, env's `'bash\r'`
    r"(?:(?<![\w./-])(?P<path>[\w.-]*/[\w./-]+|[\w.-]+\.(?:sh|bash)): (?:line \d+: |\d+: )?)?(?:"
    r"\$'[^'\s]*\\r': command not found"
    r"|set: (?:line \d+: )?(?:[\w-]*" + _CR + r": invalid option(?: name)?|illegal option -[\w-]*" + _CR + r")"
    r"|(?<![^\s:'\\])[^\s:'\\]*" + _CR + r": (?:command )?not found"
    r"|(?:(?<![\w./-])(?P<path2>[\w./-]+): )?(?<![^\s:])/\S+?" + _CR + r": bad interpreter"
    r"|(?:/usr/bin/)?env: \S*?" + _CR + r"\S*: No such file or directory"
    r"|env: can't execute '[^'\s]*" + _CR + r"')",  # busybox's env on a `#!/usr/bin/env sh` line ending in CR
    "a shell script has Windows (CRLF) line endings: the shell reads each line's CR as part of its last word "
    "(`$'\\r'`, `-\\r`, `bash\\r`), so a blank line, an option or the shebang's interpreter is not found",
    ("script-line-endings",),
    "the script's line endings (`file SCRIPT` says `with CRLF line terminators`) and a `*.sh text eol=lf` line "
    "in .gitattributes",
    # it names the CR the others read as a missing program or file
    supersedes=("exec-not-found", "command-not-found"),
)
COMMAND_NOT_FOUND = Signature(
    "command-not-found",
    r"(exec: \"(?P<program>[^\"\s]+)\": executable file not found in \$PATH"
    r"|(?:^|\s)(?:/bin/|/usr/bin/)?(?:sh|bash|ash|dash)(?:: \d+)?(?:: exec)?: (?:line \d+: )?(?:exec: )?"
    r"(?P<program2>[\w.+-]+): (?:command )?not found"
    # a script the shell runs (an entrypoint's last `exec "$@"` most often), always with its line: busybox
    # `/entrypoint.sh: exec: line 17: python: not found`, bash `/entrypoint.sh: line 17: exec: python: not found`
    # (`line 14: python: command not found`), dash `/entrypoint.sh: 17: exec: python: not found`; the script a
    # path (`/usr/local/bin/docker-entrypoint`, `./bin/dev`) or a `.sh`, so a config file's `app.yml: 3:` is none
    r"|(?:^|\s)(?:\.{0,2}/(?:[\w.-]+/)*[\w-]+(?:\.(?:sh|bash))?|(?:[\w.-]+/)*[\w.-]+\.(?:sh|bash))"
    r"(?:: exec)?: (?:line )?\d+: (?:exec: )?(?P<program3>[\w.+-]+): (?:command )?not found)",
    "the container's command names a program its image does not have on its PATH: a wrong image or tag "
    "(one that was never built here), a program only a dev stage installs while compose builds another "
    "target, or a command meant for another service's image",
    ("image-availability",),
    "the service's command and entrypoint, and its image: `docker compose run --rm --entrypoint sh SERVICE "
    "-c 'command -v PROGRAM'` shows whether the image has it",
)
# runc's words for a list form whose first word holds blanks (`test: ["CMD", "pg_isready -U postgres"]`, docuseal's
# healthcheck; `command: ["sleep 600"]`): no shell splits a list, so the engine looks for a program of that whole name.
# command-not-found's program has no blank: not a program the image lacks, a list to split (doctor.why.exec_form)
EXEC_WORD_BLANKS = Signature(
    "exec-word-blanks",
    r"exec: \"(?P<program>[^\"]*?\S\s+\S[^\"]*)\": executable file not found in \$PATH",
    "the exec form's first word holds blanks: the engine runs no shell for a list, so it looks for a program named "
    "with the blanks in it, which no image has",
    (),
    "the list whose first word it is (the healthcheck's `test:`, the service's `entrypoint:` or `command:`): one "
    "word per item, or a shell form (`CMD-SHELL`, a string)",
    supersedes=("unhealthy", "command-not-found"),
)
# a shell's `${NAME:?message}` (or `${NAME?}`) with NAME unset: dash/busybox `sh: NAME: message`, bash `bash: line 1:
# NAME: parameter null or not set`; ghostfolio's redis `--requirepass ${REDIS_PASSWORD:?...}` with no REDIS_PASSWORD
REQUIRED_VARIABLE = Signature(
    "required-variable",
    r"(?:^|\s)(?:/bin/|/usr/bin/)?(?:sh|bash|ash|dash|zsh)(?:: \d+)?: (?:line \d+: )?"
    r"(?P<variable>[A-Za-z_]\w*): (?:parameter (?:null or )?not set|.*\b(?:not set|required|must be set)\b.*)",
    "the service's start command expands a `${NAME:?}` the container's environment leaves unset: the shell stops "
    "before the program starts",
    ("env-drift",),
    "where the variable should come from: the service's `environment:`, its env files, or `.env` for compose",
)
MOUNT_TYPE = Signature(
    "mount-type",
    r"(Are you trying to mount a directory onto a file"
    r"|error mounting \"(?P<path>[^\"]+)\"(?: to rootfs at \"(?P<target>[^\"]+)\")?.*?not a directory)",
    "a bind mount joins a directory and a file: its source did not exist when the container was first "
    "created, so docker made it a (root-owned) directory where a file was meant, or the image has a "
    "file at the target",
    ("missing-mount", "root-owned-files"),
    "the bind source in the compose file: if docker made it a directory, remove that directory (it is "
    "root-owned: `doctor fix --owners` first) and put the file that was meant there",
)
VOLUME_DEVICE = Signature(
    "volume-device",
    r"failed to mount local volume: mount (?P<path>[^:\s]+):\S+, flags: \w+: no such file or directory",
    "a named volume binds a host folder through the local driver (its `driver_opts` `device:`) that the engine "
    "cannot find: docker never creates a volume's device, and compose sends a relative one as written unless "
    "the volume says `driver: local` with `o: bind`",
    ("missing-mount",),
    "the volume's `driver_opts` in the compose file: its `device:` must name a folder that exists, as an absolute "
    "path or relative under `driver: local` with `o: bind`",
)
PERMISSION_DENIED = Signature(
    "permission-denied",
    r"(exec (?P<path>\S+?):? permission denied|(?<!\S)(?P<path2>/\S+): Permission denied"
    r"|PermissionError: \[Errno 13\] Permission denied|EACCES: permission denied)",
    "the container's process may not run or write a file: an entrypoint script without its "
    "executable bit, or a bind-mounted folder owned by another user (root: made by docker or written "
    "by a root container) that a non-root container user writes to",
    ("root-owned-files", "missing-mount", "script-line-endings"),
    "the script's mode (`chmod +x`, and `git update-index --chmod=+x` so the checkout keeps it) and the "
    "owner of the bind-mounted folder against the service's `user:`",
)
PORT_ALLOCATED = Signature(
    "port-allocated",
    r"(Bind for (?P<host>[0-9a-fA-F.:\[\]]*):(?P<port>\d+) failed: port is already allocated|"
    # a host process holds it: the engine's userland proxy says `listen tcp4 0.0.0.0:N: bind: address ...`
    r"(?:listen tcp[46]? (?P<host2>[0-9a-fA-F.:\[\]]*):(?P<port2>\d+): bind: )?address already in use|EADDRINUSE)",
    "the host port the service publishes is already held by another container or process",
    ("port-collision",),
    "`doctor ports` for who holds the port; `doctor fix --ports` moves this project's side",
    names_first=True,
    host_port=True,
)
OOM_KILLED = Signature(
    "oom-killed",
    r"container was OOMKilled|likely OOM-killed",
    "the kernel killed the container for using more memory than its limit (or the machine had)",
    (),
    "mem_limit / deploy.resources.limits.memory of the service, and the memory given to the engine "
    "(Docker Desktop settings)",
)
RESTART_LOOP = Signature(
    "restart-loop",
    r"container is restarting: \d+ restarts",
    "the service exits again right after each restart (restart: always / unless-stopped keeps trying)",
    (),
    "the first error in `docker compose logs SERVICE`: the loop only repeats it",
)
# runc's words when the engine cannot set a service's `ulimits:` (zulip's compose.yaml asks `nofile` soft 1000000,
# hard 1048576; elasticsearch's `memlock: -1`): above the hard limit the engine itself has (rootless, Docker in LXC,
# dockerd's systemd LimitNOFILE), or a soft limit above the hard one (`invalid argument`)
RLIMIT_REFUSED = Signature(
    "rlimit-refused",
    r"error setting rlimit type \d+: (?:operation not permitted|invalid argument)",
    "the engine could not give the container the `ulimits:` the service asks for (rlimit type 7 is nofile, 8 memlock, "
    "6 nproc): a hard limit above the engine's own (a rootless engine, Docker in LXC or a VM, dockerd's systemd "
    "LimitNOFILE), or a soft limit above the hard one",
    (),
    "the service's `ulimits:` against the engine's limit (`docker run --rm IMAGE sh -c 'ulimit -Hn'` shows what a "
    "container gets): lower them to it, or drop them on this machine in an override (`ulimits: !reset {}`)",
    setting=("ulimits",),
)
UNHEALTHY = Signature(
    "unhealthy",
    # the whole line: the probe's output after it (`sh: pg_isready: not found`) is the healthcheck's fault,
    # which command-not-found's match of that part alone would blame on the service's command
    r"healthcheck unhealthy(?:: .*)?",
    "the container runs but its healthcheck fails, so services that wait on service_healthy never start",
    ("leaked-host-port", "path-gap", "script-line-endings"),  # a CRLF healthcheck script fails every probe
    "the healthcheck's test command (is its tool in the image? does it probe the container port?) "
    "and its start_period",
    setting=("healthcheck", "test"),
)
NEVER_STARTED = Signature(
    "never-started",
    r"container created, never started",
    "compose created the container but stopped before starting it: a service it waits on (depends_on) "
    "did not come up, or another service's error ended the `up`",
    ("port-collision",),  # what the service publishes is the next thing to fail once its dependency is fixed
    "the service it waits on (its own entry in this report): fix that one first, then `docker compose up -d` again",
)
_IMAGE_REF = r"(?P<image{n}>[\w.-]+(?::\d+)?(?:/[\w.-]+)*(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?)"
IMAGE_PULL = Signature(
    "image-pull",
    # the engine's and compose's words for a pull that failed: the registry's API (`Get
    # "https://registry-1.docker.io/v2/"`, a manifest, a blob) not reached or refusing; to the line's end, so
    # that it outweighs the resolver's or the socket's words it quotes (unknown-host, connection-refused)
    r"(?:failed to resolve reference \"" + _IMAGE_REF.format(n="") + r"\""
    r"|pull access denied for " + _IMAGE_REF.format(n="2") + r"|pull access denied"
    r"|manifest for " + _IMAGE_REF.format(n="3") + r" not found|manifest unknown|no matching manifest for \S+"
    r"|toomanyrequests|error pulling image configuration|requested access to the resource is denied"
    r"|unauthorized: (?:authentication required|incorrect username or password)"
    r"|(?:Get|Head) \"https?://(?P<registry>[\w.-]+(?::\d+)?)/v2/(?:[^\"\s]*/(?:manifests|blobs)/[^\"\s]*)?\"(?=:)).*",
    "the engine could not pull the image from its registry: the registry did not answer (no network, DNS or proxy, "
    "the registry down: a lookup, an i/o or TLS handshake timeout), refused the pull (`docker login` needed, the "
    "pull rate limit of toomanyrequests), or has no such image, tag or platform (manifest unknown)",
    ("image-availability",),
    "the images compose pulls on up (`docker compose config --images`) and the registry they come from: "
    "`docker pull IMAGE` shows whether this machine reaches it",
    supersedes=("unknown-host", "connection-refused", "database-connect"),
    notes=True,
    project_wide=True,
    advice="pull the images when the registry answers (`docker compose pull`; check the network, DNS, proxy, "
           "`docker login`), or build them; where the engine has them already, `docker compose up --pull never`",
)
# the engine has no image of that reference and compose was not to pull it (`up --pull never`, `pull_policy:
# never`: ` ✘ Container proj-db-1  Error response from daemon: No such image: postgres:99`): no log, no pull, so no
# other line says which image, and compose's `Error` on the container alone would read as the process failing. Not
# a reference a variable left without its tag (`no such image: app:: invalid reference format`): env-drift's error,
# which compose's refusal to create any container already brings
NO_SUCH_IMAGE = Signature(
    "no-such-image",
    # to the reference's end: `postgres:16-alpine` whole (not its `:16` read as a registry's port)
    r"no such image: " + _IMAGE_REF.format(n="") + r"(?=$|[\s'\",;])",
    "the engine has no such image and compose did not pull or build it: `up --pull never` or the service's "
    "`pull_policy: never`, a tag only another compose file, a script or a CI job builds, or one a variable chose",
    # image-availability's note on that image alone: a note of env-drift's about the service is no missing image
    ("image-availability",),
    "the tags the engine has (`docker image ls`) against the service's `image:`, and where that image comes from",
    notes=True,
    project_wide=True,
    advice="pull the image (`docker compose pull`) or build it, then `up` again; `--pull never` only starts images "
           "the engine has",
)
# a full disk, the engine's or the container's: the engine's copy of an image's files into a new volume of a
# `driver_opts: {type: tmpfs, o: size=64k}` (`failed to copy files: ... write /var/lib/docker/volumes/...: no space
# left on device`), a pull or build on a full data root, or the app's own write (postgres' `could not write to file`)
NO_SPACE = Signature(
    "no-space",
    r"(?:write (?P<path>/\S+?):? )?no space left on device|\bENOSPC\b",
    "a disk is full: the engine's data root (images, containers, volumes, build cache), the filesystem of a "
    "bind source, or a size-limited tmpfs or volume (`tmpfs: /x:size=`, a volume's `driver_opts: o: size=`)",
    (),
    "the path the line names: `docker system df` (`docker system prune` frees what no container uses), `df -h` on "
    "the host, or the `size=` of the service's tmpfs or of the volume (`docker volume inspect`)",
)
# a write where the container may not write (EROFS): busybox sh's `can't create /data/x: Read-only file system`,
# Python's `OSError: [Errno 30] Read-only file system: '/data/x'`, Node's `EROFS: read-only file system, open ...`
READ_ONLY = Signature(
    "read-only",
    r"Read-only file system|\bEROFS\b",
    "the process wrote where its container may not: a mount the service makes read-only (`:ro`, `read_only: true` "
    "of the mount) or the service's `read_only: true`, which makes the container's own filesystem read-only",
    (),
    "the service's read-only mounts and its `read_only:`: mount the folder it writes read-write, or have it write "
    "elsewhere (a `tmpfs:` or a volume)",
)
# a kernel parameter written from inside a container: busybox's `sysctl: error setting key 'vm.overcommit_memory':
# Read-only file system`, a shell's `can't create /proc/sys/vm/overcommit_memory: Read-only file system`; docker
# mounts /proc/sys read-only in every container that is not privileged, whatever its mounts say
KERNEL_SETTING = Signature(
    "kernel-setting",
    r"(?i)(?:\bsysctl\b|/proc/sys/).*(?:Read-only file system|\bEROFS\b)"
    r"|(?:Read-only file system|\bEROFS\b).*/proc/sys/",
    "the process set a kernel parameter (`sysctl -w`, a write under /proc/sys), which a container may not: docker "
    "mounts /proc/sys read-only in it, whatever the service's mounts",
    (),
    "the start that sets it (the service's `command:`/`entrypoint:` or the image's): a `net.*` key of the "
    "container's own network goes in the service's `sysctls:`, any other (redis' `vm.overcommit_memory`) is the "
    "host's, `sudo sysctl -w KEY=VALUE` there (a file in /etc/sysctl.d/ keeps it), and the write leaves the start",
    supersedes=("read-only",),
)
CONTAINER_NAME_CONFLICT = Signature(
    "container-name-conflict",
    r"Conflict\. The container name \"/?(?P<container>[\w.-]+)\" is already in use",
    "another container has the name compose gives the service (its `container_name:`): a container of another "
    "project or checkout, or one left from an earlier `up`, so `up` could not create this one",
    ("port-collision",),  # its taken-name finding: which container has the name, now
    "the service's `container_name:` and who has that name (`docker ps -a --filter name=NAME`)",
    setting=("container_name",),
)
NOT_CREATED = Signature(
    "not-created",
    r"no container: compose created none",
    "compose created no container: it could not read the project, pull or build an image, use an image or "
    "port a variable left empty, find an external volume or network or a bind source that must exist "
    "(create_host_path: false), or use the container_name another container already has",
    ("compose-config", "image-availability", "env-drift", "port-collision", "missing-mount"),
    "the error `docker compose up` printed (the engine keeps no record of it)",
)

BUILTIN = (PSYCOPG_CONNECT, DATABASE_AUTH, DATABASE_UNINITIALIZED, CONNECTION_REFUSED, BAD_ADDRESS, MODULE_NOT_FOUND,
           NODE_MODULE_NOT_FOUND, EXEC_NOT_FOUND, ENTRYPOINT_ABSENT, CRLF_SCRIPT, COMMAND_NOT_FOUND, EXEC_WORD_BLANKS,
           REQUIRED_VARIABLE,
           MOUNT_TYPE, VOLUME_DEVICE, CONTAINER_NAME_CONFLICT, KERNEL_SETTING, READ_ONLY,
           PERMISSION_DENIED, PORT_ALLOCATED, OOM_KILLED, RLIMIT_REFUSED, RESTART_LOOP, UNHEALTHY, NEVER_STARTED,
           IMAGE_PULL, NO_SUCH_IMAGE, NO_SPACE, NOT_CREATED)
