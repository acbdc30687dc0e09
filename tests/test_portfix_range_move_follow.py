"""A host range moved whole is followed in the host's env files, as one moved port is (host_follow).

localstack's range `4510-4559` moved to a free run (checks/port_collision/range_move.py) left a root `.env`'s
`LAMBDA_URL=http://localhost:4520` on the old range: the program on the host that reads it dialled a port
nothing published. Each `localhost:PORT` inside the old range now follows to the same offset in the new one;
a port outside the range (the gateway, which does not move) stays.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from test_port_range_pick import free_run, hold
from test_portfix_range_move import NO_ENGINE, _copy, _doctor


def test_a_local_address_inside_the_moved_range_follows_to_its_offset(tmp_path: Path) -> None:
    first = free_run(60)
    root = _copy(tmp_path / "localstack", first)
    dotenv = root / ".env"
    dotenv.write_text(f"GATEWAY_URL=http://localhost:{first}\nLAMBDA_URL=http://localhost:{first + 11}\n"
                      f"# EXAMPLE_URL=http://localhost:{first + 12}\nKINESIS=127.0.0.1:{first + 50}\n")
    holder: subprocess.Popen[str] = hold(first + 10)  # a dev server on one port of the range
    try:
        fixed = _doctor(root, "fix", "--ports", "--yes", env=NO_ENGINE)
    finally:
        holder.kill()
        holder.wait()
    assert "Traceback" not in fixed.stderr, fixed.stderr
    moved = re.search(rf"move 'localstack' from host ports {first + 1}-{first + 50} to (\d+)-(\d+) ", fixed.stdout)
    assert moved is not None, fixed.stdout
    start = int(moved[1])
    assert dotenv.read_text() == (f"GATEWAY_URL=http://localhost:{first}\nLAMBDA_URL=http://localhost:{start + 10}\n"
                                  f"# EXAMPLE_URL=http://localhost:{first + 12}\nKINESIS=127.0.0.1:{start + 49}\n")
    said = " ".join(fixed.stdout.split())
    assert f"LAMBDA_URL in .env follows to localhost:{start + 10}" in said, fixed.stdout
    assert f"KINESIS in .env follows to localhost:{start + 49}" in said, fixed.stdout
