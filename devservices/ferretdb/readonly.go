package main

import (
	"encoding/binary"

	"go.mongodb.org/mongo-driver/bson"
)

// Reads need no place in the relay's one-at-a-time line: FerretDB's lost
// updates come from two writes interleaving, while a read sees each document
// as the last committed write left it (SQLite in WAL mode lets readers run
// beside the one writer). Letting reads through at once keeps a long scan
// from holding up every write behind it.

const opMsg = 2013

// readOnlyCommands never change data.
var readOnlyCommands = map[string]bool{
	"find": true, "getMore": true, "count": true, "distinct": true, "killCursors": true,
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true, "buildinfo": true,
	"listCollections": true, "listIndexes": true, "listDatabases": true, "endSessions": true,
}

// isReadOnly reports whether an OP_MSG request only reads. Anything it cannot
// parse, and any aggregate that writes ($out, $merge), counts as a write.
func isReadOnly(request []byte) bool {
	if len(request) < 21 || binary.LittleEndian.Uint32(request[12:16]) != opMsg || binary.LittleEndian.Uint32(request[16:20]) != 0 || request[20] != 0 {
		return false
	}
	body := bson.Raw(request[21:])
	if body.Validate() != nil {
		return false
	}
	first, err := body.IndexErr(0)
	if err != nil {
		return false
	}
	command := first.Key()
	if readOnlyCommands[command] {
		return true
	}
	if command != "aggregate" {
		return false
	}
	stages, ok := body.Lookup("pipeline").ArrayOK()
	if !ok {
		return false
	}
	values, err := stages.Values()
	if err != nil {
		return false
	}
	for _, stage := range values {
		doc, ok := stage.DocumentOK()
		if !ok {
			return false
		}
		if _, err := doc.LookupErr("$out"); err == nil {
			return false
		}
		if _, err := doc.LookupErr("$merge"); err == nil {
			return false
		}
	}
	return true
}
