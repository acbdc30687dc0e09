from app import settings

print(settings.LOG_LEVEL)
