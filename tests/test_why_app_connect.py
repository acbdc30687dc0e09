"""`doctor why` on an app's own words for a database or cache it cannot reach, from a stderr-only foreground `up`.

Captured here with compose v2.40.3 (Debian docker.io engine): stand-in containers (busybox, `doctor-test/postgres:17`)
whose entrypoint prints the line each framework prints and exits 1, the fault planted in the service's environment,
brought up as `docker compose -p doctor-audit-why4-p4 --progress plain up 2>err.txt >/dev/null`, stopped with Ctrl+C,
`down`, then `doctor why < err.txt`. Prisma's `P1001: Can't reach database server`, Java's `UnknownHostException`,
PHP's `getaddrinfo for HOST failed` and redis-py's `Error -2 connecting to HOST:PORT` were read by no signature or
without their host, so the service-name-drift finding naming that host did not explain them.
"""

from __future__ import annotations

from pathlib import Path

from why_run import run_why

# every app depends on postgres, each dials a host no service has
UNKNOWN_HOSTS = (
    'services:\n'
    '  postgres:\n'
    '    image: doctor-test/postgres:17\n'
    '  prisma:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      DATABASE_URL: postgresql://app:secret@postgresserver:5432/app\n'
    '    entrypoint: ["sh", "-c", "echo \'Error: P1001: Can\'\\\\\'\'t reach database server at'
    ' `postgresserver`:`5432`\' >&2; exit 1"]\n'
    '  node:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      DB_HOST: postgresserver\n'
    '    entrypoint: ["sh", "-c", "echo \'Error: getaddrinfo ENOTFOUND postgresserver\' >&2; exit 1"]\n'
    '  rails:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      DATABASE_HOST: postgresserver\n'
    '    entrypoint: ["sh", "-c", "echo \'PG::ConnectionBad: could not translate host name'
    ' \\"postgresserver\\" to address: Name or service not known\' >&2; exit 1"]\n'
    '  laravel:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      DB_HOST: mysqlserver\n'
    '    entrypoint: ["sh", "-c", "echo \'SQLSTATE[HY000] [2002] php_network_getaddresses:'
    ' getaddrinfo for mysqlserver failed: Name or service not known\' >&2; exit 1"]\n'
    '  goapp:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      POSTGRES_HOST: postgresserver\n'
    '    entrypoint: ["sh", "-c", "echo \'dial tcp: lookup postgresserver on 127.0.0.11:53: no such'
    ' host\' >&2; exit 1"]\n'
    '  java:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres]\n'
    '    environment:\n'
    '      SPRING_DATASOURCE_URL: jdbc:postgresql://postgresserver:5432/app\n'
    '    entrypoint: ["sh", "-c", "echo \'java.net.UnknownHostException: postgresserver\' >&2; exit'
    ' 1"]\n'
)

UNKNOWN_HOSTS_UP = (
    ' Network doctor-audit-why4-p4_default  Creating\n'
    ' Network doctor-audit-why4-p4_default  Created\n'
    ' Container doctor-audit-why4-p4-postgres-1  Creating\n'
    ' Container doctor-audit-why4-p4-postgres-1  Created\n'
    ' Container doctor-audit-why4-p4-prisma-1  Creating\n'
    ' Container doctor-audit-why4-p4-node-1  Creating\n'
    ' Container doctor-audit-why4-p4-rails-1  Creating\n'
    ' Container doctor-audit-why4-p4-laravel-1  Creating\n'
    ' Container doctor-audit-why4-p4-goapp-1  Creating\n'
    ' Container doctor-audit-why4-p4-java-1  Creating\n'
    ' Container doctor-audit-why4-p4-rails-1  Created\n'
    ' Container doctor-audit-why4-p4-java-1  Created\n'
    ' Container doctor-audit-why4-p4-prisma-1  Created\n'
    ' Container doctor-audit-why4-p4-laravel-1  Created\n'
    ' Container doctor-audit-why4-p4-node-1  Created\n'
    ' Container doctor-audit-why4-p4-goapp-1  Created\n'
    'node-1  | Error: getaddrinfo ENOTFOUND postgresserver\n'
    'goapp-1  | dial tcp: lookup postgresserver on 127.0.0.11:53: no such host\n'
    "prisma-1  | Error: P1001: Can't reach database server at `postgresserver`:`5432`\n"
    'laravel-1  | SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo for mysqlserver'
    ' failed: Name or service not known\n'
    'java-1     | java.net.UnknownHostException: postgresserver\n'
    'rails-1    | PG::ConnectionBad: could not translate host name "postgresserver" to address:'
    ' Name or service not known\n'
    ' Container doctor-audit-why4-p4-node-1  Stopping\n'
    ' Container doctor-audit-why4-p4-prisma-1  Stopping\n'
    ' Container doctor-audit-why4-p4-laravel-1  Stopping\n'
    ' Container doctor-audit-why4-p4-rails-1  Stopping\n'
    ' Container doctor-audit-why4-p4-goapp-1  Stopping\n'
    ' Container doctor-audit-why4-p4-java-1  Stopping\n'
    ' Container doctor-audit-why4-p4-java-1  Stopped\n'
    ' Container doctor-audit-why4-p4-prisma-1  Stopped\n'
    ' Container doctor-audit-why4-p4-laravel-1  Stopped\n'
    ' Container doctor-audit-why4-p4-rails-1  Stopped\n'
    ' Container doctor-audit-why4-p4-goapp-1  Stopped\n'
    ' Container doctor-audit-why4-p4-node-1  Stopped\n'
    ' Container doctor-audit-why4-p4-postgres-1  Stopping\n'
    ' Container doctor-audit-why4-p4-postgres-1  Stopped\n'
    '\n'
)

# the same with localhost: only REDIS_URL is leaked-host-port's in preflight (DATABASE_URL's localhost is not, there)
LOCALHOST = (
    'services:\n'
    '  postgres:\n'
    '    image: doctor-test/postgres:17\n'
    '    expose: ["5432"]\n'
    '  redis:\n'
    '    image: doctor-test/postgres:17\n'
    '    expose: ["6379"]\n'
    '  prisma:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres, redis]\n'
    '    environment:\n'
    '      DATABASE_URL: postgresql://app:secret@localhost:5432/app\n'
    '    entrypoint: ["sh", "-c", "echo \'Error: P1001: Can\'\\\\\'\'t reach database server at'
    ' `localhost`:`5432`\' >&2; exit 1"]\n'
    '  node:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres, redis]\n'
    '    environment:\n'
    '      DATABASE_URL: postgres://app:secret@127.0.0.1:5432/app\n'
    '    entrypoint: ["sh", "-c", "echo \'Error: connect ECONNREFUSED 127.0.0.1:5432\' >&2; exit 1"]\n'
    '  worker:\n'
    '    image: doctor-test/postgres:17\n'
    '    depends_on: [postgres, redis]\n'
    '    environment:\n'
    '      REDIS_URL: redis://localhost:6379/0\n'
    '    entrypoint: ["sh", "-c", "echo \'redis.exceptions.ConnectionError: Error 111 connecting to'
    ' localhost:6379. Connection refused.\' >&2; exit 1"]\n'
)

LOCALHOST_UP = (
    ' Network doctor-audit-why4-p5_default  Creating\n'
    ' Network doctor-audit-why4-p5_default  Created\n'
    ' Container doctor-audit-why4-p5-redis-1  Creating\n'
    ' Container doctor-audit-why4-p5-postgres-1  Creating\n'
    ' Container doctor-audit-why4-p5-postgres-1  Created\n'
    ' Container doctor-audit-why4-p5-redis-1  Created\n'
    ' Container doctor-audit-why4-p5-prisma-1  Creating\n'
    ' Container doctor-audit-why4-p5-node-1  Creating\n'
    ' Container doctor-audit-why4-p5-worker-1  Creating\n'
    ' Container doctor-audit-why4-p5-node-1  Created\n'
    ' Container doctor-audit-why4-p5-worker-1  Created\n'
    ' Container doctor-audit-why4-p5-prisma-1  Created\n'
    'node-1  | Error: connect ECONNREFUSED 127.0.0.1:5432\n'
    'worker-1  | redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379.'
    ' Connection refused.\n'
    "prisma-1  | Error: P1001: Can't reach database server at `localhost`:`5432`\n"
    ' Container doctor-audit-why4-p5-worker-1  Stopping\n'
    ' Container doctor-audit-why4-p5-prisma-1  Stopping\n'
    ' Container doctor-audit-why4-p5-node-1  Stopping\n'
    ' Container doctor-audit-why4-p5-worker-1  Stopped\n'
    ' Container doctor-audit-why4-p5-prisma-1  Stopped\n'
    ' Container doctor-audit-why4-p5-node-1  Stopped\n'
    ' Container doctor-audit-why4-p5-postgres-1  Stopping\n'
    ' Container doctor-audit-why4-p5-redis-1  Stopping\n'
    ' Container doctor-audit-why4-p5-postgres-1  Stopped\n'
    ' Container doctor-audit-why4-p5-redis-1  Stopped\n'
    '\n'
)


def shown_blocks(stdout: str) -> dict[str, str]:
    """Each service's block of the console report, by service."""
    blocks: dict[str, str] = {}
    name = ""
    for line in stdout.splitlines():
        if line[:1] in "✓✗-" and len(line.split()) > 1:
            name = line.split()[1]
            blocks[name] = ""
        if name:
            blocks[name] += line + "\n"
    return blocks


def why_blocks(tmp_path: Path, compose: str, text: str) -> dict[str, str]:
    (tmp_path / "docker-compose.yml").write_text(compose)
    done = run_why(tmp_path, text)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    return shown_blocks(done.stdout)


def test_each_app_line_for_an_unknown_host_names_its_finding(tmp_path: Path) -> None:
    shown = why_blocks(tmp_path, UNKNOWN_HOSTS, UNKNOWN_HOSTS_UP)
    for service, key in (("prisma", "DATABASE_URL"), ("node", "DB_HOST"), ("rails", "DATABASE_HOST"),
                         ("laravel", "DB_HOST"), ("goapp", "POSTGRES_HOST"), ("java", "SPRING_DATASOURCE_URL")):
        assert "cause    service-name-drift" in shown[service], (service, shown[service])
        assert key in shown[service], (service, shown[service])
    assert "(did you mean 'postgres'?)" in shown["java"] and "mysqlserver" in shown["laravel"], shown


def test_localhost_lines_are_read_and_linked_where_preflight_has_a_finding(tmp_path: Path) -> None:
    shown = why_blocks(tmp_path, LOCALHOST, LOCALHOST_UP)
    assert "cause    leaked-host-port" in shown["worker"] and "REDIS_URL" in shown["worker"], shown["worker"]
    assert "means    the app could not reach its database" in shown["prisma"], shown["prisma"]  # P1001 read
    assert "means    the host exists but nothing listens" in shown["node"], shown["node"]
    for service in ("postgres", "redis"):
        assert shown[service].startswith(f"✓ {service}"), shown[service]
