"""Commands that need none of a project's packages: Python run on code of the standard library alone."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast


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


# what lets a script's code reach more than its imports: a module named at run time (`importlib.import_module`,
# `runpy`, `__import__`, `exec`), or another program (`subprocess.run(["pytest"])`, `os.system`), which
# started_programs judges where the program is a literal
_REACHES_FURTHER = frozenset({"runpy", "importlib", "multiprocessing", "pty", "concurrent"})
# the builtins that run code, called by their bare name (`re.compile`, `x.eval()` are others')
_BUILTINS_RUNNING = frozenset({"__import__", "exec", "eval", "compile"})
_OS_MODULES = frozenset({"os", "posix", "nt"})
# the sibling modules of a script followed (Python puts the script's folder first on sys.path): how many,
# how many imports deep, how large each
_SIBLINGS, _SIBLING_DEPTH, _MAX_SIZE = 8, 3, 256 * 1024


def _starts_program(name: str) -> bool:
    """Whether a function of os (or posix) of that name starts another program: system, popen, exec*, spawn*."""
    return name in ("system", "popen") or name.startswith(("exec", "spawn", "posix_spawn"))


def standard_library_script(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str] = (),
                            image_tool: Callable[[str], bool] | None = None) -> bool:
    """Whether `python SCRIPT.py ...` (or `./SCRIPT.py` by its path) runs a script of the project that
    imports the standard library alone and starts no program of the image's: openwisp/docker-openwisp's
    `python build.py change-secret-key` (random, re, sys, pathlib) edits .env on the host, and needs
    nothing an image installs. A module of the script's own folder it imports (suitenumerique/people's
    scripts/release.py, `from utils import run_command`) is read alike, a few deep; a program it starts
    counts where it is a literal that `image_tool` says is no tool of the image's Python packages
    (release.py's `git` and `uv lock` through utils.py's `subprocess.check_call(cmd)`, judged at each
    `run_command("git pull")`; started_programs.starts_only). Any other import (Django's
    `execute_from_command_line` inside manage.py's main, the project's own `app`), a relative one, a
    program it starts that is the image's (`pytest`) or not a literal, a file that cannot be read and
    parsed whole, or one that dials one of `services` by its name (`"db:5432"`, `"http://web:8000/"`,
    `("db", 5432)`: only the compose network resolves it) is not."""
    alone, dialed = _script_reading(tool, arguments, cwd, services, image_tool)
    return alone and not dialed


def dialed_service(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str],
                   image_tool: Callable[[str], bool] | None = None) -> str:
    """The service a script of the standard library alone (standard_library_script, its dials aside) dials by its
    name, the first its text names (`("postgres", 5432)` of `services`' postgres, as written); "" when the command
    runs no such script or it dials none: what it needs a container for is the compose network, no package."""
    alone, dialed = _script_reading(tool, arguments, cwd, services, image_tool)
    return dialed if alone else ""


def _script_reading(tool: str, arguments: Sequence[str], cwd: Path, services: Collection[str],
                    image_tool: Callable[[str], bool] | None = None) -> tuple[bool, str]:
    """(whether the command runs a project script of the standard library alone, its own folder's modules
    included, that starts no program of the image's, the first of `services` it dials by name or "")."""
    if posixpath.basename(tool).startswith("python"):
        if not arguments or arguments[0].startswith("-") or not arguments[0].endswith(".py"):
            return False, ""
        script = arguments[0]
    elif tool.endswith(".py"):
        script = tool
    else:
        return False, ""
    import ast

    trees = _modules(cwd / script)
    if trees is None:
        return False, ""
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in _OS_MODULES and any(
                    a.name == "*" or (_starts_program(a.name) and a.name not in ("system", "popen"))
                    for a in node.names):
                return False, ""  # `from os import execv`
            if isinstance(node, ast.Name) and node.id in _BUILTINS_RUNNING:
                return False, ""
    from doctor.project.started_programs import starts_only

    os_names = set(_OS_MODULES)  # `import os as o`: o
    for tree in trees:
        os_names |= {a.asname for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
                     if a.asname and a.name in _OS_MODULES}
    for tree in trees:
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _starts_program(node.attr) and node.attr not in ("system", "popen")
                    and isinstance(node.value, ast.Name) and node.value.id in os_names):
                return False, ""  # os.execv, os.spawnl: which program is not read
    if not starts_only(trees, image_tool):
        return False, ""
    hosts = {name.lower(): name for name in services}
    dialed = ""
    for tree in trees:
        for node in ast.walk(tree):
            if hosts and not dialed:
                dialed = hosts.get(_dialed(node, hosts.keys()), "")
    return True, dialed


def _modules(script: Path) -> list[ast.Module] | None:
    """The script's parsed text and that of each module of its folder it imports (a few deep), where each
    imports the standard library or such a module alone, through no relative import; None otherwise (one
    unreadable, too deep, too many, or nested past the parser's depth: unknown)."""
    import ast
    import sys

    from doctor.project.reading import read_regular_text

    folder = script.parent
    trees: list[ast.Module] = []
    seen = {script.name}
    level = [script]
    for depth in range(_SIBLING_DEPTH + 1):
        following: list[Path] = []
        for path in level:
            text = read_regular_text(path, _MAX_SIZE)
            if not text:
                return None
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):  # `x = 1+1+...` nested past the
                return None  # parser's depth (RecursionError, or MemoryError by version): unknown, not the host's
            trees.append(tree)
            names: set[str] = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    if node.level or not node.module:
                        return None
                    names.add(node.module.split(".")[0])
            for name in sorted(names):
                sibling = folder / f"{name}.py"
                if sibling.is_file():  # the script's folder comes first on sys.path: it shadows the library too
                    if sibling.name not in seen:
                        seen.add(sibling.name)
                        following.append(sibling)
                elif name not in sys.stdlib_module_names or name in _REACHES_FURTHER or (folder / name).is_dir():
                    return None
        if not following:
            return trees
        if depth == _SIBLING_DEPTH or len(seen) > _SIBLINGS:
            return None
        level = following
    return None


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
