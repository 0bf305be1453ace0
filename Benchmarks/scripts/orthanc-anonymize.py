#!/usr/bin/env python3
"""Times Orthanc's anonymisation of one study, for the de-identification benchmark.

Starts nothing itself: run.sh starts Orthanc (on loopback, pinned to one core, with a temporary storage
folder) and gives its port. This script uploads every file of the series over one keep-alive connection
(not timed), then times POST /studies/{id}/anonymize (synchronous; Orthanc's default Basic Profile),
and prints: RESULT files=N bytes=B seconds=S MBps=M

Usage: orthanc-anonymize.py --port P SERIES_DIR
"""
import argparse
import http.client
import json
import os
import sys
import time


def request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit("%s %s answered %d: %s" % (method, path, response.status, data[:300]))
    return json.loads(data) if data else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("series")
    args = parser.parse_args()

    files = sorted(
        os.path.join(args.series, name) for name in os.listdir(args.series) if name.endswith(".dcm"))
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
    total = 0
    study = None
    for path in files:
        with open(path, "rb") as handle:
            body = handle.read()
        total += len(body)
        answer = request(connection, "POST", "/instances", body, {"Content-Type": "application/dicom"})
        study = answer["ParentStudy"]
    if study is None:
        raise SystemExit("no files in %s" % args.series)

    started = time.perf_counter()
    answer = request(connection, "POST", "/studies/%s/anonymize" % study, json.dumps({}),
                     {"Content-Type": "application/json"})
    seconds = time.perf_counter() - started
    # Sanity check: the anonymised study exists and holds as many instances as the original.
    new_study = answer["ID"]
    instances = request(connection, "GET", "/studies/%s/instances" % new_study)
    if len(instances) != len(files):
        raise SystemExit("anonymised study has %d instances, expected %d" % (len(instances), len(files)))
    print("RESULT files=%d bytes=%d seconds=%.3f MBps=%.1f" % (len(files), total, seconds, total / seconds / 1e6))


if __name__ == "__main__":
    sys.exit(main())
