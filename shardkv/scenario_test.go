package shardkv

import (
	"testing"
	"time"
)

// Scenarios the course's tests do not reach, on our own deployment.

// TestTwoGroupsSwapShards: two groups trade shards back and forth, each
// pulling from the other in consecutive configs, while every key is
// appended to.
func TestTwoGroupsSwapShards(t *testing.T) {
	d := newDeployment(t, -1, 100, 101)
	d.join(100, 101)
	stop := depAppenders(d, depKeys())
	for round := 0; round < 5; round++ {
		c := d.admin.Query(-1)
		a, b := -1, -1
		for s, gid := range c.Shards {
			if gid == 100 && a < 0 {
				a = s
			}
			if gid == 101 && b < 0 {
				b = s
			}
		}
		d.admin.Move(a, 101)
		d.admin.Move(b, 100)
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	depCheck(t, d.clerk(), stop())
}

// TestGroupLeavesWhileItsShardsArePulled: a group leaves and its servers
// crash and restart one by one while the others pull its shards.
func TestGroupLeavesWhileItsShardsArePulled(t *testing.T) {
	d := newDeployment(t, 1000, 100, 101, 102)
	d.join(100, 101, 102)
	stop := depAppenders(d, depKeys())
	time.Sleep(200 * time.Millisecond)
	d.leave(100)
	for i := 0; i < depGroupSize; i++ {
		d.stopServer(100, i)
		time.Sleep(50 * time.Millisecond)
		d.startServer(100, i)
	}
	time.Sleep(500 * time.Millisecond)
	depCheck(t, d.clerk(), stop())
}

// TestControllerLeaderChangeDuringJoin: the controller's leader crashes
// right after a Join was sent to it; the Join completes through the new
// leader exactly once, and the groups follow the configs that result.
func TestControllerLeaderChangeDuringJoin(t *testing.T) {
	d := newDeployment(t, -1, 100, 101)
	d.join(100)
	stop := depAppenders(d, depKeys())
	leader := d.ctrlerLeader()
	if leader < 0 {
		t.Fatal("no controller leader")
	}
	joined := make(chan struct{})
	go func() {
		d.join(101)
		close(joined)
	}()
	time.Sleep(2 * time.Millisecond)
	d.stopCtrler(leader)
	select {
	case <-joined:
	case <-time.After(10 * time.Second):
		t.Fatal("Join did not complete after the controller's leader crashed")
	}
	d.startCtrler(leader)
	c := d.admin.Query(-1)
	if len(c.Groups) != 2 {
		t.Fatalf("latest config %d has %d groups; want 2", c.Num, len(c.Groups))
	}
	if c2 := d.admin.Query(c.Num - 1); len(c2.Groups) != 1 {
		t.Fatalf("the config before the Join's has %d groups: the Join was applied twice or out of order", len(c2.Groups))
	}
	time.Sleep(500 * time.Millisecond)
	depCheck(t, d.clerk(), stop())
}

// TestWholeGroupsRestartMidMigration: both groups of a migration crash and
// restart, from snapshots, while it is under way.
func TestWholeGroupsRestartMidMigration(t *testing.T) {
	d := newDeployment(t, 500, 100, 101)
	d.join(100)
	stop := depAppenders(d, depKeys())
	time.Sleep(200 * time.Millisecond)
	d.join(101)
	time.Sleep(30 * time.Millisecond)
	d.stopGroup(100)
	d.stopGroup(101)
	d.startGroup(101)
	d.startGroup(100)
	time.Sleep(500 * time.Millisecond)
	depCheck(t, d.clerk(), stop())
}

// TestGroupCatchesUpOnManyMissedConfigs: a group is down while many
// configs go by; when it returns it applies each in turn and no value is
// lost or doubled.
func TestGroupCatchesUpOnManyMissedConfigs(t *testing.T) {
	d := newDeployment(t, 1000, 100, 101, 102)
	d.join(100, 101)
	ck := d.clerk()
	want := map[string]string{}
	for _, key := range depKeys() {
		ck.Put(key, "v"+key)
		want[key] = "v" + key
	}
	d.stopGroup(101)
	// Moves among 100 and 102 only: shards on 101 stay there, so those
	// keys simply wait.
	d.join(102)
	c := d.admin.Query(-1)
	for round := 0; round < 10; round++ {
		for s, gid := range c.Shards {
			if gid == 100 {
				d.admin.Move(s, 102)
			} else if gid == 102 {
				d.admin.Move(s, 100)
			}
		}
		c = d.admin.Query(-1)
	}
	d.startGroup(101)
	for _, key := range depKeys() {
		ck.Append(key, "+")
		want[key] += "+"
	}
	depCheck(t, ck, want)
}
