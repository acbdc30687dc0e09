# project/__init__.py
