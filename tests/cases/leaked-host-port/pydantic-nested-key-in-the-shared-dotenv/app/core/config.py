from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Database(BaseModel):
    hostname: str = "postgres"
    port: int = 5432
    db: str = "postgres"


class Settings(BaseSettings):
    database: Database = Field(default_factory=Database)

    model_config = SettingsConfigDict(
        env_file=".env",
        case_sensitive=False,
        env_nested_delimiter="__",
    )
