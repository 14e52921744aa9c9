"""Host names of large Mastodon instances, so links from their web interfaces count as Mastodon traffic.

Where it comes from: the largest servers by active users in the public directories joinmastodon.org/servers
and instances.social, as listed in 2025, plus long-running general and topical servers those directories
show. Maintained by hand: a small instance that sends you readers is caught anyway by `utm_source=mastodon`
or by the `/@user` shape of its links; add its host here if neither applies (e.g. it strips the path).
"""

from __future__ import annotations

INSTANCES: tuple[str, ...] = (
    "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "mastodon.world", "mastodon.cloud",
    "mastodon.sdf.org", "mastodonapp.uk", "universeodon.com", "techhub.social", "fosstodon.org",
    "hachyderm.io", "infosec.exchange", "ioc.exchange", "chaos.social", "troet.cafe", "social.vivaldi.net",
    "mstdn.jp", "pawoo.net", "mastodon.art", "toot.community", "sfba.social", "mastodon.nl", "mastodon.ie",
    "aus.social", "mastodon.au", "mastodon.scot", "mastodon.nz", "mstdn.ca", "mastodon.green", "masto.ai",
    "mastodon.lol", "c.im", "home.social", "indieweb.social", "kolektiva.social", "defcon.social",
    "sigmoid.social", "tech.lgbt", "norden.social", "det.social", "mastodon.uno", "piaille.fr", "mamot.fr",
    "framapiaf.org", "qoto.org", "newsie.social", "journa.host", "mastodon.xyz", "octodon.social",
    "social.linux.pizza", "mathstodon.xyz", "scholar.social", "mastodon.education", "toot.cafe",
    "mastodon.gamedev.place", "hci.social", "types.pl", "sciences.social", "social.coop", "floss.social",
    "todon.eu", "mstdn.party", "phpc.social", "ruby.social", "vis.social", "datasci.social",
)
