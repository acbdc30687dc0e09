from src.api import config  # noqa: F401
