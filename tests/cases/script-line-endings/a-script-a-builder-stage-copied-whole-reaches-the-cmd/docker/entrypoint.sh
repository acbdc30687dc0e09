#!/usr/bin/env bash
set -eo pipefail
exec umap runserver
