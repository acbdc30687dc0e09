#!/bin/sh
echo hi
exec "$@"
