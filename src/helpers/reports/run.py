"""Execute the registered analysis notebooks on a dataset with papermill, skipping what is up to date."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import papermill
from tqdm.auto import tqdm

from helpers import dataset as datasets
from helpers import hypotheses, paths
from helpers.errors import UserError
from helpers.reports.render import render_html, write_indexes

STAMPS = ".stamps.json"


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


def _scored(ds: datasets.Dataset, progress: bool) -> datasets.Dataset:
    """The dataset with follower-quality scores, scoring it first when it has none and can be scored."""
    from helpers.errors import DatasetError
    from helpers.quality import score_dataset

    if "follower_quality" in ds.tables:
        return ds
    try:
        score_dataset(ds.path)
    except DatasetError as exc:
        if progress:
            print(f"not scored: {exc} (the analyses that need follower quality will say so)")
        return ds
    if progress:
        print(f"scored the followers of {ds.name} (follower_quality, account_quality added)")
    return datasets.load(ds.path)


def run_analyses(dataset: str, out: str | Path | None = None, *, force: bool = False,
                 only: list[str] | None = None, progress: bool = True) -> Path:
    """Run every registered analysis notebook on a dataset and write the HTML reports and indexes."""
    ds = _scored(datasets.load(dataset), progress)
    out_dir = Path(out) if out else paths.REPORTS / ds.name
    executed, results_dir = out_dir / "notebooks", out_dir / "results"
    executed.mkdir(parents=True, exist_ok=True)
    stamps_file = out_dir / STAMPS
    stamps = json.loads(stamps_file.read_text()) if stamps_file.is_file() else {}
    code = _source_digest()
    earlier: list[str] = []
    todo = [a for a in hypotheses.analyses() if not only or a.notebook in only]
    bar = tqdm(todo, desc="analyses", unit="notebook", disable=not progress)
    for analysis in bar:
        bar.set_postfix_str(analysis.notebook)
        # the summary reads every result, including those of notebooks not run this time (--only)
        deps = hypotheses.hypothesis_ids() if analysis.summary else earlier
        stamp = _stamp(analysis.path, ds.path, results_dir, deps, code)
        html_path = out_dir / f"{analysis.notebook}.html"
        if not force and stamps.get(analysis.notebook) == stamp and html_path.is_file():
            earlier += analysis.hypotheses
            continue
        nb_out = executed / f"{analysis.notebook}.ipynb"
        try:
            papermill.execute_notebook(
                str(analysis.path), str(nb_out), kernel_name="python3", progress_bar=False,
                parameters={"dataset": str(ds.path), "results_dir": str(results_dir)},
                cwd=str(paths.NOTEBOOKS))
        except papermill.PapermillExecutionError as exc:
            render_html(nb_out, html_path)
            raise UserError(f"notebook {analysis.notebook} failed on dataset {ds.name} at cell "
                            f"{exc.exec_count}: {exc.ename}: {exc.evalue}. The executed notebook with the error is "
                            f"{nb_out}.") from exc
        render_html(nb_out, html_path)
        stamps[analysis.notebook] = stamp
        tmp = stamps_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(stamps, indent=2))
        os.replace(tmp, stamps_file)
        earlier += analysis.hypotheses
    write_indexes(ds, out_dir)
    return out_dir
