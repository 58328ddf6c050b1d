package main

import (
	"encoding/binary"

	"go.mongodb.org/mongo-driver/bson"
)

// oneCollectionWrites change at most the one collection their first field
// names, in the database $db names. A command missing here is treated as
// writing anywhere.
var oneCollectionWrites = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "drop": true, "createIndexes": true, "dropIndexes": true, "deleteIndexes": true, "collMod": true,
}

// collectionWrittenBy returns "database.collection" for an OP_MSG write
// confined to one collection, and false for anything else, including a request
// it cannot parse. Only the command's body is read: the documents an insert
// carries in a document sequence come after it.
func collectionWrittenBy(request []byte) (string, bool) {
	if len(request) < 25 || binary.LittleEndian.Uint32(request[12:16]) != opMsg || request[20] != 0 {
		return "", false
	}
	length := int(binary.LittleEndian.Uint32(request[21:25]))
	if length < 5 || 21+length > len(request) {
		return "", false
	}
	body := bson.Raw(request[21 : 21+length])
	if body.Validate() != nil {
		return "", false
	}
	first, err := body.IndexErr(0)
	if err != nil || !oneCollectionWrites[first.Key()] {
		return "", false
	}
	collection, ok := first.Value().StringValueOK()
	if !ok || collection == "" {
		return "", false
	}
	database, ok := body.Lookup("$db").StringValueOK()
	if !ok || database == "" {
		return "", false
	}
	return database + "." + collection, true
}
