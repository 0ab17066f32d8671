"""Import, export, merge, backup, check (issue 5)."""
