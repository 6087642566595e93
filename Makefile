# Two commands for everyone: `make serve` (preview) and `make test` (everything CI checks).
# Each sets up .venv from the pinned requirements on its own.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
# Keep tool caches inside the checkout, not in $HOME.
export HANDBOOK_CACHE ?= $(CURDIR)/.cache
export KERAS_HOME ?= $(HANDBOOK_CACHE)/keras
export MPLCONFIGDIR ?= $(HANDBOOK_CACHE)/matplotlib
export TF_CPP_MIN_LOG_LEVEL ?= 3
export NO_MKDOCS_2_WARNING ?= 1
export CHROMIUM

.PHONY: help serve test build pdf bench audit audit-theme notebooks notebooks-check material-oldest lock browser clean

help:
	@echo "make serve   set up .venv and serve both languages at http://127.0.0.1:8000 (live reload)"
	@echo "make test    set up .venv (and Chromium) and run every test"
	@echo "make build   write the complete static site to site/ (zh at the root, en under site/en/)"
	@echo "make pdf     after make build: site/pdf/handbook-zh.pdf and handbook-en.pdf (Chromium's print), checked"
	@echo "make bench   train every example at its default size; write benchmarks/results.json"
	@echo "make notebooks  execute the notebooks whose code or snippets changed (the build does this too)"
	@echo "             REPO_URL=https://github.com/<owner>/<repo> make notebooks  points Colab at that repository"
	@echo "make audit   Lighthouse on key pages in both languages, mobile and desktop, against the budgets"
	@echo "make audit-theme  Lighthouse A/B of each patch in handbook/theme/ (DESIGN.md, Page speed)"
	@echo "make material-oldest  the built-site and browser tests against the oldest Material requirements.in allows"
	@echo "make lock    re-pin requirements.txt from requirements.in"

# The venv is rebuilt whenever requirements.txt changes (the stamp carries its checksum).
$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

serve: $(STAMP)
	$(PY) scripts/site.py serve --host 127.0.0.1 --port 8000

build: $(STAMP)
	$(PY) scripts/site.py build --site-dir site

# One PDF per language from the built site, into site/pdf/ (the deploy publishes
# it); fails when a question heading is missing from a PDF's text.
pdf: $(STAMP) browser
	$(PY) scripts/pdf.py --site-dir site

# axe-core, the accessibility engine inside Lighthouse 12 (same version), for
# tests/browser/test_contrast.py; kept out of the repo like Lighthouse.
AXE := .cache/axe-core/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/axe-core axe-core@4.14.1

test: $(STAMP) browser $(AXE)
	$(PY) -m pytest

notebooks: $(STAMP)
	$(PY) scripts/notebooks.py

# Fails, naming the file and the fix, when a committed notebook is stale (the
# deploy workflow runs it); with REPO_URL set, also when Colab goes elsewhere.
notebooks-check: $(STAMP)
	$(PY) scripts/notebooks.py --check

# `make test` covers the pinned Material; this covers the oldest one that
# requirements.in allows (the test workflow runs both). That version is put in
# front of the venv's on PYTHONPATH, so nothing else is reinstalled.
MATERIAL_OLDEST := $(shell sed -n 's/^mkdocs-material>=\([0-9.]*\).*/\1/p' requirements.in)
MATERIAL_DIR    := $(HANDBOOK_CACHE)/material-$(MATERIAL_OLDEST)
material-oldest: $(STAMP) browser $(AXE)
	@test -n "$(MATERIAL_OLDEST)" || { echo "requirements.in: no 'mkdocs-material>=X' line"; exit 1; }
	@test -d $(MATERIAL_DIR)/material || $(PY) -m pip install --quiet --no-deps --target $(MATERIAL_DIR) mkdocs-material==$(MATERIAL_OLDEST)
	PYTHONPATH=$(MATERIAL_DIR) $(PY) -c 'import material; assert material.__version__ == "$(MATERIAL_OLDEST)", material.__file__; print("Material", material.__version__)'
	PYTHONPATH=$(MATERIAL_DIR) $(PY) -m pytest -p no:cacheprovider tests/test_site_build.py tests/test_page_scripts.py tests/test_theme.py \
		tests/test_search_index.py tests/browser

bench: $(STAMP)
	$(PY) benchmarks/run.py

# Lighthouse 12 (Node 20 is enough for 12; 13 needs Node >= 22.19), kept out of the repo.
LIGHTHOUSE := .cache/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix .cache/lighthouse lighthouse@12

audit: $(STAMP) browser $(LIGHTHOUSE)
	$(PY) benchmarks/audit.py

# Does each theme patch still pay? Interleaved A/B, one patch undone per variant (about 45 min).
audit-theme: $(STAMP) browser $(LIGHTHOUSE)
	$(PY) benchmarks/theme_patches.py

# Debian's Chromium for the browser tests (Playwright cannot download a browser here),
# and WenQuanYi Micro Hei, the Chinese font of the PDF (handbook/pdf.py says why).
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing chromium and fonts-noto-cjk with apt-get..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
		echo "WARNING: no Chromium at $(CHROMIUM). Install it (sudo apt-get install chromium fonts-noto-cjk)"; \
		echo "         or set CHROMIUM=/path/to/chrome; the browser tests fail without it."; \
	fi
	@if fc-list 2>/dev/null | grep -q "WenQuanYi Micro Hei"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing fonts-wqy-microhei with apt-get..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	else \
		echo "WARNING: no WenQuanYi Micro Hei font; the PDF test fails without it (sudo apt-get install fonts-wqy-microhei)."; \
	fi

lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.in
	$(PY) -m pip freeze --exclude-editable > requirements.txt

clean:
	rm -rf site .cache .pytest_cache
