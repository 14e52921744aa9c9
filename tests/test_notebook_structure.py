"""Every notebook, and the template a new hypothesis is copied from, shares one section order; code cells are short
(logic lives in src/helpers, with tests); helpers are imported by their plain module names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from helpers import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
FIRST = ["Question", "Parameters", "Validation"]  # then one heading per finding, stated as a finding
LAST = ["Limits", "Finding"]
MAX_STATEMENTS = 8  # "about 8 lines of logic": a longer cell belongs in a helper with a test


def _headings(nb) -> list[str]:
    """The level-2 headings of the markdown cells, in order."""
    return [m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
            for m in re.finditer(r"^## (.+)$", c.source, re.M)]


def _code(source: str) -> str:
    """A code cell's Python, without IPython magics."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _statements(tree: ast.AST) -> int:
    """Statements in a cell, nested ones included (each line of logic counts once, however it is wrapped)."""
    return sum(isinstance(node, ast.stmt) for node in ast.walk(tree))


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request) -> tuple[Path, nbformat.NotebookNode]:
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks_to_check():
    assert len(NOTEBOOKS) >= 15 and paths.NOTEBOOKS / "template_hypothesis.ipynb" in NOTEBOOKS


def test_sections_follow_the_one_order(notebook):
    path, nb = notebook
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), f"{path.name}: no title"
    heads = _headings(nb)
    assert heads[:len(FIRST)] == FIRST, f"{path.name} opens with {heads[:len(FIRST)]}, expected {FIRST}"
    assert heads[-len(LAST):] == LAST, f"{path.name} ends with {heads[-len(LAST):]}, expected {LAST}"
    assert len(heads) > len(FIRST) + len(LAST), f"{path.name} states no finding between validation and limits"


def test_the_parameters_cell_sits_in_the_parameters_section(notebook):
    path, nb = notebook
    section, where = None, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.findall(r"^## (.+)$", cell.source, re.M)
            section = found[-1].strip() if found else section
        elif "parameters" in cell.metadata.get("tags", []):
            where = section
    assert where == "Parameters", f"{path.name}: the cell tagged parameters is under {where!r}"


def test_code_cells_are_short(notebook):
    path, nb = notebook
    # the cell tagged parameters is exempt: one assignment per parameter a user may set is not logic
    long = [(i, n) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and "parameters" not in c.metadata.get("tags", [])
            and (n := _statements(ast.parse(_code(c.source)))) > MAX_STATEMENTS]
    assert not long, f"{path.name}: cells with more than {MAX_STATEMENTS} statements (cell, statements): {long}"


def test_helpers_are_imported_by_their_plain_names(notebook):
    path, nb = notebook
    aliased = [f"{n.module}.{a.name} as {a.asname}" if isinstance(n, ast.ImportFrom) else f"{a.name} as {a.asname}"
               for c in nb.cells if c.cell_type == "code" for n in ast.walk(ast.parse(_code(c.source)))
               if isinstance(n, ast.Import | ast.ImportFrom)
               and (getattr(n, "module", None) or n.names[0].name).startswith("helpers")
               for a in n.names if a.asname]
    assert not aliased, f"{path.name} imports helpers under other names: {aliased}"
