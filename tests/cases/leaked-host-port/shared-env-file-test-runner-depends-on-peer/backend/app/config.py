import os

POSTGRES_SERVER = os.environ["POSTGRES_SERVER"]
SMTP_HOST = os.environ["SMTP_HOST"]
SMTP_PORT = int(os.environ["SMTP_PORT"])
