"""`python -m helpers collect ...` end to end against the local replay server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from helpers import cli
from helpers.commands import collect as collect_cmd
from helpers.data import dataset
from helpers.replay import server as replay


def _parser_of(*names: str):
    parser = cli.build_parser()
    for name in names:
        parser = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices[name]
    return parser


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "snscrape"])
def test_every_option_has_help(platform):
    parser = _parser_of("collect", platform)
    for action in parser._actions:
        assert action.help and len(action.help) > 10, action.dest


def test_bluesky_from_an_accounts_file_and_the_environment_base_url(tmp_path, monkeypatch, capsys):
    with replay.serve(20, seed=7) as server:
        monkeypatch.setenv("QVQ_BLUESKY_BASE_URL", server.url)
        (tmp_path / "cohort.txt").write_text("# my cohort\n" + "\n".join(server.bluesky_handles()[:6]) + "\n")
        code = cli.main(["collect", "bluesky", "--accounts-file", str(tmp_path / "cohort.txt"), "--dataset",
                         str(tmp_path / "ds"), "--cache-dir", str(tmp_path / "cache"), "--followers-sample", "20",
                         "--posts", "10", "--quiet"])
        sent = server.count()
    out = capsys.readouterr().out
    assert code == 0 and "6 of 6 accounts collected" in out and f"requests sent {sent}," in out
    ds = dataset.load(tmp_path / "ds")
    assert len(ds.accounts) == 6 and ds.manifest["collection"]["source"] == f"bluesky AppView at {server.url}"


def test_mastodon_token_comes_from_the_environment_and_is_never_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "SECRET-TOKEN-456")
    with replay.serve(20, seed=7) as server:
        code = cli.main(["collect", "mastodon", "--accounts", *server.mastodon_accts()[:4], "--base-url", server.url,
                         "--dataset", str(tmp_path / "m"), "--cache-dir", str(tmp_path / "cache"), "--posts", "5",
                         "--followers-sample", "10"])
        assert all(r.authorized for r in server.log)
    captured = capsys.readouterr()
    assert code == 0 and "SECRET-TOKEN-456" not in captured.out + captured.err
    assert "4 of 4 accounts collected" in captured.out


def test_a_mistyped_mastodon_address_is_one_plain_error(tmp_path, capsys):
    code = cli.main(["collect", "mastodon", "--accounts", "alice", "--dataset", str(tmp_path / "m"),
                     "--cache-dir", str(tmp_path / "c"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: 'alice' is not a Mastodon address of the form user@instance")


def test_the_replay_demo_writes_a_simulated_dataset(tmp_path, capsys):
    code = cli.main(["collect", "bluesky", "--replay", "--replay-accounts", "8", "--dataset", str(tmp_path / "demo"),
                     "--followers-sample", "10", "--posts", "5", "--quiet", "--max-retries", "2"])
    assert code == 0
    ds = dataset.load(tmp_path / "demo")
    assert ds.simulated and ds.manifest["notes"][0].startswith("replay demo:")
    assert "replay demo" in capsys.readouterr().err


def _interruptible() -> None:
    """In the child before exec: Ctrl-C as a user's shell delivers it. A signal mask or an ignored SIGINT is
    inherited through exec, and an earlier test in the same worker (a process pool's resource tracker blocks
    SIGINT while it starts) can leave either behind."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_mid_run_leaves_a_partial_dataset_that_the_next_run_completes(tmp_path):
    """The must-show: interrupt a 20-account collection halfway; the rerun refetches nothing it had.

    The server holds its answer to the 45th request until the subprocess has been interrupted, so the signal
    always lands while the collector waits on that answer, however busy the machine (no sleeps, no clock).
    """
    args = ["collect", "bluesky", "--dataset", str(tmp_path / "ds"), "--cache-dir", str(tmp_path / "cache"),
            "--followers-sample", "50", "--posts", "30", "--quiet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    hold = replay.Hold(at=45)
    with replay.serve(20, seed=7, hold=hold) as server:
        accounts = ["--accounts", *server.bluesky_handles(), "--base-url", server.url]
        proc = subprocess.Popen([sys.executable, "-m", "helpers", *args, *accounts], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_interruptible)
        while not hold.reached.wait(0.05) and proc.poll() is None:
            pass  # wait for the event; stop waiting only if the run ended without reaching it
        assert hold.reached.is_set(), proc.communicate()[1]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate()
        hold.release.set()
        assert proc.returncode == 130, err
        first = list(server.log)
        assert len(first) == 45  # nothing was asked after the held request
        manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
        assert manifest["notes"][0].startswith("partial:") and manifest["collection"]["partial"]
        assert 0 < manifest["row_counts"]["accounts"] < 18
        assert "Traceback" not in err and "run the same command again" in err

        assert cli.main([*args, *accounts]) == 0
        second = server.log[len(first):]
    answered = {(r.path, r.query) for r in first if r.status in (200, 400)}
    refetched = answered & {(r.path, r.query) for r in second}
    # only the request whose answer was held: the server logged it, the client never received it
    assert refetched == {(first[-1].path, first[-1].query)}
    done = dataset.load(tmp_path / "ds")
    assert len(done.accounts) == 18 and not done.manifest["collection"]["partial"]
    assert done.manifest["collection"]["requests"]["from_cache"] >= len(answered) - 1


def test_a_repeated_cursor_still_writes_the_dataset_and_says_why_paging_stopped(tmp_path, capsys):
    with replay.serve(20, seed=7, faults=replay.Faults(repeat_cursor_after=1)) as server:
        code = cli.main(["collect", "bluesky", "--accounts", *server.bluesky_handles(), "--base-url", server.url,
                         "--dataset", str(tmp_path / "ds"), "--cache-dir", str(tmp_path / "cache"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "18 of 20 accounts collected" in out
    assert "note: paging stopped early for" in out and "because the server repeated its pagination cursor" in out
    ds = dataset.load(tmp_path / "ds")
    assert len(ds.accounts) == 18 and not ds.followers.duplicated(["account_id", "follower_id"]).any()


def test_a_long_retry_after_saves_the_partial_dataset_and_says_when_to_run_again(tmp_path, monkeypatch, capsys):
    sleeps = []
    made = collect_cmd._session

    def recording(args):
        session = made(args)
        session.sleep_fn = sleeps.append  # nothing sleeps for real
        session.now = lambda: 1_750_000_000.0  # 2025-06-15 15:06:40 UTC
        return session

    monkeypatch.setattr(collect_cmd, "_session", recording)
    args = ["collect", "bluesky", "--dataset", str(tmp_path / "ds"), "--cache-dir", str(tmp_path / "cache"),
            "--followers-sample", "50", "--posts", "30", "--quiet"]
    faults = replay.Faults(rate_limit_every=40, retry_after_s=3600)
    with replay.serve(20, seed=7, faults=faults) as server:
        accounts = ["--accounts", *server.bluesky_handles(), "--base-url", server.url]
        code = cli.main([*args, *accounts])
        captured = capsys.readouterr()
        assert code == collect_cmd.EXIT_PAUSED == 75
        assert not any(s > 60 for s in sleeps)
        assert captured.err.strip().splitlines()[-1] == (
            f"the server asks to wait until 16:07 UTC (3600 s); partial dataset saved to {tmp_path / 'ds'}; run the "
            "same command again after that to continue (answers so far are cached).")
        assert "Traceback" not in captured.err
        partial = dataset.load(tmp_path / "ds")
        assert partial.manifest["collection"]["partial"] and 0 < len(partial.accounts) < 18
        first = len(server.log)

        server.faults = replay.Faults()  # the hour has passed: the server answers again
        assert cli.main([*args, *accounts]) == 0
        again = {(r.path, r.query) for r in server.log[first:]}
    assert not again & {(r.path, r.query) for r in server.log[:first] if r.status == 200}  # nothing fetched twice
    assert len(dataset.load(tmp_path / "ds").accounts) == 18


def test_cache_dir_defaults(tmp_path):
    parser = cli.build_parser()
    args = parser.parse_args(["collect", "bluesky", "--accounts", "a.bsky.social", "--dataset", "x"])
    assert collect_cmd._cache_dir(args).parts[-3:] == ("data", ".cache", "collect")
    args = parser.parse_args(["collect", "bluesky", "--replay", "--dataset", "x"])
    assert "qvq-replay-cache-" in collect_cmd._cache_dir(args).name
