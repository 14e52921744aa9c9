"""Attribution: which channel a visit came from, and which posts brought readers."""
