"""missing-mount's view of what a service's start copies back into a path a bind mount hides.

A data folder bound over a path the image fills (pixelfed's ./docker-compose-state/data/pixelfed/storage
over /var/www/storage) hides the image's content only where nothing puts it back. pixelfed's Dockerfile
keeps a skeleton (`cp --recursive --link storage storage.skel`), and a script its entrypoint runs from
/docker/entrypoint.d/ copies it into the bind at every start (`cp --force --recursive storage.skel/.
./storage/`). What counts is a recursive `cp` (`-r`, `-R`, `-a`) or `rsync` (`-r`, `-a`) of a folder's
contents (`X/.`, `X/*`, `cp -T X`, rsync's `X/`) into the path itself, read against the working
directory, from a source outside it, in the command line or a script the start runs
(RunTimeReads.start_texts). `cp -r X path/` puts the folder X inside the path and restores nothing; a
path written with a variable is none doctor can read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from doctor.lazyre import lazy
from doctor.project.types import Service

from .run_time import RunTimeReads

_SEPARATOR = lazy(r"&&|\|\||[;|&()\n]")
# the long options of cp and rsync written with their value as the next word
_VALUED = frozenset(("--target-directory", "--suffix", "--exclude", "--include", "--filter", "--exclude-from",
                     "--include-from", "--files-from", "--rsh", "--rsync-path", "--chown", "--chmod", "--log-file",
                     "--temp-dir", "--partial-dir", "--backup-dir", "--compare-dest", "--copy-dest", "--link-dest"))
# the short options written with their value (the word's rest, else the next word), per program
_SHORT_VALUED = {"cp": "tS", "rsync": "efTB"}
_SAYS = frozenset(("echo", "printf"))


def refilled(reads: RunTimeReads, service: Service, target: str) -> bool:
    """Whether the service's start copies a folder's contents into `target` (a container path)."""
    wanted = posixpath.normpath(target)
    workdir = reads.workdir(service)
    return any(_at(destination, workdir) == wanted and not _inside(_at(source, workdir), wanted)
               for text in reads.start_texts(service) for source, destination in _copies(text))


def _copies(text: str) -> Iterator[tuple[str, str]]:
    """(source, destination) of each copy in `text` that brings a folder's contents, as written."""
    from doctor.project.shellwords import split_unquoted
    from doctor.project.shipped import shell_words

    if "cp" not in text and "rsync" not in text:
        return
    for command in split_unquoted(text, _SEPARATOR):
        words = shell_words(command)
        # after a wrapper (pixelfed's `run-as-runtime-user cp ...`, `gosu www-data`, `exec`)
        at = next((i for i, word in enumerate(words) if posixpath.basename(word) in _SHORT_VALUED), None)
        if at is not None and words[0] not in _SAYS:
            yield from _contents(posixpath.basename(words[at]), words[at + 1:])


def _contents(program: str, words: list[str]) -> Iterator[tuple[str, str]]:
    """The copies of a folder's contents one `cp` or `rsync` (its words after the program) makes."""
    recursive = whole = False  # whole: cp's -T, the source folder's contents land in the destination
    into = None  # cp's -t DIR, --target-directory=DIR
    args: list[str] = []
    rest = iter(words)
    for word in rest:
        if word.startswith("--") and len(word) > 2:
            name, equals, value = word.partition("=")
            recursive = recursive or name in ("--recursive", "--archive")
            whole = whole or name == "--no-target-directory"
            if name in _VALUED and not equals:
                value = next(rest, "")
            if name == "--target-directory" and program == "cp":
                into = value
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            recursive = recursive or any(c in letters for c in ("rRa" if program == "cp" else "ra"))
            whole = whole or (program == "cp" and "T" in letters)
            for at, letter in enumerate(letters):
                if letter in _SHORT_VALUED[program]:  # its value: the rest of the word, else the next word
                    value = letters[at + 1:] or next(rest, "")
                    into = value if program == "cp" and letter == "t" else into
                    break
        else:
            args.append(word)
    sources, destination = (args, into) if into is not None else (args[:-1], args[-1] if args else "")
    if not recursive or not destination or "$" in destination:
        return
    for source in sources:
        spread = whole or source.endswith(("/.", "/*")) or (program == "rsync" and source.endswith("/"))
        if spread and "$" not in source:
            yield source, destination


def _at(path: str, workdir: str) -> str:
    """A path of the copy in the container (against the working directory), without its `/.` or `/*`."""
    return posixpath.normpath(posixpath.join(workdir or "/", path.removesuffix("*")))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
