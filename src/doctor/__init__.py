"""doctor: diagnose and repair Docker Compose development environments."""

__version__ = "0.1.0"
