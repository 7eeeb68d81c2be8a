"""一窗受理: the one-window service hall."""
