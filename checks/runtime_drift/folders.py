"""runtime-drift's version files of a folder, remembered across runs (doctor.project.memo).

A warm run of an unchanged project reads the same `.python-version`, `.nvmrc`, pyproject and
package.json of each build's folders again (otel-demo's sixteen builds: nineteen folders, thirteen
names tried in each); a folder whose files are as they were answers from the store.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from doctor.project import runtimes
from doctor.project.runtimes import Declared, FolderVersions

# every file runtimes.read_folder may read in a folder, tox_envs' sources included: an entry is read again
# when one of them is changed, made or removed
FOLDER_FILES = (".python-version", ".nvmrc", ".node-version", ".tool-versions", "runtime.txt", "mise.toml",
                ".mise.toml", "pyproject.toml", "uv.lock", "package.json", "tox.ini", "setup.cfg", "tox.toml")


class RememberedVersions(FolderVersions):
    """FolderVersions whose folders are read through the store, each once per run as before."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._remembered: dict[Path, list[Declared]] = {}

    def folder(self, path: Path) -> list[Declared]:
        """What one folder declares (from the store while its files are unchanged)."""
        found = self._remembered.get(path)
        if found is None:
            from doctor.project.memo import remember

            text = os.fspath(path)
            found = self._remembered[path] = remember(
                "folder-versions", tuple(os.path.join(text, name) for name in FOLDER_FILES), (),
                functools.partial(runtimes.read_folder, path))  # the module's: tests count its calls
        return found
