import os

PORT = int(os.getenv("PORT", "8000"))
