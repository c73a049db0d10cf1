// Handout writes the student handout of the course: a complete copy of this
// module in which the Raft peer and the key/value service are replaced by
// starting files, and everything else (labgob, labrpc, linearizability, the
// testers, the tools, the Makefile, .ci/run) is unchanged.
//
//	go run ./cmd/handout -out ../raft-lab
//	make handout OUT=../raft-lab
//
// The output folder is created if needed and must be empty: the tool never
// overwrites or mixes with earlier files. It must not lie inside the source
// tree, whose next handout would otherwise contain it.
//
// # What goes into the handout
//
// The files are those git lists for the source tree: tracked files plus
// untracked files that .gitignore does not exclude (so a fresh clone and a
// working tree with new, uncommitted files both work; build by-products do
// not travel). From them:
//
//   - Left out entirely: the handout's own sources (handout/), this tool
//     (cmd/handout/), the mutation runner and its catalogue (cmd/mutate/,
//     mutations/), and the top-level README.md, which the lab guide replaces.
//   - Left out too: internal/rsm/, the replicated state machine that the
//     solutions of shardctrler and shardkv share.
//   - In raft/, raftkv/, shardctrler/ and shardkv/ (the files directly in those folders; their
//     subfolders are copied unchanged), a Go file is kept only if it is a
//     tester file or an external test. The tester files are config.go,
//     test_test.go and, in raft/ only, persister.go: the files a course
//     replaces with its own copies. An external test is a _test.go file whose
//     package clause names the external test package (package raft_test,
//     package raftkv_test): black-box tests, such as the paper tests, that
//     talk to a peer through its API and RPCs and so must run against the
//     student's code. Every other Go file, i.e. the solution and its white-box
//     tests (package raft, package raftkv), is dropped. The decision is made
//     by parsing the package clause, never from the file name alone. Files
//     other than Go files are copied.
//   - Swapped: a few files outside those folders use more than the lab API
//     (cmd/raftkvd/membership.go builds raftkvd's server with raft.Options
//     and serves membership changes). Each is replaced by the file of the
//     same path under handout/ (handout/cmd/raftkvd/membership.go: fixed
//     membership, through raftkv.StartKVServer), so that the rest of the
//     tree builds against a student's Raft; a swapped file without its
//     replacement is an error. The list is swappedFiles in select.go.
//   - Every other file is copied byte for byte, with its permission bits.
//
// Then the starting files are added: handout/raft/* becomes raft/*,
// handout/raftkv/* becomes raftkv/* (likewise for shardctrler and shardkv), and handout/README.md (the lab guide)
// becomes README.md. handout/go.mod is not copied: it only makes handout/ a
// module of its own, which the main module's `go vet ./...` and
// `go test ./...` skip (the starting files cannot build in place, without
// the tester files beside them). A starting file that would replace a kept
// file, or any other file under handout/, is an error.
//
// Lab 4's API types, shardctrler/common.go and shardkv/common.go, are the
// same in the solution and in the starting files, so they are kept like the
// tester files (sharedStartingFiles in select.go) instead of being written
// twice; what only the solution uses lives in its other files.
//
// `make handout-check` (run by .ci/run) generates a handout into a temporary
// folder, vets it, and checks that TestInitialElection2A fails there cleanly
// with "expected one leader, got none".
package main
