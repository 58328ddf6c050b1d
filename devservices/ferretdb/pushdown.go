package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/bson"
)

// FerretDB 1.x's SQLite backend only pushes a filter down to SQLite when it
// is exactly {_id: value}; any other filter decodes every document of the
// collection. The backend's conditional writes ({_id, revision}, leases) and
// scoped reads ({accountId, _id}) are all of that second kind, so they cost
// time proportional to the collection.
//
// Since the relay already runs one operation at a time, it can do what an
// index would: fetch the one document by _id (FerretDB's fast path), check
// the remaining conditions itself, then either pass the operation on with
// the filter reduced to {_id} or answer "nothing matched" as MongoDB would.
// Anything it does not fully understand is passed on untouched.

const opMsg = 2013

var internalRequestID atomic.Int32

func init() { internalRequestID.Store(1 << 30) }

// pushdown returns a replacement request, or a ready reply, or neither (pass through).
func (r *relay) pushdown(server net.Conn, request []byte) (replacement []byte, reply []byte) {
	body, ok := soleBody(request)
	if !ok {
		return nil, nil
	}
	first, err := body.IndexErr(0)
	if err != nil {
		return nil, nil
	}
	command := first.Key()
	var doc bson.D
	if err := bson.Unmarshal(body, &doc); err != nil {
		return nil, nil
	}
	filter, setFilter, ok := filterOf(command, doc)
	if !ok {
		return nil, nil
	}
	id, rest, ok := splitID(filter)
	if !ok || len(rest) == 0 {
		return nil, nil
	}
	collection, _ := first.Value().StringValueOK()
	database, _ := body.Lookup("$db").StringValueOK()
	found, ok := fetchByID(server, database, collection, id)
	if !ok {
		return nil, nil
	}
	matched, ok := matches(found, rest)
	if !ok {
		return nil, nil
	}
	requestID := binary.LittleEndian.Uint32(request[4:8])
	if !matched {
		return nil, noMatchReply(command, database, collection, requestID)
	}
	setFilter(bson.D{{Key: "_id", Value: id}})
	rewritten, err := bson.Marshal(doc)
	if err != nil {
		return nil, nil
	}
	return message(requestID, 0, rewritten), nil
}

// soleBody returns the command document of an OP_MSG with no flags and a single body section.
func soleBody(msg []byte) (bson.Raw, bool) {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg || binary.LittleEndian.Uint32(msg[16:20]) != 0 || msg[20] != 0 {
		return nil, false
	}
	body := bson.Raw(msg[21:])
	if body.Validate() != nil || int(binary.LittleEndian.Uint32(msg[21:25])) != len(body) {
		return nil, false
	}
	return body, true
}

// filterOf finds the filter of a single-document update, findAndModify or find, with a setter to replace it.
func filterOf(command string, doc bson.D) (bson.D, func(bson.D), bool) {
	field := func(d bson.D, key string) (any, int) {
		for i, e := range d {
			if e.Key == key {
				return e.Value, i
			}
		}
		return nil, -1
	}
	truthy := func(d bson.D, key string) bool {
		v, _ := field(d, key)
		b, isBool := v.(bool)
		return v != nil && (!isBool || b)
	}
	switch command {
	case "update":
		updates, _ := field(doc, "updates")
		list, ok := updates.(bson.A)
		if !ok || len(list) != 1 {
			return nil, nil, false
		}
		one, ok := list[0].(bson.D)
		if !ok || truthy(one, "multi") || truthy(one, "upsert") {
			return nil, nil, false
		}
		q, i := field(one, "q")
		filter, ok := q.(bson.D)
		return filter, func(f bson.D) { one[i].Value = f }, ok
	case "findAndModify":
		if truthy(doc, "upsert") || truthy(doc, "sort") {
			return nil, nil, false
		}
		q, i := field(doc, "query")
		filter, ok := q.(bson.D)
		return filter, func(f bson.D) { doc[i].Value = f }, ok
	case "find":
		if truthy(doc, "sort") || truthy(doc, "skip") {
			return nil, nil, false
		}
		q, i := field(doc, "filter")
		filter, ok := q.(bson.D)
		return filter, func(f bson.D) { doc[i].Value = f }, ok
	}
	return nil, nil, false
}

// splitID separates a plain {_id: value} condition from the others.
func splitID(filter bson.D) (any, bson.D, bool) {
	var id any
	found := false
	rest := bson.D{}
	for _, e := range filter {
		if e.Key == "_id" {
			if d, isDoc := e.Value.(bson.D); isDoc && len(d) > 0 && strings.HasPrefix(d[0].Key, "$") {
				return nil, nil, false
			}
			id, found = e.Value, true
			continue
		}
		if strings.HasPrefix(e.Key, "$") || strings.Contains(e.Key, ".") {
			return nil, nil, false
		}
		rest = append(rest, e)
	}
	return id, rest, found
}

func fetchByID(server net.Conn, database, collection string, id any) (bson.Raw, bool) {
	query, err := bson.Marshal(bson.D{{Key: "find", Value: collection}, {Key: "filter", Value: bson.D{{Key: "_id", Value: id}}}, {Key: "limit", Value: int32(1)}, {Key: "singleBatch", Value: true}, {Key: "$db", Value: database}})
	if err != nil {
		return nil, false
	}
	if _, err := server.Write(message(uint32(internalRequestID.Add(1)), 0, query)); err != nil {
		return nil, false
	}
	response, err := readMessage(server)
	if err != nil {
		return nil, false
	}
	body, ok := soleBody(response)
	if !ok {
		return nil, false
	}
	batch, ok := body.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return nil, false
	}
	values, err := batch.Values()
	if err != nil {
		return nil, false
	}
	if len(values) == 0 {
		return bson.Raw{}, true
	}
	found, ok := values[0].DocumentOK()
	return found, ok
}

// noMatchReply is MongoDB's answer when the filter matched no document.
func noMatchReply(command, database, collection string, responseTo uint32) []byte {
	var reply bson.D
	switch command {
	case "update":
		reply = bson.D{{Key: "n", Value: int32(0)}, {Key: "nModified", Value: int32(0)}, {Key: "ok", Value: 1.0}}
	case "findAndModify":
		reply = bson.D{{Key: "lastErrorObject", Value: bson.D{{Key: "n", Value: int32(0)}, {Key: "updatedExisting", Value: false}}}, {Key: "value", Value: nil}, {Key: "ok", Value: 1.0}}
	default:
		reply = bson.D{{Key: "cursor", Value: bson.D{{Key: "firstBatch", Value: bson.A{}}, {Key: "id", Value: int64(0)}, {Key: "ns", Value: fmt.Sprintf("%s.%s", database, collection)}}}, {Key: "ok", Value: 1.0}}
	}
	body, _ := bson.Marshal(reply)
	return message(uint32(internalRequestID.Add(1)), responseTo, body)
}

// message frames one OP_MSG with a single body section.
func message(requestID, responseTo uint32, body []byte) []byte {
	msg := make([]byte, 21, 21+len(body))
	binary.LittleEndian.PutUint32(msg[0:4], uint32(21+len(body)))
	binary.LittleEndian.PutUint32(msg[4:8], requestID)
	binary.LittleEndian.PutUint32(msg[8:12], responseTo)
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	return append(msg, body...)
}
