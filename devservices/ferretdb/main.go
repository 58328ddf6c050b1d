// Command ferretdb-dev serves MongoDB's wire protocol on loopback, backed by
// SQLite files in a data directory. It is the project's local and CI database:
// a real server that mongoose reaches over TCP, never a mock.
//
// Clients connect through a relay that runs one operation at a time, which
// makes every single-document operation atomic as on MongoDB (see relay.go).
//
// It prints one JSON line {"uri": "..."} on stdout once it accepts
// connections, and exits when its standard input closes, so a parent that dies
// (even by SIGKILL) never leaves it behind.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only when -pprof names an address
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on; port 0 picks a free port")
	dataDir := flag.String("data", "./data/ferretdb", "directory for the SQLite database files")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "exit when standard input reaches EOF (for supervised runs)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	pprofAddr := flag.String("pprof", os.Getenv("FERRETDB_DEV_PPROF"), "loopback address for Go's profiler (net/http/pprof), e.g. 127.0.0.1:6060; off when empty (default: $FERRETDB_DEV_PPROF)")
	flag.Parse()

	// Go's default (100) spent about an eighth of the database's CPU on garbage collection under the demo's load
	// (pprof: gcBgMarkWorker 11.6 %): every query decodes whole documents into short-lived values. A collection
	// at four times the live heap instead of twice costs some tens of megabytes on a development machine.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	if *pprofAddr != "" {
		// Where the database's own CPU goes is the question every speed change starts from.
		go func() { fmt.Fprintln(os.Stderr, "ferretdb-dev: pprof:", http.ListenAndServe(*pprofAddr, nil)) }()
	}

	if err := run(*listen, *dataDir, *watchStdin, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-dev:", err)
		os.Exit(1)
	}
}

func run(listen, dataDir string, watchStdin bool, logLevel string) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level %q", logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return fmt.Errorf("cannot create data directory: %w", err)
	}

	// FerretDB itself listens on a private loopback port; clients reach it through the relay.
	db, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:   logger,
		Handler:  "sqlite",
		// WAL with synchronous=normal: a commit no longer waits for fsync, which dominated every write;
		// the files stay consistent after a crash of this process (only an OS crash may lose the last commits),
		// which is the right trade for a development and test database.
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	backend, err := url.Parse(db.MongoDBURI())
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", listen, err)
	}
	defer listener.Close()
	go (&relay{backend: backend.Host, logger: logger, collections: map[string]*sync.Mutex{}}).serve(listener)

	done := make(chan error, 1)
	go func() { done <- db.Run(ctx) }()

	uri := (&url.URL{Scheme: "mongodb", Host: listener.Addr().String(), Path: "/"}).String()
	line, _ := json.Marshal(map[string]string{"uri": uri, "dataDir": abs})
	fmt.Println(string(line))

	return <-done
}
