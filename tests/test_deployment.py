"""docker-compose.yml, the published schema and the wheel: checked without Docker."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from graphsvc.domain.bundle import json_schema
from graphsvc.support.settings import Settings
from graphsvc.web.api_docs import ASSETS as DOCS_ASSETS
from graphsvc.web.api_docs import REDOC, SWAGGER_UI

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_neo4j_526_and_points_the_service_at_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, service = compose["services"]["neo4j"], compose["services"]["graphsvc"]
    assert neo4j["image"].startswith("neo4j:5.26") and "community" in neo4j["image"]
    assert "healthcheck" in neo4j and any(v.endswith(":/data") for v in neo4j["volumes"])
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = service["environment"]
    settings_names = {f.validation_alias.choices[0] for f in Settings.model_fields.values()}
    assert set(env) <= settings_names, set(env) - settings_names
    assert env["GRAPHSVC_STORE"] == "neo4j" and env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert (ROOT / service["build"] / "Dockerfile").is_file()


def test_published_schema_is_current():
    published = json.loads((ROOT / "schema" / "bundle.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), "run: graphsvc schema > schema/bundle.schema.json"


def test_wheel_ships_queries_visual_and_demo(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("graphsvc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    queries = {p.name for p in (ROOT / "queries").glob("*.cypher")}
    assert {f"graphsvc/queries/{q}" for q in queries} <= names
    assert "graphsvc/visual/README.md" in names
    # the API documents' viewers, served from the package (graphsvc.web.api_docs)
    assert {f"graphsvc/visual/{path}" for path in DOCS_ASSETS.values()} <= names
    assert {f"graphsvc/visual/{folder}/LICENSE" for folder in (SWAGGER_UI, REDOC)} <= names
    assert "graphsvc/application/demo/property_development.json" in names
    assert any(n.endswith("entry_points.txt") for n in names)
