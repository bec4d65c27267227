"""Settings from environment variables and an optional ``.env`` file."""

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    store: Literal["embedded", "neo4j"] = Field("embedded", validation_alias=AliasChoices("GRAPHSVC_STORE"))
    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("graphsvc")),
        validation_alias=AliasChoices("GRAPHSVC_DATA_DIR"),
    )
    neo4j_uri: str = Field("bolt://localhost:7687", validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: str = Field("", validation_alias=AliasChoices("NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "graphsvc.sqlite3"


class SettingsError(ValueError):
    """A setting has a value graphsvc cannot use; the message names the variable."""


def load_settings() -> Settings:
    """Settings from the environment, with errors that name the environment variable."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False):
            variable = str(error["loc"][0]) if error["loc"] else "?"
            lines.append(f"{variable}={error.get('input')!r}: {error['msg']}")
        raise SettingsError("bad setting: " + "; ".join(lines)) from exc
