"""Adding a hypothesis: copy the template notebook, number it, and register it before the summary."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from helpers.data import atomic
from helpers.errors import UserError
from helpers.hypotheses.registry import REGISTRY, SIDES, SLUG, SUMMARY_NUMBER, TEMPLATE

_HEADER = re.compile(r"^\s*\[\[\s*analysis\s*\]\]\s*(#.*)?$")
_NUMBER = re.compile(r"^(\d+)_")


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def add_analysis(notebook: str, title: str, hypothesis_ids: list[str], registry: Path = REGISTRY) -> None:
    """Append an [[analysis]] entry to the registry, before the summary entries, keeping the file's comments."""
    text = registry.read_text()
    entries = tomllib.loads(text).get("analysis", [])
    if any(e.get("notebook") == notebook for e in entries):
        raise UserError(f"{registry}: notebook {notebook} is already registered.")
    block = (f"[[analysis]]\nnotebook = {_toml_string(notebook)}\ntitle = {_toml_string(title)}\n"
             f"hypotheses = [{', '.join(_toml_string(h) for h in hypothesis_ids)}]\n")
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    first_summary = next((k for k, e in enumerate(entries) if e.get("summary")), None)
    if first_summary is None or len(headers) != len(entries):
        # no summary, or entries written in another TOML form: append; analyses() still runs summaries last
        new = text.rstrip("\n") + "\n\n" + block
    else:
        cut = headers[first_summary]
        while cut > 0 and lines[cut - 1].lstrip().startswith("#"):  # the summary's own comment stays with it
            cut -= 1
        new = "".join(lines[:cut]) + block + "\n" + "".join(lines[cut:])
    tomllib.loads(new)  # never write a registry that does not parse
    atomic.write_text(registry, new)


def _used_numbers(registry: Path) -> set[int]:
    """Numbers already taken by registered notebooks or by notebook files in the registry's folder."""
    names = [e.get("notebook", "") for e in tomllib.loads(registry.read_text()).get("analysis", [])]
    names += [p.stem for p in registry.parent.glob("*.ipynb")]
    return {int(m.group(1)) for name in names if (m := _NUMBER.match(name))}


def next_notebook_number(registry: Path = REGISTRY) -> int:
    """The next free notebook number below the summary's: after the highest used, else the first gap."""
    used = _used_numbers(registry)
    free = [n for n in range(1, SUMMARY_NUMBER) if n not in used]
    if not free:
        raise UserError(f"every notebook number from 1 to {SUMMARY_NUMBER - 1} is taken in {registry.parent}; "
                        "renumber or merge analysis notebooks first.")
    highest = max((n for n in used if n < SUMMARY_NUMBER), default=0)
    return next((n for n in free if n > highest), free[0])


def next_hypothesis_number(registry: Path = REGISTRY) -> int:
    """One more than the highest registered hypothesis number (H01 -> 2)."""
    ids = [h for e in tomllib.loads(registry.read_text()).get("analysis", []) for h in e.get("hypotheses", [])]
    numbers = [int(m.group(1)) for h in ids if (m := re.match(r"^H(\d+)", h))]
    return max(numbers, default=0) + 1


def _check_new_name(name: str, registry: Path) -> None:
    """Refuse a name that is not a slug or that a notebook or hypothesis already uses."""
    if not SLUG.match(name) or len(name) > 40:
        raise UserError(f"hypothesis name {name!r} is not a slug: use lower-case letters, digits and single "
                        "underscores, starting with a letter, at most 40 characters (e.g. links_engagement).")
    taken = [p.name for p in registry.parent.glob(f"*_{name}.ipynb") if _NUMBER.match(p.stem)
             and p.stem.split("_", 1)[1] == name]
    for entry in tomllib.loads(registry.read_text()).get("analysis", []):
        nb = entry.get("notebook", "")
        if _NUMBER.match(nb) and nb.split("_", 1)[1] == name:
            taken.append(f"registered notebook {nb}")
        taken += [f"hypothesis {h}" for h in entry.get("hypotheses", []) if re.sub(r"^H\d+_", "", h) == name]
    if taken:
        raise UserError(f"a hypothesis named {name!r} already exists ({', '.join(sorted(set(taken)))}); choose "
                        "another name, or edit that notebook.")


def _set_constant(source: str, name: str, value: str) -> str:
    """Set `NAME = "..."` in a code cell's source."""
    new, count = re.subn(rf"^{name} = .*$", lambda _: f"{name} = {json.dumps(value, ensure_ascii=False)}", source,
                         flags=re.M)
    if count != 1:
        raise UserError(f"{TEMPLATE}: the cell tagged 'hypothesis' must set {name} exactly once; restore the template.")
    return new


def _fill_template(template: Path, notebook: str, hypothesis_id: str, title: str | None, supports: str):
    """The template notebook with the new id, question, side and title set, and no outputs."""
    import nbformat

    nb = nbformat.read(template, as_version=4)
    constants = [c for c in nb.cells if "hypothesis" in c.get("metadata", {}).get("tags", [])]
    if len(constants) != 1:
        raise UserError(f"{template}: expected one code cell tagged 'hypothesis' (holding HYPOTHESIS_ID); restore "
                        "the template.")
    cell = constants[0]
    cell.source = _set_constant(cell.source, "HYPOTHESIS_ID", hypothesis_id)
    cell.source = _set_constant(cell.source, "NOTEBOOK", notebook)
    cell.source = _set_constant(cell.source, "SUPPORTS", supports)
    if title:
        cell.source = _set_constant(cell.source, "QUESTION", title)
        first = nb.cells[0]
        first.source = re.sub(r"^# .*$", lambda _: f"# {title}", first.source, count=1, flags=re.M)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    return nb


def template_title(template: Path = TEMPLATE) -> str:
    """The template's first heading."""
    import nbformat

    nb = nbformat.read(template, as_version=4)
    return next((line[2:].strip() for line in nb.cells[0].source.splitlines() if line.startswith("# ")),
                template.stem)


def new_hypothesis(name: str, title: str | None = None, supports: str | None = None,
                   registry: Path = REGISTRY, template: Path = TEMPLATE) -> tuple[Path, str]:
    """Copy the template to notebooks/<NN>_<name>.ipynb with id H<next>_<name> and register it before the summary."""
    import nbformat

    if supports not in (None, "", *SIDES):
        raise UserError(f"--supports must be one of {', '.join(SIDES)}, got {supports!r}.")
    if not template.is_file():
        raise UserError(f"the hypothesis template {template} does not exist; restore it from the repository.")
    _check_new_name(name, registry)
    notebook = f"{next_notebook_number(registry):02d}_{name}"
    hypothesis_id = f"H{next_hypothesis_number(registry):02d}_{name}"
    nb = _fill_template(template, notebook, hypothesis_id, title, supports or "")
    target = registry.parent / f"{notebook}.ipynb"
    text = nbformat.writes(nb)
    atomic.write_text(target, text if text.endswith("\n") else text + "\n")
    try:
        add_analysis(notebook, title or template_title(template), [hypothesis_id], registry)
    except BaseException:
        target.unlink(missing_ok=True)  # no half-added hypothesis: the notebook goes if the registry refused it
        raise
    return target, hypothesis_id
