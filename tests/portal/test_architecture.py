"""Imports run downhill only: every module of our apps (function-level imports included)
imports only the folders the README's Architecture table allows for its folder."""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def architecture_table():
    """{folder: set of folders it may import} from the README's Architecture section."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)/` \|.*\| ([^|]+) \|$", section, re.M)
    folders = {name for name, _ in rows}
    table = {}
    for name, allowed in rows:
        allowed = allowed.strip()
        if allowed == "every app":
            table[name] = folders - {name}
        elif allowed == "—":
            table[name] = set()
        else:
            table[name] = {a.strip(" `/") for a in allowed.split(",")}
    return table


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path):
    """(line, dotted name) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            else:
                yield node.lineno, node.module


def upward_imports(table):
    found = []
    for folder, allowed in table.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name in imported_modules(path):
                top = name.split(".")[0]
                if top in table and top != folder and top not in allowed:
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def test_the_table_names_every_app_folder():
    table = architecture_table()
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"base"}
    assert apps <= set(table), f"not in the README's Architecture table: {apps - set(table)}"
    assert set(table) <= {p.name for p in ROOT.iterdir() if p.is_dir()}


def test_the_layers_have_no_cycle():
    table = architecture_table()
    done, visiting = set(), []

    def visit(folder):
        assert folder not in visiting, f"import cycle: {' → '.join([*visiting, folder])}"
        if folder in done:
            return
        visiting.append(folder)
        for lower in table[folder]:
            visit(lower)
        visiting.pop()
        done.add(folder)

    for folder in table:
        visit(folder)


def test_imports_only_run_downhill():
    assert upward_imports(architecture_table()) == []


def test_the_check_sees_imports_inside_functions(tmp_path, monkeypatch):
    """The walk reads function-level and relative imports too (a check that could not
    fail would prove nothing)."""
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    (tmp_path / "low" / "__init__.py").write_text("")
    (tmp_path / "low" / "views.py").write_text("def f():\n    from high.models import X\n")
    (tmp_path / "high" / "__init__.py").write_text("")
    (tmp_path / "high" / "models.py").write_text("from .. import low\nfrom low import views\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = upward_imports({"low": set(), "high": {"low"}})
    assert found == ["low/views.py:2 imports high.models"]
