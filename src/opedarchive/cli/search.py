"""`search` and `reindex`: full-text search over every language, through the derived index."""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from opedarchive.cli.common import open_archive, out, plain_output, plain_width, print_json, say
from opedarchive.errors import PostFileError, UsageError

if TYPE_CHECKING:
    from opedarchive.archive import Archive
    from opedarchive.index import Hit, Index
    from opedarchive.query import Query
    from opedarchive.views.results import ResultEntry

QUERY_HELP = (
    'Words (all must occur), "a phrase", word* (a prefix), -word (must not occur), a OR b, and '
    "filters author: tag: lang: outlet: kind: year:. Khmer is found inside words; case, zero-width "
    "spaces, Khmer spelling variants and Khmer digits do not matter."
)
_SURROGATE = re.compile("[\ud800-\udfff]")
NO_FTS_NOTE = ("Note: this Python's SQLite has no FTS5 trigram tokenizer; searching by scanning "
               "every post (slower on big archives).")


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def _open_index(archive: Archive) -> Index:
    from opedarchive.index import Index

    index = Index(archive, notice=say)
    if not index.use_fts:
        say(NO_FTS_NOTE)
    return index


def search(
    words: Annotated[list[str] | None, typer.Argument(metavar="QUERY", help=QUERY_HELP, show_default=False)] = None,
    author: Annotated[str | None, typer.Option(help="Posts by an author (any part of the name).")] = None,
    tag: Annotated[str | None, typer.Option(help="Posts with this tag.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only hits in this language.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Posts published in this outlet (any part of its name).")] = None,
    kind: Annotated[str | None, typer.Option(help="op-ed, letter, statement, …")] = None,
    since: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Versions dated on or after this day.")] = None,
    until: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Versions dated on or before this day.")] = None,
    year: Annotated[int | None, typer.Option(help="Versions dated in this year.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many hits.")] = 20,
    parallel: Annotated[bool, typer.Option("--parallel", help="Under a hit, show the paragraph at the same position in the post's other language.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of hits: id, lang, title, date, score, snippet, path, highlights.")] = False,
) -> None:
    """Search every post in every language; best hits first. Exit 1 when nothing matches.

    A word starting with - excludes it: search election -court, search '-kind:letter election'.
    """
    from opedarchive.query import parse

    text = " ".join(words or [])
    options = {"author": author, "tag": tag, "lang": lang, "outlet": outlet, "kind": kind,
               "year": None if year is None else str(year)}
    _check_text([("QUERY", text), *((f"--{key}", value) for key, value in options.items() if value is not None)])
    query = parse(text, allow_empty=any(v is not None for v in (*options.values(), since, until)))
    query.filters.extend((key, value) for key, value in options.items() if value is not None)
    since_day, until_day = _day(since, "--since"), _day(until, "--until")
    archive = open_archive()
    # SQLite runs the query without Python's lock: what the output needs is loaded meanwhile,
    # on another thread (the search stays on this one, so that Ctrl-C stops an index build).
    with _open_index(archive) as index:
        hits = index.search_fresh(query, limit=limit, since=since_day, until=until_day,
                                  meanwhile=lambda: _load_output_modules(as_json))
    if not hits:
        say(f"No posts match {text!r}." if text else "No posts match these filters.")
        raise typer.Exit(1)
    entries = [_entry(archive, hit, query, parallel) for hit in hits]
    if as_json:
        print_json([_json(hit, entry, parallel) for hit, entry in zip(hits, entries, strict=True)])
        return
    from opedarchive.views.results import SearchResults, write_plain

    if plain_output() and write_plain(entries, plain_width(), sys.stdout):
        return
    out().print(SearchResults(entries), crop=False)


def _check_text(values: list[tuple[str, str]]) -> None:
    """A byte of an argument that is not UTF-8 (a lone surrogate, as Python passes it on) cannot
    be searched for: a usage error. (Control characters are searched for like any other.)"""
    from opedarchive.model import char_problem

    for name, value in values:
        if _SURROGATE.search(value):
            raise UsageError(f"{name}: {char_problem(_SURROGATE.search(value).group())}")  # type: ignore[union-attr]


def _load_output_modules(as_json: bool) -> None:
    import opedarchive.snippet
    import opedarchive.views.results  # noqa: F401

    if as_json:
        return
    if plain_output():
        import rich.cells
    else:
        import rich.console  # noqa: F401


def _body(archive: Archive, hit: Hit) -> str | None:
    """The body of a hit's file, without parsing its front matter: the index holds the title
    and date, and found the file readable when it was last checked (a moment ago)."""
    from opedarchive.model import body_of, decode_post_bytes, read_limited

    path = archive.root / hit.path
    try:
        return body_of(decode_post_bytes(read_limited(path), path))
    except (OSError, PostFileError, ValueError):
        return None  # changed or gone since the index was brought up to date


def _entry(archive: Archive, hit: Hit, query: Query, parallel: bool) -> ResultEntry:
    from opedarchive.snippet import Snippet, body_snippet, highlight, parallel_paragraph
    from opedarchive.views.results import ResultEntry

    terms = query.terms
    entry = ResultEntry(hit.date, hit.post_id, hit.lang, Snippet(hit.title), Snippet(""))
    body = _body(archive, hit)
    if body is None:
        return entry  # show what the index knows
    entry.title = Snippet(hit.title, highlight(hit.title, terms))
    entry.snippet = body_snippet(body, terms, body_form=hit.body_form)
    if parallel:
        try:
            post = archive.get(hit.post_id)
        except PostFileError:
            return entry
        other = next((v for v in post.versions.values() if v.lang != hit.lang), None)
        if other is not None:
            entry.parallel_lang = other.lang
            entry.parallel = parallel_paragraph(other.body, max(entry.snippet.paragraph, 0))
    return entry


def _json(hit: Hit, entry: ResultEntry, parallel: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": hit.post_id,
        "lang": hit.lang,
        "title": entry.title.text,
        "date": hit.date,
        "score": hit.score,
        "snippet": entry.snippet.text,
        "highlights": [list(span) for span in entry.snippet.spans],
        "path": hit.path,
    }
    if parallel:
        data["parallel"] = (
            {"lang": entry.parallel_lang, "paragraph": entry.parallel.text} if entry.parallel is not None else None
        )
    return data


def reindex() -> None:
    """Rebuild the search index from the post files (it is derived data; safe at any time)."""
    archive = open_archive()
    started = time.perf_counter()
    with _open_index(archive) as index:
        stats = index.rebuild()
        problems = index.problems()
    for path, reason in problems:
        say(f"Warning: not searchable: {path}: {reason}")
    say(f"Indexed {stats.files} post files in {time.perf_counter() - started:.1f} s"
        + (f" ({len(problems)} unreadable)." if problems else "."))


class QueryWordsCommand(TyperCommand):
    """A command whose arguments are query words, some of which start with `-` (`-court`,
    `-kind:letter`): every argument that is not one of the command's own options (or an
    option's value) is passed on after `--`, so click never reads it as an option. An unknown
    `--long-option` is still an error (a mistyped `--limt` should not become a search)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "--" not in args:
            args = _query_words_last(self, args)
        return super().parse_args(ctx, args)


def _query_words_last(command: TyperCommand, args: list[str]) -> list[str]:
    # (click is Typer's own copy from Typer 0.22 on: the parameters are read by duck typing.)
    known = {"--help", "-h"}
    valued: set[str] = set()
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            names = [*param.opts, *param.secondary_opts]
            known.update(names)
            if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
                valued.update(names)
    options: list[str] = []
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg in known or (arg.startswith("--") and len(arg) > 2):
            options.append(arg)
            if arg in valued:
                value = next(rest, None)
                if value is not None:
                    options.append(value)
        else:
            words.append(arg)
    return [*options, "--", *words] if words else options


def register(app: typer.Typer) -> None:
    app.command(cls=QueryWordsCommand)(search)
    app.command()(reindex)
