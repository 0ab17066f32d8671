"""Reports: hungry, balance, asks, owe, stats, demo (issue 3)."""
