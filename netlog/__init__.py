"""netlog: a command-line reciprocity journal."""

__version__ = "0.1.0"
