"""Execute the registered analysis notebooks on a dataset with papermill, skipping what is up to date."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import papermill
from tqdm.auto import tqdm

from helpers import paths
from helpers.data import atomic
from helpers.data import dataset as datasets
from helpers.errors import UserError
from helpers.hypotheses import registry
from helpers.reports.render import FAILURES, render_html, write_indexes

STAMPS = ".stamps.json"


class NotebooksFailed(UserError):
    """Some notebooks failed; the other reports and the index were written all the same."""

    def __init__(self, dataset: str, out_dir: Path, failures: dict[str, str]):
        self.out_dir, self.failures = out_dir, failures
        listed = "; ".join(f"{nb} ({why})" for nb, why in failures.items())
        super().__init__(f"{len(failures)} notebook(s) failed on dataset {dataset}: {listed}. The other reports and "
                         f"the index were written to {out_dir / 'index.html'}; each failed notebook, with its error, "
                         f"is in {out_dir / 'notebooks'}.")


def _source_digest() -> str:
    """A hash of the package's source, so a code change re-runs the reports."""
    h = hashlib.sha256()
    for path in sorted((paths.ROOT / "src" / "helpers").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _stamp(notebook: Path, ds_path: Path, results_dir: Path, earlier: list[str], code: str) -> str:
    """What a report depends on: the notebook, the dataset's manifest, the code and earlier results."""
    h = hashlib.sha256(notebook.read_bytes())
    h.update((ds_path / "manifest.json").read_bytes())
    h.update(code.encode())
    for hid in earlier:
        result = results_dir / f"{hid}.json"
        h.update(result.read_bytes() if result.is_file() else b"-")
    return h.hexdigest()


def _note_unscored(ds: datasets.Dataset) -> None:
    """Say, once, that a dataset with followers but no scores leaves the quality analyses without data."""
    if "follower_quality" not in ds.tables and "followers" in ds.tables:
        tqdm.write(f"note: {ds.name} has followers but no follower scores; the analyses that need follower quality "
                   f"will say not estimable. Score it first: python -m helpers score --dataset {ds.name} "
                   "(make analyses does this).")


def _write_json(path: Path, value: dict) -> None:
    """Write a small JSON file atomically."""
    atomic.write_text(path, json.dumps(value, indent=2))


def _why(exc: Exception) -> str:
    """One line saying where and how a notebook failed."""
    if isinstance(exc, papermill.PapermillExecutionError):
        evalue = " ".join(str(exc.evalue).split()) or "(no message)"
        return f"cell {exc.exec_count}: {exc.ename}: {evalue}"
    return f"{type(exc).__name__}: {' '.join(str(exc).split()) or '(no message)'}"


def _forget_results(analysis: registry.Analysis, results_dir: Path) -> None:
    """Remove an analysis's recorded results, so a failed run leaves none from an earlier run behind."""
    for hid in analysis.hypotheses:
        (results_dir / f"{hid}.json").unlink(missing_ok=True)


# The kernel logs only errors: at its default level it prints a warning about TCP without encryption into every
# run (it listens on localhost only). IPC sockets would avoid it, but jupyter_client puts them in the working
# folder under fixed names, where two runs at once collide.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def _execute(analysis: registry.Analysis, ds_path: Path, nb_out: Path, results_dir: Path,
             html_path: Path) -> str | None:
    """Run one notebook and render its report; None on success, else why it failed."""
    _forget_results(analysis, results_dir)
    try:
        # the executed notebook is written once at the end (also when a cell fails), not after every cell
        papermill.execute_notebook(
            str(analysis.path), str(nb_out), kernel_name="python3", progress_bar=False,
            request_save_on_cell_execute=False, extra_arguments=KERNEL_ARGUMENTS,
            parameters={"dataset": str(ds_path), "results_dir": str(results_dir)}, cwd=str(paths.NOTEBOOKS))
    except Exception as exc:  # any notebook's failure is reported; the other notebooks still run
        why = _why(exc)
        _forget_results(analysis, results_dir)  # a half-run notebook's results are not its findings
        html_path.unlink(missing_ok=True)
        if nb_out.is_file():
            try:
                render_html(nb_out, html_path)
            except Exception as render_exc:  # the failure itself is the news; a report of it is a bonus
                why += f" (its report could not be rendered either: {_why(render_exc)})"
        return why
    render_html(nb_out, html_path)
    return None


def run_analyses(dataset: str, out: str | Path | None = None, *, force: bool = False,
                 only: list[str] | None = None, progress: bool = True) -> Path:
    """Run every registered analysis notebook on a dataset and write the HTML reports and indexes.

    A notebook that fails does not stop the others: the index marks it failed and NotebooksFailed names every
    failed notebook once the index is written.
    """
    ds = datasets.load(dataset)
    if progress:
        _note_unscored(ds)
    out_dir = Path(out) if out else paths.REPORTS / ds.name
    executed, results_dir = out_dir / "notebooks", out_dir / "results"
    executed.mkdir(parents=True, exist_ok=True)
    stamps_file, failures_file = out_dir / STAMPS, out_dir / FAILURES
    stamps = json.loads(stamps_file.read_text()) if stamps_file.is_file() else {}
    failed: dict[str, str] = json.loads(failures_file.read_text()) if failures_file.is_file() else {}
    registered = registry.analyses()
    failed = {nb: why for nb, why in failed.items() if nb in {a.notebook for a in registered}}
    code = _source_digest()
    earlier: list[str] = []
    failed_now: dict[str, str] = {}
    todo = [a for a in registered if not only or a.notebook in only]
    bar = tqdm(todo, desc="analyses", unit="notebook", disable=not progress)
    for analysis in bar:
        bar.set_postfix_str(analysis.notebook)
        # the summary reads every result, including those of notebooks not run this time (--only)
        deps = registry.hypothesis_ids() if analysis.summary else earlier
        stamp = _stamp(analysis.path, ds.path, results_dir, deps, code)
        html_path = out_dir / f"{analysis.notebook}.html"
        earlier += analysis.hypotheses
        if not force and stamps.get(analysis.notebook) == stamp and html_path.is_file() \
                and analysis.notebook not in failed:
            continue
        why = _execute(analysis, ds.path, executed / f"{analysis.notebook}.ipynb", results_dir, html_path)
        if why is None:
            stamps[analysis.notebook] = stamp
            failed.pop(analysis.notebook, None)
        else:
            stamps.pop(analysis.notebook, None)
            failed[analysis.notebook] = failed_now[analysis.notebook] = why
            if progress:
                tqdm.write(f"FAILED {analysis.notebook}: {why}")
        _write_json(stamps_file, stamps)
        _write_json(failures_file, failed)
    write_indexes(ds, out_dir)
    if failed_now:
        raise NotebooksFailed(ds.name, out_dir, failed_now)
    return out_dir
