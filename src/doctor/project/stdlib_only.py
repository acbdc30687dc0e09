"""Commands that need none of a project's packages: Python run on code of the standard library alone."""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence
from pathlib import Path


def inline_standard_library(tool: str, arguments: Sequence[str]) -> bool:
    """Whether a `python -c CODE` needs no package of the project's: CODE imports the standard library alone,
    or is a variable of the Makefile's or the shell's doctor does not read (umap's `make help`, whose
    PRINT_HELP_PYSCRIPT reads the Makefile with `re` and `sys`): nothing says it needs the image."""
    if not posixpath.basename(tool).startswith("python") or "-c" not in arguments[:2]:
        return False
    at = list(arguments).index("-c")
    code = arguments[at + 1] if at + 1 < len(arguments) else ""
    if "$" in code:
        return True
    import ast
    import sys

    try:
        tree = ast.parse(code.replace("; ", "\n"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deeply nested to parse: unknown
        return False
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    return names <= set(sys.stdlib_module_names)


# what lets a script's code reach more than its imports: another program (`subprocess.run(["pytest"])`,
# `os.system`), or a module named at run time (`importlib.import_module`, `runpy`, `__import__`, `exec`)
_REACHES_FURTHER = frozenset({"subprocess", "runpy", "importlib", "multiprocessing", "pty", "concurrent"})
# the builtins that run code, called by their bare name (`re.compile`, `x.eval()` are others')
_BUILTINS_RUNNING = frozenset({"__import__", "exec", "eval", "compile"})
_OS_MODULES = frozenset({"os", "posix", "nt"})


def _starts_program(name: str) -> bool:
    """Whether a function of os (or posix) of that name starts another program: system, popen, exec*, spawn*."""
    return name in ("system", "popen") or name.startswith(("exec", "spawn", "posix_spawn"))


def standard_library_script(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str] = ()) -> bool:
    """Whether `python SCRIPT.py ...` (or `./SCRIPT.py` by its path) runs a script of the project that
    imports the standard library alone and starts no other program: openwisp/docker-openwisp's
    `python build.py change-secret-key` (random, re, sys, pathlib) edits .env on the host, and needs
    nothing an image installs. Any other import (Django's `execute_from_command_line` inside
    manage.py's main, the project's own `app`), a relative one, a file that cannot be read and
    parsed whole, or one that dials one of `services` by its name (`"db:5432"`, `"http://web:8000/"`,
    `("db", 5432)`: only the compose network resolves it) is not."""
    alone, dialed = _script_reading(tool, arguments, cwd, services)
    return alone and not dialed


def dialed_service(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str]) -> str:
    """The service a script of the standard library alone (standard_library_script, its dials aside) dials by its
    name, the first its text names (`("postgres", 5432)` of `services`' postgres, as written); "" when the command
    runs no such script or it dials none: what it needs a container for is the compose network, no package."""
    alone, dialed = _script_reading(tool, arguments, cwd, services)
    return dialed if alone else ""


def _script_reading(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str]) -> tuple[bool, str]:
    """(whether the command runs a project script of the standard library alone that starts no other program, the
    first of `services` it dials by name or "")."""
    if posixpath.basename(tool).startswith("python"):
        if not arguments or arguments[0].startswith("-") or not arguments[0].endswith(".py"):
            return False, ""
        script = arguments[0]
    elif tool.endswith(".py"):
        script = tool
    else:
        return False, ""
    import ast
    import sys

    from doctor.project.reading import read_regular_text

    text = read_regular_text(cwd / script, 256 * 1024)
    if not text:
        return False, ""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # `x = 1+1+...` nested past the parser's
        return False, ""  # depth (RecursionError, or MemoryError by version): unknown, not the host's
    names: set[str] = set()
    os_names = set(_OS_MODULES)  # `import os as o`: o
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
            os_names |= {alias.asname for alias in node.names if alias.asname and alias.name in _OS_MODULES}
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                return False, ""
            names.add(node.module.split(".")[0])
            if node.module in _OS_MODULES and any(a.name == "*" or _starts_program(a.name) for a in node.names):
                return False, ""  # `from os import system`
    if not names <= set(sys.stdlib_module_names) or names & _REACHES_FURTHER:
        return False, ""
    hosts = {name.lower(): name for name in services}
    dialed = ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _BUILTINS_RUNNING:
            return False, ""
        if (isinstance(node, ast.Attribute) and _starts_program(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in os_names):
            return False, ""
        if hosts and not dialed:
            dialed = hosts.get(_dialed(node, hosts.keys()), "")
    return True, dialed


def _dialed(node: object, hosts: Collection[str]) -> str:
    """The one of `hosts` (lowercase) a node names as a network peer, as a string literal: `"db:5432"`, a URL's host
    (`"http://web:8000/api"`), the host of a `("db", 5432)` address or of a call given host and port; "" when none."""
    import ast

    pair = node.elts if isinstance(node, ast.Tuple) else node.args if isinstance(node, ast.Call) else None
    if pair is not None and len(pair) == 2 and isinstance(pair[1], ast.Constant):  # `HTTPConnection("web", 8000)`
        first = pair[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and type(pair[1].value) is int:
            return first.value.lower() if first.value.lower() in hosts else ""
        return ""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or len(node.value) > 2048:
        return ""
    value = node.value.strip()
    if "://" in value:
        from urllib.parse import urlsplit

        try:
            host = urlsplit(value).hostname
        except ValueError:
            return ""
        return host if host is not None and host in hosts else ""
    host, colon, port = value.rpartition(":")
    return host.lower() if colon and port.isdigit() and host.lower() in hosts else ""
