#!/bin/sh
set -eo pipefail
redis-cli ping
