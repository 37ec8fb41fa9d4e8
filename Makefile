# racelab - one non-recursive Makefile.
#
#   make            build ./racelab
#   make run        install missing dependencies, build, open the TUI
#   make test       install missing dependencies, build, run every test
#   make test SANITIZE=1   the same under AddressSanitizer + UBSan
#   make test-tsan  the os backend and the live view under ThreadSanitizer
#   make test RL_FIBER=portable   the same with the portable fiber switch
#                          (ucontext) and _FORTIFY_SOURCE=2
#   make bench      benchmarks (ratios against baselines of the same run)
#   make soak       an hour of live os demo in the TUI, its memory sampled
#   make deps       install the dependencies (apt-get as root; else the command)
#   make install    PREFIX=/usr/local DESTDIR= (the program, its man page,
#                   bash and zsh completion, the headers for grading)
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
OBJCOPY ?= objcopy

# RL_FIBER=portable: the fiber switch every machine has (ucontext), in a
# build of its own, hardened as distributions build (_FORTIFY_SOURCE=2).
ifeq ($(RL_FIBER),portable)
BUILD ?= build-portable
FIBER_FLAGS := -DRL_FIBER_PORTABLE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
else
FIBER_FLAGS :=
endif

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
OPT ?= -O1 -g
else ifeq ($(SANITIZE),thread)
BUILD ?= build-tsan
SAN_FLAGS := -fsanitize=thread -Wno-tsan
OPT ?= -O1 -g
else
BUILD ?= build
SAN_FLAGS :=
OPT ?= -O2 -g
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(SAN_FLAGS) $(FIBER_FLAGS) \
             -DRL_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP
NCURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)
# Student code is never loaded into racelab: each exercise is built apart
# into an executable (core/program.c) and run in a child, so the programs
# export nothing.
LDLIBS_ALL = -pthread $(SAN_FLAGS) -lm

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
# Each implementation links with its table of functions, exercises/impl/
# NAME.c compiled with the same prefix (headers declare, one .c defines).
IMPL_SRC := $(sort $(wildcard exercises/impl/*.c))
EXERCISE_NAMES := $(notdir $(basename $(IMPL_SRC)))
EX_OBJ := $(call obj,$(EX_SRC)) $(EXERCISE_NAMES:%=$(BUILD)/impl/student/%.o)
SOL_OBJ := $(call obj,$(SOL_SRC)) \
           $(EXERCISE_NAMES:%=$(BUILD)/impl/reference/%.o)
# Buggy implementations the tests must catch: prefix buggy_<file>_, each
# with the table of the exercise its file name starts with.
BUGGY_SRC := $(sort $(wildcard tests/fixtures/buggy/*.c))
BUGGY_NAMES := $(notdir $(basename $(BUGGY_SRC)))
BUGGY_OBJ := $(call obj,$(BUGGY_SRC)) $(BUGGY_NAMES:%=$(BUILD)/impl/buggy/%.o)
buggy_exercise = $(firstword $(foreach e,$(EXERCISE_NAMES),$(if $(filter $(e)_%,$(1)),$(e))))
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
# What the benchmarks share (tests/bench/lib_*.c, as tests/unit/lib_*.c for
# the suites).
BENCHLIB_OBJ := $(call obj,$(sort $(wildcard tests/bench/lib_*.c)))

# The program: at the top for `make run` and the README; one per build dir.
ifeq ($(BUILD),build)
PROG := racelab
else
PROG := $(BUILD)/racelab
endif

.PHONY: all run test test-tsan check-build bench soak deps install uninstall clean format \
        tests-bin grade grade-solutions autograder

all: $(PROG)

$(PROG): $(MAIN_OBJ) $(LIB_OBJ) core/racelab.h | $(BUILD)/layers.ok $(EXLIB)
	$(say) LINK $@
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(NCURSES_LIBS) $(LDLIBS_ALL)

# The library is one relocatable object (ld -r of the engine, the scenarios
# and the child's entry) whose only global symbols are the student API (the
# functions of core/racelab.h) and main: every other function is local to
# it, so a program linked with it cannot call the engine (rl_check, the
# child's protocol, ...) by name - the link fails with "undefined
# reference". Undefined references (student_NAME_impl, libc, the linker's
# __start_/__stop_ section symbols) stay as they are.
# $(1): the library, $(2): the file listing the symbols to keep (written
# by the recipe before; "*" is a wildcard).
define lib_hide
$(Q)rm -f $(1) $(1).o && $(LD) -r -o $(1).o $(filter %.o,$^) && \
  $(OBJCOPY) --wildcard --keep-global-symbols=$(2) $(1).o && \
  ar rcs $(1) $(1).o && rm -f $(1).o
endef

$(EXLIB): $(EXLIB_OBJ) core/racelab.h
	$(say) AR $@
	@mkdir -p $(BUILD)/exports
	$(Q){ grep -oE '\<rl_[a-z_]+\(' core/racelab.h | tr -d '(' | sort -u; \
	  echo main; } >$(BUILD)/exports/librlex.keep
	$(call lib_hide,$@,$(BUILD)/exports/librlex.keep)

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

$(BUILD)/impl/student/%.o: exercises/impl/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=student_ -c -o $@ $<

$(BUILD)/impl/reference/%.o: exercises/impl/%.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=reference_ -c -o $@ $<

define buggy_impl_rule
$(BUILD)/impl/buggy/$(1).o: exercises/impl/$(2).c
	@mkdir -p $$(dir $$@)
	$$(say) CC $$<
	$$(Q)$$(CC) $$(ALL_CFLAGS) -DRL_EXERCISE_PREFIX=buggy_$(1)_ -c -o $$@ $$<
endef
$(foreach b,$(BUGGY_NAMES),$(eval $(call buggy_impl_rule,$(b),$(call buggy_exercise,$(b)))))

# The skeleton tests call the student tables directly.
$(BUILD)/tests/check_exercises: $(BUGGY_OBJ) $(EX_OBJ)

$(BUILD)/tests/check_%: $(BUILD)/tests/unit/check_%.o $(TESTLIB_OBJ) $(LIB_OBJ) core/racelab.h
	$(say) LINK $@
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(CHECK_LIBS) $(NCURSES_LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/bench_%: $(BUILD)/tests/bench/bench_%.o $(BENCHLIB_OBJ) $(TESTLIB_OBJ) \
        $(LIB_OBJ) core/racelab.h
	$(say) LINK $@
	$(Q)$(CC) -o $@ $(filter %.o,$^) $(CHECK_LIBS) $(NCURSES_LIBS) $(LDLIBS_ALL)

# The benchmarks are built with the tests (not run), so that a change that
# breaks one fails `make test`.
tests-bin: $(TEST_BIN) $(PROG) plainc $(EXLIB) $(BENCH_BIN)

# ---- plain C programs (core/plainc/, README "Plain C programs") ------------
# A plain pthreads program is compiled with PLAINC_CFLAGS (ThreadSanitizer's
# instrumentation, without libtsan: the runtime implements the hooks) and
# linked as
#   cc $(PLAINC_LDFLAGS) rlprt_begin.o PROGRAM.o... rlprt_end.o librlprt.a \
#      $(PLAINC_LIBS)
# (plus PLAINC_CFLAGS_CLANG when the compiler is clang). These variables
# are the one place the flags live; `make plainc` writes
# them, with absolute paths, to $(BUILD)/plainc/flags.sh, next to
# librlprt.a: tests/programs/build.sh sources it and racelab's compile
# driver (core/program.c) reads it at run time from its library folder.
comma := ,
PLAINC_SRC := $(filter-out core/plainc/child_standalone.c core/plainc/rlprt_%.c,\
                $(sort $(wildcard core/plainc/*.c))) core/plainc/child_standalone.c
PLAINC_OBJ := $(call obj,$(PLAINC_SRC))
PLAINC_LIB := $(BUILD)/librlprt.a
PLAINC_BEGIN := $(BUILD)/core/plainc/rlprt_begin.o
PLAINC_END := $(BUILD)/core/plainc/rlprt_end.o
PLAINC_CFLAGS := -g -O0 -fsanitize=thread -fno-builtin -fno-omit-frame-pointer -fno-common \
                 -fno-pie -U_FORTIFY_SOURCE -pthread
# clang drops the read of `x++` (the write covers it) unless told not to.
PLAINC_CFLAGS_CLANG := -mllvm -tsan-instrument-read-before-write
PLAINC_WRAPS := main \
    pthread_create pthread_join pthread_exit pthread_self pthread_detach \
    pthread_equal \
    pthread_mutex_init pthread_mutex_destroy pthread_mutex_lock \
    pthread_mutex_trylock pthread_mutex_timedlock pthread_mutex_unlock \
    pthread_cond_init pthread_cond_destroy pthread_cond_wait \
    pthread_cond_timedwait pthread_cond_signal pthread_cond_broadcast \
    pthread_rwlock_init pthread_rwlock_destroy pthread_rwlock_rdlock \
    pthread_rwlock_wrlock pthread_rwlock_tryrdlock pthread_rwlock_trywrlock \
    pthread_rwlock_timedrdlock pthread_rwlock_timedwrlock \
    pthread_rwlock_unlock \
    pthread_barrier_init pthread_barrier_destroy pthread_barrier_wait \
    pthread_spin_init pthread_spin_destroy pthread_spin_lock \
    pthread_spin_trylock pthread_spin_unlock pthread_once \
    sem_init sem_destroy sem_wait sem_trywait sem_timedwait sem_post \
    sem_getvalue \
    sleep usleep nanosleep clock_gettime gettimeofday time sched_yield \
    printf vprintf fprintf vfprintf puts putchar fputs fputc putc fwrite \
    write perror dprintf vdprintf \
    exit _exit abort __assert_fail fork \
    malloc calloc realloc free \
    memcpy memmove memset strcpy strncpy strcat strncat snprintf vsnprintf \
    sprintf vsprintf strlen strcmp strncmp memcmp \
    pthread_key_create pthread_key_delete pthread_setspecific \
    pthread_getspecific sem_open sem_close sem_unlink \
    pthread_cancel pthread_kill pthread_getattr_np pthread_setschedparam \
    pthread_getschedparam pthread_setaffinity_np pthread_getaffinity_np \
    pthread_tryjoin_np pthread_timedjoin_np \
    pthread_mutex_clocklock pthread_cond_clockwait pthread_rwlock_clockrdlock \
    pthread_rwlock_clockwrlock sem_clockwait
PLAINC_LDFLAGS := -no-pie -rdynamic -pthread $(SAN_FLAGS) \
                  $(foreach w,$(PLAINC_WRAPS),-Wl$(comma)--wrap=$(w))
PLAINC_LIBS := -ldl -lm
PLAINC_FLAGS_SH := $(BUILD)/plainc/flags.sh

# The runtime's __wrap_* and __tsan_* functions are called by the linker's
# and the compiler's arrangement, never by a header of ours.
$(PLAINC_OBJ): CFLAGS += -Wno-missing-prototypes

.PHONY: plainc
plainc: $(PLAINC_LIB) $(PLAINC_BEGIN) $(PLAINC_END) $(PLAINC_FLAGS_SH)
# The C programs' runtime is built (and kept up to date) with the program,
# which finds it next to itself: `make` and `make run` leave racelab ready
# to run a C program.
$(PROG): | plainc

# The engine (core/*.o, which never prints) and the runtime. __wrap_main
# calls core/child.c's rl_child_main under racelab (RACELAB_CHILD_FD set)
# and child_standalone.c's prt_standalone_main on its own. As librlex.a,
# one object whose only globals are what the program's link calls: the
# __wrap_ functions of PLAINC_WRAPS (the linker's --wrap) and the
# __tsan_ hooks (the compiler's instrumentation); the engine is local.
$(PLAINC_LIB): $(CORE_OBJ) $(PLAINC_OBJ) Makefile
	$(say) AR $@
	@mkdir -p $(BUILD)/exports
	$(Q)printf '%s\n' $(PLAINC_WRAPS:%=__wrap_%) '__tsan_*' \
	  >$(BUILD)/exports/librlprt.keep
	$(call lib_hide,$@,$(BUILD)/exports/librlprt.keep)

$(PLAINC_FLAGS_SH): Makefile
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)printf '%s\n' \
	  "# Generated by make: how to build a plain C program for racelab." \
	  "PLAINC_CC='$(CC)'" \
	  "PLAINC_CFLAGS='$(strip $(PLAINC_CFLAGS))'" \
	  "PLAINC_CFLAGS_CLANG='$(PLAINC_CFLAGS_CLANG)'" \
	  "PLAINC_LDFLAGS='$(strip $(PLAINC_LDFLAGS))'" \
	  "PLAINC_BEGIN='$(abspath $(PLAINC_BEGIN))'" \
	  "PLAINC_END='$(abspath $(PLAINC_END))'" \
	  "PLAINC_LIB='$(abspath $(PLAINC_LIB))'" \
	  "PLAINC_LIBS='$(PLAINC_LIBS)'" >$@

# The test corpus (tests/programs/), built like any plain program.
PLAINC_TEST_SRC := $(sort $(wildcard tests/programs/*.c))
PLAINC_TEST_PROGS := $(patsubst tests/programs/%.c,$(BUILD)/tests/programs/%,\
                       $(PLAINC_TEST_SRC))
$(BUILD)/tests/programs/%: tests/programs/%.c tests/programs/build.sh \
        $(PLAINC_LIB) $(PLAINC_BEGIN) $(PLAINC_END) $(PLAINC_FLAGS_SH)
	@mkdir -p $(dir $@)
	$(say) PLAINC $@
	$(Q)BUILD=$(BUILD) tests/programs/build.sh $@ $<

tests-bin: $(PLAINC_TEST_PROGS)

# Plain programs that only the benchmarks run (tests/bench/plainc/).
PLAINC_BENCH_PROGS := $(patsubst tests/bench/plainc/%.c,$(BUILD)/tests/bench/plainc/%,\
                        $(sort $(wildcard tests/bench/plainc/*.c)))
$(BUILD)/tests/bench/plainc/%: tests/bench/plainc/%.c tests/programs/build.sh \
        $(PLAINC_LIB) $(PLAINC_BEGIN) $(PLAINC_END) $(PLAINC_FLAGS_SH)
	@mkdir -p $(dir $@)
	$(say) PLAINC $@
	$(Q)BUILD=$(BUILD) tests/programs/build.sh $@ $<

# The layers (README, "Layout"): the build fails when an include points up
# or sideways, or curses is included outside tui/screen/.
LAYER_SRC := $(CORE_SRC) $(LAB_SRC) $(CHILD_SRC) $(TUI_SRC) $(EX_SRC) \
             $(SOL_SRC) $(IMPL_SRC) \
             $(wildcard core/*.h core/plainc/*.[ch] labs/*.h tui/*/*.h \
                        exercises/*.h)
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
SLOW_FIRST := check_grade grade screen plainc tui autograder check_live check_plainc \
              check_os check_exercises cli
SUITE_ORDER := $(filter $(SUITES),$(SLOW_FIRST)) \
               $(filter-out $(SLOW_FIRST),$(SUITES))
SUITE_RUNS := $(addprefix suite-,$(SUITE_ORDER))
TEST_LOGS := $(BUILD)/test-logs
# Twice the cores: the end-to-end suites spend much of their time waiting
# for tmux and for child processes, not computing.
JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 2 )))

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

# ThreadSanitizer judges racelab's own locking on real threads: the os
# backend's primitives and the live view reading a running run (the labs'
# shared variables go through the API, so a racy lab is not a report). sim
# is left out: its fibers switch stacks behind TSan's back. Must be clean.
TSAN_SUITES := check_os check_live
test-tsan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory SANITIZE=thread \
	    $(addprefix build-tsan/tests/,$(TSAN_SUITES))
	@for t in $(TSAN_SUITES); do \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 $$TSAN_OPTIONS" \
	    tests/run-suite.sh build-tsan/tests/$$t build-tsan/test-logs/$$t.log \
	    || exit 1; done

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(PROG)
	./$(PROG)

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(PROG) $(PLAINC_TEST_PROGS) \
	    $(PLAINC_BENCH_PROGS)
	@for b in $(BENCH_BIN); do $$b || exit 1; done

# A long live os demo in the TUI with its memory sampled (SOAK_SECONDS,
# default an hour): the TUI's RSS must stay at most 16 MB.
soak:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(PROG)
	tests/bench/tui-soak.sh $(SOAK_SECONDS)

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

# The Gradescope autograder of one assignment: EXERCISES="counter rlock"
# (empty: every exercise), AUTOGRADER_SEED and PARTIAL_CREDIT=1 are
# written into racelab-autograder.conf inside the zip, which run_autograder
# reads. Packed afresh every time, so the choice is always the one given.
AUTOGRADER_ZIP ?= $(BUILD)/racelab-autograder.zip
AUTOGRADER_SEED ?= 0
PARTIAL_CREDIT ?= 0
EXERCISES ?=
autograder:
	$(Q)for e in $(EXERCISES); do \
	  [ -f exercises/$$e.h ] && [ "$$e" != exercise ] || { \
	    echo "racelab: unknown exercise '$$e' in EXERCISES; exercises:" \
	      $(filter-out exercise,$(notdir $(basename $(wildcard exercises/*.h)))); exit 2; }; \
	done
	$(say) ZIP $(AUTOGRADER_ZIP)
	$(Q)rm -rf $(AUTOGRADER_ZIP).d $(AUTOGRADER_ZIP) && mkdir -p $(AUTOGRADER_ZIP).d/tests
	$(Q)cp tui/grade/autograder/setup.sh tui/grade/autograder/run_autograder $(AUTOGRADER_ZIP).d/
	$(Q)cp -r Makefile core labs tui exercises solutions $(AUTOGRADER_ZIP).d/
	$(Q)cp tests/check-layers.sh $(AUTOGRADER_ZIP).d/tests/
	$(Q)printf '# racelab autograder: what this assignment grades (make autograder)\nEXERCISES="%s"\nSEED=%s\nPARTIAL_CREDIT=%s\n' \
	  "$(strip $(EXERCISES))" "$(AUTOGRADER_SEED)" "$(PARTIAL_CREDIT)" \
	  >$(AUTOGRADER_ZIP).d/racelab-autograder.conf
	$(Q)cd $(AUTOGRADER_ZIP).d && python3 -m zipfile -c $(abspath $(AUTOGRADER_ZIP)) *
	$(Q)rm -rf $(AUTOGRADER_ZIP).d
	@echo "Gradescope autograder: $(AUTOGRADER_ZIP) (exercises: $(or $(strip $(EXERCISES)),all))"

# Install what the build needs, if it is missing. racelab runs on Linux
# (x86-64 and arm64): the os backend uses Linux-only calls, so only apt-get
# is offered. mandoc checks the man page in the tests; python3 reads their
# JSON and packs the autograder's zip.
DEB_PKGS := build-essential pkg-config libncurses-dev check tmux mandoc python3
deps:
	@if $(PKG_CONFIG) --exists ncursesw check 2>/dev/null && \
	    command -v tmux >/dev/null 2>&1 && command -v mandoc >/dev/null 2>&1 && \
	    command -v python3 >/dev/null 2>&1; then exit 0; fi; \
	echo "racelab: installing missing dependencies"; \
	if [ "$$(uname)" != Linux ]; then \
	  echo "racelab: racelab runs on Linux only (the os backend uses Linux-only calls)"; exit 1; \
	elif command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo apt-get install -y -qq $(DEB_PKGS) >/dev/null || exit 1; \
	  else echo "racelab: missing dependencies; run: sudo apt-get install -y $(DEB_PKGS)"; exit 1; fi; \
	else echo "racelab: missing dependencies: a C compiler, make, pkg-config, ncursesw, Check (libcheck), tmux, mandoc, python3"; exit 1; fi

# The student API and exercise headers (and the tables of exercises/impl/)
# go to share/racelab, where an installed racelab finds them to compile
# submissions for grading, with the libraries an exercise and a plain C
# program link (librlex.a; librlprt.a, its begin / end markers and
# plainc/flags.sh, its paths rewritten to share/racelab); the man page and
# the shell completions go where man, bash-completion and zsh look.
SHAREDIR ?= $(PREFIX)/share/racelab
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
install: $(PROG) $(EXLIB) $(PLAINC_LIB) $(PLAINC_BEGIN) $(PLAINC_END) \
         $(PLAINC_FLAGS_SH)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/core/plainc \
	    $(DESTDIR)$(SHAREDIR)/plainc \
	    $(DESTDIR)$(SHAREDIR)/exercises/impl $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/racelab
	install -m 644 core/racelab.h $(DESTDIR)$(SHAREDIR)/core/
	install -m 644 exercises/*.h $(DESTDIR)$(SHAREDIR)/exercises/
	install -m 644 exercises/impl/*.c $(DESTDIR)$(SHAREDIR)/exercises/impl/
	install -m 644 tui/cli/racelab.1 $(DESTDIR)$(MANDIR)/man1/racelab.1
	install -m 644 tui/cli/completion/racelab.bash $(DESTDIR)$(BASHCOMPDIR)/racelab
	install -m 644 tui/cli/completion/_racelab $(DESTDIR)$(ZSHCOMPDIR)/_racelab
	install -m 644 $(EXLIB) $(PLAINC_LIB) $(DESTDIR)$(SHAREDIR)/
	install -m 644 $(PLAINC_BEGIN) $(PLAINC_END) $(DESTDIR)$(SHAREDIR)/core/plainc/
	sed -e "s|'$(abspath $(PLAINC_LIB))'|'$(SHAREDIR)/librlprt.a'|" \
	    -e "s|'$(abspath $(BUILD))/core/plainc/|'$(SHAREDIR)/core/plainc/|" \
	    $(PLAINC_FLAGS_SH) >$(DESTDIR)$(SHAREDIR)/plainc/flags.sh
	chmod 644 $(DESTDIR)$(SHAREDIR)/plainc/flags.sh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/racelab $(DESTDIR)$(MANDIR)/man1/racelab.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/racelab $(DESTDIR)$(ZSHCOMPDIR)/_racelab
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-san build-* racelab

format:
	clang-format -i core/*.[ch] labs/*.[ch] tui/*/*.[ch] tests/*/*.[ch] \
	    exercises/*.[ch] exercises/impl/*.c solutions/*.[ch]

# Keep objects that only feed a link (tests' own .o files), so that a
# second `make test` does not rebuild them.
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
