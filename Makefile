# MiniRaftKV developer commands. `make test` is what CI runs.
GO ?= go
PKGS ?= ./...
# Packages run one after another (-p 1): the raft and KV testers are timing
# sensitive, and this project's CI machine has two cores.
TESTFLAGS ?= -p 1 -timeout 30m
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test test-short vet fmt-check lint bench demo stress

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

bench:
	$(GO) test -run '^$$' -bench . $(PKGS)
