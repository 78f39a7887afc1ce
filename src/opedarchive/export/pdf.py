"""`export --pdf FILE`: the selected posts as a printable booklet, typeset by Typst in-process
(the `typst` wheel; docs/booklets.md). The booklet's data goes to the template as JSON in
`sys.inputs`, so no text of a post is ever read as Typst markup."""

from __future__ import annotations

import calendar
import json
from importlib import resources
from pathlib import Path
from typing import Any

from opedarchive.archive import Archive
from opedarchive.errors import OpedError
from opedarchive.export.base import ExportResult, write_if_changed
from opedarchive.export.booklet import BookletOptions, booklet_data, joined
from opedarchive.model import Post

NAME = "pdf"
KIND = "booklet"
TEMPLATE = "templates/booklet.typ"
# The site's Noto Sans Khmer subset (every Khmer letter and sign), as TrueType: Typst reads no WOFF2.
# Latin text is set in Libertinus Serif, which the typst wheel carries.
# Typst finds fonts in folders only: this one holds NotoSansKhmer-subset.ttf (and the site's WOFF2,
# which it skips).
FONTS = Path(__file__).parent / "static" / "fonts"


def _typst() -> Any:
    try:
        import typst
    except ImportError:
        raise OpedError("export --pdf needs the 'print' extra: pip install 'opedarchive[print]'") from None
    return typst


def render(archive: Archive | None, posts: list[Post], options: BookletOptions) -> bytes:
    """The booklet's PDF bytes."""
    typst = _typst()
    package = resources.files("opedarchive.export")
    source = package.joinpath(TEMPLATE).read_bytes()
    # Word joiners inside Khmer words: Typst then ends Khmer lines only between words.
    data = json.dumps(joined(booklet_data(archive, posts, options)), ensure_ascii=False)
    try:
        pdf: bytes = typst.compile(source, font_paths=[str(FONTS)], ignore_system_fonts=True,
                                   sys_inputs={"booklet": data},
                                   # the day it is made, not the second: a remake that day is the same file
                                   timestamp=calendar.timegm(options.made.timetuple()))
    except typst.TypstError as exc:  # a bug of ours, never the text of a post
        raise OpedError(f"Typst could not make the PDF: {exc.message}") from None
    return pdf


def export(archive: Archive, posts: list[Post], target: Path, *, options: BookletOptions | None = None) -> ExportResult:
    """Write the booklet of `posts` (in the order given) to `target`."""
    if target.is_dir():
        raise OpedError(f"{target}: is a folder; give a file name")
    written = write_if_changed(target, render(archive, posts, options or BookletOptions()))
    return ExportResult(target, written=int(written), unchanged=int(not written), posts=len(posts), entry=target)
