# start_test_postgres: install (if missing) and start Debian's PostgreSQL, with a role that may create
# databases; sets TEST_POSTGRES_URL. Used by .ci/run, and by hand:  source .ci/postgres.sh && start_test_postgres
start_test_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      echo "installing PostgreSQL (Debian's package)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib
    else
      echo "PostgreSQL is not installed and cannot be installed here (need root and apt-get)" >&2
      return 1
    fi
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
    pg_createcluster --locale C.UTF-8 "$version" main >/dev/null
  fi
  local conf="/etc/postgresql/$version/main/conf.d/towndesk-tests.conf"
  if [ ! -f "$conf" ]; then
    printf '%s\n' "# TownDesk's tests only: throwaway data" "fsync = off" "synchronous_commit = off" \
      "full_page_writes = off" "max_connections = 200" > "$conf"
    pg_ctlcluster "$version" main restart 2>/dev/null || true
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname = 'towndesk_test'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"create role towndesk_test login password 'towndesk_test' createdb\""
  # each test database is dropped WITH (FORCE), which must also stop an autovacuum worker busy in it: a role
  # that is not a superuser may do that only as a member of pg_signal_backend
  su postgres -c "psql -qc 'grant pg_signal_backend to towndesk_test'" >/dev/null
  export TEST_POSTGRES_URL="postgresql://towndesk_test:towndesk_test@localhost/postgres"
  echo "PostgreSQL $version is running for the tests ($TEST_POSTGRES_URL)"
}
