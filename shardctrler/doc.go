// Package shardctrler is the shard controller of the sharded key/value
// service: a Raft-replicated history of configurations, each assigning the
// NShards shards of the key space to replica groups.
//
// # Servers
//
//	sc := shardctrler.StartServer(peers, me, persister)
//	srv := labrpc.MakeServer()
//	srv.AddService(labrpc.MakeService(sc))        // ShardCtrler.Join, .Leave, .Move, .Query
//	srv.AddService(labrpc.MakeService(sc.Raft())) // Raft.RequestVote, ...
//
// Every request, Query included, goes through the Raft log, so a Query(-1)
// answered by any replica reflects every Join, Leave and Move that completed
// before it. Join and Leave rebalance: shards are spread as evenly as
// possible (the per-group counts differ by at most one) while as few shards
// as possible move, and the result depends only on sorted gids and shard
// numbers, so every replica computes the same configuration.
//
// # Clients
//
//	ck := shardctrler.MakeClerk(ends)
//	ck.Join(map[int][]string{100: {"server-100-0", "server-100-1", "server-100-2"}})
//	c := ck.Query(-1) // the latest config; Query(n) returns config n
//	ck.Move(3, 100)
//	ck.Leave([]int{100})
//
// A Clerk retries until its request is applied and numbers its requests, so
// a retried Join, Leave or Move is applied once.
package shardctrler
