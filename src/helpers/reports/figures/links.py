"""The template's figure: engagement per original post, with and without a link."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

ORDER = ["without a link", "with a link"]


def link_boxplot(per_post: pd.DataFrame) -> plt.Axes:
    """Box plots of engagement + 1 (log scale) for original posts without and with a link."""
    _, ax = plt.subplots()
    shown = per_post.assign(link=per_post["has_link"].map({True: ORDER[1], False: ORDER[0]}),
                            engagement_plus_one=per_post["engagement"] + 1)
    sns.boxplot(data=shown, x="link", y="engagement_plus_one", order=ORDER, ax=ax)
    ax.set(yscale="log", title="Engagement per original post, with and without a link",
           xlabel="post", ylabel="likes + reposts + replies + quotes, plus 1 (log scale)")
    return ax
