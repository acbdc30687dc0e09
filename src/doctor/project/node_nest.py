"""A NestJS service's entry file and its `.env` loads, read from its files (never run): what node_dotenv
follows for `nest start` and a compiled `node dist/main`, and @nestjs/config's `ConfigModule.forRoot()`.

`nest start [--watch]` runs the project's `sourceRoot`/`entryFile` (nest-cli.json; `src`, `main` by
default), and `node dist/main` the file TypeScript compiled from the source folder (tsconfig.json's
`outDir` in place of its `rootDir`, else the sourceRoot). `ConfigModule.forRoot()` loads `.env` from the
working dir unless told otherwise (`envFilePath`: a path or a list of them, the first file holding a key
winning; `ignoreEnvFile: true`: none), and a variable the process already has (compose's) wins, as with
dotenv without `override` (https://docs.nestjs.com/techniques/configuration).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from pathlib import Path

from doctor.lazyre import lazy
from doctor.model import Location
from doctor.project.appenv import DotenvCall, PathSpec
from doctor.project.node_dotenv_args import _arguments, _options_fields, _path, _split
from doctor.project.reading import is_file, read_regular_text

NEST_LOADER = "@nestjs/config"
FOR_ROOT = lazy(r"\bConfigModule\s*\.\s*forRoot(?:Async)?\s*\(")
# tsconfig.json is JSON with comments: its two options read alone
TS_OPTION = lazy(r""""(outDir|rootDir)"\s*:\s*"([^"]*)\"""")
CONFIG_LIMIT = 64 * 1024


def nest_entry(top: Path, words: list[str]) -> Path:
    """The file `nest start` (its words after `start`) runs, in the package folder `top`."""
    source, entry = _nest_cli(top)
    for at, word in enumerate(words):
        if word == "--entryFile" and at + 1 < len(words):
            entry = words[at + 1]
        elif word.startswith("--entryFile="):
            entry = word.split("=", 1)[1]
    return Path(posixpath.normpath(top / source / entry))


def compiled_source(top: Path, path: Path) -> Path:
    """The source file TypeScript compiled `path` (a file under tsconfig's outDir: `dist/main`) from, or
    `path` itself where it is no such file."""
    if not path.is_relative_to(top):
        return path
    text = read_regular_text(top / "tsconfig.json", CONFIG_LIMIT) or ""
    options = {m.group(1): m.group(2) for m in TS_OPTION.finditer(text)}
    out = posixpath.normpath(options.get("outDir", "dist"))
    inner = path.relative_to(top).as_posix()
    if out in ("", ".") or not inner.startswith(out + "/"):
        return path
    root = options.get("rootDir") or _nest_cli(top)[0]
    return Path(posixpath.normpath(top / root / inner[len(out) + 1:]))


def _nest_cli(top: Path) -> tuple[str, str]:
    """nest-cli.json's sourceRoot and entryFile, with Nest's defaults."""
    source, entry = "src", "main"
    if is_file(top / "nest-cli.json"):
        try:
            found = json.loads(read_regular_text(top / "nest-cli.json", CONFIG_LIMIT) or "{}")
        except ValueError:
            found = {}
        if isinstance(found, dict):
            source = found["sourceRoot"] if isinstance(found.get("sourceRoot"), str) else source
            entry = found["entryFile"] if isinstance(found.get("entryFile"), str) else entry
    return source, entry


def config_module_loads(path: Path, code: str, lines: list[str]) -> Iterator[DotenvCall]:
    """The `.env` files each `ConfigModule.forRoot({...})` of a file loads (`code`: its comments blanked)."""
    for match in FOR_ROOT.finditer(code):
        fields = _options_fields(_arguments(code, match.end()))
        if fields.get("ignoreEnvFile", "").strip() == "true":
            continue
        given = fields.get("envFilePath")
        candidates: tuple[PathSpec, ...] = (("cwd", ".env"),)
        if given is not None:
            given = given.strip()
            parts = _split(given[1:-1]) if given.startswith("[") and given.endswith("]") else [given]
            specs = [_path(part) for part in parts]
            if any(len(spec) != 1 for spec in specs):
                continue  # a path doctor cannot tell (`.env.${process.env.NODE_ENV}`)
            candidates = tuple(spec[0] for spec in specs)
        line = code.count("\n", 0, match.start()) + 1
        column = match.start() - (code.rfind("\n", 0, match.start()) + 1) + 1
        text = lines[line - 1] if line <= len(lines) else ""
        yield DotenvCall(Location(path, line, column), False, candidates, text.strip(), len(candidates) > 1,
                         NEST_LOADER)
