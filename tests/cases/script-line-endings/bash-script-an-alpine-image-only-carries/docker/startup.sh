#!/bin/bash
set -e
exec apachectl -DFOREGROUND
