"""One to three examples for every command's `--help`, kept in one place (a test parses each
one against its command, so an example never names an option that does not exist)."""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    "init": [
        "opedarchive init",
        "opedarchive --archive ~/letters init --title 'Letters to the editor'",
        "opedarchive init --git",
    ],
    "check": [
        "opedarchive check",
        "opedarchive check --json",
        "opedarchive check --fix",
    ],
    "translated": [
        "opedarchive translated 2022-06-24 --lang km",
    ],
    "add": [
        "opedarchive add letter.md --tag elections --outlet 'VOD English'",
        "opedarchive add khmer.txt --translation-of 2022-06-24 --lang km",
        "opedarchive add https://news.example.org/2022/06/15/neutral-election-body --kind letter --dry-run",
    ],
    "edit": [
        "opedarchive edit 2022-06-24",
        "opedarchive edit 2022-06-24 --lang km",
        "opedarchive edit 2022-06-24 --resume",
    ],
    "rm": [
        "opedarchive rm 2022-06-24",
        "opedarchive rm 2022-06-24 --lang km --yes",
    ],
    "list": [
        "opedarchive list --year 2022 --lang km",
        "opedarchive list --author seng --sort title --limit 20",
        "opedarchive list --outdated --json",
    ],
    "show": [
        "opedarchive show 2022-06-15",
        "opedarchive show 2022-06-15 --side-by-side --langs km,en",
        "opedarchive show 2022-06-15 --lang km --no-pager",
    ],
    "import": [
        "opedarchive import blog-page.txt",
        "opedarchive import wordpress-export.xml --dry-run",
        "opedarchive import feed.xml ~/old-site/content/posts --json",
    ],
    "search": [
        "opedarchive search election -court",
        "opedarchive search '\"national election\" lang:km' --parallel",
        "opedarchive search ឆ្នោត --since 2022-06-01 --json",
    ],
    "reindex": [
        "opedarchive reindex",
    ],
    "summary": [
        "opedarchive summary",
        "opedarchive summary --year 2022 --json",
        "opedarchive summary --needs-translation",
    ],
    "watch": [
        "opedarchive watch &",
        "opedarchive watch --status",
    ],
    "export": [
        "opedarchive export --html -o site",
        "opedarchive export --json archive.json --csv versions.csv",
        "opedarchive export --markdown hugo-site --csl-json refs.json --bibtex refs.bib",
    ],
    "serve": [
        "opedarchive serve",
        "opedarchive serve --port 8080 --drafts",
        "opedarchive serve -o site",
    ],
}


def epilog(name: str) -> str | None:
    """The `Examples:` block of command `name`'s help, laid out as written (`\\b` keeps Click
    from joining the lines)."""
    lines = EXAMPLES.get(name)
    if not lines:
        return None
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
