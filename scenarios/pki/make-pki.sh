#!/bin/sh
# Regenerates the test PKI the scenarios use, in the shape of strongSwan's test network:
#   strongswanCert.pem / strongswanKey.pem      root CA "C=CH, O=strongSwan Project,
#                                               CN=strongSwan Root CA" (RSA 3072)
#   moonCert.pem / moonKey.pem                  moon.strongswan.org, 192.168.0.1 (RSA 3072)
#   sunCert.pem / sunKey.pem                    sun.strongswan.org, 192.168.0.2 (RSA 3072)
#   moonEcdsaCert.pem / moonEcdsaKey.pem        the same identities with NIST P-256 keys
#   sunEcdsaCert.pem / sunEcdsaKey.pem
# Every end-entity certificate is signed by the root CA and carries its host's DNS name and
# IPv4 address as subjectAltNames, so either can serve as the IKE identity (RFC 4945 §3.1).
# Validity is 20 years from the day the script runs. The outputs are committed: scenarios and
# their captures do not depend on when the PKI was made. Run this only to replace them (each
# run makes new keys).
set -eu
cd "$(dirname "$0")"
DAYS=7300
RSA="-algorithm RSA -pkeyopt rsa_keygen_bits:3072"
P256="-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# $1 = key file, $2 = genpkey options
key() {
  # shellcheck disable=SC2086
  openssl genpkey $2 -out "$1" 2>/dev/null
  chmod 0600 "$1"
}

# $1 = certificate, $2 = key, $3 = subject, $4 = serial, $5 = subjectAltName
leaf() {
  cat > "$TMP/ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $5
EXT
  openssl req -new -key "$2" -subj "$3" -out "$TMP/csr"
  openssl x509 -req -in "$TMP/csr" -CA strongswanCert.pem -CAkey strongswanKey.pem \
    -set_serial "$4" -days $DAYS -sha256 -extfile "$TMP/ext" -out "$1" 2>/dev/null
}

key strongswanKey.pem "$RSA"
openssl req -x509 -new -key strongswanKey.pem \
  -subj "/C=CH/O=strongSwan Project/CN=strongSwan Root CA" -days $DAYS -sha256 -set_serial 1 \
  -addext "basicConstraints = critical, CA:TRUE" \
  -addext "keyUsage = critical, keyCertSign, cRLSign" \
  -addext "subjectKeyIdentifier = hash" -out strongswanCert.pem

key moonKey.pem "$RSA"
leaf moonCert.pem moonKey.pem "/C=CH/O=strongSwan Project/CN=moon.strongswan.org" 2 \
  "DNS:moon.strongswan.org, IP:192.168.0.1"
key sunKey.pem "$RSA"
leaf sunCert.pem sunKey.pem "/C=CH/O=strongSwan Project/CN=sun.strongswan.org" 3 \
  "DNS:sun.strongswan.org, IP:192.168.0.2"
key moonEcdsaKey.pem "$P256"
leaf moonEcdsaCert.pem moonEcdsaKey.pem "/C=CH/O=strongSwan Project/CN=moon.strongswan.org" 4 \
  "DNS:moon.strongswan.org, IP:192.168.0.1"
key sunEcdsaKey.pem "$P256"
leaf sunEcdsaCert.pem sunEcdsaKey.pem "/C=CH/O=strongSwan Project/CN=sun.strongswan.org" 5 \
  "DNS:sun.strongswan.org, IP:192.168.0.2"

for c in moonCert.pem sunCert.pem moonEcdsaCert.pem sunEcdsaCert.pem; do
  openssl verify -CAfile strongswanCert.pem "$c" >/dev/null
done
echo "make-pki.sh: wrote the root CA and four end-entity certificates in $(pwd)"
