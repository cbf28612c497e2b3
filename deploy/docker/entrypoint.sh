#!/bin/sh
# Entrypoint of every service image (deploy/docker/Dockerfile, built with SERVICE=<name> of
# concordia.kit.SERVICES). The image sets SERVICE, and SERVICE_DEFAULTS names the file the build
# wrote from the kit's list: APP_FACTORY (the service's `main`, which sets up logging) and
# CONCORDIA_<SERVICE>_DATABASE_URL (SQLite under /data), each kept when already set.
#
#   start     (default) migrate the database to the newest schema, then serve
#   migrate   migrate and exit: a Kubernetes initContainer, a compose one-shot service or a job
#   serve     serve only; the app refuses to start on an unmigrated database
#   <other>   run that command instead, e.g. `sh` or `python -c ...`
#
# Settings come from the environment (CONCORDIA_ENV, CONCORDIA_NODE, CONCORDIA_NATS_URL,
# CONCORDIA_TOKENS_FILE, CONCORDIA_NODE_KEY, CONCORDIA_<SERVICE>_DATABASE_URL, ...;
# CONCORDIA_IDENTITY_KEY_SOURCE: see identity_key below);
# WORKERS sets the number of uvicorn worker processes (default 2), PORT the port (default 8000).
set -eu

: "${SERVICE:?SERVICE is not set (a name of concordia.kit.SERVICES: registry, ledger, hub, ...)}"
if [ -n "${SERVICE_DEFAULTS:-}" ]; then
    # shellcheck disable=SC1090  # written at build time by deploy/docker/service.py
    . "$SERVICE_DEFAULTS"
fi
: "${APP_FACTORY:=concordia.${SERVICE}.app:main}"

migrate() {
    # The kit's list names the service's settings class, so the migration and the app agree on
    # the database, and a prod node key is checked before anything is written. The kit's upgrade
    # applies the service's Alembic branch and the kit's (the tables the libraries own).
    python -c '
import os

from sqlalchemy.engine import make_url

from concordia.kit import service_named, upgrade

spec = service_named(os.environ["SERVICE"])
url = spec.settings_class()().database_url
upgrade(spec.service_dir(), url)
print(f"{spec.name}: {make_url(url).render_as_string(hide_password=True)} is at head", flush=True)
'
}

identity_key() {
    # The node's signing key arrives on a read-only mount (a Kubernetes Secret, a compose bind
    # mount) that the service's group may read, and the identity loader takes only a 0600 file
    # of its own: CONCORDIA_IDENTITY_KEY_SOURCE names the mounted key, copied here to
    # CONCORDIA_IDENTITY_KEY_FILE (on a memory volume) with mode 0600. Unset: nothing copied.
    if [ -n "${CONCORDIA_IDENTITY_KEY_SOURCE:-}" ]; then
        : "${CONCORDIA_IDENTITY_KEY_FILE:?CONCORDIA_IDENTITY_KEY_SOURCE is set: set CONCORDIA_IDENTITY_KEY_FILE too}"
        install -m 0600 "$CONCORDIA_IDENTITY_KEY_SOURCE" "$CONCORDIA_IDENTITY_KEY_FILE"
    fi
}

serve() {
    # exec: uvicorn becomes PID 1 and gets SIGTERM itself, for a graceful shutdown.
    # --no-access-log: the app writes its own JSON line per request.
    exec uvicorn --factory "$APP_FACTORY" \
        --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}" \
        --no-access-log --no-server-header --timeout-graceful-shutdown 20
}

case "${1:-start}" in
    start) migrate; identity_key; serve ;;
    migrate) migrate ;;
    serve) identity_key; serve ;;
    *) exec "$@" ;;
esac
