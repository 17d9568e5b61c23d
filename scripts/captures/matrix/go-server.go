// The Go server of the capture matrix: an HTTPS server on crypto/tls the way a Go service runs one, plus the raw TCP
// behaviours no TLS server has a switch for.
//
// Usage: go-server -mode tls|silent|reset|close|http [-addr :443] [tls flags]
//
//	tls     net/http over crypto/tls: -cert (leaf + chain, PEM) -key, -min/-max (1.0 … 1.3), -ciphers (Go names,
//	        comma-separated; TLS 1.2 only, as crypto/tls allows), -curves (P256,P384,P521,X25519), -clientca (require
//	        and verify a client certificate signed by it), -names (the only server names it serves: any other SNI,
//	        or none, makes GetCertificate fail)
//	silent  accepts connections and never writes a byte (the client's own timeout ends it)
//	reset   reads the ClientHello, then aborts with a RST (SO_LINGER 0)
//	close   reads the ClientHello, then closes with a FIN and no alert
//	http    plain HTTP/1.1 on the TLS port: net/http answers the ClientHello with 400 Bad Request
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

var versions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}
var curves = map[string]tls.CurveID{"P256": tls.CurveP256, "P384": tls.CurveP384, "P521": tls.CurveP521, "X25519": tls.X25519}

func main() {
	mode := flag.String("mode", "tls", "tls|silent|reset|close|http")
	addr := flag.String("addr", ":443", "listen address")
	cert := flag.String("cert", "", "certificate chain (PEM)")
	key := flag.String("key", "", "private key (PEM)")
	minVersion := flag.String("min", "1.2", "lowest TLS version")
	maxVersion := flag.String("max", "1.3", "highest TLS version")
	ciphers := flag.String("ciphers", "", "TLS 1.2 cipher suites (Go names, comma-separated)")
	curveList := flag.String("curves", "", "key exchange groups (comma-separated)")
	clientCA := flag.String("clientca", "", "require a client certificate issued under this CA")
	names := flag.String("names", "", "the server names served; any other SNI is refused")
	flag.Parse()

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("go-server %s listening on %s", *mode, *addr)
	switch *mode {
	case "tls":
		config := tlsConfig(*cert, *key, *minVersion, *maxVersion, *ciphers, *curveList, *clientCA, *names)
		server := &http.Server{
			Handler:  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }),
			ErrorLog: log.New(os.Stderr, "http: ", 0),
		}
		log.Fatal(server.Serve(tls.NewListener(listener, config)))
	case "http":
		log.Fatal(http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })))
	case "silent", "reset", "close":
		raw(listener, *mode)
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
}

func tlsConfig(cert, key, minVersion, maxVersion, ciphers, curveList, clientCA, names string) *tls.Config {
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		log.Fatal(err)
	}
	config := &tls.Config{MinVersion: versions[minVersion], MaxVersion: versions[maxVersion]}
	if names == "" {
		config.Certificates = []tls.Certificate{pair}
	} else {
		served := strings.Split(names, ",")
		config.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			for _, name := range served {
				if hello.ServerName == name {
					return &pair, nil
				}
			}
			return nil, fmt.Errorf("no certificate for server name %q", hello.ServerName)
		}
	}
	if ciphers != "" {
		byName := map[string]uint16{}
		for _, suite := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
			byName[suite.Name] = suite.ID
		}
		for _, name := range strings.Split(ciphers, ",") {
			id, ok := byName[name]
			if !ok {
				log.Fatalf("unknown cipher suite %q", name)
			}
			config.CipherSuites = append(config.CipherSuites, id)
		}
	}
	if curveList != "" {
		for _, name := range strings.Split(curveList, ",") {
			config.CurvePreferences = append(config.CurvePreferences, curves[name])
		}
	}
	if clientCA != "" {
		pem, err := os.ReadFile(clientCA)
		if err != nil {
			log.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		config.ClientCAs = pool
		config.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return config
}

func raw(listener net.Listener, mode string) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Fatal(err)
		}
		go func(conn net.Conn) {
			if mode == "silent" {
				// hold the connection open, unanswered, until the client gives up
				buffer := make([]byte, 4096)
				for {
					if _, err := conn.Read(buffer); err != nil {
						conn.Close()
						return
					}
				}
			}
			buffer := make([]byte, 4096)
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, _ := conn.Read(buffer)
			log.Printf("read %d bytes, %s", n, mode)
			if mode == "reset" {
				conn.(*net.TCPConn).SetLinger(0)
			}
			conn.Close()
		}(conn)
	}
}
