# project/server/main/__init__.py
