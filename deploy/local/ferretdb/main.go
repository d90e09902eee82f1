// Command ferretdb-local runs an embedded FerretDB (MongoDB wire protocol)
// with the PostgreSQL backend on a local TCP address, for tests and local
// "distributed mode". It exists because a plain
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb@vX` panics at start:
// that binary needs build/version/version.txt, which is generated in the
// FerretDB repository and is not part of the published module. Embedding the
// `ferretdb` package from our own main module avoids that check.
//
// Usage:
//
//	ferretdb-local serve -listen-addr 127.0.0.1:27017 -postgresql-url postgres://ferretdb@127.0.0.1:5432/ferretdb?pool_max_conns=250
//	ferretdb-local ping  -addr 127.0.0.1:27017 [-timeout 2s]
//
// `serve` stops cleanly on SIGTERM or SIGINT. `ping` sends a real MongoDB
// OP_MSG {ping: 1} to the server and exits 0 only if it answers {ok: 1}.
// (The SQLite backend is not offered: it pushes no filter or sort down to
// SQL and could not keep up with distributed mode; see deploy/local/README.md.)
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

// reportModuleVersion makes `buildInfo` (ferretdbVersion) and `getLog
// startupWarnings` ("Powered by FerretDB vX and PostgreSQL Y") name the real
// FerretDB version: embedded, FerretDB reports "unknown" because its
// version.txt is generated in its own repository. The module version the
// binary was built with is the truth, so clients (the benchmark) can ask the
// server what it is.
func reportModuleVersion() {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}

	for _, dep := range bi.Deps {
		if dep.Path == "github.com/FerretDB/FerretDB" && dep.Version != "" {
			if info := version.Get(); info != nil && info.Version == "unknown" {
				info.Version = dep.Version
			}

			return
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}

	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "ping":
		err = ping(os.Args[2:])
	default:
		usage()
	}

	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-local %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: ferretdb-local serve -listen-addr HOST:PORT -postgresql-url URL [-log-level debug|info|warn|error]")
	fmt.Fprintln(os.Stderr, "       ferretdb-local ping -addr HOST:PORT [-timeout 2s]")
	os.Exit(2)
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listenAddr := fs.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	postgresqlURL := fs.String("postgresql-url", "", "PostgreSQL URL of the backend database (required), e.g. postgres://user@127.0.0.1:5432/ferretdb?pool_max_conns=250")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	_ = fs.Parse(args)

	if *postgresqlURL == "" {
		return errors.New("-postgresql-url is required")
	}

	u, err := url.Parse(*postgresqlURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("-postgresql-url must be a postgres:// URL, got %q", *postgresqlURL)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	reportModuleVersion()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: *postgresqlURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// The URL names no password (trust auth on loopback), so it can be logged.
	logger.Info("ferretdb-local starting", "listen", *listenAddr, "postgresql", u.Redacted(), "pid", os.Getpid())

	if err := f.Run(ctx); err != nil {
		return err
	}

	logger.Info("ferretdb-local stopped")

	return nil
}

func ping(args []string) error {
	fs := flag.NewFlagSet("ping", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:27017", "server address")
	timeout := fs.Duration("timeout", 2*time.Second, "overall timeout")
	_ = fs.Parse(args)

	conn, err := net.DialTimeout("tcp", *addr, *timeout)
	if err != nil {
		return err
	}
	defer conn.Close()

	if err = conn.SetDeadline(time.Now().Add(*timeout)); err != nil {
		return err
	}

	// BSON document {ping: int32(1), $db: "admin"}.
	var doc bytes.Buffer
	doc.WriteByte(0x10) // int32
	doc.WriteString("ping\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(1))
	doc.WriteByte(0x02) // string
	doc.WriteString("$db\x00")
	_ = binary.Write(&doc, binary.LittleEndian, int32(len("admin")+1))
	doc.WriteString("admin\x00")
	doc.WriteByte(0x00)

	// doc already ends with the document terminator; prefix the int32 length.
	body := make([]byte, 0, 4+doc.Len())
	body = binary.LittleEndian.AppendUint32(body, uint32(4+doc.Len()))
	body = append(body, doc.Bytes()...)

	// OP_MSG: header, flagBits, section kind 0, document.
	var msg bytes.Buffer
	const opMsg = 2013
	_ = binary.Write(&msg, binary.LittleEndian, int32(16+4+1+len(body))) // messageLength
	_ = binary.Write(&msg, binary.LittleEndian, int32(1))                // requestID
	_ = binary.Write(&msg, binary.LittleEndian, int32(0))                // responseTo
	_ = binary.Write(&msg, binary.LittleEndian, int32(opMsg))            // opCode
	_ = binary.Write(&msg, binary.LittleEndian, uint32(0))               // flagBits
	msg.WriteByte(0)                                                     // section kind 0: body
	msg.Write(body)

	if _, err = conn.Write(msg.Bytes()); err != nil {
		return err
	}

	header := make([]byte, 16)
	if _, err = io.ReadFull(conn, header); err != nil {
		return fmt.Errorf("reading reply header: %w", err)
	}

	length := int(binary.LittleEndian.Uint32(header[0:4]))
	if length < 16+4+1+5 || length > 16<<20 {
		return fmt.Errorf("bad reply length %d", length)
	}

	if op := binary.LittleEndian.Uint32(header[12:16]); op != opMsg {
		return fmt.Errorf("unexpected reply opcode %d", op)
	}

	rest := make([]byte, length-16)
	if _, err = io.ReadFull(conn, rest); err != nil {
		return fmt.Errorf("reading reply: %w", err)
	}

	// Skip flagBits and the section kind byte, then walk the reply document.
	ok, err := findOK(rest[5:])
	if err != nil {
		return err
	}

	if !ok {
		return errors.New("server replied with ok != 1")
	}

	fmt.Println("ok")

	return nil
}

// findOK walks a BSON document's top-level elements and reports whether "ok" is 1.
func findOK(doc []byte) (bool, error) {
	if len(doc) < 5 {
		return false, errors.New("short reply document")
	}

	n := int(binary.LittleEndian.Uint32(doc[0:4]))
	if n > len(doc) || n < 5 {
		return false, errors.New("bad reply document length")
	}

	b := doc[4 : n-1]
	for len(b) > 0 {
		typ := b[0]
		b = b[1:]

		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return false, errors.New("bad element name")
		}

		name := string(b[:i])
		b = b[i+1:]

		var size int
		switch typ {
		case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
			size = 8
		case 0x10: // int32
			size = 4
		case 0x08: // bool
			size = 1
		case 0x0A: // null
			size = 0
		case 0x07: // ObjectId
			size = 12
		case 0x02: // string
			if len(b) < 4 {
				return false, errors.New("short string")
			}
			size = 4 + int(binary.LittleEndian.Uint32(b[0:4]))
		case 0x03, 0x04: // document, array
			if len(b) < 4 {
				return false, errors.New("short document")
			}
			size = int(binary.LittleEndian.Uint32(b[0:4]))
		default:
			return false, fmt.Errorf("unsupported BSON type 0x%02x in reply", typ)
		}

		if size > len(b) {
			return false, errors.New("truncated reply")
		}

		if name == "ok" {
			switch typ {
			case 0x01:
				return math.Float64frombits(binary.LittleEndian.Uint64(b[:8])) == 1, nil
			case 0x10:
				return int32(binary.LittleEndian.Uint32(b[:4])) == 1, nil
			case 0x12:
				return int64(binary.LittleEndian.Uint64(b[:8])) == 1, nil
			case 0x08:
				return b[0] == 1, nil
			}
		}

		b = b[size:]
	}

	return false, errors.New(`no "ok" field in reply`)
}
