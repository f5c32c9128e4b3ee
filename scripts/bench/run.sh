#!/usr/bin/env bash
# plancheck benchmark: plancheck against the GDAL read floor, SpatiaLite SQL
# and PostGIS SQL on the same generated GeoPackage, with answers checked
# against the generator's ground truth.  See scripts/bench/README.md.
#
# Usage: scripts/bench/run.sh [N ...]        (default: 10000 100000 1000000)
# Environment:
#   BENCH_SEED=1         generator seed
#   BENCH_POSTGIS=1      0: skip PostGIS (1: install it if missing, as root)
#   BENCH_SPATIALITE=1   0: skip SpatiaLite
#   BENCH_PG_PARALLEL=2  max_parallel_workers_per_gather of the PG cluster
#   BENCH_KEEP_PG=0      1: keep the throw-away cluster's files afterwards
# Exit status: 0 when every tool that ran found the truth for every check it
# runs, 1 on a mismatch or a failed tool, 2 on a usage or set-up error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench=$root/build/bench
seed=${BENCH_SEED:-1}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 1000000)
for n in "${sizes[@]}"; do
  if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1000 ]; then
    echo "bench: N must be an integer >= 1000: $n" >&2; exit 2
  fi
done

say() { printf 'bench: %s\n' "$*" >&2; }

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo=sudo; fi
apt_updated=0
# install Debian packages that are missing; returns 1 when it cannot
install_pkgs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; then
    say "need root or sudo to install: ${missing[*]}"; return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ $apt_updated -eq 0 ]; then
    $sudo apt-get update -qq || return 1
    apt_updated=1
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- tools
install_pkgs time || { say "/usr/bin/time is needed (package time)"; exit 2; }
if ! command -v gdal-config >/dev/null || ! command -v ogr2ogr >/dev/null ||
   ! command -v spatialite >/dev/null || ! command -v cc >/dev/null; then
  "$root/scripts/install-deps.sh"
fi
mkdir -p "$bench"
if [ ! -x "$root/build/plancheck" ]; then
  say "building plancheck (scripts/build.sh)"
  "$root/scripts/build.sh" >/dev/null
fi
floor_bin=$bench/read_floor
if [ ! -x "$floor_bin" ] || [ "$here/read_floor.c" -nt "$floor_bin" ]; then
  # shellcheck disable=SC2046
  cc -O2 $(gdal-config --cflags) "$here/read_floor.c" $(gdal-config --libs) \
    -o "$floor_bin"
fi

# ---- throw-away PostgreSQL/PostGIS cluster: build/bench/pg, unix socket in
# that folder, no TCP; stopped (and deleted) when this script exits
pg_on=0
pgdir=$bench/pg
pgport=54329
as_pg=()
samplers=()
# shellcheck disable=SC2317  # (called by the trap)
cleanup() {
  local s
  for s in "${samplers[@]}"; do kill "$s" 2>/dev/null || true; done
  if [ "$pg_on" -eq 1 ]; then
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
    pg_on=0
    [ "${BENCH_KEEP_PG:-0}" = 1 ] || rm -rf "$pgdir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_start() {
  install_pkgs postgresql postgresql-15-postgis-3 || return 1
  pgbin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null |
          sort -V | tail -n1)
  [ -x "$pgbin/initdb" ] || { say "PostgreSQL server binaries not found"; return 1; }
  rm -rf "$pgdir"
  mkdir -p "$pgdir"
  if [ "$(id -u)" -eq 0 ]; then       # initdb refuses to run as root
    chown postgres:postgres "$pgdir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust \
    -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
    { say "initdb failed, see $pgdir/initdb.log"; return 1; }
  # benchmark settings for a disposable cluster: no durability
  cat >>"$pgdir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$pgdir'
port = $pgport
shared_buffers = 2GB
work_mem = 256MB
maintenance_work_mem = 2GB
effective_cache_size = 16GB
max_parallel_workers_per_gather = ${BENCH_PG_PARALLEL:-2}
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
jit = off
EOF
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w start \
    >/dev/null || { say "PostgreSQL did not start, see $pgdir/server.log"; return 1; }
  pg_on=1
  pm_pid=$(head -n1 "$pgdir/data/postmaster.pid")
}

pg_conn="host='$pgdir' port=$pgport user=postgres"
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -p "$pgport" -U postgres "$@"; }

if [ "${BENCH_POSTGIS:-1}" = 1 ]; then
  pg_start || say "PostGIS not available: its rows are skipped"
fi

# run a command under /usr/bin/time -v; never fails (the status is in the file)
timed() {
  local out=$1; shift
  /usr/bin/time -v -o "$out" "$@" || true
}

sample_start() {        # returns once the sampler has taken its first sample
  local _
  rm -f "$1"
  python3 "$here/bench.py" pss-sample "$pm_pid" "$1" &
  samplers+=($!)
  for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.05; done
}
sample_stop() {
  local s=${samplers[-1]}
  kill "$s" 2>/dev/null || true
  wait "$s" 2>/dev/null || true
  unset 'samplers[-1]'
}

status=0
dirs=()
for n in "${sizes[@]}"; do
  dir=$bench/$n
  res=$dir/results
  dirs+=("$dir")
  # ---- data, cached unless missing or made by another generator or seed
  stamp="$(sha256sum <"$here/gen_parcels.py" | cut -c1-64) seed=$seed"
  if [ ! -f "$dir/bench.gpkg" ] || [ ! -f "$dir/truth.json" ] ||
     [ ! -f "$dir/plan.yaml" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    say "N=$n: generating data"
    rm -rf "$dir"
    mkdir -p "$dir"
    t0=$(date +%s.%N)
    python3 "$here/gen_parcels.py" "$n" "$dir" --seed "$seed" >&2
    say "N=$n: generated in $(python3 -c "import sys; print('%.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)")"
    echo "$stamp" >"$dir/.stamp"
  fi
  rm -rf "$res"
  mkdir -p "$res"

  # ---- (a) the GDAL read floor
  say "N=$n: GDAL read floor"
  timed "$res/floor.time" "$floor_bin" "$dir/bench.gpkg" parcels >"$res/floor.out"

  # ---- (b) plancheck.  Rules plancheck does not know yet ("unknown key 'X'
  # in rules") are taken out of a copy of the plan, and reported as n/a.
  say "N=$n: plancheck"
  sed 's#source: bench.gpkg#source: ../bench.gpkg#' "$dir/plan.yaml" >"$res/plan.yaml"
  while :; do
    timed "$res/plancheck.time" "$root/build/plancheck" run -q --fail-on never \
      --overwrite -o "$res/plancheck.gpkg" "$res/plan.yaml" 2>"$res/plancheck.err"
    rule=$(sed -n "s/.*unknown key '\([A-Za-z_]*\)' in rules (.*/\1/p" "$res/plancheck.err" | head -n1)
    if [ -z "$rule" ] || ! grep -q "^  $rule:" "$res/plan.yaml"; then break; fi
    say "N=$n: plancheck does not know rule '$rule' yet: n/a"
    sed -i "/^  $rule:/d" "$res/plan.yaml"
  done
  sed -n '/^rules:/,$ s/^  \([a-z_]*\):.*/\1/p' "$res/plan.yaml" >"$res/plancheck.rules"
  # the same checks without the normalised copy of the input (the other
  # tools' work); ratios are taken against this run
  say "N=$n: plancheck --findings-only"
  timed "$res/plancheck-fo.time" "$root/build/plancheck" run -q --fail-on never \
    --overwrite --findings-only -o "$res/plancheck-fo.gpkg" "$res/plan.yaml" \
    2>"$res/plancheck-fo.err"
  [ -s "$res/plancheck.err" ] && sed 's/^/  plancheck: /' "$res/plancheck.err" | head -n5 >&2

  # ---- (c) SpatiaLite SQL
  if [ "${BENCH_SPATIALITE:-1}" = 1 ]; then
    say "N=$n: SpatiaLite"
    (cd "$dir" && timed "$res/spatialite.time" spatialite :memory: \
       <"$here/checks_spatialite.sql" >"$res/spatialite.out" 2>"$res/spatialite.err")
  fi

  # ---- (d) PostGIS: load (timed), then index + the four checks
  if [ $pg_on -eq 1 ]; then
    say "N=$n: PostGIS"
    db=bench_$n
    psql_ -d postgres -c "SET client_min_messages = warning" \
      -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql_ -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION postgis"
    sample_start "$res/pg-load.pss"
    timed "$res/pg-load.time" ogr2ogr -f PostgreSQL "PG:$pg_conn dbname=$db" \
      "$dir/bench.gpkg" parcels zones -lco GEOMETRY_NAME=geom -lco FID=fid \
      -lco SPATIAL_INDEX=NONE -gt 65536 2>"$res/pg-load.err"
    sample_stop
    sample_start "$res/pg-checks.pss"
    timed "$res/pg-checks.time" psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" \
      -p "$pgport" -U postgres -d "$db" -f "$here/checks_postgis.sql" \
      >"$res/pg-checks.out" 2>"$res/pg-checks.err"
    sample_stop
    psql_ -d postgres -c "DROP DATABASE $db"
  fi

  echo
  python3 "$here/bench.py" report "$dir" || status=1
  echo
done

if [ ${#dirs[@]} -gt 1 ]; then
  echo "summary (seed $seed)"
  python3 "$here/bench.py" summary "${dirs[@]}" || status=1
fi
exit $status
