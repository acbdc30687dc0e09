import os

from dotenv import load_dotenv

load_dotenv()
API_URL = os.environ["API_URL"]
