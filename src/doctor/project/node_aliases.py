"""A TypeScript package's import aliases: tsconfig.json's `compilerOptions.paths` (with its `baseUrl`),
read (never run) so that node_dotenv follows `import { DB_HOST } from '@config'` to src/config as the
compiler, ts-node's `-r tsconfig-paths/register` and tsc-alias do (ljlm0402/typescript-express-starter:
`"@config": ["config"]` under `"baseUrl": "src"`, where the app's dotenv load lives)."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from doctor.lazyre import lazy
from doctor.project.reading import is_file, read_regular_text

FILE_LIMIT = 256 * 1024
MAX_ALIASES = 200
# a comment, or a string literal matched first so that `"@/*"` holds no comment; then a trailing comma
JSONC_NOISE = lazy(r'"(?:[^"\\\n]|\\.)*"|/\*[\s\S]*?\*/|//[^\n]*')
TRAILING_COMMA = lazy(r",(\s*[}\]])")
# a bare module specifier after `from`, `import`, `import(` or `require(`: `'@config'`, `"@routes/users.route"`
BARE = lazy(r"""(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"./][^'"]*)['"]""")

Aliases = tuple[tuple[str, tuple[str, ...]], ...]  # (pattern, host folders' targets), as tsconfig lists them


def tsconfig_aliases(top: Path) -> Aliases:
    """The `paths` of the package's tsconfig.json, each target made a host path under `baseUrl` (else the
    tsconfig's folder); () without one, or where it cannot be read (`extends` is not followed)."""
    config = top / "tsconfig.json"
    text = read_regular_text(config, FILE_LIMIT) if is_file(config) else None
    if text is None:
        return ()
    cleaned = TRAILING_COMMA.sub(r"\1", JSONC_NOISE.sub(lambda m: m[0] if m[0][0] == '"' else "", text))
    try:
        options = json.loads(cleaned).get("compilerOptions")
    except (ValueError, AttributeError):
        return ()
    paths = options.get("paths") if isinstance(options, dict) else None
    if not isinstance(paths, dict):
        return ()
    base = options.get("baseUrl")
    folder = posixpath.normpath(posixpath.join(str(top), base if isinstance(base, str) else "."))
    return tuple((pattern, tuple(posixpath.join(folder, t) for t in targets if isinstance(t, str)))
                 for pattern, targets in list(paths.items())[:MAX_ALIASES]
                 if isinstance(pattern, str) and pattern.count("*") <= 1 and isinstance(targets, list))


def aliased_imports(code: str, aliases: Aliases) -> list[Path]:
    """The files the code's aliased imports name (each alias's first target; a module doctor resolves
    further, as Node does, by extension or folder index)."""
    found: list[Path] = []
    for match in BARE.finditer(code):
        target = _target(match[1], aliases)
        if target is not None:
            found.append(Path(posixpath.normpath(target)))
    return found


def _target(specifier: str, aliases: Aliases) -> str | None:
    """The first target of the pattern TypeScript picks: an exact one, else the wildcard one with the
    longest prefix."""
    best: tuple[int, str] | None = None
    for pattern, targets in aliases:
        if not targets:
            continue
        if "*" not in pattern:
            if specifier == pattern:
                return targets[0]
            continue
        prefix, suffix = pattern.split("*")
        if specifier.startswith(prefix) and specifier.endswith(suffix) and len(specifier) >= len(prefix + suffix) \
                and (best is None or len(prefix) > best[0]):
            best = (len(prefix), targets[0].replace("*", specifier[len(prefix):len(specifier) - len(suffix)]))
    return best[1] if best is not None else None
