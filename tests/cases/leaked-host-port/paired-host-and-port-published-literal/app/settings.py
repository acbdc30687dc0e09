import os
DATABASES = {"default": {"HOST": os.environ.get("SQL_HOST"), "PORT": os.environ.get("SQL_PORT")}}
