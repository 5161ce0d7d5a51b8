# spc and learning_network: two PostgreSQL extensions built with PGXS.
# See README.md for the two commands that build, install and test everything.

# The version in development.  Released install scripts (sql/*--0.1.0.sql)
# are frozen in git; the current version's install and upgrade scripts are
# built from sql/<extension>/ (DESIGN.md, "SQL sources and releases").
EXTVERSION = 0.2.0
RELEASED = 0.1.0

MODULE_big = spc
CORE_OBJS = src/core/spec.o src/core/constants.o src/core/subgroup.o \
	src/core/chart.o src/core/individuals.o src/core/attribute.o \
	src/core/xbar.o src/core/rare_events.o src/core/rules.o src/core/runs.o \
	src/core/assurance.o src/core/svg.o src/core/cumulative.o src/core/funnel.o \
	src/core/distributions.o src/core/names.o
OBJS = $(CORE_OBJS) src/pg/spc_pg.o src/pg/chart_window.o src/pg/phase_summary.o src/pg/chart_svg.o \
	src/pg/funnel_window.o src/pg/svg_render.o src/pg/drop_guard.o src/pg/series_summary.o \
	src/pg/chart_renderer.o src/pg/chart_renderer_worker.o
PGFILEDESC = "spc - statistical process control"

# Control files live in control/, scripts in sql/; all install to
# share/extension, which MODULEDIR names because EXTENSION is not set.
MODULEDIR = extension

# Each extension's sources in install order.  The INSTALL_ONLY ones create
# what holds data (types, tables, reference rows) and run only at CREATE
# EXTENSION; an upgrade script replaces them by the version's own changes.
SPC_SQL = $(addprefix sql/spc/, schema.sql types.sql state_types.sql funnel_types.sql compat_types.sql \
	summary_types.sql chart.sql functions.sql phase_summary.sql chart_svg.sql funnel.sql summaries.sql)
SPC_SQL_INSTALL_ONLY = $(addprefix sql/spc/, types.sql state_types.sql funnel_types.sql compat_types.sql summary_types.sql)
LN_SQL = $(addprefix sql/learning_network/, schema.sql roles.sql helpers.sql tables.sql chart_cache_tables.sql \
	validation.sql audit.sql access.sql chart_cache.sql internal_views.sql reference_data.sql \
	views.sql charts.sql hub_writes.sql import.sql administration.sql publications.sql \
	drop_guard.sql security_audit.sql grants.sql)
LN_SQL_INSTALL_ONLY = $(addprefix sql/learning_network/, tables.sql chart_cache_tables.sql reference_data.sql)
# The demo loader is an extension of its own (learning_network_demo, from
# 0.2.0), so a production install of learning_network has no demo generator.
DEMO_SQL = sql/learning_network_demo/load_demo.sql

BUILT_SQL = sql/spc--$(EXTVERSION).sql sql/spc--$(RELEASED)--$(EXTVERSION).sql \
	sql/learning_network--$(EXTVERSION).sql sql/learning_network--$(RELEASED)--$(EXTVERSION).sql \
	sql/learning_network_demo--$(EXTVERSION).sql
DATA = $(wildcard control/*.control) $(filter-out $(BUILT_SQL), $(wildcard sql/*--*.sql))
DATA_built = $(BUILT_SQL)

REGRESS = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --outputdir=test --load-extension=spc

PG_CONFIG ?= pg_config
PG_CPPFLAGS = -std=gnu99 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK = -lm
EXTRA_CLEAN = bench/false_alarms test/results test/unit/test_core test/unit/test_core_sanitized test/regression.diffs test/regression.out test/fuzz/build

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/spc--$(EXTVERSION).sql: $(SPC_SQL) scripts/build-sql.sh Makefile
	scripts/build-sql.sh install spc $(RELEASED) $(EXTVERSION) $(SPC_SQL) > $@
sql/spc--$(RELEASED)--$(EXTVERSION).sql: sql/spc/upgrade/$(RELEASED)--$(EXTVERSION).sql $(SPC_SQL) scripts/build-sql.sh Makefile
	scripts/build-sql.sh upgrade spc $(RELEASED) $(EXTVERSION) $< $(filter-out $(SPC_SQL_INSTALL_ONLY), $(SPC_SQL)) > $@
sql/learning_network--$(EXTVERSION).sql: $(LN_SQL) scripts/build-sql.sh Makefile
	scripts/build-sql.sh install learning_network $(RELEASED) $(EXTVERSION) $(LN_SQL) > $@
sql/learning_network--$(RELEASED)--$(EXTVERSION).sql: sql/learning_network/upgrade/$(RELEASED)--$(EXTVERSION).sql $(LN_SQL) scripts/build-sql.sh Makefile
	scripts/build-sql.sh upgrade learning_network $(RELEASED) $(EXTVERSION) $< $(filter-out $(LN_SQL_INSTALL_ONLY), $(LN_SQL)) > $@
sql/learning_network_demo--$(EXTVERSION).sql: $(DEMO_SQL) scripts/build-sql.sh Makefile
	scripts/build-sql.sh install learning_network_demo $(RELEASED) $(EXTVERSION) $(DEMO_SQL) > $@

# PGXS tracks no header dependencies: a changed struct must rebuild its users.
CORE_HEADERS = $(wildcard src/core/*.h)
$(OBJS): $(CORE_HEADERS)
$(OBJS:.o=.bc): $(CORE_HEADERS)
src/pg/spc_pg.o src/pg/chart_window.o src/pg/phase_summary.o src/pg/chart_svg.o src/pg/funnel_window.o src/pg/svg_render.o src/pg/series_summary.o: src/pg/spc_pg.h

# C unit tests of the pure core: no server, no PostgreSQL headers.
UNIT_CFLAGS = -std=c99 -pedantic -Wall -Wextra -Werror -O2 -g
CORE_SRCS = $(CORE_OBJS:.o=.c)

UNIT_SRCS = test/unit/test_core.c test/unit/test_rules.c test/unit/rules_oracle.c test/unit/test_analyst.c \
	test/unit/test_funnel.c test/unit/test_svg.c

test/unit/test_core: $(UNIT_SRCS) test/unit/unit.h test/unit/rules_oracle.h $(CORE_SRCS) $(CORE_HEADERS)
	$(CC) $(UNIT_CFLAGS) -Isrc/core -o $@ $(UNIT_SRCS) $(CORE_SRCS) -lm

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
test/unit/test_core_sanitized: $(UNIT_SRCS) test/unit/unit.h test/unit/rules_oracle.h $(CORE_SRCS) $(CORE_HEADERS)
	$(FUZZ_CC) -std=c99 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
		-Isrc/core -o $@ $(UNIT_SRCS) $(CORE_SRCS) -lm

.PHONY: unit
unit: test/unit/test_core test/unit/test_core_sanitized
	test/unit/test_core
	test/unit/test_core_sanitized

.PHONY: prove
prove:
	pg_prove --ext .sql test/pgtap

# Benchmark (not a test): see bench/run.sh for its knobs.
.PHONY: bench
bench:
	bash scripts/bench.sh

# Fuzzing of the pure core with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer: `make fuzz` runs every target for FUZZ_SECONDS
# from its seed corpus (test/fuzz/corpus); crashes are written to
# test/fuzz/build/ and become regression tests.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/core
FUZZ_TARGETS = chart parse state funnel

test/fuzz/build/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz_check.h $(CORE_SRCS) $(CORE_HEADERS)
	@mkdir -p test/fuzz/build
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(CORE_SRCS) -lm

.PHONY: fuzz
fuzz: SHELL := /bin/bash
fuzz: $(addprefix test/fuzz/build/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		corpus=$$(mktemp -d); cp test/fuzz/corpus/$$t/* $$corpus/; \
		test/fuzz/build/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=9000 \
			-artifact_prefix=test/fuzz/build/ -print_final_stats=1 $$corpus 2>&1 \
			| grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*ERROR|.*invariant)' ; \
		status=$${PIPESTATUS[0]}; rm -rf $$corpus; \
		if [ $$status -ne 0 ]; then echo "fuzz_$$t: FAILED (see test/fuzz/build/)"; exit 1; fi; \
		echo "fuzz_$$t: ok for $(FUZZ_SECONDS) s"; \
	done

# The engine on a Citus cluster against single node; skips without Citus.
.PHONY: citus-check
citus-check:
	bash scripts/citus-check.sh

# Re-draw the example charts of docs/ from the demo network, with a Chromium
# screenshot of each (docs/reference.md shows the screenshots).
.PHONY: docs
docs:
	bash -c 'source scripts/env.sh && build_and_install && pg_virtualenv -t -v $$PGMAJOR sh -c "DOCS_DIR=docs test/svg_check.sh"'

# The no-lost-writes load test for longer than the suite's 15 s.
.PHONY: load
load:
	LOAD_SECONDS=$${LOAD_SECONDS:-60} bash -c 'source scripts/env.sh && build_and_install && pg_virtualenv -t -v $$PGMAJOR test/load.sh'

# import_csv lines per second at 5k, 20k and 100k lines (not a test).
.PHONY: bench-import
bench-import:
	SPC_EXTRA_PACKAGES=bc bash -c 'source scripts/env.sh && build_and_install && pg_virtualenv -t -v $$PGMAJOR bench/import_csv.sh'

# Latency of the HUB's chart requests: cached, redrawn warm and in a new session (not a test): see bench/hub_latency.pl.
# The server preloads PL/pgSQL and spc ($SPC_PRELOAD, scripts/env.sh); HUB_PRELOAD=0: it does not, so each new
# session loads them itself and draws its own misses (docs/performance.md, "New sessions").
.PHONY: bench-hub
bench-hub:
	bash -c 'source scripts/env.sh && build_and_install && pg_virtualenv -t -v $$PGMAJOR $(if $(filter 0,$(HUB_PRELOAD)),,-o "$$SPC_PRELOAD") bench/hub_latency.sh'

# The false-alarm and run-length simulation that chose the default rule set of
# control charts (not a test: it prints the table docs/rules.md quotes).
bench/false_alarms: bench/false_alarms.c $(CORE_SRCS) $(CORE_HEADERS)
	$(CC) $(UNIT_CFLAGS) -Isrc/core -o $@ bench/false_alarms.c $(CORE_SRCS) -lm

.PHONY: false-alarms
false-alarms: bench/false_alarms
	bench/false_alarms
