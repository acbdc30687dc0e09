#!/bin/bash
ckan config-tool $CKAN_INI "ckan.plugins = $CKAN__PLUGINS"
