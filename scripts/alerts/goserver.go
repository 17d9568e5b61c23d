// A Go crypto/tls server for alert-matrix.sh: accepts one connection, set up for one refusal, and reports the
// handshake's outcome.
//
// usage: goserver PORT CHAIN.pem KEY.pem MODE [CLIENT-ROOT.pem]
//   MODE plain       defaults
//        x25519only  CurvePreferences X25519 only
//        clientcert  RequireAndVerifyClientCert against CLIENT-ROOT.pem
//        sni         no static certificate: GetCertificate serves www.tlsdiag.test and refuses any other name
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

func main() {
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		panic(err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch os.Args[4] {
	case "x25519only":
		config.CurvePreferences = []tls.CurveID{tls.X25519}
	case "clientcert":
		pem, err := os.ReadFile(os.Args[5])
		if err != nil {
			panic(err)
		}
		clientRoots := x509.NewCertPool()
		clientRoots.AppendCertsFromPEM(pem)
		config.ClientCAs = clientRoots
		config.ClientAuth = tls.RequireAndVerifyClientCert
	case "sni":
		config.Certificates = nil
		config.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if hello.ServerName == "www.tlsdiag.test" {
				return &cert, nil
			}
			return nil, errors.New("no certificate for this name")
		}
	}
	listener, err := tls.Listen("tcp", "127.0.0.1:"+os.Args[1], config)
	if err != nil {
		panic(err)
	}
	conn, err := listener.Accept()
	if err != nil {
		panic(err)
	}
	fmt.Println("go server handshake:", conn.(*tls.Conn).Handshake())
	conn.Close()
}
