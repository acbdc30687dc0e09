# Folder in which we looking for repositories
DEVSTACK_WORKSPACE ?= $(shell pwd)/..
