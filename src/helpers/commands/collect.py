"""`python -m helpers collect bluesky|mastodon|snscrape`: collect a cohort of accounts into a dataset."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from helpers import paths
from helpers.commands import add_command
from helpers.data import dataset
from helpers.errors import UserError

EPILOG = ("Answers are cached on disk, so a run that was interrupted (Ctrl-C) or failed part-way keeps the "
          "accounts it finished and, run again with the same options, completes without fetching anything twice.")
EXIT_PAUSED = 75  # sysexits' EX_TEMPFAIL: the server asked for a long wait; the same command resumes later


def _options(args: argparse.Namespace):
    """The per-account options from the arguments."""
    from helpers.collect.cohort import Options

    return Options(followers_sample=args.followers_sample, posts=args.posts, max_list=args.max_list,
                   following=not args.no_following, seed=args.seed, progress=not args.quiet)


def _session(args: argparse.Namespace):
    """The polite HTTP session the arguments ask for."""
    from helpers.collect.http import PoliteSession

    max_age = None if args.cache_max_age_hours is None else args.cache_max_age_hours * 3600
    return PoliteSession(_cache_dir(args), max_retries=args.max_retries, cache_max_age_s=max_age,
                         deadline_s=args.deadline, longest_wait_s=args.longest_wait)


def _cache_dir(args: argparse.Namespace) -> Path:
    """The request cache: the folder given, else a throwaway one for the replay demo, else data/.cache/collect."""
    from helpers.collect.cohort import cache_folder

    return cache_folder(args.cache_dir, getattr(args, "replay", False))


def _accounts(args: argparse.Namespace) -> list[str]:
    """Accounts from --accounts and --accounts-file, in order, without repeats."""
    from helpers.collect.bluesky import read_accounts_file

    names = list(args.accounts or [])
    if args.accounts_file:
        path = Path(args.accounts_file)
        if not path.is_file():
            raise UserError(f"{path}: the accounts file does not exist. Give a text file with one account a line.")
        names += read_accounts_file(path)
    return list(dict.fromkeys(names))


@contextlib.contextmanager
def _maybe_replay(args: argparse.Namespace):
    """The built-in replay server when --replay is given, else nothing."""
    if not args.replay:
        yield None
        return
    from helpers.replay import server as replay

    with replay.serve(args.replay_accounts, faults=replay.DEMO_FAULTS) as server:
        print(f"replay demo: collecting a generated cohort from the local replay server at {server.url}; "
              "these are not real accounts", file=sys.stderr)
        yield server


def _finish(args: argparse.Namespace, cohort, stats: dict | None, replay_demo: bool) -> int:
    """Write the dataset, print what happened, and return the exit code."""
    from helpers.collect import cohort as cohort_mod

    out = dataset.target(args.dataset, args.out)
    if cohort.interrupted and not cohort.collected:
        print("interrupted before any account was complete: nothing was written; run the same command again to "
              "continue from the cache.", file=sys.stderr)
        return 130
    if cohort.paused and not cohort.collected:
        return _paused(cohort.paused, None)
    if not cohort.collected and not cohort.rejects:
        reasons = "; ".join(f"{k}: {v}" for k, v in list(cohort.failed.items())[:3]) or "interrupted"
        raise UserError(f"no account could be collected ({reasons}). Nothing was written; run again later.")
    path = cohort_mod.write(cohort, out, pseudonymise=not args.no_pseudonymise, stats=stats, replay_demo=replay_demo)
    print(cohort.status_line())
    for name, reason in cohort.failed.items():
        print(f"  not collected: {name}: {reason}")
    for note in cohort.notes:
        print(f"  note: {note}")
    if stats:
        print(f"requests sent {stats['sent']}, answered from the cache {stats['from_cache']}, "
              f"retries {stats['retries']}")
    print(f"dataset written to {path}")
    if cohort.paused:
        return _paused(cohort.paused, path)
    if cohort.interrupted:
        print("interrupted: the dataset holds the accounts that were complete; run the same command again to "
              "finish from the cache.", file=sys.stderr)
        return 130
    return 1 if cohort.partial else 0


def _paused(why: str, path: Path | None) -> int:
    """Say when to resume after the server asked for a long wait, and return EXIT_PAUSED."""
    saved = f"partial dataset saved to {path}" if path else "no account was complete yet, so nothing was written"
    print(f"{why}; {saved}; run the same command again after that to continue (answers so far are cached).",
          file=sys.stderr)
    return EXIT_PAUSED


def run_bluesky(args: argparse.Namespace) -> int:
    """Collect a Bluesky cohort."""
    from helpers.collect import bluesky
    from helpers.collect.cohort import repeated_note
    from helpers.collect.http import ServerAsksToWait

    session = _session(args)
    with _maybe_replay(args) as server:
        base = server.url if server else args.base_url
        appview = bluesky.AppView(session, bluesky.base_url(base))
        if args.search:
            try:
                actors = bluesky.search(appview, args.search, args.max_accounts)
            except ServerAsksToWait as exc:
                return _paused(exc.describe(), None)
        else:
            actors = _accounts(args) or (server.bluesky_handles() if server else [])
        if not actors:
            raise UserError("no accounts given: use --accounts, --accounts-file or --search (or --replay for the demo)")
        cohort = bluesky.collect(actors, session=session, base=base, options=_options(args))
        if args.search:
            cohort.notes.append(f"cohort: the first {len(actors)} accounts app.bsky.actor.searchActors ranked for "
                                f"{args.search!r} (the AppView's ranking, not a random sample of accounts)")
        if appview.repeated:
            cohort.notes.append(repeated_note(appview.repeated))
        return _finish(args, cohort, session.stats.as_dict(), replay_demo=server is not None)


def run_mastodon(args: argparse.Namespace) -> int:
    """Collect a Mastodon cohort."""
    from helpers.collect import mastodon

    session = _session(args)
    token = os.environ.get(args.token_env) or None  # read, never printed or stored
    with _maybe_replay(args) as server:
        base = server.url if server else args.base_url
        accts = _accounts(args) or (server.mastodon_accts() if server else [])
        if not accts:
            raise UserError("no accounts given: use --accounts user@instance ... or --accounts-file (or --replay)")
        try:
            cohort = mastodon.collect(accts, session=session, base=base, token=token, options=_options(args))
        except ValueError as exc:
            raise UserError(f"{exc}. Write each account as user@instance, e.g. alice@mastodon.social.") from None
        return _finish(args, cohort, session.stats.as_dict(), replay_demo=server is not None)


def run_snscrape(args: argparse.Namespace) -> int:
    """Collect accounts' posts with snscrape."""
    from helpers.collect import snscrape as snscrape_module

    cohort = snscrape_module.collect(args.module, args.targets, max_items=args.max_items, retries=args.retries,
                                     progress=not args.quiet, cache_dir=_cache_dir(args))
    return _finish(args, cohort, None, replay_demo=False)


def _common(p: argparse.ArgumentParser, *, http: bool = True) -> None:
    """Options every collector takes."""
    p.add_argument("--dataset", required=True, metavar="NAME",
                   help=f"dataset name: written to {paths.PROCESSED}/NAME unless --out is given")
    p.add_argument("--out", metavar="DIR", help="write the dataset to this folder instead")
    p.add_argument("--no-pseudonymise", action="store_true",
                   help="keep followers' ids and handles as collected (default: keyed-hash pseudonyms)")
    p.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                   help="where answers are cached so a rerun fetches nothing twice (default: data/.cache/collect, "
                        "git-ignored; a throwaway folder with --replay)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    if not http:
        return
    p.add_argument("--followers-sample", type=int, default=200, metavar="N",
                   help="follower rows per account: all when there are at most N, else a uniform draw of N from "
                        "the full list, or the N most recent when the list cannot be paged completely (default 200)")
    p.add_argument("--posts", type=int, default=100, metavar="N", help="most recent posts per account (default 100)")
    p.add_argument("--max-list", type=int, default=10_000, metavar="N",
                   help="page a follower or following list completely only when it has at most N entries; above "
                        "that the most recent followers are taken and the design says so (default 10000)")
    p.add_argument("--no-following", action="store_true",
                   help="skip whom each account follows (the following table and followed_back stay empty)")
    p.add_argument("--seed", default="qvq", help="seed of the uniform follower draws (default qvq)")
    p.add_argument("--max-retries", type=int, default=5, metavar="N",
                   help="retries per request on 429, 5xx, malformed JSON, a dropped connection, an answer cut "
                        "short or one slower than --deadline (default 5)")
    p.add_argument("--deadline", type=float, default=60.0, metavar="S",
                   help="the longest one request may take, from sending it to the last byte of the answer; a "
                        "slower answer counts as a failed try and is retried (default 60)")
    p.add_argument("--longest-wait", type=float, default=120.0, metavar="S",
                   help="a server asking to wait longer than S seconds (Retry-After) stops the run: the complete "
                        f"accounts are saved and the run exits with code {EXIT_PAUSED}, saying when to run it "
                        "again (default 120)")
    p.add_argument("--cache-max-age-hours", type=float, default=None, metavar="H",
                   help="refetch cached answers older than H hours (default: reuse them whatever their age)")
    p.add_argument("--replay", action="store_true",
                   help="start the built-in local replay server and collect its generated demo cohort "
                        "(offline; the dataset is marked simulated)")
    p.add_argument("--replay-accounts", type=int, default=20, metavar="N",
                   help="cohort size of the replay demo (default 20)")


def _who(p: argparse.ArgumentParser, metavar: str, accounts_help: str, line: str) -> argparse._MutuallyExclusiveGroup:
    """The two ways of naming the accounts, --accounts or --accounts-file (one `line` a line), as an either-or group."""
    who = p.add_mutually_exclusive_group()
    who.add_argument("--accounts", nargs="+", metavar=metavar, help=accounts_help)
    who.add_argument("--accounts-file", metavar="F", help=f"a text file with one {line} a line (# comments)")
    return who


def _bluesky_options(p: argparse.ArgumentParser) -> None:
    """Bluesky's own options: the accounts or a search, and the AppView."""
    who = _who(p, "H", "handles or DIDs, e.g. alice.bsky.social", line="handle or DID")
    who.add_argument("--search", metavar="QUERY", help="the accounts app.bsky.actor.searchActors finds for QUERY")
    p.add_argument("--max-accounts", type=int, default=20, metavar="N",
                   help="how many search results form the cohort (default 20)")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="another AppView or a replay server (default: $QVQ_BLUESKY_BASE_URL, else "
                        "https://public.api.bsky.app)")


def _mastodon_options(p: argparse.ArgumentParser) -> None:
    """Mastodon's own options: the accounts, the server asked, the token."""
    _who(p, "user@instance", "accounts as user@instance", line="user@instance")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="ask this server about every account (default: $QVQ_MASTODON_BASE_URL, else each "
                        "account's own server, which knows all its followers)")
    p.add_argument("--token-env", default="MASTODON_ACCESS_TOKEN", metavar="NAME",
                   help="environment variable holding an optional access token (default MASTODON_ACCESS_TOKEN); "
                        "the token is never printed or stored")


def _snscrape_options(p: argparse.ArgumentParser) -> None:
    """snscrape's own options: the module, its targets, how much to fetch."""
    p.add_argument("module", metavar="MODULE",
                   help="an snscrape account module: mastodon-profile, reddit-user or telegram-channel")
    p.add_argument("targets", nargs="+", metavar="TARGET",
                   help="accounts as the module takes them (e.g. @user@instance or a profile URL; a channel name)")
    p.add_argument("--max-items", type=int, default=100, metavar="N", help="posts per account (default 100)")
    p.add_argument("--retries", type=int, default=3, metavar="N", help="snscrape's retries per request (default 3)")


class Collector(NamedTuple):
    """One collector's subcommand: what runs it, its own options, and the texts of its help."""

    name: str
    run: Callable[[argparse.Namespace], int]
    options: Callable[[argparse.ArgumentParser], None]
    help: str
    description: str
    note: str = ""  # added to the epilog
    http: bool = True  # whether it takes the options of the HTTP collectors


COLLECTORS = (
    Collector("bluesky", run_bluesky, _bluesky_options, "Bluesky through the public AppView (no login)",
              "Collect Bluesky accounts from the public AppView: getProfiles, getFollowers, getFollows and "
              "getAuthorFeed. No login needed."),
    Collector("mastodon", run_mastodon, _mastodon_options, "Mastodon through Mastodon.py (an access token is optional)",
              "Collect Mastodon accounts: account_lookup, account_followers (paged through the Link headers to the "
              "end), account_following and account_statuses.",
              " A server knows only part of a remote account's followers: each account records which server "
              "answered."),
    Collector("snscrape", run_snscrape, _snscrape_options, "snscrape's account modules (mastodon, reddit, telegram)",
              "Collect accounts' posts with snscrape for the modules it still serves. It gives no follower lists "
              "and, outside X, no engagement counts.",
              " X/Twitter modules have not worked since mid-2023: use your X archive with `python -m helpers "
              "ingest`.", http=False),
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the collect command and its three collectors."""
    p = sub.add_parser("collect", help="collect a cohort of accounts live (Bluesky, Mastodon, snscrape)",
                       description="Collect many accounts, each with its profile, a sample of its followers with "
                                   "their profiles, and its recent posts with engagement counts, into a dataset.",
                       epilog=EPILOG)
    platforms = p.add_subparsers(dest="platform", metavar="PLATFORM", required=True)
    for c in COLLECTORS:
        collector = add_command(platforms, c.name, c.run, help=c.help, description=c.description,
                                epilog=EPILOG + c.note)
        c.options(collector)
        _common(collector, http=c.http)
