"""`docker compose --progress plain up 2>err.txt >/dev/null`, then `doctor why < err.txt`: stderr alone.

A foreground `up` writes `Attaching to ...` and `X exited with code N` to stdout, and the containers' own output to
its stream: with stdout dropped, nothing but the apps' log lines says they ran. The capture of
test_why_app_connect (six apps that depend on postgres, each logging why it could not reach it, then Ctrl+C): why
listed postgres as "created: the piped output shows no failure of it" and counted it among those not started, though
compose starts what a service depends on before it, and a service that logged ran.
"""

from __future__ import annotations

from pathlib import Path

from test_why_app_connect import UNKNOWN_HOSTS, UNKNOWN_HOSTS_UP, why_blocks
from why_run import run_why


def test_the_database_the_apps_ran_after_is_started(tmp_path: Path) -> None:
    shown = why_blocks(tmp_path, UNKNOWN_HOSTS, UNKNOWN_HOSTS_UP)
    assert shown["postgres"].startswith("✓ postgres") and "started:" in shown["postgres"], shown["postgres"]
    assert "created" not in shown["postgres"], shown["postgres"]


def test_a_service_that_logged_ran(tmp_path: Path) -> None:
    # the same capture with a line postgres logged (a real postgres writes its log to stderr)
    ready = "postgres-1  | LOG:  database system is ready to accept connections\n"
    text = UNKNOWN_HOSTS_UP.replace("node-1  | Error", ready + "node-1  | Error", 1)
    (tmp_path / "docker-compose.yml").write_text(UNKNOWN_HOSTS.replace("    depends_on: [postgres]\n", ""))
    done = run_why(tmp_path, text)
    assert "✓ postgres  started: it logged in the piped output" in done.stdout, done.stdout
    assert "not started" not in done.stdout, done.stdout
