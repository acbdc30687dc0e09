"""compose refusing the project, in the text piped to `doctor why` (refusal, refusal_causes).

A line of compose refusing the project before it created anything (REFUSED: `invalid project name`, `env file ...
not found`, a YAML or schema error, an undefined reference) is the answer itself, whatever containers an earlier
`up` left: what explains it is the finding saying the same (compose-config's, with its file and line).
"""

from __future__ import annotations

from pathlib import Path

from doctor.model import Severity
from doctor.records import replace
from doctor.why.piped import text_lines
from doctor.why.piped_exits import created_any
from doctor.why.signatures import Signature

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from doctor.model import Finding

# compose's own refusals of the project: one line, before it pulls, builds or creates anything (compose v2.40's
# words). Each alternative's match is the refusal itself, without compose's detail after it (`: stat ...`,
# `: invalid compose project`): the count line quotes it
REFUSED = Signature(
    "compose-refused",
    r"invalid project name \"(?P<name>[^\"]*)\"|project name must not be empty"
    r"|env file (?P<path>\S+) not found(?=:|$)|couldn't find env file: (?P<path2>\S+)"
    r"|no configuration file provided: not found|^open (?P<path3>\S+\.ya?ml): no such file or directory"
    r"|^validating (?P<file>\S+): (?P<key>[\w.-]+)\b.*"
    r"|^(?:(?:parsing|loading|failed to parse) \S+: )?yaml: .+"
    r"|^(?P<key2>(?:services|networks|volumes|secrets|configs)\.[\w.-]+) (?:must be|contains|is |has |does not"
    r"|additional propert|conflicts with imported resource).*"
    r"|^\(root\) additional propert.*"
    r"|service \"?(?P<service>[\w.-]+)\"? "
    r"(?:refers to undefined (?:network|volume|secret|config) \"?(?P<ref>[\w.-]+)\"?"
    r"|depends on undefined service \"?(?P<ref2>[\w.-]+)\"?|has neither an image nor a build context specified)"
    r"|error while interpolating (?P<key3>\S+): (?:required variable (?P<variable>\w+) is missing a value)?"
    r"|invalid interpolation format for (?P<key4>\S+)"
    r"|environment variable \"(?P<variable2>\w+)\" required by (?:secret|config) \S+ is not set"
    r"|external (?:volume|network) \"(?P<ref3>[^\"]+)\" not found|network (?P<ref4>\S+) declared as external, but "
    r"could not be found"
    r"|^invalid (?:hostPort|containerPort|port|proto)\b.*"
    r"|^no such service: (?P<service2>[\w.-]+)$|^no service selected$"
    r"|^dependency cycle detected: .+"
    # an image reference a variable left empty (`image: app:${TAG}`): compose asks the engine for it before creating
    # anything, and the engine refuses its form (an engine that does not answer is no refusal)
    r"|^unable to get image '(?P<image>[^']*)'(?=: .*invalid reference format)"
    # the engine has a network of the name compose gives one of the project, not made for it (doctor.why.network_clash)
    r"|network (?P<network>[\w.-]+) was found but has incorrect label com\.docker\.compose\.network set to "
    r"\"(?P<found>[^\"]*)\"(?: \(expected: \"(?P<expected>[^\"]*)\"\))?",
    "compose refused the project before creating any container (it pulled, built and started nothing): it could "
    "not read or accept the compose files, an env file, the project name, an image reference (a variable left "
    "empty), a dependency cycle or a service the command named, or the engine has a network of the name one of "
    "the project's gets that was not made for it",
    ("compose-config", "env-drift"),  # env-drift: a missing env file with a template beside it
    "the compose files and env files compose read: `doctor preflight --select compose-config` names each fault with "
    "its file and line; `docker compose config` prints compose's own first one",
    project_wide=True,
)
# the state of each service `up` was to start when compose refused the project: counted on the count line, and not
# listed one by one on the console (the refusal is the one answer: compose read no service to start)
NOT_STARTED = "not started: compose refused the project"
# the kind of compose-config problem (its finding's subject starts `KIND:`) a refusal is, when its words say
_REFUSAL_KINDS = ((" yaml: ", "yaml"), ("interpolat", "interpolation"), ("env file", "env-file"),
                  ("undefined", "reference"), ("no configuration file", "discovery"), ("validating ", "schema"),
                  ("invalid port", "schema"), ("invalid hostport", "schema"))


def unreadable(refused: str) -> bool:
    """Whether compose's refusal is a file it could not parse as YAML (`failed to parse compose.yaml: yaml: line 6:
    ...`): its services are not known from it, so the refusal is the one cause, with no service listed below it."""
    return _parse_error(refused)


def _parse_error(said: str) -> bool:
    """Whether compose's words hold go-yaml's own `yaml: ` (after a blank: `failed to parse compose.yaml: yaml: line
    6`), not a file name ending in it (`validating compose.yaml: services.web additional properties ...`)."""
    return said.startswith("yaml: ") or " yaml: " in said


def refusal(text: str) -> str:
    """The latest line of the text that is compose refusing the project (REFUSED), when compose's progress names no
    container after it (a later `up` did get on); "" when none."""
    lines = text_lines(text)
    for at in range(len(lines) - 1, -1, -1):
        if REFUSED.match(lines[at]) is not None:
            return "" if created_any("\n".join(lines[at + 1:])) else lines[at]
    return ""


def refusal_causes(line: str, findings: Sequence[Finding]) -> list[Finding]:
    """The findings (of REFUSED's checks, warnings and errors) that explain compose's refusal `line`: those whose
    compose-config subject is compose's message (doctor writes its quotes as `'`), else those naming a value the line
    captured (the project name, the file, the key, the variable, the undefined name), else compose-config's of the
    problem kind the line's words say (a YAML error); [] when none does."""
    import re

    def plain(text: str) -> str:
        return " ".join(text.replace('"', "'").lower().split())

    mine = [f for f in findings if f.check in REFUSED.checks and f.severity >= Severity.WARNING]
    said = plain(line)
    # the subject is `KIND:MESSAGE`, and `@FILE:LINE` after it where the same message is at several lines
    same = [f for f in mine if f.check == "compose-config" and ":" in f.subject
            and plain(re.sub(r"@[^@\s]+:\d+$", "", f.subject.split(":", 1)[1])) in said]
    if same:
        return same
    captured = REFUSED.match(line) or {}
    # the file: any finding's; a network clash's names (the network, the other project's key and ours) are
    # why's own cause (doctor.why.network_clash), never a finding's that only mentions a service of that name
    values = [v for k, v in captured.items() if k not in ("service", "file", "network", "found", "expected") and v]
    values += [v.rsplit("/", 1)[-1] for k, v in captured.items() if k == "path" and "/" in v]

    def names(text: str) -> bool:
        return any(re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w-]|\.\w)", text) for v in values)

    if captured.get("image") is not None:  # the variable that left it so: env-drift's finding of an `image:` value
        return [f for f in mine if f.check == "env-drift" and " in image:" in f.message]
    named = [f for f in mine if names(f"{f.subject} {f.message}")]
    # those about the value itself (`env-file:env file .env not found`, env-drift's `.env`), before those whose
    # words only mention it (hc's 'DB_NAME' is not set ... there is no .env: that follows from the missing file)
    named = [f for f in named if names(f.subject)] or named
    if named or "name" in captured or "project name" in said:  # a project name: no other finding is about it
        return named
    kind = next((k for words, k in _REFUSAL_KINDS if words in said or (k == "yaml" and _parse_error(said))), "")
    return [f for f in mine if kind and f.check == "compose-config" and f.subject.startswith(f"{kind}:")]


def compose_line_said(line: str, cause: Finding) -> Finding:
    """`cause` with its message saying where compose's `yaml: line N` is, where that is not the cause's own line:
    go-yaml prints the line its parser began the mapping it was reading on, counted from 0, not the line that broke
    it (` B: 2` on line 7 of a mapping beginning on line 4: compose says `line 3`; checked with compose v2.40.3). A
    scanner's error (a tab, a quote left open, `could not find expected ':'`) is counted from 1: not said."""
    import re

    found = re.search(r"(?:failed to parse (?P<file>\S+): )?yaml: line (?P<line>\d+): did not find expected ", line)
    at = cause.location
    if found is None or at is None or at.line is None or cause.check != "compose-config":
        return cause
    said = int(found["line"])
    if said >= at.line or (found["file"] and Path(found["file"]).name != Path(at.path).name):
        return cause
    return replace(cause, message=f"{cause.message} (compose's `line {said}` is where the mapping it was reading "
                                  f"begins, counted from 0: line {said + 1})")
