import os

from dotenv import load_dotenv

# the developer's own config (APP_CONFIG), else the team's default; the first that exists wins
for path in (os.getenv("APP_CONFIG"), os.environ.get("APP_DEFAULT_CONFIG", "config/default.env")):
    if path and os.path.exists(path):
        load_dotenv(path, override=True)
        break

DATABASE_URL = os.environ["DATABASE_URL"]
LOG_LEVEL = os.environ.get("LOG_LEVEL", "info")
