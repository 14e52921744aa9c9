"""`python -m helpers new-hypothesis NAME`: start a hypothesis notebook from the template and register it."""

from __future__ import annotations

import argparse

from helpers.commands import add_command


def run(args: argparse.Namespace) -> int:
    """Copy the template, register the copy, and say what to do next."""
    from helpers.hypotheses import registry, scaffold

    path, hypothesis_id = scaffold.new_hypothesis(args.name, title=args.title, supports=args.supports)
    print(f"created {path} recording hypothesis {hypothesis_id}, registered in {registry.REGISTRY} before the "
          f"summary.\nIt runs as it is (the template's example test); edit it into your own test, then run "
          f"`python -m helpers analyses --only {path.stem} 30_summary`.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the new-hypothesis command."""
    p = add_command(
        sub, "new-hypothesis", run, help="start a new hypothesis notebook from the template and register it",
        description="Copy notebooks/template_hypothesis.ipynb to notebooks/<NN>_<NAME>.ipynb, where NN "
                    "is the next free number of the analysis notebooks (below the summary's 30), give it the "
                    "hypothesis id H<next>_<NAME>, and add an [[analysis]] entry to notebooks/registry.toml before "
                    "the summary. The copy runs as it is (the template's example test), so the next `python -m "
                    "helpers analyses` records a result under the new id. Set QVQ_ROOT to work on another copy "
                    "of the project.")
    p.add_argument("name", metavar="NAME",
                   help="short name of the hypothesis: lower-case letters, digits and single underscores, starting "
                        "with a letter (e.g. links_engagement); refused if a notebook or hypothesis already uses it")
    p.add_argument("--title", metavar="TEXT",
                   help="the question the notebook answers, as its title, the registry title and the recorded "
                        "question (default: the template's example question)")
    p.add_argument("--supports", choices=["quantity", "quality"],
                   help="which side of 'quantity or quality?' a positive estimate backs; the summary counts the "
                        "hypothesis for that side (default: neither, so it is listed but not counted)")
