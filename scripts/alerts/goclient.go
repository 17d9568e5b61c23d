// A Go crypto/tls client for alert-matrix.sh: connects, trusting only the given root, and says how it ended.
//
// usage: goclient HOST PORT ROOT.pem
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

func main() {
	pem, err := os.ReadFile(os.Args[3])
	if err != nil {
		panic(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	conn, err := tls.Dial("tcp", "127.0.0.1:"+os.Args[2], &tls.Config{RootCAs: roots, ServerName: os.Args[1]})
	if err != nil {
		fmt.Println("go error:", err)
		os.Exit(1)
	}
	fmt.Println("go ok")
	conn.Close()
}
