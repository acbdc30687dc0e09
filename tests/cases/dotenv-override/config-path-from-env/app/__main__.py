from app import settings

print(settings.DATABASE_URL)
