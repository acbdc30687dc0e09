#!/bin/bash
set -e
exec squid -NYC
