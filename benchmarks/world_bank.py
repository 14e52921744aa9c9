"""Benchmark: the world bank (issue 13, deliverable 7). Seeded simulated worlds per scenario, each built, scored and
answered by the pre-registered decision rule (helpers.hypotheses.world_bank), against what each world planted.

    .venv/bin/python benchmarks/world_bank.py [--worlds 200] [--scenarios planted-both no-quality ...]
        [--size small|default|tiny] [--workers 2] [--out bank.csv]
    .venv/bin/python benchmarks/world_bank.py --from bank.csv      # the tables of a bank already run (or partial)

Prints per scenario the distribution of answers (overall and per outcome), each primary test's rejection rate with
a Wilson interval, and the two targets: a side is declared when its effect is absent in at most 5 % of worlds; the
right answer in at least 80 % of planted worlds. Each world's row is appended to --out as soon as it finishes, so a
bank stopped early still has its rows; worlds run seed by seed across the scenarios, so its n stays balanced.
Prints how long it took and the time per world. Not part of the test suite (tests/test_world_bank.py is the fast
version).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from helpers.hypotheses import world_bank, world_bank_summary
from helpers.simulate.scenarios import SCENARIOS


def _args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worlds", type=int, default=200, help="worlds per scenario (default 200)")
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--size", default="small", choices=list(world_bank.SIZES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first-seed", type=int, default=0, help="to extend a bank with new seeds")
    parser.add_argument("--out", type=Path, help="CSV of one row per world (appended to as worlds finish)")
    parser.add_argument("--from", dest="source", type=Path, help="print the tables of this CSV instead of running")
    parser.add_argument("--markdown", action="store_true", help="also print the README's table (Markdown)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> pd.DataFrame:
    """Run the bank, appending each row to --out as it comes; the rows as a frame."""
    jobs = world_bank.bank_jobs(args.scenarios, args.worlds, args.first_seed)
    rows, writer, handle = [], None, None
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        handle = args.out.open("a", newline="")
    try:
        for row in tqdm(world_bank.iter_bank(jobs, args.size, args.workers), total=len(jobs),
                        desc=f"{args.size} worlds", file=sys.stderr):
            rows.append(row)
            if handle is not None:
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row), extrasaction="ignore")
                    if handle.tell() == 0:
                        writer.writeheader()
                writer.writerow(row)
                handle.flush()
    finally:
        if handle is not None:
            handle.close()
    return pd.DataFrame(rows)


def _percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares shown in percent, rounded to one decimal."""
    out = frame.copy()
    out[columns] = (100 * out[columns]).round(1)
    return out


def report(bank: pd.DataFrame) -> None:
    """Print the tables and the two targets."""
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    sizes = ", ".join(sorted(bank["size"].astype(str).unique()))
    print(f"\n{len(bank)} worlds ({sizes}); worlds per scenario: "
          + ", ".join(f"{s} {n}" for s, n in bank.groupby("scenario", sort=False).size().items()))
    print(f"mean time per world: {bank['seconds'].mean():.1f} s (one process)\n")
    print("Answers (% of worlds):")
    shares = list(world_bank_summary.ANSWERS) + [world_bank_summary.FAILED]
    print(_percent(world_bank_summary.answer_shares(bank), shares).to_string(index=False))
    rates = ["rate", "ci_low", "ci_high"]
    print("\nEach primary's side declared (positive, Holm p < 0.05), % of worlds with 95 % Wilson interval:")
    print(_percent(world_bank_summary.rejection_rates(bank), rates).to_string(index=False))
    absent = world_bank_summary.false_declarations(bank)
    print("\nTarget 1: a side is declared when its effect is absent in at most 5 % of worlds:")
    print(_percent(absent, rates).to_string(index=False))
    print(f"  -> met for {int(absent['target met'].sum())} of {len(absent)} absent effects")
    right = world_bank_summary.right_answers(bank)
    print("\nTarget 2: the right answer (truth.json's planted block) in at least 80 % of planted worlds:")
    print(_percent(right, rates).to_string(index=False))
    judged = right[right["target met"].notna()]
    print(f"  -> met for {int(judged['target met'].astype(bool).sum())} of {len(judged)} (scenario, answer) pairs "
          f"with a planted effect, at size {sizes}")


def _cell(rate: pd.Series, absent: bool) -> str:
    """A rate in percent with its Wilson interval; an absent effect's rate in bold (it is a false declaration)."""
    text = f"{100 * rate['rate']:.0f} ({100 * rate['ci_low']:.0f}–{100 * rate['ci_high']:.0f})"
    return f"**{text}**" if absent else text


def markdown_table(bank: pd.DataFrame) -> str:
    """The README's table: per scenario, n, the overall answers, each primary's declared rate and the right answers."""
    shares = world_bank_summary.answer_shares(bank)
    overall = shares[shares["answer of"] == "overall"].set_index("scenario")
    rates = world_bank_summary.rejection_rates(bank)
    right = world_bank_summary.right_answers(bank)
    head = ["scenario", "n", "both / quantity / quality / neither / can't tell (%)",
            *(f"{p} declared, % (95 % CI)" for p in ("engagement quantity", "engagement quality",
                                                      "visits quantity", "visits quality")),
            "right answer overall / engagement / visits (%)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scenario, row in overall.iterrows():
        r = rates[rates["scenario"] == scenario].set_index("primary")
        ok = right[right["scenario"] == scenario].set_index("answer of")["rate"]
        answers = " / ".join(f"{100 * row[a]:.0f}" for a in ("both", "quantity", "quality", "neither", "can't tell"))
        cells = [_cell(r.loc[p], not r.loc[p, "planted"]) for p in r.index]
        lines.append(f"| {scenario} | {int(row['n'])} | {answers} | " + " | ".join(cells) + " | "
                     + " / ".join(f"{100 * ok[k]:.0f}" for k in ("overall", "engagement", "visits")) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run (or read) the bank and print its tables and how long it took."""
    args = _args(argv)
    start = time.perf_counter()
    bank = pd.read_csv(args.source) if args.source else run(args)
    if args.source is None:
        elapsed = time.perf_counter() - start
        print(f"{len(bank)} worlds in {elapsed / 60:.1f} min on {args.workers} worker(s): "
              f"{elapsed / max(len(bank), 1):.1f} s per world overall")
    report(bank)
    if args.markdown:
        print("\n" + markdown_table(bank))


if __name__ == "__main__":
    main()
