"""opedarchive: keep, search and publish bilingual opinion writing as plain Markdown files."""

__version__ = "0.1.0"
