import os
DATABASES = {"default": {"HOST": os.environ["POSTGRES_HOST"], "PORT": os.environ["POSTGRES_PORT"]}}
