// The Go client of the capture matrix: http.Get the way a Go program fetches a URL, with the client's own timeout.
// Trust comes from the environment as on any Linux host (SSL_CERT_FILE); -max12 and -curves are the settings a
// user would put in the transport's tls.Config.
//
// Usage: go-client [-max12] [-curves X25519,P256] [-timeout 4s] https://host/
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
