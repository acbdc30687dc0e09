import os
DATABASES = {"default": {"HOST": os.getenv("POSTGRES_HOST", "postgres")}}
