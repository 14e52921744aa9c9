"""The traffic readers on small hand-made files written from each tool's documented format."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import dataset
from helpers.ingest import registry
from helpers.ingest.pipeline import ingest
from helpers.ingest.web import access_log, ga4_csv, jetpack_csv, matomo_csv, ua_csv


def run(tmp_path: Path, *inputs: Path, **options) -> dataset.Dataset:
    """Ingest inputs into a temporary dataset and load it."""
    out = tmp_path / "ds"
    ingest(list(inputs), out, options=options, progress=False)
    return dataset.load(out)


def counts(ds: dataset.Dataset, table: str, i: int = 0) -> dict:
    """The manifest's read/kept/rejected counts of one pseudo-table of input i."""
    return ds.manifest["inputs"][i]["tables"][table]


GA4_ACQUISITION = (
    "# ----------------------------------------\r\n"
    "# Traffic acquisition: Session source / medium\r\n"
    "# Account: Blog\r\n# Property: blog.example.org\r\n"
    "# ----------------------------------------\r\n#\r\n# All Users\r\n"
    "# Start date: 20250301\r\n# End date: 20250331\r\n"
    "Session source / medium,Users,Sessions,Engaged sessions,Average engagement time per session,"
    "Engagement rate,Event count,Key events,Total revenue\r\n"
    "google / organic,80,100,60,45.2,0.6,400,0,0\r\n"
    "(direct) / (none),50,70,30,20.1,0.42,210,0,0\r\n"
    "t.co / referral,12,15,9,33.3,0.6,50,0,0\r\n"
    "bsky.app / referral,4,5,3,12,0.6,12,0,0\r\n"
    "mastodon.social / referral,3,3,2,40,0.66,10,0,0\r\n"
    "newsletter / email,6,8,6,70,0.75,30,0,0\r\n"
    "someblog.example.net / referral,2,2,1,5,0.5,4,0,0\r\n"
)
GA4_PAGES = (
    "# ----------------------------------------\r\n# Pages and screens: Page path and screen class\r\n"
    "# Account: Blog\r\n# Property: blog.example.org\r\n# ----------------------------------------\r\n#\r\n"
    "# Start date: 20250301\r\n# End date: 20250331\r\n"
    "Page path and screen class,Views,Active users,Views per active user,Average engagement time per active user,"
    "Event count,Key events,Total revenue\r\n"
    "/,300,120,2.5,30,900,0,0\r\n/posts/quality/,150,90,1.67,80,400,0,0\r\n"
)


def test_ga4_single_table_reports(tmp_path: Path) -> None:
    """GA4 source/medium sessions become traffic by channel; Pages and screens becomes page views."""
    (tmp_path / "acq.csv").write_text(GA4_ACQUISITION, newline="")
    (tmp_path / "pages.csv").write_text(GA4_PAGES, newline="")
    assert ga4_csv.detect(tmp_path / "acq.csv") and ga4_csv.detect(tmp_path / "pages.csv")
    ds = run(tmp_path, tmp_path / "acq.csv", tmp_path / "pages.csv")
    sessions = ds.traffic[ds.traffic["metric"] == "sessions"]
    by_channel = sessions.groupby("channel")["sessions"].sum().to_dict()
    assert by_channel == {"search": 100, "direct": 70, "x": 15, "bluesky": 5, "mastodon": 3, "email": 8,
                          "referral": 2}
    assert set(sessions["site"]) == {"blog.example.org"}
    assert sessions.loc[sessions["source"] == "someblog.example.net", "channel"].tolist() == ["referral"]
    views = ds.traffic[ds.traffic["metric"] == "views"]
    assert views.set_index("page")["pageviews"].to_dict() == {"/": 300, "/posts/quality/": 150}
    assert (ds.traffic["period_start"] == pd.Timestamp("2025-03-01")).all()


UA_PREAMBLE = (
    "# ----------------------------------------\n# All Web Site Data\n# Source/Medium\n# 20240101-20240131\n"
    "# ----------------------------------------\n\n"
    "Source / Medium,Sessions,% New Sessions,New Users,Bounce Rate,Pages / Session,Avg. Session Duration\n"
    'google / organic,"1,234",70.00%,864,55.10%,2.10,00:01:40\n'
    "t.co / referral,321,80.00%,257,60.00%,1.50,00:00:41\n"
    "(direct) / (none),200,60.00%,120,70.00%,1.20,00:00:30\n"
    ',"1,755",71.00%,"1,241",57.00%,1.90,00:01:20\n'
    "\n# ----------------------------------------\n\nDay Index,Sessions\n1/1/24,50\n1/2/24,60\n,110\n"
)


def test_ua_with_preamble(tmp_path: Path) -> None:
    """UA's preamble gives the period; the totals row and Day Index totals are counted, not kept as traffic."""
    path = tmp_path / "Analytics All Web Site Data Source-Medium 20240101-20240131.csv"
    path.write_text(UA_PREAMBLE)
    assert ua_csv.detect(path) and not ga4_csv.detect(path)
    ds = run(tmp_path, path)
    assert ds.traffic.set_index("source")["sessions"].to_dict() == {"google": 1234, "t.co": 321, "(direct)": 200}
    assert ds.traffic.set_index("source")["channel"].to_dict() == {"google": "search", "t.co": "x",
                                                                   "(direct)": "direct"}
    assert (ds.traffic["period_end"] == pd.Timestamp("2024-01-31")).all()
    c = counts(ds, "report_rows")
    assert c["read"] == 7 and c["kept"] == 7 and c["rejected"] == 0
    assert c["breakdown"]["totals row (the sum of the rows above)"] == 1
    assert c["breakdown"]["not traffic: totals by day without a channel (Day Index)"] == 3


def test_ua_without_preamble_and_bad_row(tmp_path: Path) -> None:
    """A bare UA table is read; a row with a bad count is rejected with its reason, nothing lost."""
    path = tmp_path / "channels.csv"
    path.write_text("Default Channel Grouping,Sessions,Users,Pageviews\r\nOrganic Search,\"2,001\",1500,4000\r\n"
                    "Social,90,80,120\r\nDirect,n/a,10,20\r\nReferral,40,30,50\r\n")
    assert ua_csv.detect(path)
    ds = run(tmp_path, path)
    assert ds.traffic.set_index("channel")["sessions"].to_dict() == {"search": 2001, "other_social": 90,
                                                                     "referral": 40}
    c = counts(ds, "report_rows")
    assert (c["read"], c["kept"], c["rejected"]) == (4, 3, 1)
    assert ds.rejects["reason"].str.contains("not a count").tolist() == [True]


def plausible_zip(tmp_path: Path) -> Path:
    """A Plausible dashboard export zip plus an imported_sources file."""
    files = {
        "visitors.csv": "date,visitors,pageviews,visits,views_per_visit,bounce_rate,visit_duration\n"
                        "2025-02-01,40,90,50,1.8,60,70\n2025-02-02,30,70,35,2.0,55,80\n",
        "sources.csv": "name,visitors,bounce_rate,visit_duration\nGoogle,30,50,60\nDirect / None,20,70,30\n"
                       "Mastodon,8,40,90\nBluesky,5,30,50\nTwitter,3,20,10\nexample.net,4,50,20\n",
        "pages.csv": "name,visitors,pageviews,bounce_rate,time_on_page\n/,40,80,50,30\n/about,10,12,,20\n",
        "countries.csv": "name,visitors\nDE,20\nFR,10\n",
        "imported_sources_20250101_20250131.csv":
            "date,source,utm_medium,utm_campaign,utm_content,utm_term,visitors,visits,visit_duration,bounces\n"
            "2025-01-05,Google,,,,,10,12,300,5\n2025-01-05,,,,,,6,7,100,3\n"
            "2025-01-06,bsky.app,social,launch,,,3,4,90,1\n",
    }
    path = tmp_path / "Plausible export blog.example.org.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def test_plausible_export(tmp_path: Path) -> None:
    """Plausible sources count visitors over visitors.csv's period; imported_sources counts visits by day."""
    ds = run(tmp_path, plausible_zip(tmp_path))
    visitors = ds.traffic[ds.traffic["metric"] == "visitors"]
    assert visitors.groupby("channel")["sessions"].sum().to_dict() == {
        "search": 30, "direct": 20, "mastodon": 8, "bluesky": 5, "x": 3, "referral": 4}
    assert set(visitors["period_start"]) == {pd.Timestamp("2025-02-01")}
    assert set(visitors["period_end"]) == {pd.Timestamp("2025-02-02")}
    daily = ds.traffic[ds.traffic["metric"] == "sessions"]
    assert daily.groupby([daily["date"].dt.day, "channel"])["sessions"].sum().to_dict() == {
        (5, "search"): 12, (5, "direct"): 7, (6, "bluesky"): 4}
    pages = ds.traffic[ds.traffic["metric"] == "views"]
    assert pages.set_index("page")["sessions"].to_dict() == {"/": 80, "/about": 12}
    c = counts(ds, "report_rows")
    assert c["read"] == 15 and c["rejected"] == 0 and c["breakdown"]["traffic rows"] == 11


def test_plausible_detects_by_header(tmp_path: Path) -> None:
    """Plausible files are recognised by their header, not by other readers."""
    path = tmp_path / "sources.csv"
    path.write_text("name,visitors,bounce_rate,visit_duration\nGoogle,3,1,2\n")
    assert [m.FORMAT for m in registry.file_readers() if m.detect(path)] == ["plausible_csv"]


MATOMO_ALL = ("label,nb_uniq_visitors,nb_visits,nb_actions,nb_users,max_actions,sum_visit_length,bounce_count,"
              "referer_type\n"
              "Keyword not defined,,120,300,0,10,5000,60,Search Engines\n"
              "Twitter,,25,40,0,3,700,12,Social Networks\n"
              "Mastodon,,9,20,0,4,400,3,Social Networks\n"
              "blog.example.com,,7,9,0,2,100,4,Websites\n"
              "Direct Entry,,60,90,0,5,1500,40,Direct Entry\n")
MATOMO_TYPES = ("date\tlabel\tnb_uniq_visitors\tnb_visits\tnb_actions\n"
                "2025-04-01\tDirect Entry\t10\t12\t20\n2025-04-01\tSocial Networks\t4\t5\t9\n"
                "2025-04-02\tSearch Engines\t7\t8\t11\n2025-04-02\tWebsites\t1\t1\t2\n")


def test_matomo_utf16_csv(tmp_path: Path) -> None:
    """Matomo's API CSV (UTF-16LE with BOM) with referer_type: sources classified within their type."""
    path = tmp_path / "Referrers_getAll.csv"
    path.write_bytes(b"\xff\xfe" + MATOMO_ALL.encode("utf-16-le"))
    assert matomo_csv.detect(path)
    ds = run(tmp_path, path)
    assert ds.traffic.groupby("channel")["sessions"].sum().to_dict() == {
        "search": 120, "x": 25, "mastodon": 9, "referral": 7, "direct": 60}
    assert (ds.traffic["metric"] == "sessions").all()


def test_matomo_tsv_by_day(tmp_path: Path) -> None:
    """Matomo TSV of referrer types over several days: sessions per day and channel group."""
    path = tmp_path / "Referrers_getReferrerType.tsv"
    path.write_bytes(b"\xff\xfe" + MATOMO_TYPES.encode("utf-16-le"))
    assert matomo_csv.detect(path)
    ds = run(tmp_path, path)
    got = ds.traffic.groupby([ds.traffic["date"].dt.day, "channel"])["sessions"].sum().to_dict()
    assert got == {(1, "direct"): 12, (1, "other_social"): 5, (2, "search"): 8, (2, "referral"): 1}


JETPACK_REFERRERS = ('"Search Engines",120\n"Search Engines > Google Search",100\n"Search Engines > Bing",20\n'
                     '"Twitter",30,https://twitter.com/\n"WordPress.com Reader",5,https://wordpress.com/read\n'
                     '"example.org",7\n"example.org > example.org/a-post",7,https://example.org/a-post\n'
                     '"mastodon.social",4,https://mastodon.social/@someone/1\n')


def test_jetpack_referrers(tmp_path: Path) -> None:
    """Jetpack referrer views: innermost rows kept, group totals counted, period from the file name."""
    path = tmp_path / "blog.example.com-referrers-day-01_31_2025-01_31_2025.csv"
    path.write_text(JETPACK_REFERRERS)
    assert jetpack_csv.detect(path)
    ds = run(tmp_path, path)
    assert ds.traffic.groupby("channel")["sessions"].sum().to_dict() == {
        "search": 120, "x": 30, "other_social": 5, "referral": 7, "mastodon": 4}
    assert (ds.traffic["metric"] == "views").all() and set(ds.traffic["site"]) == {"blog.example.com"}
    assert set(ds.traffic["period_start"]) == {pd.Timestamp("2025-01-31")}
    c = counts(ds, "report_rows")
    assert c["read"] == 8 and c["breakdown"]["group total row (the sum of the rows below it)"] == 2


def test_jetpack_renamed_file_is_a_clear_error(tmp_path: Path) -> None:
    """A Jetpack CSV whose name lost the module and dates is refused with what to do."""
    path = tmp_path / "stats.csv"
    path.write_text(JETPACK_REFERRERS)
    with pytest.raises(Exception, match="keep the name"):
        run(tmp_path, path)


NGINX = [
    '2001:db8::7 - - [02/Mar/2025:10:00:00 +0100] "GET /posts/a/?utm_source=mastodon&utm_medium=social HTTP/2.0" '
    '200 5120 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"',
    '2001:db8::7 - - [02/Mar/2025:10:00:05 +0100] "GET /assets/site.css HTTP/2.0" 200 900 '
    '"https://blog.example.org/posts/a/" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"',
    '2001:db8::7 - - [02/Mar/2025:10:10:00 +0100] "GET /posts/b/ HTTP/2.0" 200 5120 '
    '"https://blog.example.org/posts/a/" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"',
    '198.51.100.4 - - [02/Mar/2025:11:00:00 +0100] "GET /posts/a/ HTTP/1.1" 200 5120 "https://bsky.app/" '
    '"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"',
    '198.51.100.4 - - [02/Mar/2025:12:00:00 +0100] "GET /posts/b/ HTTP/1.1" 304 0 "https://t.co/xyz" '
    '"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"',
    '203.0.113.9 - - [02/Mar/2025:12:30:00 +0100] "GET /posts/a/ HTTP/1.1" 200 5120 '
    '"https://fosstodon.example/@carol/1234" "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Safari/605.1.15 \\"x\\""',
    '66.249.66.1 - - [02/Mar/2025:12:31:00 +0100] "GET /posts/a/ HTTP/1.1" 200 5120 "-" '
    '"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"',
    '203.0.113.10 - - [02/Mar/2025:12:32:00 +0100] "GET /nothing HTTP/1.1" 404 10 "-" "Mozilla/5.0 (X11) Firefox/1"',
    "this line is not a log line 203.0.113.11",
]


def test_nginx_combined(tmp_path: Path) -> None:
    """nginx combined: utm beats referrer, internal referrers continue sessions, bots and errors left out."""
    path = tmp_path / "access.log"
    path.write_text("\n".join(NGINX) + "\n")
    assert access_log.detect(path)
    ds = run(tmp_path, path, site="blog.example.org")
    by = ds.traffic.groupby("channel")["sessions"].sum().to_dict()
    assert by == {"mastodon": 2, "bluesky": 1, "x": 1}
    assert ds.traffic.loc[ds.traffic["channel"] == "mastodon", "pageviews"].sum() == 3
    assert set(ds.traffic["date"]) == {pd.Timestamp("2025-03-02")}
    assert pd.Timestamp("2025-03-02 09:00", tz="UTC") in set(ds.traffic["hour_start"])
    c = counts(ds, "log_lines")
    assert (c["read"], c["kept"], c["rejected"]) == (9, 8, 1)
    assert c["breakdown"] == {"page views of human visitors": 5,
                              "other requests of human visitors (assets, feeds, errors, redirects, not GET)": 2,
                              "bots, crawlers, feed readers and scripts (by user agent)": 1}
    assert "203.0.113.11" not in ds.rejects["raw"].iloc[0]


def test_gzip_rotated_logs(tmp_path: Path) -> None:
    """A folder of rotated logs, some gzipped, is read as one log: a session spans two files."""
    folder = tmp_path / "logs"
    folder.mkdir()
    line = ('192.0.2.{ip} - - [03/Mar/2025:{hh}:{mm}:00 +0000] "GET /p{n}/ HTTP/1.1" 200 100 "{ref}" '
            '"Mozilla/5.0 (Windows NT 10.0) Firefox/124.0"')
    older = [line.format(ip=i % 5, hh="08", mm=f"{i:02d}", n=i, ref="https://www.linkedin.com/") for i in range(30)]
    newer = [line.format(ip=i % 5, hh="08", mm=f"{30 + i:02d}", n=i, ref="-") for i in range(30)]
    with gzip.open(folder / "access.log.2.gz", "wt") as fh:
        fh.write("\n".join(older) + "\n")
    (folder / "access.log").write_text("\n".join(newer) + "\n")
    ds = run(tmp_path, folder, site="blog.example.org")
    assert int(ds.traffic["sessions"].sum()) == 5
    assert ds.traffic.groupby("channel")["sessions"].sum().to_dict() == {"linkedin": 5}
    assert int(ds.traffic["pageviews"].sum()) == 60
    assert counts(ds, "log_lines")["read"] == 60
