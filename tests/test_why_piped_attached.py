"""`docker compose up 2>&1 | doctor why` with a foreground `up`'s output: the attached containers' log lines
(`redis-1  | boom`) and compose's `redis-1 exited with code 2`.

Before (peeringdb trial): redis's `REDIS_PASSWORD variable is not set` and `redis-1 exited with code 2` piped in gave
`- redis  not started: the piped output does not name it`, and peeringdb's `Name or service not known` for `redis`
"no finding explains it"; the same output without compose's `[+]`/`✔` lines gave "has no container on the engine
(run 'docker compose up' first)", the piped text unread. A service whose container compose's output names
(` ✔ Container P-opensearch-1  Created`) was "not started: the piped output does not name it". mitxonline trial:
without -p, one container of the project matched its service and another did not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from doctor.why.piped import container_prefix, service_of, text_lines
from doctor.why.piped_exits import text_created, text_ended, text_exits, text_up

BUSYBOX = "doctor-busybox:test"
TWO = f"services:\n  redis: {{image: {BUSYBOX}}}\n  web: {{image: {BUSYBOX}, depends_on: [redis]}}\n"
PEERINGDB = f"""\
services:
  redis:
    image: {BUSYBOX}
  peeringdb:
    image: {BUSYBOX}
    depends_on: [redis]
    environment:
      REDIS_HOST: redis
  opensearch:
    image: {BUSYBOX}
"""


def _why(root: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "doctor", "why", *args, "."], cwd=root, capture_output=True,
                          text=True, timeout=120, input=text, env=dict(os.environ))


def _project() -> str:
    return f"x{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("progress", [True, False])
def test_an_attached_service_that_exited_with_a_code_failed_with_its_last_log_line(tmp_path: Path,
                                                                                     progress: bool) -> None:
    (tmp_path / "compose.yaml").write_text(TWO)
    name = _project()
    head = f"[+] Running 2/2\n ✔ Container {name}-redis-1  Created\n ✔ Container {name}-web-1  Created\n"
    text = ((head if progress else "") + "Attaching to redis-1, web-1\nredis-1  | starting\nredis-1  | boom\n"
            "redis-1 exited with code 2\nweb-1 exited with code 1\n")
    done = _why(tmp_path, text, "-p", name)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ redis  exited (2), in the piped output\n    symptom  redis-1  | boom\n" in out, out
    assert "✗ web    exited (1), in the piped output\n    symptom  web-1 exited with code 1\n" in out, out
    assert "2 of 2 services failed" in out, out
    assert "reading the" in done.stderr and "run 'docker compose up' first" not in done.stderr, done.stderr


def test_a_dependent_failing_on_the_host_of_a_failed_service_follows_from_it(tmp_path: Path) -> None:
    """The peeringdb repro: redis exits on an unset variable; peeringdb cannot resolve `redis`."""
    (tmp_path / "compose.yaml").write_text(PEERINGDB)
    name = _project()
    text = (f"[+] Running 3/3\n ✔ Container {name}-opensearch-1  Created\n ✔ Container {name}-redis-1  Created\n"
            f" ✔ Container {name}-peeringdb-1  Created\nAttaching to opensearch-1, peeringdb-1, redis-1\n"
            "redis-1  | sh: 1: REDIS_PASSWORD: REDIS_PASSWORD variable is not set\nredis-1 exited with code 2\n"
            "peeringdb-1  | redis.exceptions.ConnectionError: Error -2 connecting to redis:6379. "
            "Name or service not known.\npeeringdb-1 exited with code 1\n")
    done = _why(tmp_path, text, "-p", name)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✗ redis       exited (2), in the piped output\n    symptom  redis-1  | sh: 1: REDIS_PASSWORD:" in out, out
    assert "✗ peeringdb   exited (1), in the piped output" in out, out
    assert ("cause    it dials 'redis', a service of the project that failed (exited (2), in the piped output)"
            in out and "so this follows from 'redis' failing" in out), out
    assert "fix      fix 'redis' first" in out, out
    assert "✓ opensearch  started: attached, and the piped output shows no exit of it" in out, out
    assert "does not name it" not in out, out


def test_a_service_the_output_shows_created_is_not_said_unnamed(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(PEERINGDB)
    name = _project()
    text = (f" ✔ Container {name}-opensearch-1  Created\n ✘ Container {name}-redis-1  Error\n"
            f"dependency failed to start: container {name}-redis-1 exited (2)\n")
    done = _why(tmp_path, text, "-p", name)
    assert done.returncode == 1, done
    out = done.stdout
    assert "- opensearch  created: the piped output shows no failure of it" in out, out
    assert "- peeringdb   not started: it depends on 'redis', which failed" in out, out
    assert "does not name it" not in out, out


def test_exits_compose_caused_are_no_failures() -> None:
    services = {"redis", "web", "migrate"}
    text = ("Attaching to migrate-1, redis-1, web-1\nmigrate-1 exited with code 0\nredis-1  | boom\n"
            "redis-1 exited with code 2\nGracefully stopping... (press Ctrl+C again to force)\n"
            "web-1 exited with code 137\n")
    exits = text_exits(text, services)
    assert {s: e.state for s, e in exits.items()} == {"redis": "exited (2), in the piped output"}
    assert exits["redis"].line == "redis-1  | boom" and exits["redis"].container == "redis-1"
    assert text_ended(text, services) == {"migrate": "0", "web": "137"}
    assert text_created(text, services) == (["migrate", "redis", "web"], ["migrate", "redis", "web"])
    assert "web" in text_exits(text.replace("Gracefully stopping", "Stopping"), services)  # no stop of compose's


def test_services_a_foreground_up_ran_to_their_end_are_listed_so(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(TWO + f"  migrate: {{image: {BUSYBOX}}}\n")
    text = ("Attaching to migrate-1, redis-1, web-1\nmigrate-1 exited with code 0\nredis-1  | boom\n"
            "redis-1 exited with code 2\nGracefully stopping... (press Ctrl+C again to force)\n"
            "web-1 exited with code 143\n")
    done = _why(tmp_path, text, "-p", _project())
    assert done.returncode == 1, done
    out = done.stdout
    assert "✓ migrate  started: it ran and exited (0), in the piped output" in out, out
    assert "✓ web      started: compose stopped it (exited (143)), in the piped output" in out, out
    assert "1 of 3 services failed" in out, out


def test_the_project_prefix_is_derived_from_every_container_name() -> None:
    """A project name ending in a service's first word (`triall3-mitx` beside services `db` and `mitx-db`): read
    alone, `triall3-mitx-db-1` is the longer service's; with the other names' prefix it is db's."""
    services = {"db", "mitx-db", "web"}
    text = (" ✔ Container triall3-mitx-db-1  Started\n ✔ Container triall3-mitx-web-1  Started\n"
            " ✘ Container triall3-mitx-mitx-db-1  Error\n")
    assert container_prefix(text_lines(text), services) == "triall3-mitx-"
    assert service_of("triall3-mitx-db-1", services) == ("mitx-db", "triall3-mitx-db-1")  # alone
    assert service_of("triall3-mitx-db-1", services, prefix="triall3-mitx-") == ("db", "triall3-mitx-db-1")
    assert text_up(text, services) == ["db", "web"]
    assert list(text_exits(text, services)) == ["mitx-db"]
    assert container_prefix(["redis-1  | boom", "no names here"], services) == ""
    # one name alone: the longest service it can end in, as read alone
    assert container_prefix([" ✘ Container p-mitx-db-1  Error"], services) == "p-"


def test_without_p_every_container_of_the_piped_output_is_matched(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  db: {{image: {BUSYBOX}}}\n  mitx-db: {{image: {BUSYBOX}}}\n  web: {{image: {BUSYBOX}}}\n")
    tag = uuid.uuid4().hex[:6]
    text = (f" ✔ Container t{tag}-mitx-db-1  Started\n ✔ Container t{tag}-mitx-mitx-db-1  Started\n"
            f" ✘ Container t{tag}-mitx-web-1  Error\ndependency failed to start: container t{tag}-mitx-web-1 "
            "exited (1)\n")
    done = _why(tmp_path, text)
    assert done.returncode == 1, done
    out = done.stdout
    assert "✓ db       started, in the piped output" in out, out
    assert "✓ mitx-db  started, in the piped output" in out, out
    assert "✗ web      exited (1), in the piped output" in out, out


def test_a_foreground_up_with_no_failure_is_read_as_up_output(tmp_path: Path) -> None:
    """Without compose's progress lines, its attach lines are `up`'s output still: not "run 'docker compose up'"."""
    (tmp_path / "compose.yaml").write_text(TWO)
    done = _why(tmp_path, "Attaching to redis-1, web-1\nredis-1  | ready\nweb-1 exited with code 0\n", "-p", _project())
    assert done.returncode == 2, done
    assert "shows no service that failed" in done.stderr and "run 'docker compose up' first" not in done.stderr, done


def test_compose_s_erase_before_an_exit_line_is_read_as_a_line_of_its_own(tmp_path: Path) -> None:
    """compose v2.40 writes `\\r\\x1b[K` (back to the line's start, erase it) before each `X exited with code N`
    when its output is no terminal: `up 2>&1 | doctor why` and `< up.log` answered "shows no service that
    failed" (exit 2) on real output, which the README's own example is."""
    from doctor.why.piped import plain_text

    assert text_lines(plain_text("redis-1  | boom\n\r\x1b[Kredis-1 exited with code 2\n")) == [
        "redis-1  | boom", "redis-1 exited with code 2"]
    assert text_lines(plain_text("a\r\x1b[2Kb\n")) == ["a", "b"]
    (tmp_path / "compose.yaml").write_text(TWO)
    name = _project()
    text = ("Attaching to redis-1, web-1\nredis-1  | boom\n\r\x1b[Kredis-1 exited with code 2\n"
            "\r\x1b[Kweb-1 exited with code 1\n")
    done = _why(tmp_path, text, "-p", name)
    assert done.returncode == 1, done
    assert "✗ redis  exited (2), in the piped output\n    symptom  redis-1  | boom\n" in done.stdout, done.stdout
    assert "2 of 2 services failed" in done.stdout, done.stdout


def test_a_long_word_piped_in_is_read_in_one_pass(tmp_path: Path) -> None:
    """A base64 blob or a minified line (one word of 256 KiB) took minutes: signatures whose optional
    leading group (`host:port` before `Connection refused`, a script's path before a CRLF word) was tried
    at every position of the word. A hang guard, not a timing goal: the run ends well within its timeout."""
    (tmp_path / "compose.yaml").write_text(TWO)
    done = _why(tmp_path, "redis-1  | " + "Ab/:1-" * (256 * 1024 // 6) + "\nredis-1 exited with code 2\n",
                "-p", _project())
    assert done.returncode == 1 and "✗ redis  exited (2), in the piped output" in done.stdout, done


def test_a_saved_up_output_given_as_the_project_is_said_to_be_piped_in(tmp_path: Path) -> None:
    """`doctor why up.log` (a user's natural guess) read the log as a compose file: its YAML error was the cause
    of 'all 0 services failed'."""
    (tmp_path / "compose.yaml").write_text(TWO)
    (tmp_path / "up.log").write_text(" Container p-web-1  Starting\nError response from daemon: failed to create shim "
                                     "task: exec: \"/app/x.sh\": stat /app/x.sh: no such file or directory: unknown\n")
    done = subprocess.run([sys.executable, "-m", "doctor", "why", "up.log"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout) == (2, ""), done
    assert done.stderr == ("doctor: up.log is the output of `docker compose up`, not a compose file: pipe it in "
                           "(`doctor why < up.log`)\n"), done.stderr


def test_piped_text_with_no_failure_doctor_reads_says_it_was_read(tmp_path: Path) -> None:
    """A line naming a service but no failure (or garbage) answered "run 'docker compose up' first", as if
    nothing had been read; `doctor why -` read `-` as a folder."""
    (tmp_path / "compose.yaml").write_text(TWO)
    for path in (".", "-"):
        done = subprocess.run([sys.executable, "-m", "doctor", "why", "-p", _project(), path], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, input="redis-1  | starting up\nasdf }{\n")
        assert done.returncode == 2, done
        assert "the 2 line(s) piped in show no failure doctor reads" in done.stderr, done.stderr
    done = _why(tmp_path, "redis-1  | env: can't execute 'sh\r': No such file or directory\n", "-p", _project())
    assert "a shell script has Windows (CRLF) line endings" in done.stdout, done
