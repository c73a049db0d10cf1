package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"miniraftkv/linearizability"
)

// ProgressLine is the line printed every second: time, operations done
// and their rate over the last second, leader and term, the number of
// faults injected so far and the faults in force. A leader cut off in the
// minority of a partition (it still believes it leads, but can commit
// nothing) is marked as such.
func ProgressLine(elapsed time.Duration, ops int, rate float64, cs clusterState, fs faultState) string {
	var b strings.Builder
	leader := server(cs.leader)
	if cs.leader >= 0 && contains(fs.minority, cs.leader) {
		leader += " (cut off in the minority: commits nothing)"
	}
	fmt.Fprintf(&b, "%6.1fs  ops %6d  %5.0f ops/s  leader %-4s T%-3d  injected %3d", elapsed.Seconds(), ops, rate,
		leader, cs.term, fs.injected)
	var now []string
	if fs.minority != nil {
		now = append(now, "partitioned "+servers(fs.minority))
	}
	if len(cs.down) > 0 {
		now = append(now, "down "+servers(cs.down))
	}
	if fs.unreliable {
		now = append(now, "unreliable")
	}
	if fs.reorder {
		now = append(now, "reordering")
	}
	if len(now) > 0 {
		b.WriteString("  in force: " + strings.Join(now, ", "))
	}
	return b.String()
}

func contains(list []int, x int) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// checkAndReport checks the history, writes its timeline, prints the
// summary and returns the exit status.
func checkAndReport(cfg config, c *cluster, inj *injector, rec *linearizability.KvRecorder, con *console, runTime time.Duration,
	timeline *os.File) int {
	ops := rec.Close() // no copy: a run records hundreds of thousands
	gets, puts, appends, unreturned := historyCounts(ops)
	returned := len(ops) - unreturned
	calls, bytes := c.rpcTotals()

	con.printf("checking %d operations for linearizability ...\n", len(ops))
	checkStart := time.Now()
	res, info := linearizability.CheckOperationsVerbose(linearizability.KvModel(), ops, cfg.checkTimeout)
	checkTime := time.Since(checkStart)
	path, err := writeTimeline(timeline, info, rec.Annotations())

	con.printf("\n--- kvsim summary ---\n")
	con.printf("seed       %d (repeat the fault schedule with -seed %d)\n", cfg.seed, cfg.seed)
	con.printf("cluster    %d servers, %d clients, %d keys, maxraftstate %d, faults %s\n",
		cfg.servers, cfg.clients, cfg.keys, cfg.maxraftstate, cfg.faults)
	con.printf("operations %d returned (%d get, %d put, %d append), %d never returned; %.1f ops/s over %.1fs\n",
		returned, gets, puts, appends, unreturned, float64(returned)/runTime.Seconds(), runTime.Seconds())
	con.printf("faults     %d injected: %s\n", inj.state().injected, inj.counts())
	con.printf("network    %d RPCs, %.1f MB\n", calls, float64(bytes)/1e6)
	con.printf("check      %s in %.2fs, %d keys checked separately\n", res, checkTime.Seconds(), info.NumPartitions())
	if bad := illegalKeys(info); len(bad) > 0 {
		con.printf("illegal    %s\n", strings.Join(bad, "; "))
	}
	if err != nil {
		con.printf("timeline   NOT WRITTEN: %v\n", err)
	} else {
		con.printf("timeline   %s\n", path)
	}
	return verdict(res, info, cfg, con)
}

// illegalKeys describes the parts of the history (one per key) that the
// checker found not linearizable.
func illegalKeys(info linearizability.LinearizationInfo) []string {
	describe := linearizability.KvModel().DescribePartition
	var bad []string
	for p := 0; p < info.NumPartitions(); p++ {
		if info.PartitionResult(p) == linearizability.Illegal {
			bad = append(bad, describe(info.PartitionHistory(p)))
		}
	}
	return bad
}

// verdict prints the final line and returns the exit status (for a run cut
// short by Ctrl-C, see simulate).
func verdict(res linearizability.CheckResult, info linearizability.LinearizationInfo, cfg config, con *console) int {
	switch res {
	case linearizability.Ok:
		con.printf("verdict    LINEARIZABLE\n")
		return exitLinearizable
	case linearizability.Illegal:
		con.printf("verdict    VIOLATION: the history is not linearizable (see the timeline)\n")
		return exitViolation
	}
	con.printf("verdict    NO VERDICT: %s; this is not a pass\n", whyNoVerdict(info, cfg.checkTimeout))
	return exitNoVerdict
}

// whyNoVerdict says why the check ended without a verdict. The checker
// gives Unknown when a function of the model panicked (info.Err says
// which, on what operation) or when its time limit ran out; only the first
// leaves a trace in info, so no error and a limit means the limit.
func whyNoVerdict(info linearizability.LinearizationInfo, checkTimeout time.Duration) string {
	switch {
	case info.Err() != nil:
		return "the check failed: " + info.Err().Error()
	case checkTimeout > 0:
		return fmt.Sprintf("the checker ran out of time (-checktimeout %v)", checkTimeout)
	}
	return "the checker returned Unknown without saying why"
}

// openTimeline creates the file for the HTML timeline before the run starts,
// so that a path that cannot be written is found at once rather than after
// the whole run: path, or a new temporary file when path is empty.
func openTimeline(path string) (*os.File, error) {
	if path == "" {
		return os.CreateTemp("", "kvsim-*.html")
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-out: %w", err)
	}
	return f, nil
}

// writeTimeline renders the checked history as HTML into f, with the
// faults drawn as annotations, closes it and returns its name. It draws
// every operation: the run was asked for, and a run without faults records
// over 250,000 operations in 20 s (about 13 MB of page), more than the
// checker's default cap, which is there for histories nobody asked to see
// whole (a stub service's in a tester).
func writeTimeline(f *os.File, info linearizability.LinearizationInfo, faults []linearizability.Annotation) (string, error) {
	opts := linearizability.VisualizeOptions{Annotations: faults, TimeUnit: time.Nanosecond, MaxOps: -1}
	if err := linearizability.VisualizeWithOptions(linearizability.KvModel(), info, opts, f); err != nil {
		f.Close()
		return f.Name(), err
	}
	return f.Name(), f.Close()
}
