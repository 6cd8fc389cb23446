#!/bin/sh
# Regenerates the keys and certificates the crypto tests use, with the openssl CLI:
#   - an RSA root CA and RSA end entities moon, sun (hosts) and carol (a user, e-mail SAN),
#   - an ECDSA (P-384) root CA with moon-ec (P-256), sun-ec (P-384), carol-ec (P-521) and an
#     Ed25519 end entity dave-ed25519,
#   - an unrelated "other" root CA and mallory, signed by it (for wrong-CA failures).
# Subjects follow strongSwan's test network (C=CH, O=strongSwan). Validity is 20 years so the
# tests keep passing; tests that need "expired" or "not yet valid" pass a verification time
# outside the certificates' own notBefore/notAfter. The outputs are committed; run this only
# to replace them (every run makes new keys).
set -eu
cd "$(dirname "$0")"
DAYS=7300

ext() {
  # $1 = extension file name, $2 = subjectAltName value (may be empty)
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyEncipherment"
    echo "extendedKeyUsage = serverAuth, clientAuth"
    echo "subjectKeyIdentifier = hash"
    echo "authorityKeyIdentifier = keyid"
    if [ -n "$2" ]; then echo "subjectAltName = $2"; fi
  } > "$1"
}

ca() {
  # $1 = name, $2 = genpkey options, $3 = subject
  # shellcheck disable=SC2086
  openssl genpkey $2 -out "$1.key" 2>/dev/null
  openssl req -x509 -new -key "$1.key" -subj "$3" -days $DAYS -sha256 -set_serial 1 \
    -addext "basicConstraints = critical, CA:TRUE" \
    -addext "keyUsage = critical, keyCertSign, cRLSign" \
    -addext "subjectKeyIdentifier = hash" -out "$1.crt"
}

leaf() {
  # $1 = name, $2 = genpkey options, $3 = subject, $4 = CA name, $5 = serial, $6 = SANs
  # shellcheck disable=SC2086
  openssl genpkey $2 -out "$1.key" 2>/dev/null
  ext "$1.ext" "$6"
  openssl req -new -key "$1.key" -subj "$3" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$4.crt" -CAkey "$4.key" -set_serial "$5" -days $DAYS \
    -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

RSA="-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
P256="-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
P384="-algorithm EC -pkeyopt ec_paramgen_curve:P-384"
P521="-algorithm EC -pkeyopt ec_paramgen_curve:P-521"

ca ca-rsa "$RSA" "/C=CH/O=strongSwan/CN=strongSwan Root CA"
leaf moon-rsa "$RSA" "/C=CH/O=strongSwan/CN=moon.strongswan.org" ca-rsa 2 \
  "DNS:moon.strongswan.org, IP:192.168.0.1, IP:fec0::1"
leaf sun-rsa "$RSA" "/C=CH/O=strongSwan/CN=sun.strongswan.org" ca-rsa 3 \
  "DNS:sun.strongswan.org, IP:192.168.0.2"
leaf carol-rsa "$RSA" "/C=CH/O=strongSwan/OU=Research/CN=carol@strongswan.org" ca-rsa 4 \
  "email:carol@strongswan.org"

ca ca-ec "$P384" "/C=CH/O=strongSwan/CN=strongSwan EC Root CA"
leaf moon-ec "$P256" "/C=CH/O=strongSwan/CN=moon.strongswan.org" ca-ec 2 \
  "DNS:moon.strongswan.org, IP:192.168.0.1"
leaf sun-ec "$P384" "/C=CH/O=strongSwan/CN=sun.strongswan.org" ca-ec 3 \
  "DNS:sun.strongswan.org, IP:192.168.0.2"
leaf carol-ec "$P521" "/C=CH/O=strongSwan/OU=Research/CN=carol@strongswan.org" ca-ec 4 \
  "email:carol@strongswan.org"
leaf dave-ed25519 "-algorithm ED25519" "/C=CH/O=strongSwan/CN=dave.strongswan.org" ca-ec 5 \
  "DNS:dave.strongswan.org"

ca other-ca "$RSA" "/C=CH/O=Other/CN=Other Root CA"
leaf mallory "$RSA" "/C=CH/O=strongSwan/CN=moon.strongswan.org" other-ca 2 \
  "DNS:moon.strongswan.org"

# The same moon key in the traditional ("BEGIN RSA PRIVATE KEY" / "BEGIN EC PRIVATE KEY")
# encodings, and encrypted with the passphrase "moon", as key files are found in the wild.
openssl pkey -in moon-rsa.key -traditional -out moon-rsa.traditional.key
openssl ec -in moon-ec.key -out moon-ec.traditional.key 2>/dev/null
openssl pkey -in moon-rsa.key -aes256 -passout pass:moon -out moon-rsa.encrypted.key
