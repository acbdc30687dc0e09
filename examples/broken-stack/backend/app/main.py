"""The trading API: enough of it to show where its settings come from."""

import os

from fastapi import FastAPI
from sqlmodel import create_engine

app = FastAPI(title="trading")


def database_url() -> str:
    server = os.environ.get("POSTGRES_SERVER", "db")
    port = os.environ.get("POSTGRES_PORT", "5432")
    user = os.environ.get("POSTGRES_USER", "app")
    password = os.environ.get("POSTGRES_PASSWORD", "")
    name = os.environ.get("POSTGRES_DB", "app")
    return f"postgresql+psycopg://{user}:{password}@{server}:{port}/{name}"


@app.get("/api/health")
def health() -> dict[str, str]:
    with create_engine(database_url()).connect():
        return {"status": "ok"}
