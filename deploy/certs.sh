#!/usr/bin/env bash
# Pacto's certificate script (DESIGN §6): a federation CA, one certificate per node that
# names the node id and region, client certificates, a CRL directory, the Ed25519 token
# signing pair and a federation key, all made with OpenSSL.
#
#   deploy/certs.sh [options] OUT_DIR [NODE_ID:REGION[:NAME,...]] ...
#       Makes whatever is missing in OUT_DIR; files already there are kept, so running it
#       again (with more nodes, say) changes nothing else. NAME,... are extra DNS names
#       or IP addresses a node's certificate is valid for, besides localhost and 127.0.0.1.
#   deploy/certs.sh revoke OUT_DIR NAME
#       Revokes NAME.crt (a node id or a client name) and rewrites the CRL.
#   deploy/certs.sh crl OUT_DIR
#       Rewrites the CRL (it is valid for --crl-days; rewrite it before then).
#
# Options:
#   --client NAME        also make client certificate NAME.crt/NAME.key (repeatable;
#                        "client" is always made)
#   --days N             validity of new certificates (default 825)
#   --valid-from TIME    \ explicit validity of new node and client certificates, as
#   --valid-until TIME   / YYYYMMDDHHMMSSZ (tests use a past window for an expired one)
#   --crl-days N         validity of the CRL (default 365)
#
# OUT_DIR afterwards:
#   ca.crt ca.key          the federation CA (keep ca.key offline; only this script needs it)
#   NODE_ID.crt NODE_ID.key  a node: --tls-cert, --tls-key (and ca.crt as --tls-ca)
#   client.crt client.key  a client: pacto --ca ca.crt --cert client.crt --key client.key
#   crl/                   the CRL in OpenSSL's hashed form: pacto-node --tls-crl-dir
#   token.key token.pub    Ed25519: `pacto token mint --signing-key token.key`, and
#                          pacto-node --token-pubkey token.pub
#   federation.key         64 hex digits: pacto-node --federation-key-file
#   ca/                    the CA's books (issued certificates, serials, revocations)
#
# Identity: a certificate says who holds it in a URI subject alternative name,
#   pacto://node/NODE_ID?region=REGION   for a node (also DNS localhost, IP 127.0.0.1)
#   pacto://client/NAME                  for a client
# Nodes take a peer's node id and region from there, never from what it sends.
# Keys are ECDSA P-256 (TLS) and Ed25519 (tokens); private keys are mode 0600.
set -euo pipefail
umask 077

die() {
  printf 'certs.sh: error: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
  exit "${1:-0}"
}
command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"

days=825
crl_days=365
valid_from=""
valid_until=""
clients=(client)
mode=make
case "${1:-}" in
  revoke) mode=revoke; shift ;;
  crl) mode=crl; shift ;;
  -h | --help | help) usage 0 ;;
esac

positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    --client) [ $# -ge 2 ] || die "--client needs a name"; clients+=("$2"); shift 2 ;;
    --days) [ $# -ge 2 ] || die "--days needs a number"; days=$2; shift 2 ;;
    --crl-days) [ $# -ge 2 ] || die "--crl-days needs a number"; crl_days=$2; shift 2 ;;
    --valid-from) [ $# -ge 2 ] || die "--valid-from needs a time"; valid_from=$2; shift 2 ;;
    --valid-until) [ $# -ge 2 ] || die "--valid-until needs a time"; valid_until=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -ge 1 ] || usage 2
[[ "$days" =~ ^[0-9]+$ ]] || die "--days: not a number: $days"
[[ "$crl_days" =~ ^[0-9]+$ ]] || die "--crl-days: not a number: $crl_days"
if [ -n "$valid_from$valid_until" ]; then
  [[ "$valid_from" =~ ^[0-9]{14}Z$ && "$valid_until" =~ ^[0-9]{14}Z$ ]] ||
    die "--valid-from and --valid-until go together, as YYYYMMDDHHMMSSZ"
fi

mkdir -p "${positional[0]}"
OUT=$(cd "${positional[0]}" && pwd)
CA_DIR=$OUT/ca
CNF=$CA_DIR/openssl.cnf

valid_name() { [[ "$1" =~ ^[A-Za-z0-9._-]{1,64}$ ]]; }

write_ca_config() {
  mkdir -p "$CA_DIR/issued"
  [ -f "$CA_DIR/index.txt" ] || : >"$CA_DIR/index.txt"
  [ -f "$CA_DIR/serial" ] || openssl rand -hex 16 >"$CA_DIR/serial"
  [ -f "$CA_DIR/crlnumber" ] || echo 1000 >"$CA_DIR/crlnumber"
  cat >"$CNF" <<EOF
[ca]
default_ca = pacto_ca

[pacto_ca]
dir = $CA_DIR
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $OUT/ca.crt
private_key = $OUT/ca.key
default_md = sha256
default_days = $days
default_crl_days = $crl_days
policy = pacto_policy
unique_subject = no
copy_extensions = none
email_in_dn = no

[pacto_policy]
organizationName = optional
commonName = supplied

[crl_ext]
authorityKeyIdentifier = keyid:always
EOF
}

make_ca() {
  if [ -f "$OUT/ca.crt" ] && [ -f "$OUT/ca.key" ]; then return; fi
  [ -f "$OUT/ca.crt" ] || [ -f "$OUT/ca.key" ] &&
    die "$OUT has one of ca.crt and ca.key but not the other; refusing to replace it"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$OUT/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$OUT/ca.key" -sha256 -days 3650 \
    -subj "/O=Pacto federation/CN=Pacto federation CA $(openssl rand -hex 4)" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$OUT/ca.crt"
  echo "made the federation CA: $OUT/ca.crt"
}

# issue NAME SUBJECT_CN EXTENSIONS
issue() {
  local name=$1 cn=$2 ext=$3
  if [ -f "$OUT/$name.crt" ] && [ -f "$OUT/$name.key" ]; then return; fi
  local tmp
  tmp=$(mktemp -d)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/key" 2>/dev/null
  openssl req -new -key "$tmp/key" -subj "/O=Pacto federation/CN=$cn" -out "$tmp/csr"
  printf '[ext]\n%s\n' "$ext" >"$tmp/ext"
  local validity=(-days "$days")
  [ -n "$valid_from" ] && validity=(-startdate "$valid_from" -enddate "$valid_until")
  openssl ca -batch -notext -config "$CNF" -in "$tmp/csr" -out "$tmp/crt" \
    -extfile "$tmp/ext" -extensions ext "${validity[@]}" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; rm -rf "$tmp"; die "could not issue $name.crt"; }
  mv "$tmp/key" "$OUT/$name.key"
  chmod 600 "$OUT/$name.key"
  mv "$tmp/crt" "$OUT/$name.crt"
  chmod 644 "$OUT/$name.crt"
  rm -rf "$tmp"
  echo "issued $OUT/$name.crt ($cn)"
}

make_node() {
  local spec=$1 id region names
  IFS=: read -r id region names <<<"$spec"
  [ -n "$id" ] && [ -n "$region" ] || die "'$spec' is not NODE_ID:REGION[:NAME,...]"
  valid_name "$id" || die "node id '$id': only letters, digits, '.', '_' and '-', at most 64"
  region=$(printf '%s' "$region" | tr '[:lower:]' '[:upper:]')
  [[ "$region" =~ ^[A-Z0-9-]{1,16}$ ]] || die "region '$region': only letters, digits and '-', at most 16"
  case "$id" in ca | client | token | federation) die "'$id' is reserved; pick another node id" ;; esac
  if [ -f "$OUT/$id.crt" ]; then
    if ! openssl x509 -in "$OUT/$id.crt" -noout -ext subjectAltName 2>/dev/null |
      grep -qF "pacto://node/$id?region=$region"; then
      die "$OUT/$id.crt exists for another region; revoke it and remove $id.crt/$id.key first"
    fi
  fi
  local san="URI:pacto://node/$id?region=$region,DNS:localhost,IP:127.0.0.1"
  if [ -n "$names" ]; then
    local name
    IFS=, read -ra extra <<<"$names"
    for name in "${extra[@]}"; do
      if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then
        san+=",IP:$name"
      else
        san+=",DNS:$name"
      fi
    done
  fi
  issue "$id" "pacto node $id" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=$san"
}

make_client() {
  local name=$1
  valid_name "$name" || die "client name '$name': only letters, digits, '.', '_' and '-'"
  issue "$name" "pacto client $name" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=URI:pacto://client/$name"
}

# The CRL, and the hashed copies OpenSSL (and so gRPC's --tls-crl-dir) looks CRLs up by.
# Each new CRL goes to the next free HASH.rN: a running node has the older ones cached
# and looks for the next suffix at every handshake, so it sees a revocation at once
# (the newest CRL wins); the older files must stay, the suffixes must not have gaps.
write_crl() {
  mkdir -p "$OUT/crl"
  # OpenSSL prefers the newer of two CRLs only by their issue time, in whole seconds: a
  # CRL issued in the same second as the one before would lose to it.
  if [ -f "$OUT/crl/ca.crl.pem" ]; then
    local last
    last=$(date -d "$(openssl crl -in "$OUT/crl/ca.crl.pem" -noout -lastupdate | cut -d= -f2)" +%s)
    while [ "$(date +%s)" -le "$last" ]; do sleep 0.1; done
  fi
  local tmp
  tmp=$(mktemp)
  openssl ca -batch -config "$CNF" -gencrl -crlexts crl_ext -out "$tmp" 2>/dev/null ||
    { rm -f "$tmp"; die "could not write the CRL"; }
  local hash n=0
  hash=$(openssl crl -in "$tmp" -noout -hash)
  chmod 644 "$tmp"
  while [ -e "$OUT/crl/$hash.r$n" ]; do n=$((n + 1)); done
  cp "$tmp" "$OUT/crl/.$hash.r$n.tmp"
  chmod 644 "$OUT/crl/.$hash.r$n.tmp"
  mv "$OUT/crl/.$hash.r$n.tmp" "$OUT/crl/$hash.r$n"
  mv "$tmp" "$OUT/crl/ca.crl.pem"
  chmod 755 "$OUT/crl"
}

make_token_keys() {
  if [ -f "$OUT/token.key" ] && [ -f "$OUT/token.pub" ]; then return; fi
  openssl genpkey -algorithm ED25519 -out "$OUT/token.key"
  chmod 600 "$OUT/token.key"
  openssl pkey -in "$OUT/token.key" -pubout -out "$OUT/token.pub"
  chmod 644 "$OUT/token.pub"
  echo "made the token signing pair: $OUT/token.key (secret) and $OUT/token.pub"
}

make_federation_key() {
  [ -f "$OUT/federation.key" ] && return
  openssl rand -hex 32 >"$OUT/federation.key"
  chmod 600 "$OUT/federation.key"
  echo "made the federation key: $OUT/federation.key"
}

case "$mode" in
  make)
    make_ca
    write_ca_config
    for spec in "${positional[@]:1}"; do make_node "$spec"; done
    for name in "${clients[@]}"; do make_client "$name"; done
    [ -f "$OUT/crl/ca.crl.pem" ] || write_crl
    make_token_keys
    make_federation_key
    chmod 644 "$OUT/ca.crt"
    ;;
  revoke)
    [ ${#positional[@]} -eq 2 ] || die "usage: certs.sh revoke OUT_DIR NAME"
    [ -f "$OUT/ca.key" ] || die "$OUT has no CA"
    write_ca_config
    name=${positional[1]}
    [ -f "$OUT/$name.crt" ] || die "$OUT/$name.crt does not exist"
    serial=$(openssl x509 -in "$OUT/$name.crt" -noout -serial | cut -d= -f2)
    if grep -q "^R.*[[:space:]]$serial[[:space:]]" "$CA_DIR/index.txt"; then
      echo "$name.crt (serial $serial) was already revoked"
    else
      openssl ca -batch -config "$CNF" -revoke "$OUT/$name.crt" 2>/dev/null ||
        die "could not revoke $name.crt"
      echo "revoked $name.crt (serial $serial)"
    fi
    write_crl
    echo "wrote $OUT/crl/ (running nodes given it as --tls-crl-dir refuse $name from now on)"
    ;;
  crl)
    [ -f "$OUT/ca.key" ] || die "$OUT has no CA"
    write_ca_config
    write_crl
    echo "wrote $OUT/crl/"
    ;;
esac
