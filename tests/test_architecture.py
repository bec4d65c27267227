"""The layout holds: the import-linter contracts are kept (layers, no cycles), and commands
that do not serve start without the web stack."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB_STACK = ("fastapi", "starlette", "uvicorn")


def _modules_after(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running ``code``."""
    probe = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(done.stdout.split())


def test_import_contracts_are_kept():
    lint = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    done = subprocess.run([sys.executable, "-c", lint, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_commands_that_do_not_serve_leave_the_web_stack_out():
    loaded = _modules_after(
        "from typer.testing import CliRunner\n"
        "from graphsvc.cli.main import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0"
    )
    assert "graphsvc" in loaded
    assert not loaded & set(WEB_STACK), f"--help imported {sorted(loaded & set(WEB_STACK))}"


def test_the_web_app_still_builds():
    assert set(WEB_STACK[:2]) <= _modules_after("from graphsvc.web.app import create_app")


def test_the_readme_layout_table_matches_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Layout") :]
    named = set(re.findall(r"`((?:graphsvc|queries|visual|benchmarks|tests)/[^`]*)`", table))
    assert named, "no paths in the layout table"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"the layout table names paths that do not exist: {missing}"
    packages = {f"graphsvc/{p.name}/" for p in (ROOT / "graphsvc").iterdir() if (p / "__init__.py").is_file()}
    assert packages <= named, f"packages missing from the layout table: {sorted(packages - named)}"


#: declared dependencies the code never imports by name, and why they are needed at run time
USED_WITHOUT_IMPORT = {
    "neo4j-rust-ext": "the driver's Rust packstream, found by the neo4j driver itself",
    "python-multipart": "FastAPI parses the spreadsheet upload's multipart form with it",
}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_runtime_dependencies_are_what_the_code_imports():
    import importlib.metadata
    import tomllib

    import grimp

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_normalized(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in project["dependencies"]}
    # an extra's package may be imported lazily where it is used (maps.notebook: pyvis)
    optional = {
        _normalized(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0])
        for spec in project["optional-dependencies"]["notebook"]
    }
    graph = grimp.build_graph("graphsvc", include_external_packages=True)
    imported = {m for m in graph.modules if not m.startswith("graphsvc")} - set(sys.stdlib_module_names)
    distributions = importlib.metadata.packages_distributions()
    needed = {_normalized(dist) for module in imported for dist in distributions.get(module, [module])}
    assert needed - declared - optional == set(), "imported but not declared as a dependency"
    assert declared - needed == set(USED_WITHOUT_IMPORT), "declared but never imported"
