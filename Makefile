# MiniRaftKV developer commands. `make test` is what CI runs.
GO ?= go
PKGS ?= ./...
# Packages run one after another (-p 1): the raft and KV testers are timing
# sensitive, and this project's CI machine has two cores.
TESTFLAGS ?= -p 1 -timeout 30m
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test test-short vet fmt-check lint bench demo stress mutate mutate-check

test: vet fmt-check
	$(GO) test -race $(TESTFLAGS) $(PKGS)

test-short: vet fmt-check
	$(GO) test $(TESTFLAGS) $(PKGS)

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
# linearizability check (exit status 1 on a violation, 3 if the check ran
# out of time). SEED=n repeats a fault schedule; more flags in KVSIMFLAGS,
# e.g. make demo KVSIMFLAGS='-duration 60s -faults partition,crash'.
SEED ?=
KVSIMFLAGS ?=
demo:
	$(GO) run ./cmd/kvsim $(if $(SEED),-seed $(SEED)) $(KVSIMFLAGS)

# Repeat tests to catch rare failures; the logs of failing runs are kept.
# make stress RUN=2B N=50 P=2 PKG=./raft STRESSFLAGS='-race -out stress-logs'
N ?= 20
P ?= 2
RUN ?= 2A
PKG ?= ./raft
STRESSFLAGS ?=
stress:
	$(GO) run ./cmd/stress -n $(N) -p $(P) -run '$(RUN)' $(STRESSFLAGS) $(PKG)

# Mutation testing: put each bug of mutations/ into a scratch copy of the
# tree and run the tests that should catch it (10 runs for a safety bug, 20
# for a liveness bug); exit status 1 if any bug survives. A few minutes when
# every bug dies on its first run; each survivor costs 10 or 20 runs more.
# make mutate MUTATEFLAGS='-only 08,kv- -logs mutate-logs'
MUTATEFLAGS ?=
mutate:
	$(GO) run ./cmd/mutate $(MUTATEFLAGS)

# The cheap check CI runs: every patch applies and the patched tree compiles.
mutate-check:
	$(GO) run ./cmd/mutate -check
