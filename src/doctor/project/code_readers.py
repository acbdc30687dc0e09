"""A service whose start is a tool that reads the project's code without running it, read (never run).

hackclub/hcb's docker-compose.solargraph.yml adds `solargraph`, built from the app's Dockerfile with the
checkout bound over it, whose command is `bundle exec solargraph socket --host=0.0.0.0 --port=7658`: a
language server for the editor. It parses app/ and config/, but never boots Rails, so the dotenv railtie's
`.env.development` and config/database.yml's defaults are no values of its process, and nothing it holds
dials a peer. Language servers and linters (CODE_READERS) are such tools; a start that runs anything else
beside them (`rails s`, a shell line with more commands) is not.
"""

from __future__ import annotations

import posixpath
import shlex

from doctor.project.types import Service

TYPE_CHECKING = False
if TYPE_CHECKING:
    from doctor.project import Project

# language servers and linters of Ruby code: each reads the files it is given, none loads the app (not ruby-lsp:
# its Rails add-on, ruby-lsp-rails, starts a `rails runner` of the app to answer about models and routes)
CODE_READERS = frozenset({"solargraph", "rubocop", "standardrb", "steep", "reek", "erblint",
                          "erb_lint", "brakeman", "yard"})
# what runs the tool in the bundle's environment without loading the app: `bundle exec solargraph`
_LAUNCHERS = (("bundle", "exec"), ("bundler", "exec"), ("bin/bundle", "exec"))
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&"})


def code_reader(project: Project, service: Service) -> str | None:
    """The tool the service starts when it only reads the project's code (CODE_READERS: hcb's `solargraph`,
    `bundle exec solargraph socket`), else None; its start is compose's command and entrypoint over its
    image's CMD and ENTRYPOINT."""
    from doctor.project.service_start import past_init, started_words

    words = past_init(started_words(project, service))
    if len(words) == 3 and posixpath.basename(words[0]) in _SHELLS and words[1] in ("-c", "-lc"):
        try:
            words = past_init(shlex.split(words[2]))  # `sh -c "bundle exec rubocop --lsp"`
        except ValueError:
            return None
    if any(word in _SEPARATORS for word in words):
        return None  # a line of several commands runs more than the tool
    for launcher in _LAUNCHERS:
        if tuple(words[:2]) == launcher:
            words = words[2:]
            break
    tool = posixpath.basename(words[0]) if words else ""
    return tool if tool in CODE_READERS else None

