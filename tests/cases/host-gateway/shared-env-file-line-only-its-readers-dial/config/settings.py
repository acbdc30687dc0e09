import os

pg_host = os.getenv("POSTGRES_HOST", "postgres")
pg_user = os.getenv("POSTGRES_USER", "hello")
SQLALCHEMY_DATABASE_URI = f"postgresql://{pg_user}@{pg_host}:5432/hello"
