"""The `.env` loads of a Node service, read from its files (never run): what appenv's DotenvCall is
for python-dotenv, for Node's loaders.

Where a service runs Node (a node image, or a command naming node, npm, yarn, pnpm, npx, bun), its
package.json (in the working dir, as the container sees it) and its command give what runs:
`yarn dev` / `npm run X` / `npm start` follow the package.json script, `node F` / `nodemon F` /
`ts-node F` / `pm2 start F` name an entry file (`nest start` and a compiled `node dist/main` too:
node_nest), a shell script of the service's code (a `.sh`, or a
`sh`/`bash` shebang: brocoders/nestjs-boilerplate's CMD ["/opt/startup.relational.dev.sh"]) is read
line by line as commands, and a command doctor cannot read is package.json's `start` script, else
its `main`. A script's own loaders are calls at its package.json line:
`node -r dotenv/config` (`--require`, with `dotenv_config_path=`), `node --env-file=F` (Node 20+),
dotenv-cli's `dotenv -e F [-o] --` and `env-cmd -f F` (which overrides unless `--no-override`).
From each entry file the relative `require()` / `import` are followed, and those tsconfig.json's
`paths` alias (`'@config'`: node_aliases), at most MAX_FILES files of the package, never
node_modules, and in each file dotenv's loads are read: `require('dotenv')
.config(...)`, a binding's `dotenv.config(...)` (`const dotenv = require('dotenv')`, `import * as
dotenv from 'dotenv'`, `import { config } from 'dotenv'`), dotenv-safe's alike, `import
'dotenv/config'`, and @nestjs/config's `ConfigModule.forRoot()` (node_nest). A `path:` is a literal
(relative to the working dir, as Node's process.cwd()), a template reading one variable
(``.env.${process.env.NODE_ENV || 'development'}.local``: the container's NODE_ENV, else the fallback),
`path.join(__dirname, ...)` / `path.resolve(__dirname, ...)` (relative to the file),
`path.resolve(process.cwd(), ...)`, whose last part may be such a template; `override: true` beats
what compose sets.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.appenv import DotenvCall, Guard, PathSpec
from doctor.project.codepaths import CodeMap
from doctor.project.node_dotenv_args import _arguments, _literal, _options, _path
from doctor.project.reading import is_file, read_regular_text
from doctor.regular import text_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project
    from doctor.project.types import Service

MAX_FILES = 48  # JS/TS files read per service, from its entry files through relative imports
MAX_DEPTH = 4  # scripts through scripts (`npm start` running `npm run serve`)
FILE_LIMIT = 512 * 1024
SOURCE_EXTS = (".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts")
RUNNERS = frozenset({"node", "nodemon", "ts-node", "ts-node-dev", "tsnd", "tsx", "babel-node", "bun", "deno"})
NODE_WORDS = lazy(r"(?<![\w./-])(?:node|nodemon|npm|npx|yarn|pnpm|bun|ts-node|tsx|pm2(?:-docker|-runtime)?)(?![\w.-])")
SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})
SHELL_SEPARATOR = lazy(r"&&|\|\||[;|&()]")
SHELL_SHEBANG = lazy(r"#!\s*\S*/(?:env\s+)?(?:ba|da|a)?sh\b")
SHELL_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{"})
# `const dotenv = require('dotenv')`, `import dotenv from "dotenv"`, `import * as dotenv from 'dotenv'`
BOUND = lazy(r"""(?:(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['"](dotenv(?:-safe)?)['"]\s*\)(?!\s*\.)"""
             r"""|import\s+(?:\*\s+as\s+)?(\w+)\s+from\s+['"](dotenv(?:-safe)?)['"])""")
# `import { config } from 'dotenv'`, `const { config } = require('dotenv')`
NAMED = lazy(r"""(?:import\s*\{([^}]*)\}\s*from\s*|(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*)"""
             r"""['"](dotenv(?:-safe)?)['"]""")
OVERRIDE_FLAG = lazy(r"\boverride\s*:\s*true\b")  # dotenv's option, in an options object's text
REQUIRED = lazy(r"""require\(\s*['"](dotenv(?:-safe)?)['"]\s*\)\s*\.\s*(?:config|load)\s*\(""")
PRELOAD = lazy(r"""(?:^|[;\s])(?:import\s+|require\(\s*)['"]dotenv(?:-safe)?/config['"]""", re.MULTILINE)
IMPORTS = lazy(r"""(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)['"](\.{1,2}/[^'"]*)['"]""")
# a comment, or a string literal matched first so a `/*` or `//` inside it starts none (`glob.sync('./routes/*.js')`)
COMMENTS = lazy(r"""'(?:[^'\\\n]++|\\.)*+'|"(?:[^"\\\n]++|\\.)*+"|`(?:[^`\\]++|\\.)*+`|/\*[\s\S]*?\*/|//[^\n]*""")
# `if (process.env.X === 'v')`, `if ('v' !== process.env['X'])`, `if (!process.env.X)` right before the call's
# statement (alone after the `)`, or first in its `{` block)
GUARDED = lazy(r"""\bif\s*\(\s*(?:"""
               r"""process\.env(?:\.(?P<a>[A-Za-z_]\w*)|\[\s*['"](?P<b>[A-Za-z_]\w*)['"]\s*\])\s*(?P<op>[!=]==?)\s*"""
               r"""['"](?P<lit>[^'"\n]*)['"]"""
               r"""|['"](?P<lit2>[^'"\n]*)['"]\s*(?P<op2>[!=]==?)\s*"""
               r"""process\.env(?:\.(?P<c>[A-Za-z_]\w*)|\[\s*['"](?P<d>[A-Za-z_]\w*)['"]\s*\])"""
               r"""|(?P<bang>!\s*)?process\.env(?:\.(?P<e>[A-Za-z_]\w*)|\[\s*['"](?P<f>[A-Za-z_]\w*)['"]\s*\]))"""
               r"""\s*\)\s*\{?\s*\Z""")


def runs_node(project: Project, service: Service) -> bool:
    """Whether the service runs Node: a node runtime image, or what it runs names a Node tool."""
    from doctor.project.runtimes import image_runtime
    from doctor.project.shipped import run_words

    recipe = project.image_recipe(service)
    base = recipe.base if recipe is not None else "" if project.build_of(service) is not None else service.image or ""
    return image_runtime(base) == "node" or bool(NODE_WORDS.search(" ".join(run_words(project, service))))


def service_calls(project: Project, service: Service, codes: CodeMap, workdir: str | None
                  ) -> tuple[DotenvCall, ...]:
    """The `.env` loads of what the service runs, as calls appenv.dotenv_effects follows (read once per
    service and working dir: dotenv-override and the app environment leaked-host-port judges both ask)."""
    return project.once(f"node-dotenv:{service.name}:{workdir}",
                        lambda: _service_calls(project, service, codes, workdir))


def _service_calls(project: Project, service: Service, codes: CodeMap, workdir: str | None
                   ) -> tuple[DotenvCall, ...]:
    from doctor.project.shipped import run_words

    if not runs_node(project, service):
        return ()
    found = codes.to_host(posixpath.join(workdir or "/", "package.json"))
    manifest = found[0] if found is not None and is_file(found[0]) else None
    if manifest is None:
        return ()
    text = read_regular_text(manifest, FILE_LIMIT) or ""
    try:
        package = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(package, dict):
        return ()
    scripts = {k: v for k, v in (package.get("scripts") or {}).items() if isinstance(v, str)} \
        if isinstance(package.get("scripts"), dict) else {}
    reader = _Service(manifest, text, scripts, codes)
    words = run_words(project, service)
    reader.command(words, None, 0)
    if not reader.entries and not reader.calls:  # a command doctor cannot read: `npm start`, else `main`
        if "start" in scripts:
            reader.script("start", 0)
        elif isinstance(package.get("main"), str):
            reader.entries.append(manifest.parent / package["main"])
    # services built alike run the same files: read once per project
    entries, top = tuple(reader.entries), manifest.parent
    return (*reader.calls, *project.once(f"node-files:{top}:{entries}", lambda: tuple(file_calls(list(entries), top))))


class _Service:
    """Reads a service's command through its package.json scripts: entry files and script-level loads."""

    def __init__(self, manifest: Path, text: str, scripts: dict[str, str], codes: CodeMap) -> None:
        self.manifest, self.lines, self.scripts, self.codes = manifest, text_lines(text), scripts, codes
        self.entries: list[Path] = []
        self.calls: list[DotenvCall] = []
        self.seen: set[str] = set()
        self.source = (manifest, self.lines)  # the file whose lines a load is placed at

    def script(self, name: str, depth: int) -> None:
        if name in self.seen or depth > MAX_DEPTH:
            return
        self.seen.add(name)
        from doctor.project.shipped import shell_words

        line = next((i for i, t in enumerate(self.lines, 1) if f'"{name}"' in t and ":" in t), 1)
        source, self.source = self.source, (self.manifest, self.lines)
        self.command(shell_words(self.scripts[name]), line, depth + 1)
        self.source = source

    def shell_script(self, word: str, depth: int) -> bool:
        """A shell script the service runs (brocoders/nestjs-boilerplate's CMD ["/opt/startup.relational.dev.sh"]:
        `npm run migration:run`, then `npm run start:prod`): its lines read as commands, each load placed at
        its line. False where `word` names no shell script of the service's code (a program)."""
        if depth > MAX_DEPTH or not ("/" in word or word.endswith(".sh")):
            return False
        found = self.codes.to_host(word) if posixpath.isabs(word) else (
            Path(posixpath.normpath(self.manifest.parent / word)), None)
        path = found[0] if found is not None else None
        if path is None or not is_file(path) or f"sh:{path}" in self.seen:
            return False
        text = read_regular_text(path, FILE_LIMIT)
        if text is None or not (path.suffix == ".sh" or SHELL_SHEBANG.match(text)):
            return False
        self.seen.add(f"sh:{path}")
        from doctor.project.shellwords import split_unquoted
        from doctor.project.shipped import shell_words

        lines = text_lines(text)
        source, self.source = self.source, (path, lines)
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#"):
                continue
            for part in split_unquoted(line, SHELL_SEPARATOR):
                words = shell_words(part.strip())
                while words and words[0] in SHELL_KEYWORDS:
                    words = words[1:]
                self.command(words, number, depth + 1)
        self.source = source
        return True

    def command(self, words: list[str], line: int | None, depth: int) -> None:
        part: list[str] = []
        for word in [*words, ";"]:
            if word in SEPARATORS:
                self._segment(part, line, depth)
                part = []
            else:
                part.append(word)

    def _segment(self, words: list[str], line: int | None, depth: int) -> None:
        while words and (("=" in words[0] and not words[0].startswith("-")) or words[0] in (
                "cross-env", "exec", "npx", "env", "dumb-init", "tini", "--")):
            words = words[1:]
        if not words:
            return
        tool, rest = posixpath.basename(words[0]), words[1:]
        if tool in ("npm", "yarn", "pnpm", "bun") and rest:
            name = rest[1] if rest[0] in ("run", "run-script") and len(rest) > 1 else rest[0]
            if name in self.scripts and (tool != "npm" or rest[0] in ("run", "run-script", "start", "test")):
                self.script(name, depth)
        elif tool in ("dotenv", "env-cmd"):
            self._wrapper(tool, rest, line, depth)
        elif tool in RUNNERS or tool.startswith("pm2"):
            self._runner(tool, rest, line)
        elif tool == "nest" and rest[:1] == ["start"]:  # the Nest CLI: nest-cli.json's sourceRoot/entryFile
            from doctor.project.node_nest import nest_entry

            self.entries.append(nest_entry(self.manifest.parent, rest[1:]))
        elif tool in ("sh", "bash") and rest and not rest[0].startswith("-"):
            self.shell_script(rest[0], depth)
        else:
            self.shell_script(words[0], depth)

    def _wrapper(self, tool: str, rest: list[str], line: int | None, depth: int) -> None:
        """dotenv-cli: `dotenv [-e F]... [-o] [--] cmd` (later files do not beat earlier ones); env-cmd:
        `env-cmd [-f F] [--no-override] cmd` (overrides by default)."""
        files: list[str] = []
        override = tool == "env-cmd"
        at = 0
        while at < len(rest) and rest[at].startswith("-"):
            flag = rest[at]
            if flag == "--":
                at += 1
                break
            if flag in ("-e", "-f", "--file") and at + 1 < len(rest):
                files.append(rest[at + 1])
                at += 2
                continue
            override = override if flag not in ("-o", "--override", "--no-override") else flag != "--no-override"
            at += 1
        for name in files or [".env"]:
            if not name.endswith((".json", ".js", ".cjs")):  # env-cmd's JS / JSON files are not dotenv files
                self._call("dotenv-cli" if tool == "dotenv" else "env-cmd", _literal(name), override, line)
        self.command(rest[at:], line, depth)

    def _runner(self, tool: str, rest: list[str], line: int | None) -> None:
        at = 0
        while at < len(rest):
            word = rest[at]
            value = rest[at + 1] if at + 1 < len(rest) else ""
            if word in ("-r", "--require", "-i") or word.startswith(("--require=", "-r=")):
                module = word.split("=", 1)[1] if "=" in word else value
                if module in ("dotenv/config", "dotenv-safe/config"):
                    path = next((w.split("=", 1)[1] for w in rest if w.startswith("dotenv_config_path=")), ".env")
                    self._call("dotenv/config", _literal(path), False, line)
                at += 1 if "=" in word else 2
                continue
            if word == "--env-file" or word.startswith("--env-file="):
                self._call("--env-file", _literal(word.split("=", 1)[1] if "=" in word else value), False, line)
                at += 1 if "=" in word else 2
                continue
            if not word.startswith("-") and word not in ("start", "run") and (
                    word.endswith(SOURCE_EXTS) or "/" in word):
                if posixpath.isabs(word):  # the container's path (`node /app/src/index.js`): the host's file behind it
                    found = self.codes.to_host(word)
                    if found is not None:
                        self.entries.append(found[0])
                else:
                    self.entries.append(Path(posixpath.normpath(self.manifest.parent / word)))
                if _resolve(self.entries[-1]) is None:  # `node dist/main`: the TypeScript it is compiled from
                    from doctor.project.node_nest import compiled_source

                    self.entries[-1] = compiled_source(self.manifest.parent, self.entries[-1])
                return
            at += 1

    def _call(self, loader: str, spec: PathSpec, override: bool, line: int | None) -> None:
        at = line or 1
        path, lines = self.source
        text = lines[at - 1] if 0 < at <= len(lines) else ""
        self.calls.append(DotenvCall(Location(path, at), override, (spec,), text.strip(), False, loader))


def file_calls(entries: list[Path], top: Path) -> Iterator[DotenvCall]:
    """The dotenv loads of the entry files and the files of the package they import (relatively)."""
    from doctor.project.node_aliases import aliased_imports, tsconfig_aliases

    todo, seen = list(entries), set[Path]()
    aliases = tsconfig_aliases(top)
    while todo and len(seen) < MAX_FILES:
        path = _resolve(todo.pop(0))
        if path is None or path in seen or not path.is_relative_to(top) or "node_modules" in path.parts:
            continue
        seen.add(path)
        text = read_regular_text(path, FILE_LIMIT)
        if text is None:
            continue
        code = COMMENTS.sub(_uncommented, text)
        todo.extend(Path(posixpath.normpath(path.parent / m.group(1))) for m in IMPORTS.finditer(code))
        if aliases:  # tsconfig's `paths`: `from '@config'` is src/config/index.ts
            todo.extend(aliased_imports(code, aliases))
        if "dotenv" in code:
            yield from _loads(path, code, text_lines(text))
        if "ConfigModule" in code:  # @nestjs/config's ConfigModule.forRoot(): .env unless told otherwise
            from doctor.project.node_nest import config_module_loads

            yield from config_module_loads(path, code, text_lines(text))


def _uncommented(found: re.Match[str]) -> str:
    """A string literal as it is; a comment as the line breaks it holds (the lines keep their numbers)."""
    text = found.group(0)
    return text if text[0] in "'\"`" else "\n" * text.count("\n")


def _resolve(path: Path) -> Path | None:
    """A module path as Node (or ts-node) finds it: the file, with an extension, or its folder's index."""
    if path.suffix in SOURCE_EXTS and is_file(path):
        return path
    stem = path.with_suffix("") if path.suffix in (".js", ".mjs", ".cjs") else path  # TS's `./x.js` is x.ts
    for candidate in (*(Path(f"{stem}{e}") for e in SOURCE_EXTS), *(path / f"index{e}" for e in SOURCE_EXTS)):
        if is_file(candidate):
            return candidate
    return None


def _loads(path: Path, code: str, lines: list[str]) -> Iterator[DotenvCall]:
    names = {m.group(1) or m.group(3): m.group(2) or m.group(4) for m in BOUND.finditer(code)}
    functions: dict[str, str] = {}
    for match in NAMED.finditer(code):
        for item in (match.group(1) or match.group(2) or "").split(","):
            parts = re.split(r"\s+as\s+|\s*:\s*", item.strip())
            if parts[0] in ("config", "load"):
                functions[parts[-1]] = match.group(3)
    starts = [(m.end(), m.group(1), m.start()) for m in REQUIRED.finditer(code)]
    for name, loader in names.items():
        starts += [(m.end(), loader, m.start()) for m in re.finditer(rf"(?<![\w.$]){re.escape(name)}\s*\.\s*"
                                                                     r"(?:config|load)\s*\(", code)]
    for name, loader in functions.items():
        starts += [(m.end(), loader, m.start()) for m in re.finditer(rf"(?<![\w.$]){re.escape(name)}\s*\(", code)]
    for end, loader, start in sorted(starts):
        arguments = _arguments(code, end)
        argument, override = _options(arguments)
        candidates = (("cwd", ".env"),) if argument is None else _path(argument)
        # Prettier puts `override: true,` on a line of its own: its fix edits that line
        flag = OVERRIDE_FLAG.search(arguments) if override else None
        flag_line = code.count("\n", 0, end + flag.start()) + 1 if flag is not None else 0
        yield _at(path, code, lines, start, override, candidates, loader, flag_line)
    for match in PRELOAD.finditer(code):
        yield _at(path, code, lines, match.end() - 1, False, (("cwd", ".env"),), "dotenv/config")


def _at(path: Path, code: str, lines: list[str], offset: int, override: bool,
        candidates: tuple[PathSpec, ...], loader: str, flag_line: int = 0) -> DotenvCall:
    line = code.count("\n", 0, offset) + 1
    text = lines[line - 1] if line <= len(lines) else ""
    column = offset - (code.rfind("\n", 0, offset) + 1) + 1
    return DotenvCall(Location(path, line, column), override, candidates, text, False, loader,
                      guard=_guard(code, offset), flag_line=flag_line if flag_line != line else 0)


def _guard(code: str, offset: int) -> tuple[Guard, ...]:
    """The condition of an `if` whose body the call at `offset` starts, as appenv's Guard, where it reads one
    variable: `if (process.env.NODE_ENV !== 'production') require('dotenv').config()` (or its `{ ... }` block)
    does not run where compose sets NODE_ENV=production. () for any other (the call counts as running)."""
    found = GUARDED.search(code, max(0, offset - 400), offset)
    if found is None:
        return ()
    name = next(found[group] for group in "abcdef" if found[group])
    term: Guard = ("env", name, None, ())
    operator = found["op"] or found["op2"]
    if operator:
        equal: Guard = ("eq", term, ("lit", found["lit"] if found["lit"] is not None else found["lit2"]))
        return (equal if operator.startswith("=") else ("not", equal),)
    truthy: Guard = ("truthy", term)
    return (("not", truthy) if found["bang"] else truthy,)
