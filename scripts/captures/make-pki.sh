#!/usr/bin/env bash
# Usage: make-pki.sh DIR
# A private PKI for the captures: a root, an intermediate, and one leaf per certificate problem. Dates are set with
# `openssl ca -startdate/-enddate` (OpenSSL 3.0 has no `x509 -not_before`), at midnight UTC so they print cleanly.
#
#   root.pem          "tlsdiag Test Root CA"            (the client's trust anchor)
#   inter.pem         "tlsdiag Test Intermediate CA"    signed by root
#   good.*            www.tlsdiag.test                   signed by inter, valid now
#   expired.*         expired.tlsdiag.test               ended 40 days ago
#   notyet.*          notyet.tlsdiag.test                starts in 30 days
#   other.*           other.tlsdiag.test                 valid, but for another name than the client asks for
#   default.*         default.tlsdiag.test               the certificate a server hands out when there is no SNI
#   selfsigned.*      selfsigned.tlsdiag.test            its own issuer
#   rogue-root.pem    "tlsdiag Rogue Root CA"            a root no client trusts; rogue.* is signed by it
#   client.*          a client certificate (signed by inter) the client-certificate capture does NOT send
# *.chain.pem = leaf + intermediate (what a correct server sends).
set -euo pipefail
dir=${1:?usage: make-pki.sh DIR}
mkdir -p "$dir" && cd "$dir"

day() { date -u -d "$1" +%Y%m%d000000Z; }

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = the_ca
[ the_ca ]
dir = .
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
CNF
rm -rf issued index.txt* serial*
mkdir issued && : > index.txt && echo 1000 > serial

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; }

self_signed_ca() { # name cn
  key "$1"
  openssl req -new -x509 -key "$1.key" -subj "/O=tlsdiag/CN=$2" -days 3650 -sha256 \
    -config ca.cnf -extensions v3_ca -out "$1.pem"
}

# issue NAME CN ISSUER EXT START END [SAN]
issue() {
  local name=$1 cn=$2 issuer=$3 ext=$4 start=$5 end=$6 san=${7:-}
  key "$name"
  if [[ -n $san ]]; then
    openssl req -new -key "$name.key" -subj "/O=tlsdiag/CN=$cn" -addext "subjectAltName=$san" -out "$name.csr"
  else
    openssl req -new -key "$name.key" -subj "/O=tlsdiag/CN=$cn" -out "$name.csr"
  fi
  openssl ca -batch -notext -config ca.cnf -cert "$issuer.pem" -keyfile "$issuer.key" -extensions "$ext" \
    -startdate "$start" -enddate "$end" -in "$name.csr" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr"
}

now_start=$(day '-10 days')
now_end=$(day '+365 days')

self_signed_ca root 'tlsdiag Test Root CA'
issue inter 'tlsdiag Test Intermediate CA' root v3_ca "$(day '-30 days')" "$(day '+1825 days')"
issue good www.tlsdiag.test inter v3_leaf "$now_start" "$now_end" 'DNS:www.tlsdiag.test'
issue expired expired.tlsdiag.test inter v3_leaf "$(day '-405 days')" "$(day '-40 days')" 'DNS:expired.tlsdiag.test'
issue notyet notyet.tlsdiag.test inter v3_leaf "$(day '+30 days')" "$(day '+395 days')" 'DNS:notyet.tlsdiag.test'
issue other other.tlsdiag.test inter v3_leaf "$now_start" "$now_end" 'DNS:other.tlsdiag.test'
issue default default.tlsdiag.test inter v3_leaf "$now_start" "$now_end" 'DNS:default.tlsdiag.test'
issue client client.tlsdiag.test inter v3_client "$now_start" "$now_end"
self_signed_ca rogue-root 'tlsdiag Rogue Root CA'
issue rogue rogue.tlsdiag.test rogue-root v3_leaf "$now_start" "$now_end" 'DNS:rogue.tlsdiag.test'
key selfsigned
openssl req -new -x509 -key selfsigned.key -subj '/O=tlsdiag/CN=selfsigned.tlsdiag.test' -days 365 -sha256 \
  -addext 'subjectAltName=DNS:selfsigned.tlsdiag.test' -out selfsigned.pem

for leaf in good expired notyet other default; do cat "$leaf.pem" inter.pem > "$leaf.chain.pem"; done
cat rogue.pem rogue-root.pem > rogue.chain.pem
