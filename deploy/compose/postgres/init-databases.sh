#!/bin/sh
# First start of a node's PostgreSQL (docker-compose.yml): one role and one database per
# service, named after it, e.g. CONCORDIA_DATABASES="registry ledger" with REGISTRY_DB_PASSWORD
# and LEDGER_DB_PASSWORD. The official image runs this once, when the data volume is empty.
set -eu
for name in $CONCORDIA_DATABASES; do
    var="$(echo "$name" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    eval "password=\${$var:?$var is not set}"
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
SQL
done
