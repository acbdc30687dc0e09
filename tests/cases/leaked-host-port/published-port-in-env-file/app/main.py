import os

DATABASE = f"postgresql://app@{os.environ['POSTGRES_SERVER']}:{os.environ['POSTGRES_PORT']}/app"
