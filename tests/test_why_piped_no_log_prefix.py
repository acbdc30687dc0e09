"""`docker compose up --no-log-prefix 2>&1 | doctor why`: the attached containers' log lines carry no `svc-1  | `.

Before: `Attaching to app-1`, `Error: config file /etc/app.toml not readable`, `app-1 exited with code 1` piped in
said the container "exited printing nothing: the piped output holds all of its log, which is empty", the error on the
line above it unread. Now, with one container attached, the lines compose did not write are its log and the last
of them is the symptom; with several (flagsmith's four), which of them are whose is unknown, and the exit says so
rather than calling the container silent.
"""

from __future__ import annotations

from doctor.why.piped_exits import EXITED_LOG, EXITED_UNNAMED, silent_exits, text_exits

FLAGSMITH = ("flagsmith", "flagsmith-task-processor", "migrate-db", "postgres")
NAMES = {"flagsmith_postgres": "postgres"}
ATTACHED = ("Attaching to flagsmith-1, flagsmith-task-processor-1, migrate-db-1, flagsmith_postgres\n"
            "{log}"
            "migrate-db-1 exited with code 1\n"
            "service \"migrate-db\" didn't complete successfully: exit 1\n")


def _one(log: str) -> str:
    return (" Container nlp-app-1  Creating\n Container nlp-app-1  Created\nAttaching to app-1\n"
            f"{log}app-1 exited with code 1\n")


def test_with_one_container_attached_its_unprefixed_lines_are_its_log() -> None:
    text = _one("Error: config file /etc/app.toml not readable\n")
    assert silent_exits(text, ("app",)) == set()
    symptom = text_exits(text, ("app",))["app"]
    assert (symptom.line, symptom.signature, symptom.exit_code) == (
        "Error: config file /etc/app.toml not readable", EXITED_LOG, 1)


def test_with_several_attached_unprefixed_lines_are_nobodys_log() -> None:
    text = ATTACHED.format(log="django.db.utils.OperationalError: could not translate host name\n")
    assert silent_exits(text, FLAGSMITH, NAMES) == set()
    symptom = text_exits(text, FLAGSMITH, NAMES)["migrate-db"]
    assert symptom.signature == EXITED_UNNAMED and "name no container" in symptom.signature.meaning


def test_an_exit_after_compose_s_own_lines_only_is_still_silent() -> None:
    for log in ("", "\n", "Gracefully stopping... (press Ctrl+C again to force)\n",
                " Container proj-flagsmith-1  Stopping\n", "WARN[0000] a warning\n"):
        text = ATTACHED.format(log=log)
        assert silent_exits(text, FLAGSMITH, NAMES) == {"migrate-db"}, log
    assert silent_exits(_one(""), ("app",)) == {"app"}
    # a prefixed line is its container's, as before
    assert text_exits(_one("app-1  | boom\n"), ("app",))["app"].line == "app-1  | boom"

