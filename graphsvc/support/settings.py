"""Settings from environment variables and an optional ``.env`` file."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class ImportLimits:
    """What one spreadsheet import may hold, so no upload can exhaust memory or time.

    The defaults take any real team's workbook: 100,000 rows, and Excel's own cell maximum.
    """

    #: the upload (HTTP request body; on the command line, the files together)
    max_bytes: int = 20 * 2**20
    #: an .xlsx unpacked: the sum of its zip members' sizes, checked before parsing
    max_uncompressed_bytes: int = 100 * 2**20
    #: rows read in all sheets together, empty ones included; reading stops past it
    max_rows: int = 100_000
    #: characters in one cell (Excel's limit)
    max_cell_chars: int = 32_767


_LIMITS = ImportLimits()


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
    upload_max_bytes: int = Field(_LIMITS.max_bytes, gt=0, validation_alias=AliasChoices("GRAPHSVC_UPLOAD_MAX_BYTES"))
    upload_max_uncompressed_bytes: int = Field(
        _LIMITS.max_uncompressed_bytes, gt=0, validation_alias=AliasChoices("GRAPHSVC_UPLOAD_MAX_UNCOMPRESSED_BYTES")
    )
    import_max_rows: int = Field(_LIMITS.max_rows, gt=0, validation_alias=AliasChoices("GRAPHSVC_IMPORT_MAX_ROWS"))
    import_max_cell_chars: int = Field(
        _LIMITS.max_cell_chars, gt=0, validation_alias=AliasChoices("GRAPHSVC_IMPORT_MAX_CELL_CHARS")
    )

    #: days after which a logged interaction counts half as much in a line's strength
    half_life_days: float = Field(90.0, gt=0, le=36500, validation_alias=AliasChoices("GRAPHSVC_HALF_LIFE_DAYS"))

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "graphsvc.sqlite3"

    @property
    def import_limits(self) -> ImportLimits:
        return ImportLimits(
            max_bytes=self.upload_max_bytes,
            max_uncompressed_bytes=self.upload_max_uncompressed_bytes,
            max_rows=self.import_max_rows,
            max_cell_chars=self.import_max_cell_chars,
        )


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
