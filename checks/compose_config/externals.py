"""compose-config's look at the external volumes and networks the services use: whether the engine
has them, and what of the project creates one it lacks (a Makefile target, a setup script)."""

from __future__ import annotations

from doctor.host import Host
from doctor.model import Unavailable
from doctor.project import Project
from doctor.project.env_makers import recipe_lines


def _engine_has(host: Host, kind: str, name: str) -> bool:
    """Whether the engine has the volume or network (its inspect answers 404 when not); Unavailable
    when it cannot be asked."""
    from urllib.parse import quote

    from doctor.host.images import not_found

    try:
        host.engine.get_json(f"/{kind}s/{quote(name, safe='')}")
    except Unavailable as exc:
        if not_found(exc):
            return False
        raise
    return True


def _made_by(project: Project, kind: str, name: str) -> str:
    """`make docker_setup, Makefile:19 does` when a Makefile target runs `docker KIND create NAME`, else ""."""
    for makefile, number, target, line in recipe_lines(project):
        if f"{kind} create" in line and name in line.split() and not target.startswith("."):
            return f"make {target}, {makefile}:{number} does"
    return ""


# where a project keeps the shell scripts that set it up: its top and a few usual folders, never deeper
SCRIPT_FOLDERS = ("", "bin", "install", "script", "scripts", "tools")
MAX_SCRIPTS = 200  # per folder: a vendored tree of scripts is not read whole


class _Scripts:
    """The project's own shell scripts (`*.sh`, `*.bash` in SCRIPT_FOLDERS), read on first use."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._texts: list[tuple[str, str]] | None = None

    def maker(self, kind: str, name: str) -> str:
        """`./install/create-docker-volumes.sh does, which ./install.sh runs` when a script has
        `KIND create` and names NAME (getsentry/self-hosted's `$CONTAINER_ENGINE volume create` in a
        function it calls as `create_volume sentry-data`), else ""."""
        texts = self.texts()
        script = next((rel for rel, text in texts if f"{kind} create" in text and _mentions(text, name)), None)
        if script is None:
            return ""
        # the top-level script a newcomer runs that runs it (`source install/create-docker-volumes.sh`)
        runner = next((rel for rel, text in texts if "/" not in rel and rel != script and _mentions(text, script)),
                      None)
        return f"./{script} does" + (f", which ./{runner} runs" if runner else "")

    def texts(self) -> list[tuple[str, str]]:
        if self._texts is None:
            import os

            from doctor.project.reading import read_regular_text

            self._texts = []
            for folder in SCRIPT_FOLDERS:
                try:
                    with os.scandir(self.project.root / folder) as entries:
                        names = sorted(e.name for e in entries if e.name.endswith((".sh", ".bash"))
                                       and e.is_file(follow_symlinks=False))
                except OSError:
                    continue
                for file in names[:MAX_SCRIPTS]:
                    rel = f"{folder}/{file}" if folder else file
                    text = read_regular_text(self.project.root / rel)
                    if text is not None:
                        self._texts.append((rel, text))
        return self._texts


def _mentions(text: str, word: str) -> bool:
    """Whether `word` stands in `text` as a whole name (`sentry-data`, not `sentry-data-2` or `xsentry-data`)."""
    start = text.find(word)
    while start >= 0:
        before = text[start - 1] if start else " "
        end = start + len(word)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_-.") and not (after.isalnum() or after in "_-"):
            return True
        start = text.find(word, start + 1)
    return False
