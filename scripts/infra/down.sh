#!/usr/bin/env bash
# Stops what scripts/infra/up.sh started.
# Usage: down.sh                    stop all three servers
#        down.sh SERVER...          stop these (postgres, kafka, minio)
#        down.sh --recorded FILE    stop the servers `up.sh --record FILE` started
#                                   (none if FILE is empty or missing)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage="usage: $0 [--recorded FILE | SERVER...]   (SERVER: postgres, kafka, minio)"
all=(minio kafka postgres) # the reverse of up.sh's start order
servers=()
if [[ "${1:-}" == --recorded ]]; then
  file=${2:?"$usage"}
  if [[ -f $file ]]; then mapfile -t servers <"$file"; fi
elif (($# == 0)); then
  servers=("${all[@]}")
else
  servers=("$@")
fi
for s in ${servers[@]+"${servers[@]}"}; do
  case $s in
    postgres | kafka | minio) ;;
    *) echo "$usage (unknown server: $s)" >&2; exit 2 ;;
  esac
done
rc=0
for s in "${all[@]}"; do
  if [[ " ${servers[*]-} " == *" $s "* ]]; then bash "$here/$s.sh" stop || rc=1; fi
done
exit $rc
