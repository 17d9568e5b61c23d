"""The Python client of the capture matrix: ssl.create_default_context + wrap_socket + one GET, the way a Python
program talks HTTPS without a library. Trust is the file a user points the context at; the socket has the user's
4 s timeout. --max12 caps the context at TLS 1.2 (ssl.TLSVersion.TLSv1_2).

Usage: python-client.py [--max12] --cafile ROOT.pem HOST
"""
import argparse
import socket
import ssl
import sys

parser = argparse.ArgumentParser()
parser.add_argument('--cafile')
parser.add_argument('--max12', action='store_true')
parser.add_argument('host')
args = parser.parse_args()

context = ssl.create_default_context(cafile=args.cafile)
if args.max12:
    context.maximum_version = ssl.TLSVersion.TLSv1_2
try:
    with socket.create_connection((args.host, 443), timeout=4) as raw:
        with context.wrap_socket(raw, server_hostname=args.host) as tls:
            tls.sendall(f'GET / HTTP/1.1\r\nHost: {args.host}\r\nConnection: close\r\n\r\n'.encode())
            received = 0
            while chunk := tls.recv(65536):
                received += len(chunk)
            print(f'{tls.version()} {tls.cipher()[0]}: {received} bytes')
except (OSError, ssl.SSLError) as error:
    print(f'python-client: {error!r}', file=sys.stderr)
    sys.exit(1)
