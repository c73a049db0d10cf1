# MiniRaftKV developer commands. `make test` is what CI runs.
GO ?= go
PKGS ?= ./...
# Packages run one after another (-p 1): the raft and KV testers are timing
# sensitive, and this project's CI machine has two cores.
TESTFLAGS ?= -p 1 -timeout 30m
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test test-short test-virtual vet fmt-check lint bench demo stress grade handout handout-check course-check debug-cache-check mutate mutate-check cluster cluster-restart cluster-join cluster-stop cluster-test

test: vet fmt-check
	$(GO) test -race $(TESTFLAGS) $(PKGS)

test-short: vet fmt-check
	$(GO) test $(TESTFLAGS) $(PKGS)

# The raft (2A-2D), KV (3A, 3B) and lab 4 tests in virtual time
# (testing/synctest, Go 1.25 or later): each test VN times (KVN for the KV
# and sharded KV tests), a few seconds per round instead of the 12 minutes
# of real time (lab 4's: about 10 more). Not a
# replacement for make test: see docs/virtual-time.md for what virtual time
# cannot check. make test-virtual VN=20 KVN=1 is CI's stage.
VN ?= 3
KVN ?= $(VN)
test-virtual:
	$(GO) run ./cmd/stress -virtual -n $(VN) -p 2 -run '2[A-D]$$' ./raft
	$(GO) run ./cmd/stress -virtual -n $(KVN) -p 2 -run '3[AB]$$' ./raftkv
	$(GO) run ./cmd/stress -virtual -n $(VN) -p 2 ./shardctrler
	$(GO) run ./cmd/stress -virtual -n $(KVN) -p 2 ./shardkv

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# staticcheck is run, never imported: go.mod stays free of requirements.
lint: vet
	$(GO) run $(STATICCHECK) $(PKGS)

# Every benchmark, one package at a time: they measure time and throughput,
# and packages running side by side on a small machine would skew them.
bench:
	$(GO) test -p 1 -run '^$$' -bench . $(PKGS)

# A simulated 5-server KV cluster under every fault for 20 s, then the
# linearizability check (exit status 1 on a violation, 3 if the check gave
# no verdict). SEED=n repeats a fault schedule; more flags in KVSIMFLAGS,
# e.g. make demo KVSIMFLAGS='-duration 60s -faults partition,crash'.
SEED ?=
KVSIMFLAGS ?=
demo:
	$(GO) run ./cmd/kvsim $(if $(SEED),-seed $(SEED)) $(KVSIMFLAGS)

# Repeat tests to catch rare failures; the logs of failing runs are kept.
# make stress RUN=2B N=50 P=2 PKG=./raft STRESSFLAGS='-race -out stress-logs'
# make stress RUN=TestBackup2B STRESSFLAGS='-until-fail -keep -v'
N ?= 20
P ?= 2
RUN ?= 2A
PKG ?= ./raft
STRESSFLAGS ?=
stress:
	$(GO) run ./cmd/stress -n $(N) -p $(P) -run '$(RUN)' $(STRESSFLAGS) $(PKG)

# Grade the labs as a course would: each test of parts 2A-3B on its own,
# 3 times; a test earns its points (cmd/grade/points.txt) only by passing
# every run. Prints a table and writes grade-results.json (autograder JSON).
# make grade GRADEFLAGS='-parts 2A,2B -runs 1'
# make grade GRADEFLAGS='-course-files ../course -race'  (grades only the
#   tests of the course's test_test.go files)
GRADEFLAGS ?=
grade:
	$(GO) run ./cmd/grade $(GRADEFLAGS)

# The student handout: this module with the Raft peer and the KV service
# replaced by the starting files of handout/ (rules in cmd/handout/doc.go).
# make handout OUT=../raft-lab    (OUT must be new or empty, outside this tree)
OUT ?=
# kit-only stops a target whose tool the student handout leaves out.
kit-only = @test -d cmd/$(1) || { echo "make $@: cmd/$(1) is part of the course kit, not of the student handout"; exit 2; }
handout:
	$(call kit-only,handout)
	@if [ -z "$(OUT)" ]; then echo "usage: make handout OUT=dir"; exit 2; fi
	$(GO) run ./cmd/handout -out '$(OUT)'

# Generate a handout into a temporary folder and check it: it vets clean, and
# the first test fails as a student's first run should, cleanly, on the
# tester's own message rather than on a panic or a hang.
handout-check:
	$(call kit-only,handout)
	@set -eu; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	$(GO) run ./cmd/handout -out "$$dir/handout"; \
	cd "$$dir/handout"; \
	$(GO) vet ./...; \
	if $(GO) test -count=1 -timeout 2m -run 'TestInitialElection2A$$' ./raft > "$$dir/test.log" 2>&1; then \
		cat "$$dir/test.log"; echo "handout-check: TestInitialElection2A passed on the starting files"; exit 1; fi; \
	if grep -q 'panic:' "$$dir/test.log" || ! grep -q 'expected one leader, got none' "$$dir/test.log"; then \
		cat "$$dir/test.log"; echo "handout-check: TestInitialElection2A did not fail with 'expected one leader, got none'"; exit 1; fi; \
	if $(GO) test -count=1 -timeout 2m -run '^(TestBasic|TestStaticShards)$$' ./shardctrler ./shardkv > "$$dir/lab4.log" 2>&1; then \
		cat "$$dir/lab4.log"; echo "handout-check: lab 4's first tests passed on the starting files"; exit 1; fi; \
	if grep -q 'panic:' "$$dir/lab4.log" || [ "$$(grep -c '^--- FAIL: Test' "$$dir/lab4.log")" != 2 ]; then \
		cat "$$dir/lab4.log"; echo "handout-check: TestBasic (4A) and TestStaticShards (4B) did not both fail cleanly"; exit 1; fi; \
	echo "handout-check: the handout vets clean and TestInitialElection2A, TestBasic and TestStaticShards fail as they should"

# The five course files can be replaced by a course's own: .ci/course-files
# checks each rule of docs/course-files.md (QUICK=1 skips the tester runs).
QUICK ?=
course-check:
	bash .ci/course-files $(if $(QUICK),quick)

# RAFT_DEBUG and KV_DEBUG take effect whatever go test's cache holds: a run
# with the switch prints debug lines, a run without it prints none.
debug-cache-check:
	bash .ci/debug-cache-check

# No file points outside the project (a contract document, a planning issue
# or session, a commit cited as a source): .ci/standalone-check names each
# such line as file:line.
.PHONY: standalone-check
standalone-check:
	bash .ci/standalone-check

# Mutation testing: put each bug of mutations/ into a scratch copy of the
# tree and run the tests that should catch it (10 runs for a safety bug, 20
# for a liveness bug); exit status 1 if any bug survives. A few minutes when
# every bug dies on its first run; each survivor costs 10 or 20 runs more.
# make mutate MUTATEFLAGS='-only 08,kv- -logs mutate-logs'
MUTATEFLAGS ?=
mutate:
	$(call kit-only,mutate)
	$(GO) run ./cmd/mutate $(MUTATEFLAGS)

# The cheap check CI runs: every patch applies and the patched tree compiles.
mutate-check:
	$(call kit-only,mutate)
	$(GO) run ./cmd/mutate -check

# A real cluster: three raftkvd processes on loopback (ports 7001-7003),
# each with its data folder and log under CLUSTER_DIR, left running in the
# background. It succeeds only once every server answers `raftkv status`
# (within 10 s); otherwise it shows the end of each log and fails.
# `make cluster-restart ID=n` stops server n (SIGTERM) and starts it again
# on its data, as after a crash or an upgrade; `make cluster-stop` stops
# them all (SIGTERM, then waits up to 5 s for each to exit) and keeps the
# data. CLUSTER_TOKEN, if set, is the cluster token of servers and client.
# Talk to it with go run ./cmd/raftkv get|put|append|status|bench.
CLUSTER_DIR ?= cluster-data
CLUSTER_SERVERS ?= 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
CLUSTER_TOKEN ?=
RAFTKVDFLAGS ?=
ID ?=
cluster-token = $(if $(CLUSTER_TOKEN),-token '$(CLUSTER_TOKEN)')
# cluster-start starts server $$i in the background.
cluster-start = nohup '$(CLUSTER_DIR)/raftkvd' -id $$i -servers '$(CLUSTER_SERVERS)' -data '$(CLUSTER_DIR)'/server-$$i \
	$(cluster-token) $(RAFTKVDFLAGS) >> '$(CLUSTER_DIR)'/server-$$i.log 2>&1 < /dev/null & \
	echo $$! > '$(CLUSTER_DIR)'/server-$$i.pid
# cluster-stop-one stops the server whose pid file is $$f.
cluster-stop-one = pid=$$(cat "$$f"); \
	if kill "$$pid" 2>/dev/null; then \
		for t in $$(seq 50); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.1; done; echo "stopped $$f"; fi; \
	rm -f "$$f"
# cluster-ready waits until every server answers its status.
cluster-ready = '$(CLUSTER_DIR)/raftkv' -servers '$(CLUSTER_SERVERS)' $(cluster-token) -timeout 10s status -wait || { \
	echo "make $@: not every server answered; the end of each log:"; \
	for l in '$(CLUSTER_DIR)'/server-*.log; do echo "== $$l"; tail -n 5 "$$l"; done; exit 1; }
cluster:
	@set -eu; mkdir -p '$(CLUSTER_DIR)'; \
	for f in '$(CLUSTER_DIR)'/server-*.pid; do \
		if [ -f "$$f" ] && kill -0 "$$(cat "$$f")" 2>/dev/null; then \
			echo "make cluster: already running ($$f); make cluster-stop first"; exit 1; fi; done; \
	$(GO) build -o '$(CLUSTER_DIR)/raftkvd' ./cmd/raftkvd; \
	$(GO) build -o '$(CLUSTER_DIR)/raftkv' ./cmd/raftkv; \
	for i in 0 1 2; do $(cluster-start); done; \
	$(cluster-ready); \
	echo "3 servers on $(CLUSTER_SERVERS); data and logs in $(CLUSTER_DIR)/"; \
	echo "try:  go run ./cmd/raftkv put k v; go run ./cmd/raftkv get k; go run ./cmd/raftkv status"; \
	echo "restart one: make cluster-restart ID=1;  stop: make cluster-stop"

cluster-restart:
	@set -eu; case '$(ID)' in 0|1|2) ;; *) echo "usage: make cluster-restart ID=0|1|2"; exit 2;; esac; \
	test -x '$(CLUSTER_DIR)/raftkvd' || { echo "make cluster-restart: no cluster in $(CLUSTER_DIR); make cluster first"; exit 1; }; \
	i=$(ID); f='$(CLUSTER_DIR)'/server-$$i.pid; \
	if [ -f "$$f" ]; then $(cluster-stop-one); fi; \
	$(cluster-start); \
	$(cluster-ready); \
	echo "server $$i restarted; every server answers"

# `make cluster-join ID=n ADDR=host:port` starts a new server that joins
# the running cluster (raftkvd -join), with its data folder and log under
# CLUSTER_DIR, and waits until it answers; then add it with
# `raftkv add-server n host:port` (docs/real-cluster.md, "Replacing a
# server"). Run again, it restarts that server on its data.
ADDR ?=
cluster-join:
	@set -eu; case '$(ID)' in ''|*[!0-9]*) echo "usage: make cluster-join ID=n ADDR=host:port"; exit 2;; esac; \
	test -n '$(ADDR)' || { echo "usage: make cluster-join ID=n ADDR=host:port"; exit 2; }; \
	test -x '$(CLUSTER_DIR)/raftkvd' || { echo "make cluster-join: no cluster in $(CLUSTER_DIR); make cluster first"; exit 1; }; \
	i=$(ID); f='$(CLUSTER_DIR)'/server-$$i.pid; \
	if [ -f "$$f" ]; then $(cluster-stop-one); fi; \
	nohup '$(CLUSTER_DIR)/raftkvd' -id $$i -join '$(ADDR)' -data '$(CLUSTER_DIR)'/server-$$i \
		$(cluster-token) $(RAFTKVDFLAGS) >> '$(CLUSTER_DIR)'/server-$$i.log 2>&1 < /dev/null & echo $$! > "$$f"; \
	'$(CLUSTER_DIR)/raftkv' -servers '$(ADDR)' $(cluster-token) -timeout 10s status -wait > /dev/null || { \
		echo "make cluster-join: server $$i did not answer; the end of its log:"; tail -n 5 '$(CLUSTER_DIR)'/server-$$i.log; exit 1; }; \
	echo "server $$i runs at $(ADDR); add it: $(CLUSTER_DIR)/raftkv add-server $$i $(ADDR)"

cluster-stop:
	@for f in '$(CLUSTER_DIR)'/server-*.pid; do \
		[ -f "$$f" ] || continue; $(cluster-stop-one); done; true

# Three raftkvd processes under recorded client load, the leader SIGKILLed
# and restarted, another server SIGSTOPped and resumed, the leader and then
# a follower cut off by network partitions and healed, a follower and then
# the leader replaced by new servers through membership changes; then the
# history's linearizability check (cmd/clustertest). About 45 s.
cluster-test:
	$(GO) run ./cmd/clustertest

# The pictures of docs/: the browser tests save the first view of a failed
# check's timeline and raftlog's columns of a sample log as PNG files.
# Needs Chromium (apt-get install -y chromium, or CHROMIUM=path).
.PHONY: pictures
pictures:
	SCREENSHOT_DIR='$(CURDIR)/docs' CHROMIUM="$${CHROMIUM:-chromium}" \
		$(GO) test -count=1 -v -run 'TestTimelineInBrowserAnnotations|TestColumnsInBrowser' ./linearizability ./cmd/raftlog
