// Package rsm replicates a deterministic state machine through a Raft peer:
// the piece the shard controller and the sharded key/value service share.
//
// A service implements StateMachine and starts one RSM per replica:
//
//	r := rsm.Make(peers, me, persister, maxraftstate, sm)
//	res, ok := r.Submit(cmd) // ok == false: not the leader, or leadership lost; try another replica
//	...
//	r.Kill()
//
// Submit puts cmd in the log and returns what sm.Apply returned for it once
// it is committed and applied here. Apply is called by one goroutine only,
// in log order, on every replica; so is Snapshot, whenever the persisted Raft
// state has reached maxraftstate bytes (-1: never), and Restore, with a
// snapshot from the persister at start-up or from the leader. The service
// registers the concrete types of its commands with labgob.
//
// Duplicate detection is the service's business: a Submit that reports
// false may still have been applied, so a client retries with the same
// identifier and the state machine must recognise the retry.
package rsm
