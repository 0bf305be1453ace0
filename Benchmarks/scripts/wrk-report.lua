-- wrk script for the HTTP benchmarks: sets the method and body from the environment and prints one
-- machine-readable line at the end, read by run.sh.
--   WRK_METHOD      GET (default) or POST
--   WRK_BODY_BYTES  size of the POST body (default 0)
local method = os.getenv("WRK_METHOD") or "GET"
local bodyBytes = tonumber(os.getenv("WRK_BODY_BYTES") or "0")

wrk.method = method
if bodyBytes > 0 then
  wrk.body = string.rep("x", bodyBytes)
  wrk.headers["Content-Type"] = "application/octet-stream"
end

done = function(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
