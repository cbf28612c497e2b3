#!/bin/sh
# Entrypoint of deploy/docker/postgres/Dockerfile. On an empty PGDATA: initdb with the superuser
# POSTGRES_USER (default postgres) and POSTGRES_PASSWORD (required), password authentication for
# every TCP client, then the scripts of /docker-entrypoint-initdb.d (*.sh sourced by sh, *.sql
# by psql) against a server listening on its Unix socket only; then the server itself, as PID 1.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}"

if [ "${1:-postgres}" != postgres ]; then
    exec "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set (the superuser password)}"
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --pgdata="$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 \
        --locale=C --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    pg_ctl --pgdata="$PGDATA" --wait --silent -o "-c listen_addresses=''" start
    if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
        psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -v db="$POSTGRES_DB" \
            -c 'CREATE DATABASE :"db"' >/dev/null
    fi
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sh) echo "postgres init: $script"; POSTGRES_USER="$user" sh "$script" ;;
            *.sql) echo "postgres init: $script"; psql -v ON_ERROR_STOP=1 --username "$user" --dbname postgres -f "$script" ;;
            *) ;;
        esac
    done
    pg_ctl --pgdata="$PGDATA" --wait --silent -m fast stop
    echo "postgres init: done"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*'
