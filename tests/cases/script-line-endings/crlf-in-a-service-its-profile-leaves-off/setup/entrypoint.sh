#!/usr/bin/env bash

set -eu
echo "setting up"
