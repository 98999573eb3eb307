#!/usr/bin/env bash
# Sets Portwatch up on a fresh Debian machine (Python 3.11), then runs the service or its tests.
#
#   bash scripts/portwatch.sh run     install what is missing, start Redis if none runs, run
#   bash scripts/portwatch.sh demo    the same, on a local sample feed (no internet needed)
#   bash scripts/portwatch.sh test    install what is missing, run the whole test suite
#
# Installs: redis-server and python3-venv from Debian's packages (only when missing), and the
# virtual environment .venv/ at the repository root with Portwatch in it.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in run|demo|test) ;; *) echo "usage: bash scripts/portwatch.sh run|demo|test" >&2; exit 2 ;; esac
shift

say() { printf 'portwatch-setup: %s\n' "$*" >&2; }

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing ${missing[*]} from Debian's packages"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv/"
  python3 -m venv .venv
fi
stamp=.venv/.portwatch-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "installing Portwatch and its dependencies into .venv/ (log: var/setup.log)"
  mkdir -p var
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -e '.[dev]'; } > var/setup.log 2>&1; then
    tail -n 30 var/setup.log >&2
    say "installing failed; the whole log is in var/setup.log"
    exit 1
  fi
  touch "$stamp"
fi

if [ "$mode" = test ]; then
  # The tests start their own redis-server on a free loopback port; no service is needed.
  exec .venv/bin/python -m pytest "$@"
fi

redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
if .venv/bin/python - "$redis_url" <<'PY' 2>/dev/null
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()
PY
then
  say "using the Redis already running at $redis_url"
elif [ -z "${REDIS_URL:-}" ]; then
  mkdir -p var/redis
  say "starting redis-server on 127.0.0.1:6379 (AOF everysec, noeviction, data in var/redis/)"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --dir "$PWD/var/redis" --logfile "$PWD/var/redis/redis.log" --pidfile "$PWD/var/redis/redis.pid"
  for _ in $(seq 1 50); do
    .venv/bin/python -c 'import redis; redis.Redis(socket_connect_timeout=1).ping()' 2>/dev/null && break
    sleep 0.1
  done
else
  say "REDIS_URL=$redis_url does not answer; start that Redis, or unset REDIS_URL to use a local one"
  exit 1
fi

exec .venv/bin/portwatch "$mode" "$@"
