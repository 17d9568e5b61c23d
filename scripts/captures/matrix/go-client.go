// The Go client of the capture matrix: http.Get the way a Go program fetches a URL, with the client's own timeout.
// Trust comes from the environment as on any Linux host (SSL_CERT_FILE); -max12 and -curves are the settings a
// user would put in the transport's tls.Config, and -keylog FILE its KeyLogWriter (the TLS key log, NSS key log format:
// crypto/tls reads no environment variable for it).
//
// Usage: go-client [-max12] [-curves X25519,P256] [-keylog FILE] [-timeout 4s] https://host/
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

var curves = map[string]tls.CurveID{"P256": tls.CurveP256, "P384": tls.CurveP384, "P521": tls.CurveP521, "X25519": tls.X25519}

func main() {
	max12 := flag.Bool("max12", false, "offer nothing newer than TLS 1.2")
	curveList := flag.String("curves", "", "key exchange groups to offer (comma-separated)")
	keylog := flag.String("keylog", "", "write the TLS key log (NSS key log format) to this file")
	timeout := flag.Duration("timeout", 4*time.Second, "the whole request's timeout")
	flag.Parse()

	config := &tls.Config{}
	if *max12 {
		config.MaxVersion = tls.VersionTLS12
	}
	if *curveList != "" {
		for _, name := range strings.Split(*curveList, ",") {
			config.CurvePreferences = append(config.CurvePreferences, curves[name])
		}
	}
	if *keylog != "" {
		file, err := os.OpenFile(*keylog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-client:", err)
			os.Exit(1)
		}
		defer file.Close()
		config.KeyLogWriter = file
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = config
	client := &http.Client{Transport: transport, Timeout: *timeout}
	response, err := client.Get(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	fmt.Printf("%s %s, %d bytes\n", response.Proto, response.Status, len(body))
}
