#!/usr/bin/env bash
# Runs Orthanc on loopback with a temporary storage folder, pinned to one core, times its anonymisation of
# one series (scripts/orthanc-anonymize.py) and stops it. run.sh calls it under `unshare -n` when it can,
# so Orthanc (which has no bind-address option) sees no network but its own loopback.
# Usage: orthanc-run.sh SERIES_DIR WORK_DIR CORE
set -euo pipefail
series=$1 work=$2 core=$3
here=$(cd "$(dirname "$0")" && pwd)
ip link set lo up 2>/dev/null || true
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/orthanc-storage"
cat >"$work/orthanc.json" <<JSON
{
  "Name": "portal-bench",
  "StorageDirectory": "$work/orthanc-storage",
  "IndexDirectory": "$work/orthanc-storage",
  "HttpPort": $port,
  "DicomServerEnabled": false,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "Plugins": [],
  "StorageCompression": false,
  "SaveJobs": false,
  "ConcurrentJobs": 1
}
JSON
taskset -c "$core" Orthanc "$work/orthanc.json" >"$work/orthanc.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
deadline=$(($(date +%s) + 60))
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/system" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$work/orthanc.log" >&2; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "Orthanc did not start" >&2; exit 1; }
    sleep 0.2
done
python3 "$here/orthanc-anonymize.py" --port "$port" "$series"
