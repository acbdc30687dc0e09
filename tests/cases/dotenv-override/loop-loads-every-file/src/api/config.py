from pathlib import Path

from dotenv import load_dotenv

HERE = Path(__file__).resolve().parent
# .env holds the team's defaults, .env.local each developer's own (git-ignored): the later one wins
for name in (".env", ".env.local"):
    load_dotenv(HERE / name, override=True)
