"""The benchmark is a script, not tests: pytest collects nothing here."""

collect_ignore_glob = ["*"]
