"""Mutated compose and `.env` projects for the loader fuzz tests, each derived from one integer seed.

A project is a small valid stack (compose.yaml, .env, an env_file) with one to three mutations
drawn from what broke doctor before (issue 10): wrong types for service keys, null keys,
duplicate keys, port specs of every shape, nested `${A:-...}`, `.env` duplicates and bad bytes,
deep flow sequences, byte flips. The same seed always gives the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

BASE_COMPOSE = """\
services:
  web:
    image: nginx:1.25
    ports:
      - "${WEB_PORT:-8080}:80"
    environment:
      DATABASE_URL: postgres://app:${DB_PASSWORD:-pw}@db:5432/app
      REDIS_URL: redis://redis:6379
    env_file: web.env
    depends_on: [db]
  db:
    image: postgres:16
    ports: ["5432"]
    volumes:
      - ./data:/var/lib/postgresql/data
  redis:
    image: redis:7
"""
BASE_ENV = "WEB_PORT=8080\nDB_PASSWORD=secret\nN=3\n"
BASE_WEB_ENV = "MODE=dev\nLEVEL=${N:-1}\n"

VALUES = [
    "1", "0", "-1", '"1"', "abc", "''", '""', "null", "~", "true", "yes", "on", "1.5", "0x10", "0777",
    "2024-01-01", "[1]", "[]", '[""]', "[a, b]", "[a, a]", "{}", "{a: 1}", "{a: null}", "[{a: 1}]",
    "${N}", "${N:-5}", '"${UNSET:?must be set}"', '"${A:-${B:-x}}"', '"$$literal"', '"${1}"', '"${"',
    "[[[[[1]]]]]", "{x: {y: {z: [1, {w: 2}]}}}", '"\\u00e9t\\u00e9"', "'a b c'", "!!str 5", "&anc x",
    "100000000000000000000", "-0", ".inf", "1e3",
]
SERVICE_KEYS = [
    "restart", "labels", "healthcheck", "command", "entrypoint", "scale", "profiles", "networks",
    "depends_on", "ports", "expose", "ulimits", "cpus", "init", "tty", "env_file", "build", "volumes",
    "environment", "container_name", "hostname", "extra_hosts", "deploy", "x-extra", "bogus", "image",
    "network_mode", "working_dir", "user", "stop_grace_period", "privileged", "read_only", "links", "dns",
]
PORT_SHAPES = [
    "{a}", "{a}:{b}", "{a}-{c}:{b}-{d}", "127.0.0.1:{a}:{b}", "[::1]:{a}:{b}/udp", "{a}:{b}/sctp",
    "{a}-{c}", "{a}:{b}/bogus", ":{b}", "{a}:", "{a}-{b}:{c}", "x:{a}:{b}", "{a}:{b}:{c}:{d}",
]
PORT_NUMBERS = ["0", "1", "80", "8080", "65535", "65536", "-1", "abc", "", "99999", "${WEB_PORT}", "0x50"]
ENV_LINES = [
    "DUP=first", "DUP=second", "export EXP=1", "COLON: v", "SPACE KEY=1", "QUOTED=\"a b\"", "SINGLE='x'",
    "UNTERMINATED=\"open", "INHERIT", "EMPTY=", "HASH=a #comment", "NOHASH=a#b", "REF=${DB_PASSWORD}",
    "REQ=${UNSET:?need it}", "MULTI=\"line1\nline2\"", "=novalue", "BAD\tTAB=1", "N=abc", "WEB_PORT=-1",
    "WEB_PORT=70000", "WEB_PORT=1-65535", "COMPOSE_PROFILES=debug", "COMPOSE_PROJECT_NAME=Bad Name",
    "LONG=" + "x" * 3000, "ESC=\"\\n\\t\\u00e9\"", "# just a comment", "   ", "B=${A:-${B:-${C:-d}}}",
]


@dataclass
class MutatedProject:
    """The files of one mutated project and the mutations applied, for messages."""

    seed: int
    files: dict[str, bytes] = field(default_factory=dict)
    mutations: list[str] = field(default_factory=list)

    def write(self, root: Path) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (root / name).write_bytes(data)
        return root


def _port(rng: random.Random) -> str:
    shape = rng.choice(PORT_SHAPES)
    numbers = {k: rng.choice(PORT_NUMBERS) if rng.random() < 0.3 else str(rng.randint(1, 65535))
               for k in "abcd"}
    if rng.random() < 0.5:  # keep ranges small and well-formed most of the time
        start = rng.randint(1, 60000)
        numbers.update(a=str(start), c=str(start + rng.randint(0, 50)), b=str(start), d=str(start + rng.randint(0, 50)))
    return shape.format(**numbers)


def _set_key(lines: list[str], rng: random.Random, record: list[str]) -> None:
    service = rng.choice(["web", "db", "redis"])
    key = rng.choice(SERVICE_KEYS)
    value = rng.choice(VALUES)
    if key == "ports" and rng.random() < 0.6:
        items = [_port(rng) for _ in range(rng.randint(1, 3))]
        value = "[" + ", ".join(f'"{p}"' for p in items) + "]"
        if rng.random() < 0.3:
            value = f"[{{target: {rng.choice(PORT_NUMBERS) or 80}, published: {rng.choice(PORT_NUMBERS)!r}}}]"
    header = f"  {service}:"
    index = lines.index(header)
    # drop an existing definition of that key (a duplicate key is a separate mutation)
    end = index + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    block = lines[index + 1:end]
    kept: list[str] = []
    skipping = False
    for line in block:
        if line.startswith(f"    {key}:"):
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        kept.append(line)
    lines[index + 1:end] = [*kept, f"    {key}: {value}"]
    record.append(f"services.{service}.{key}: {value}")


def _compose_mutation(lines: list[str], rng: random.Random, record: list[str]) -> None:
    kind = rng.random()
    if kind < 0.55:
        _set_key(lines, rng, record)
    elif kind < 0.62:
        lines.insert(lines.index("  web:") + 1, "    image: duplicate:1")
        record.append("duplicate key image")
    elif kind < 0.68:
        lines += ["networks:", "  front:", "    name: shared", "  back:", "    name: shared"]
        record.append("networks with one name")
    elif kind < 0.74:
        depth = rng.choice([50, 400, 900])
        lines.insert(lines.index("  redis:") + 1, "    x-deep: " + "[" * depth + "]" * depth)
        record.append(f"flow sequence {depth} deep")
    elif kind < 0.80:
        depth = rng.choice([10, 120, 340])
        lines.insert(lines.index("  redis:") + 1, '    hostname: "' + "${A:-" * depth + "h" + "}" * depth + '"')
        record.append(f"${{A:- nested {depth} deep")
    elif kind < 0.85:
        lines += [rng.choice(["include:", "volumes:", "secrets:", "configs:", "x-top:", "name:", "bogus:"]) + " "
                  + rng.choice(VALUES)]
        record.append(f"top-level {lines[-1]}")
    elif kind < 0.90:
        lines[lines.index("    environment:")] = "    environment:\n      # only comments"
        for name in ("DATABASE_URL", "REDIS_URL"):
            lines[:] = [line for line in lines if not line.startswith(f"      {name}:")]
        record.append("environment holding only comments")
    else:
        position = rng.randrange(len(lines))
        line = lines[position]
        if line:
            at = rng.randrange(len(line))
            lines[position] = line[:at] + rng.choice(["", " ", "\t", ":", "-", "[", "{", "'", '"', "#", "&", "*"]) \
                + line[at + 1:]
        record.append(f"character flip on line {position + 1}")


def base() -> MutatedProject:
    """The valid stack the mutations start from."""
    return MutatedProject(-1, {"compose.yaml": BASE_COMPOSE.encode(), ".env": BASE_ENV.encode(),
                               "web.env": BASE_WEB_ENV.encode()})


def mutate(seed: int) -> MutatedProject:
    """One project: the base stack with 1-3 mutations of the compose file and/or the env files."""
    rng = random.Random(seed)
    project = MutatedProject(seed)
    lines = BASE_COMPOSE.rstrip("\n").split("\n")
    env = BASE_ENV.rstrip("\n").split("\n")
    web_env = BASE_WEB_ENV
    for _ in range(rng.randint(1, 3)):
        target = rng.random()
        if target < 0.7:
            try:
                _compose_mutation(lines, rng, project.mutations)
            except ValueError:  # an earlier flip broke the line this mutation looks for
                project.mutations.append("(mutation skipped)")
        elif target < 0.9:
            added = rng.sample(ENV_LINES, rng.randint(1, 3))
            env[rng.randrange(len(env) + 1):0] = added
            project.mutations.append(f".env lines {added!r}"[:200])
        else:
            web_env += rng.choice(ENV_LINES) + "\n"
            project.mutations.append("web.env line")
    env_bytes = ("\n".join(env) + "\n").encode()
    if rng.random() < 0.05:
        env_bytes += b"LATIN=caf\xe9\n"
        project.mutations.append(".env value not UTF-8")
    project.files = {"compose.yaml": ("\n".join(lines) + "\n").encode(), ".env": env_bytes,
                     "web.env": web_env.encode()}
    return project
