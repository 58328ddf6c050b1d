package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// FerretDB 1.x with SQLite applies an update as "read the document, then
// write it back" outside one transaction, so two connections updating the
// same document at once both succeed and one update is lost: measured, 3 of
// 20 concurrent compare-and-set updates on one document "won". MongoDB makes
// every single-document operation atomic, and the backend's leases, revision
// checks and counters rely on that.
//
// The relay restores it: clients connect to the relay, and it passes one
// complete write at a time per collection (request, then its response) to
// FerretDB, across all connections; reads go straight through (readonly.go).
// Writes to different collections need no turn from each other, since no
// write reads another collection, so an event's insert at intake does not wait
// behind a case's update; a write it cannot place in one collection
// (dropDatabase, renameCollection, anything unknown) waits for every other
// write and runs alone (writescope.go). FerretDB answers every request exactly
// once (it has no exhaust cursors, streaming hello or compression), so framing
// by the wire protocol's length header is enough.

const maxMessageBytes = 48 * 1024 * 1024

type relay struct {
	backend string
	logger  *slog.Logger

	// everything is held shared by a write to one collection and alone by any other write.
	everything sync.RWMutex
	// mu guards collections: one lock per database and collection, each letting one write at a time through.
	mu          sync.Mutex
	collections map[string]*sync.Mutex
}

func (r *relay) serve(listener net.Listener) {
	for {
		client, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.logger.Warn("accept failed", "err", err)
			continue
		}
		go r.handle(client)
	}
}

func (r *relay) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", r.backend)
	if err != nil {
		r.logger.Warn("cannot reach FerretDB", "err", err)
		return
	}
	defer server.Close()

	for {
		request, err := readMessage(client)
		if err != nil {
			return // the client went away
		}
		response, err := r.roundTrip(server, request)
		if err != nil {
			r.logger.Warn("FerretDB round trip failed", "err", err)
			return
		}
		if _, err := client.Write(response); err != nil {
			return
		}
	}
}

func (r *relay) roundTrip(server net.Conn, request []byte) ([]byte, error) {
	if !isReadOnly(request) {
		defer r.takeTurn(request)()
	}
	if _, err := server.Write(request); err != nil {
		return nil, err
	}
	return readMessage(server)
}

// takeTurn waits until the write may run and returns what ends its turn.
func (r *relay) takeTurn(request []byte) (done func()) {
	namespace, ok := collectionWrittenBy(request)
	if !ok {
		r.everything.Lock()
		return r.everything.Unlock
	}

	r.everything.RLock()
	r.mu.Lock()
	collection := r.collections[namespace]
	if collection == nil {
		collection = new(sync.Mutex)
		r.collections[namespace] = collection
	}
	r.mu.Unlock()

	collection.Lock()
	return func() {
		collection.Unlock()
		r.everything.RUnlock()
	}
}

// readMessage reads one wire-protocol message: a little-endian int32 length
// (which counts itself) followed by the rest of the message.
func readMessage(conn io.Reader) ([]byte, error) {
	var header [4]byte
	if _, err := io.ReadFull(conn, header[:]); err != nil {
		return nil, err
	}
	length := int(binary.LittleEndian.Uint32(header[:]))
	if length < 16 || length > maxMessageBytes {
		return nil, fmt.Errorf("invalid message length %d", length)
	}
	message := make([]byte, length)
	copy(message, header[:])
	if _, err := io.ReadFull(conn, message[4:]); err != nil {
		return nil, err
	}
	return message, nil
}
