"""A synthetic compose project of N services, shaped like a real one (for benchmarks/compare.py).

Every fifth service is a postgres, every fifth a redis, the rest are app services that dial
them by name (`DATABASE_URL`, `REDIS_HOST`), publish a host port from `.env`, depend on their
database and join one of a few networks. The project is clean: doctor should report nothing
above info (the host ports are high; one may be taken by chance on a busy machine).

    python benchmarks/synth.py DIR 2000
"""

from __future__ import annotations

import sys
from pathlib import Path

BASE_PORT = 30000


def write_project(root: Path, count: int) -> Path:
    """Write compose.yaml and .env for `count` services under `root`; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [f"name: synth{count}", "services:"]
    env = []
    networks = [f"net{k}" for k in range(max(1, count // 50))]
    for i in range(count):
        net = networks[(i // 5) % len(networks)]
        group = i - i % 5  # the postgres of this group of five
        kind = i % 5
        port_var = f"SVC{i}_PORT"
        env.append(f"{port_var}={BASE_PORT + i}")
        if kind == 0:
            lines += [f"  db{i}:", "    image: postgres:17",
                      "    environment:", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-secret}",
                      "    ports:", f'      - "${{{port_var}}}:5432"',
                      "    networks:", f"      - {net}"]
        elif kind == 1:
            lines += [f"  cache{i}:", "    image: redis:7", "    expose:", '      - "6379"',
                      "    networks:", f"      {net}:", "        aliases:", f"          - redis{i}"]
        else:
            lines += [f"  app{i}:", "    image: example/app:1", "    build: ./app",
                      "    environment:",
                      f"      DATABASE_URL: postgresql://app:${{POSTGRES_PASSWORD:-secret}}@db{group}:5432/app",
                      f"      REDIS_HOST: cache{group + 1}",
                      "      REDIS_PORT: \"6379\"",
                      f"      API_BASE: http://app{group + 2}:8000/api",
                      "      LOG_LEVEL: info",
                      "    ports:", f'      - "${{{port_var}}}:8000"',
                      "    depends_on:", f"      - db{group}", f"      - cache{group + 1}",
                      "    networks:", f"      - {net}"]
    lines.append("networks:")
    lines += [f"  {net}: {{}}" for net in networks]
    (root / "compose.yaml").write_text("\n".join(lines) + "\n")
    (root / ".env").write_text("POSTGRES_PASSWORD=secret\n" + "\n".join(env) + "\n")
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "Dockerfile").write_text("FROM scratch\nCOPY . /app\n")
    return root


if __name__ == "__main__":
    write_project(Path(sys.argv[1]), int(sys.argv[2]))
