"""Where a server run in a container listens: one told to listen on localhost there listens on the
container's own, which a published port never reaches (host-vs-container's advice and `doctor exec` move
it to 0.0.0.0), and so does one that listens on localhost unless told otherwise (`bin/rails server`,
`manage.py runserver`, `flask run`, `uvicorn app:app`, `fastapi dev`, `vite`, gunicorn, `mkdocs serve`, `ng
serve`): it is told 0.0.0.0."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from pathlib import Path

from doctor.lazyre import lazy

LOCAL_BIND = frozenset({"localhost", "127.0.0.1", "::1"})
BIND_FLAGS = frozenset({"--host", "--bind", "-b", "-H", "--ip", "--dev-addr"})


def every_interface(words: list[str]) -> list[str]:
    """A server's words with a `--host`/`--bind`/`-b` of localhost (`--host=127.0.0.1`, `-b localhost:8000`)
    listening on 0.0.0.0 instead, as a server in a container must for a published port to reach it."""
    out = list(words)
    for at, word in enumerate(out):
        flag, equals, value = word.partition("=")
        if flag in BIND_FLAGS and equals and (moved := _anywhere(value)) is not None:
            out[at] = f"{flag}={moved}"
        elif word in BIND_FLAGS and at + 1 < len(out) and (moved := _anywhere(out[at + 1])) is not None:
            out[at + 1] = moved
    return out


def _anywhere(value: str) -> str | None:
    """`localhost:8000` -> `0.0.0.0:8000`; None: not a local address."""
    host, colon, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    return f"0.0.0.0{colon}{port}" if host in LOCAL_BIND else None


# servers that listen on localhost unless told otherwise, by program (and verb), and the words that tell
# them 0.0.0.0: Django's runserver (127.0.0.1:8000), Flask's `flask run` (127.0.0.1:5000), uvicorn
# (127.0.0.1), `fastapi dev` (127.0.0.1; `fastapi run` listens on 0.0.0.0), vite (localhost), Rails'
# `rails server` in development (localhost since 4.2). next dev listens on every interface already.
_HOST_OPTION = {"flask": ("run",), "uvicorn": ("",), "fastapi": ("dev",)}
_VITE_VERBS = ("", "dev", "serve", "preview")
_DJANGO = frozenset({"manage.py", "manage", "django-admin", "django"})  # `python -m django runserver`


def reachable(words: Sequence[str], folder: Path | None = None) -> list[str]:
    """The server's words as a container must run them for a published port to reach it: a localhost
    bind moved to 0.0.0.0 (every_interface), and 0.0.0.0 given to a server that listens on localhost when
    given no address (`runserver` -> `runserver 0.0.0.0:8000`, `runserver 8001` -> `runserver 0.0.0.0:8001`,
    `flask run --host 0.0.0.0`, `uvicorn app:app --host 0.0.0.0`, `vite --host`, `rails server -b 0.0.0.0`).
    `folder`: where it runs on the host, whose config may bind it already (a vite.config's `host:`, Puma's
    config/puma.rb `bind "tcp://0.0.0.0:..."`, which `rails server` follows when given no `-b`)."""
    out = every_interface(list(words))
    if "-S" in out[:-1] and any(posixpath.basename(w) == "php" for w in out[:out.index("-S")]):
        given = out.index("-S") + 1  # `php -S localhost:8000`: PHP's built-in server, on the address it is given
        out[given] = _anywhere(out[given]) or out[given]
        return out
    at = _program_at(out)
    if at is None:
        return out
    program, rest = posixpath.basename(out[at]), out[at + 1:]
    verb = next((w for w in rest if not w.startswith("-")), "")
    verb_at = next((i for i, w in enumerate(rest) if w in ("runserver", "runserver_plus")), None)
    if program in _DJANGO and verb_at is not None:
        if any(w in ("-6", "--ipv6") for w in rest):
            return out  # told IPv6: its own default, ::1, is what it was asked
        after = at + 1 + verb_at + 1
        address = _django_address(out, after)
        if address is None:
            return [*out[:after], "0.0.0.0:8000", *out[after:]]
        if out[address].isdigit():
            out[address] = f"0.0.0.0:{out[address]}"
        elif (moved := _anywhere(out[address])) is not None:  # `runserver localhost:8000`
            out[address] = moved
        return out
    if program in _HOST_OPTION and ("" in _HOST_OPTION[program] or any(w in _HOST_OPTION[program] for w in rest)):
        if not _told_host(rest, ("--host", "-h") if program == "flask" else ("--host", "--uds", "--fd")):
            return [*out, "--host", "0.0.0.0"]
        return out
    added = _listen_everywhere(program, verb, rest, folder, out[:at])
    if added is not None:  # `mkdocs serve -a localhost:8001`: the address it was told, on every interface
        flags = _LOCAL_SERVERS[program][1]
        for i in range(at + 1, len(out) - 1):
            if out[i] in flags and (moved := _anywhere(out[i + 1])) is not None:
                out[i + 1] = moved
        return [*out, *added]
    if program == "vite" and (verb in _VITE_VERBS or not verb.isalpha()):
        if not _told_host(rest, ("--host",)) and not _vite_config_host(folder):
            return [*out, "--host"]
        return out
    if program == "artisan" and verb == "serve" and not _told_host(rest, ("--host",)):
        return [*out, "--host=0.0.0.0"]  # Laravel's development server: 127.0.0.1:8000
    if program == "symfony" and verb in ("serve", "server:start", "local:server:start") \
            and not _told_host(rest, ("--listen-ip", "--allow-all-ip")):
        return [*out, "--listen-ip=0.0.0.0"]  # the Symfony CLI's local server: 127.0.0.1
    if program == "rails" and verb in ("s", "server") and not _told_host(rest, ("-b", "--binding")) \
            and not _puma_binds_everywhere(folder):
        return [*out, "-b", "0.0.0.0"]
    return out


# the options of runserver (Django's own: every command's -v/--verbosity, --settings, --pythonpath) and of
# django-extensions' runserver_plus that take a value: `runserver -v 2` names no port 2
_DJANGO_VALUED = frozenset({"-v", "--verbosity", "--settings", "--pythonpath", "--output", "--cert", "--cert-file",
                            "--key-file", "--extra-file", "--reloader-interval", "--reloader-type",
                            "--startup-messages", "--exclude-pattern"})
_ADDRESS_PORT = lazy(r"(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|[\w.-]+):)?\d{1,5}")


def _django_address(words: Sequence[str], after: int) -> int | None:
    """Where runserver's address is (`8001`, `0.0.0.0:8000`, `[::]:8000`) among the words from `after`: the
    first word that is no option nor an option's value, where it is a port or host:port; None where it names
    none (`runserver --settings config.settings.dev` listens on Django's default, 127.0.0.1:8000)."""
    at = after
    while at < len(words):
        word = words[at]
        if word in _DJANGO_VALUED:
            at += 2
            continue
        if word.startswith("-"):  # a flag, `--settings=x`, `-v2`
            at += 1
            continue
        return at if _ADDRESS_PORT.fullmatch(word) else None
    return None


# more servers that listen on localhost unless told otherwise (each one's docs): by program, the verbs that
# serve ("" any), the options (and environment variables) that tell it an address, and what tells it 0.0.0.0.
# gunicorn and hypercorn bind 127.0.0.1:8000 (gunicorn 0.0.0.0:$PORT where PORT is set), daphne 127.0.0.1
# (port 8000), granian 127.0.0.1, `mkdocs serve` 127.0.0.1:8000, jupyter localhost:8888, `ng serve`,
# `astro dev`/`preview` and `gatsby develop`/`serve` localhost
_LOCAL_SERVERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "gunicorn": (("",), ("-b", "--bind", "GUNICORN_CMD_ARGS", "PORT"), ("-b", "0.0.0.0:8000")),
    "hypercorn": (("",), ("-b", "--bind"), ("--bind", "0.0.0.0:8000")),
    "daphne": (("",), ("-b", "--bind", "-u", "--unix-socket", "--fd", "-e", "--endpoint"), ("-b", "0.0.0.0")),
    "granian": (("",), ("--host", "--uds", "GRANIAN_HOST"), ("--host", "0.0.0.0")),
    "mkdocs": (("serve",), ("-a", "--dev-addr"), ("-a", "0.0.0.0:8000")),
    "jupyter": (("notebook", "lab"), ("--ip", "--NotebookApp.ip", "--ServerApp.ip"), ("--ip", "0.0.0.0")),
    "jupyter-lab": (("",), ("--ip", "--NotebookApp.ip", "--ServerApp.ip"), ("--ip", "0.0.0.0")),
    "jupyter-notebook": (("",), ("--ip", "--NotebookApp.ip", "--ServerApp.ip"), ("--ip", "0.0.0.0")),
    "ng": (("serve", "s"), ("--host",), ("--host", "0.0.0.0")),
    "astro": (("dev", "preview"), ("--host",), ("--host",)),
    "gatsby": (("develop", "serve"), ("-H", "--host"), ("-H", "0.0.0.0")),
}
# the config file each reads where its words name none, and what in it sets the address (`bind = "0.0.0.0:8000"`)
_CONFIGS = {"gunicorn": ("gunicorn.conf.py", r"^\s*bind\s*="), "hypercorn": ("", r"^\s*bind\s*="),
            "mkdocs": ("mkdocs.yml", r"^dev_addr\s*:"), "ng": ("angular.json", r'"host"\s*:'),
            "astro": ("astro.config.mjs", r"\bhost\s*:"), "gatsby": ("", "")}


def _listen_everywhere(program: str, verb: str, rest: Sequence[str], folder: Path | None,
                       before: Sequence[str] = ()) -> list[str] | None:
    """What tells one of _LOCAL_SERVERS 0.0.0.0 (`gunicorn app:app` -> `-b 0.0.0.0:8000`); [] where its words,
    `NAME=value` assignments before it or config (`-c gunicorn.conf.py` with `bind =`, the folder's gunicorn.conf.py,
    mkdocs.yml's `dev_addr:`) tell it an address already; None for any other command."""
    import re

    found = _LOCAL_SERVERS.get(program)
    if found is None or not ("" in found[0] or verb in found[0]):
        return None
    _, told, added = found
    if _told_host(rest, [f for f in told if f.startswith("-")]) or any(  # `PORT=8000 gunicorn ...`: 0.0.0.0:8000
            w.startswith(tuple(f"{name}=" for name in told if not name.startswith("-"))) for w in before):
        return []
    default, pattern = _CONFIGS.get(program, ("", ""))
    config = next((rest[i + 1] for i, w in enumerate(rest[:-1]) if w in ("-c", "--config")), None)
    config = config or next((w.partition("=")[2] for w in rest if w.startswith("--config=")), None) or default
    if config and pattern:
        if ":" in config.partition("/")[0]:  # gunicorn's `-c python:settings.gunicorn`: a module doctor does not read
            return []
        text = _read(Path(folder or ".") / config) if folder is not None or config.startswith("/") else None
        found_line = re.search(pattern + r".*", text, re.M) if text is not None else None
        if found_line is not None:  # mkdocs.yml's `dev_addr: 127.0.0.1:8001`: its port, on every interface
            port = re.search(r":(\d{2,5})\b", found_line[0].partition(":")[2]) if program == "mkdocs" else None
            local = program == "mkdocs" and re.search(r"localhost|127\.0\.0\.1", found_line[0]) is not None
            return ["-a", f"0.0.0.0:{port[1] if port else 8000}"] if local else []
    return list(added)


def script_reachable(words: Sequence[str], script: str | None, folder: Path | None = None) -> list[str]:
    """`npm run dev` of `"dev": "vite"` (`script`, the script's text) as a container must run it: what
    `reachable` adds to the script's server passed on after `--` (`npm run dev -- --host`; yarn, pnpm and bun
    pass on what follows the name), only where the script ends in the server (its last `&&` step), so that
    the words reach it; else the words as they are."""
    import shlex

    if not script or any(mark in script.replace("&&", "") for mark in ("|", ";", "&")):
        return list(words)  # a pipe, a list or a job in the background: the words would not reach the server
    try:
        last = shlex.split(script.rpartition("&&")[2])
    except ValueError:
        return list(words)
    told = reachable(last, folder)
    if told == last or told[:len(last)] != last:
        return list(words)
    added = told[len(last):]
    manager = posixpath.basename(words[0]) if words else ""
    return [*words, *(["--"] if manager == "npm" and "--" not in words else []), *added]


_RUNNERS = frozenset({"env", "exec", "npx", "bundle", "bundler", "uv", "poetry", "pipenv", "pdm", "run", "-m", "php"})


def script_unreached(words: Sequence[str], script: str | None, folder: Path | None = None) -> str | None:
    """The server in the package.json script (`vite` of `"dev": "vite & tsc --watch"`) that listens on localhost
    when given no address, where script_reachable cannot pass it the bind (the script does not end in it): to be
    said, as only the script's own text can tell it; None where it can, or there is none."""
    import re
    import shlex

    if not script or script_reachable(words, script, folder) != list(words):
        return None
    for step in re.split(r"&&|\|\||[;&|]", script):
        try:
            split = shlex.split(step)
        except ValueError:
            continue
        if split and reachable(split, folder) != split:
            return " ".join(split)
    return None


def _program_at(words: Sequence[str]) -> int | None:
    """Where the server's program is in its words: past `bundle exec`, `python -m`, `npx`, `env NAME=value`."""
    at = 0
    while at < len(words) and (words[at] in _RUNNERS or posixpath.basename(words[at]).startswith("python")
                               or ("=" in words[at] and not words[at].startswith("-"))):
        at += 1
    return at if at < len(words) else None


def _told_host(words: Sequence[str], flags: Sequence[str]) -> bool:
    return any(w in flags or w.startswith(tuple(f"{flag}=" for flag in flags if flag.startswith("--")))
               for w in words)


def _vite_config_host(folder: Path | None) -> bool:
    """Whether the folder's vite.config sets `host:` (`server: {host: true}`), which `vite` follows."""
    import re

    for name in ("vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs", "vite.config.cjs"):
        text = _read(folder / name) if folder is not None else None
        if text is not None and re.search(r"\bhost\s*:", text):
            return True
    return False


def _puma_binds_everywhere(folder: Path | None) -> bool:
    """Whether the Rails app's config/puma.rb binds every interface (`bind "tcp://0.0.0.0:#{...}"`), which Puma
    keeps where `rails server` is given no `-b` (docker-rails-example's); its `port 3000` takes Rails' host."""
    import re

    for place in (folder, *folder.parents) if folder is not None else ():
        text = _read(place / "config" / "puma.rb")
        if text is not None:
            return re.search(r"^\s*bind\s*\(?\s*['\"](?:tcp|ssl)://(?:0\.0\.0\.0|\[::\]|::)?:", text, re.M) is not None
        if (place / "Gemfile").exists():
            break
    return False


def _read(path: Path) -> str | None:
    """A config file's text, of a regular file of at most 256 KiB alone (else None): a FIFO named
    config/puma.rb hung the read, a vite.config.ts linked to /dev/zero exhausted memory."""
    from doctor.project.reading import read_regular_text

    return read_regular_text(path, 256 * 1024)


# Phoenix's endpoint address: `http: [ip: {127, 0, 0, 1}, port: 4000]`, phx.new's config/dev.exs
_PHOENIX_IP = lazy(r"http:\s*\[[^\]]*?\bip:\s*\{([\d,\s]+)\}")
_PHOENIX_LOOPBACK = frozenset({"127,0,0,1", "0,0,0,0,0,0,0,1"})


def config_loopback(words: Sequence[str], folder: Path | None) -> str | None:
    """Where the config of a server that takes no address on its command line has it listen on loopback, which a
    published port never reaches in a container: `mix phx.server` (`iex -S mix phx.server`) under phx.new's
    config/dev.exs `http: [ip: {127, 0, 0, 1}, ...]`, the last `ip:` of config.exs, dev.exs and runtime.exs
    (outside its `config_env() == :prod` block) deciding; as `config/dev.exs:13`, None where it listens on
    every interface (docker-phoenix-example's config.exs: `{0, 0, 0, 0, 0, 0, 0, 0}`) or sets no `ip:`."""
    if "phx.server" not in words or folder is None:
        return None
    app = next((place for place in (folder, *folder.parents) if (place / "mix.exs").is_file()), None)
    if app is None:
        return None
    last = None
    for name in ("config.exs", "dev.exs", "runtime.exs"):
        text = _read(app / "config" / name) or ""
        for found in _PHOENIX_IP.finditer(text):
            if name == "runtime.exs" and "config_env() == :prod" in text[:found.start()]:
                continue
            last = (name, text.count("\n", 0, found.start(1)) + 1, "".join(found[1].split()))
    if last is None or last[2] not in _PHOENIX_LOOPBACK:
        return None
    return f"config/{last[0]}:{last[1]}"
