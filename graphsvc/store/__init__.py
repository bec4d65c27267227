"""Store selection: embedded (default, no server) or Neo4j, by settings."""

from graphsvc.store.base import Store, StoreUnavailable
from graphsvc.support.settings import Settings, load_settings


def open_store(settings: Settings | None = None) -> Store:
    settings = settings or load_settings()
    if settings.store == "neo4j":
        from graphsvc.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri=settings.neo4j_uri,
            user=settings.neo4j_user,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
        )
    from graphsvc.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.sqlite_path)


__all__ = ["Store", "StoreUnavailable", "open_store"]
