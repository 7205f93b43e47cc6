-- wrk script: the requests of urls.lua (the URL paths in the file named by URLS, in turn from a random
-- start per thread); at the end one line with the request count, every kind of error wrk counts, and the
-- latency percentiles p50, p99, p99.9 and the maximum (milliseconds). Run from the repository's root.
dofile("bench/wrk/urls.lua")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "requests=%d seconds=%.2f per_s=%.1f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d " ..
    "non_2xx=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), e.connect, e.read,
    e.write, e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
