#!/bin/sh
# A private certificate authority and the server certificates the production compose file needs:
#   ca.pem                               the CA every service trusts (SSL_CERT_FILE, ?cafile=)
#   rabbitmq.pem / rabbitmq-key.pem      the broker's TLS listener (amqps://rabbitmq:5671)
#   minio.pem / minio-key.pem            the object store's HTTPS (s3://…@minio:9000/…?secure=true)
#   materials.pem / materials-key.pem    the hub's feed (gRPC over TLS) that mirrors connect to
#
#   deploy/make-tls.sh [DIR] [HUB_NAME...]
#
# DIR defaults to deploy/tls. HUB_NAME: the names mirrors reach the hub by (e.g. hub.region.example),
# added to the hub certificate; give mirrors ca.pem (OLYMP_MATERIALS_TLS_ROOT_CERT_FILE).
# Existing files are kept: run it again after deleting the ones to renew. With certificates from
# your own CA, put them under these names instead and skip this script.
set -eu
dir=${1:-"$(dirname "$0")/tls"}
[ $# -gt 0 ] && shift
days=825
mkdir -p "$dir"
chmod 0700 "$dir"
cd "$dir"
umask 022

if [ ! -f ca.pem ]; then
    openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=olymp private CA" \
        -keyout ca-key.pem -out ca.pem 2>/dev/null
    chmod 0600 ca-key.pem
fi

server() {  # name, subjectAltName list
    [ -f "$1.pem" ] && return 0
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.csr" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$2" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
    # read by the containers' own users (rabbitmq 999, minio root, services 1000); the directory
    # on the host is what keeps them private
    chmod 0644 "$1-key.pem"
}

hub_names="DNS:materials,DNS:localhost"
for name in "$@"; do
    hub_names="$hub_names,DNS:$name"
done
server rabbitmq "DNS:rabbitmq,DNS:localhost"
server minio "DNS:minio,DNS:localhost"
server materials "$hub_names"
echo "TLS files in $dir: ca.pem, rabbitmq.pem, minio.pem, materials.pem (+ -key.pem)" >&2
