#!/usr/bin/env bash
# Generates the keys a Keyturn deployment needs, with openssl, into a directory (default: keys/).
#   scripts/generate-keys.sh [DIR] [RS256|ES256]
# Writes DIR/signing-key.pem (PKCS#8 private key followed by its public key) and DIR/signing-public-key.pem,
# and prints the KEYTURN_* lines to put in .env. Never commit the output.
set -euo pipefail
dir=${1:-keys}
alg=${2:-RS256}
mkdir -p "$dir"
umask 077
case "$alg" in
  RS256) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing-private.pem" 2>/dev/null ;;
  ES256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/signing-private.pem" 2>/dev/null ;;
  *) echo "algorithm must be RS256 or ES256" >&2; exit 2 ;;
esac
openssl pkey -in "$dir/signing-private.pem" -pubout -out "$dir/signing-public-key.pem"
cat "$dir/signing-private.pem" "$dir/signing-public-key.pem" > "$dir/signing-key.pem"
rm "$dir/signing-private.pem"
secret=$(openssl rand -base64 32)
echo "KEYTURN_SIGNING_ALGORITHM=$alg"
echo "KEYTURN_SIGNING_KEY=$dir/signing-key.pem"
echo "KEYTURN_REFRESH_TOKEN_SECRET=$secret"
