# racelab - one non-recursive Makefile.
#
#   make            build ./racelab
#   make run        install missing dependencies, build, open the TUI
#   make test       install missing dependencies, build, run every test
#   make test SANITIZE=1   the same under AddressSanitizer + UBSan
#   make bench      benchmarks (ratios against baselines of the same run)
#   make deps       install the dependencies (apt-get as root; else the command)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands
#
# The targets that may need to install dependencies (run, test, bench, grade)
# first run `make deps` and then re-enter make, so pkg-config is asked only
# once the packages are there.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
VERSION := 0.1.0

CC ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
OPT ?= -O1 -g
else
BUILD ?= build
SAN_FLAGS :=
OPT ?= -O2 -g
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(SAN_FLAGS) \
             -DRL_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP
NCURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)
# -rdynamic: the grader dlopens compiled submissions, which call the
# student API exported by the racelab binary.
LDLIBS_ALL = -pthread $(SAN_FLAGS) -lm -rdynamic -ldl

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n'
endif

CORE_SRC := $(sort $(wildcard core/*.c))
LAB_SRC := $(sort $(wildcard labs/*.c))
# The front ends, one folder each (see README, "Layout"): the command line,
# the grader and the curses screens. Arrows point down only:
# cli -> grade, screen -> labs -> core.
CLI_SRC := $(sort $(wildcard tui/cli/*.c))
GRADE_SRC := $(sort $(wildcard tui/grade/*.c))
SCREEN_SRC := $(sort $(wildcard tui/screen/*.c))
TUI_SRC := $(CLI_SRC) $(GRADE_SRC) $(SCREEN_SRC)
EX_SRC := $(sort $(wildcard exercises/*.c))
SOL_SRC := $(sort $(wildcard solutions/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/check_*.c))
BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
E2E_SRC := $(sort $(wildcard tests/e2e/*.sh))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC))
LAB_OBJ := $(call obj,$(LAB_SRC))
TUI_OBJ := $(call obj,$(filter-out tui/cli/main.c,$(TUI_SRC)))
MAIN_OBJ := $(call obj,tui/cli/main.c)
# The student's exercises and the reference solutions implement the same
# interfaces; their functions get a prefix each (see exercises/exercise.h)
# so that both link into one program as a lab's `student` and `reference`
# variants.
EX_OBJ := $(call obj,$(EX_SRC))
SOL_OBJ := $(call obj,$(SOL_SRC))
# Buggy implementations the tests must catch: prefix buggy_<file>_.
BUGGY_SRC := $(sort $(wildcard tests/fixtures/buggy/*.c))
BUGGY_OBJ := $(call obj,$(BUGGY_SRC))
# The student's exercises are not linked into racelab: each is built apart
# at run time (core/program.c) with librlex.a - the engine, the exercise
# scenarios and the child's entry (labs/child/) - and runs in a child
# process, so a compile error in one exercise touches only that one.
LIB_OBJ := $(CORE_OBJ) $(LAB_OBJ) $(SOL_OBJ) $(EXTRA_OBJ) $(TUI_OBJ)
CHILD_SRC := $(sort $(wildcard labs/child/*.c))
EXLIB_OBJ := $(CORE_OBJ) $(call obj,labs/exercise_scenarios.c \
             $(wildcard labs/ex_*.c) $(CHILD_SRC))
EXLIB := $(BUILD)/librlex.a
TEST_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TESTLIB_OBJ := $(call obj,$(sort $(wildcard tests/unit/lib_*.c)))
BENCH_BIN := $(patsubst tests/bench/%.c,$(BUILD)/tests/%,$(BENCH_SRC))

# The program: at the top for `make run` and the README; one per build dir.
ifeq ($(BUILD),build)
PROG := racelab
else
PROG := $(BUILD)/racelab
endif

.PHONY: all run test check-build bench deps install uninstall clean format \
        tests-bin grade grade-solutions autograder

all: $(PROG)

$(PROG): $(MAIN_OBJ) $(LIB_OBJ) | $(BUILD)/layers.ok $(EXLIB)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ $(NCURSES_LIBS) $(LDLIBS_ALL)

$(EXLIB): $(EXLIB_OBJ)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

# Curses flags only for the screens, Check's only for the tests.
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tui/screen/%.o: tui/screen/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(NCURSES_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(NCURSES_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/exercises/%.o: exercises/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=student_ -c -o $@ $<

$(BUILD)/solutions/%.o: solutions/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=reference_ -c -o $@ $<

$(BUILD)/tests/fixtures/buggy/%.o: tests/fixtures/buggy/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=buggy_$*_ -c -o $@ $<

# The skeleton tests call the student tables directly.
$(BUILD)/tests/check_exercises: $(BUGGY_OBJ) $(EX_OBJ)

$(BUILD)/tests/check_%: $(BUILD)/tests/unit/check_%.o $(TESTLIB_OBJ) $(LIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ $(CHECK_LIBS) $(NCURSES_LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/bench_%: $(BUILD)/tests/bench/bench_%.o $(TESTLIB_OBJ) $(LIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $^ $(CHECK_LIBS) $(NCURSES_LIBS) $(LDLIBS_ALL)

tests-bin: $(TEST_BIN) $(PROG) $(EXLIB)

# The layers (README, "Layout"): the build fails when an include points up
# or sideways, or curses is included outside tui/screen/.
LAYER_SRC := $(CORE_SRC) $(LAB_SRC) $(CHILD_SRC) $(TUI_SRC) $(EX_SRC) $(SOL_SRC) \
             $(wildcard core/*.h labs/*.h tui/*/*.h exercises/*.h)
$(BUILD)/layers.ok: tests/check-layers.sh $(LAYER_SRC)
	$(say) LAYERS ok
	$(Q)tests/check-layers.sh
	@mkdir -p $(dir $@) && touch $@

# The skeleton tests apply to exercises/*.c as shipped; a file the student
# has edited (per git) is left out, so solving an exercise keeps tests green.
RL_PRISTINE_EXERCISES := $(foreach f,$(EX_SRC),$(if $(shell \
    git rev-parse --git-dir >/dev/null 2>&1 || echo nogit; \
    git diff --quiet HEAD -- $(f) 2>/dev/null || echo edited),,$(f)))
export RL_PRISTINE_EXERCISES

# Each suite runs as its own target, so `make -j` runs them in parallel:
# every Check suite (its own binary, fork mode, timeouts inside) and every
# end-to-end script (tests/e2e/*.sh, the real binary, in tmux for the TUI).
# Each prints one line (tests/run-suite.sh); the whole output is in
# $(BUILD)/test-logs/. The slowest suites are listed first to start first.
SUITES := $(notdir $(basename $(E2E_SRC))) $(notdir $(TEST_BIN))
SLOW_FIRST := grade check_grade check_os check_exercises tui cli
SUITE_ORDER := $(filter $(SUITES),$(SLOW_FIRST)) \
               $(filter-out $(SLOW_FIRST),$(SUITES))
SUITE_RUNS := $(addprefix suite-,$(SUITE_ORDER))
TEST_LOGS := $(BUILD)/test-logs
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: $(SUITE_RUNS) test-suites
$(SUITE_RUNS): suite-%:
	@export RACELAB_CACHE=$(abspath $(BUILD))/cache; \
	if [ -f tests/e2e/$*.sh ]; then \
	  RACELAB=$(abspath $(PROG)) tests/run-suite.sh tests/e2e/$*.sh $(TEST_LOGS)/$*.log; \
	else tests/run-suite.sh $(BUILD)/tests/$* $(TEST_LOGS)/$*.log; fi

test-suites: $(SUITE_RUNS)

check-build: tests-bin
	@rm -rf $(TEST_LOGS)
	@$(MAKE) --no-print-directory -k -j$(JOBS) test-suites; \
	cat $(TEST_LOGS)/*.count | awk '{ p += $$1; f += $$2; n++ } \
	  END { printf "%d suites; tests: %d passed, %d failed\n", n, p, f; \
	        printf "%d passed, %d failed\n", p, f; exit f > 0 }'

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory check-build

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(PROG)
	./$(PROG)

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(PROG)
	@for b in $(BENCH_BIN); do $$b || exit 1; done

# Grading: the exercises in this tree; the references (which must score
# full marks, or this fails); a Gradescope autograder zip.
grade:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(PROG)
	./$(PROG) grade

grade-solutions:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(PROG)
	RACELAB_HOME=$(CURDIR) ./$(PROG) grade --submission solutions

AUTOGRADER_ZIP := $(BUILD)/racelab-autograder.zip
autograder: $(AUTOGRADER_ZIP)
	@echo "Gradescope autograder: $(AUTOGRADER_ZIP)"

$(AUTOGRADER_ZIP): tui/grade/autograder/setup.sh tui/grade/autograder/run_autograder \
        Makefile $(CORE_SRC) $(LAB_SRC) $(TUI_SRC) $(EX_SRC) $(SOL_SRC) \
        $(wildcard core/*.h labs/*.h tui/*/*.h exercises/*.h)
	$(say) ZIP $@
	$(Q)rm -rf $(BUILD)/autograder $@ && mkdir -p $(BUILD)/autograder
	$(Q)cp tui/grade/autograder/setup.sh tui/grade/autograder/run_autograder $(BUILD)/autograder/
	$(Q)cp -r Makefile core labs tui exercises solutions $(BUILD)/autograder/
	$(Q)cd $(BUILD)/autograder && python3 -m zipfile -c $(abspath $@) *

# Install what the build needs, if it is missing.
DEB_PKGS := build-essential pkg-config libncurses-dev check tmux
BREW_PKGS := pkg-config ncurses check tmux
deps:
	@if $(PKG_CONFIG) --exists ncursesw check 2>/dev/null && \
	    command -v tmux >/dev/null 2>&1; then exit 0; fi; \
	echo "racelab: installing missing dependencies"; \
	if [ "$$(uname)" = Darwin ]; then \
	  if command -v brew >/dev/null; then brew install $(BREW_PKGS); \
	  else echo "racelab: install Homebrew, then: brew install $(BREW_PKGS)"; exit 1; fi; \
	elif command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
	  else echo "racelab: missing dependencies; run: sudo apt-get install -y $(DEB_PKGS)"; exit 1; fi; \
	else echo "racelab: missing dependencies: a C compiler, make, pkg-config, ncursesw, Check (libcheck), tmux"; exit 1; fi

# The student API and exercise headers go to share/racelab, where an
# installed racelab finds them to compile submissions for grading.
SHAREDIR ?= $(PREFIX)/share/racelab
install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/core \
	    $(DESTDIR)$(SHAREDIR)/exercises
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/racelab
	install -m 644 core/racelab.h $(DESTDIR)$(SHAREDIR)/core/
	install -m 644 exercises/*.h $(DESTDIR)$(SHAREDIR)/exercises/
	install -m 644 $(EXLIB) $(DESTDIR)$(SHAREDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/racelab
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-san build-* racelab

format:
	clang-format -i core/*.[ch] labs/*.[ch] tui/*/*.[ch] tests/*/*.[ch] \
	    exercises/*.[ch] solutions/*.[ch]

# Keep objects that only feed a link (tests' own .o files), so that a
# second `make test` does not rebuild them.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
