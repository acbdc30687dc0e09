#!/usr/bin/env bash
# Wait for the database, then let the app create its tables.
set -euo pipefail
python -c "from sqlmodel import create_engine; from app.main import database_url; create_engine(database_url()).connect()"
