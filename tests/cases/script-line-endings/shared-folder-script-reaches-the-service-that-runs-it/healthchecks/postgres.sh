#!/bin/sh
set -eo pipefail
pg_isready
