# A Python ssl client for alert-matrix.sh: connects with the default context (host name checked), trusting only the
# given root, and says how it ended.
#
# usage: python3 pyclient.py HOST PORT ROOT.pem
import socket
import ssl
import sys

host, port, root = sys.argv[1:4]
context = ssl.create_default_context(cafile=root)
try:
    with socket.create_connection(('127.0.0.1', int(port))) as raw:
        with context.wrap_socket(raw, server_hostname=host):
            print('python ok')
except (OSError, ssl.SSLError) as error:
    print('python error:', error)
