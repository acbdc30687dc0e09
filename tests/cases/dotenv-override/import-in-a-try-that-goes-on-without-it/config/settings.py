import os
from pathlib import Path

try:
    from dotenv import load_dotenv

    load_dotenv(override=True)
except ModuleNotFoundError:
    pass

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASE_URL = os.environ["DATABASE_URL"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": os.environ.get("REDIS_URL", "redis://redis:6379/0")}}
