-- wrk script: GET the URL paths listed in the file named by URLS (env), one per line, in turn from a
-- random start per thread; at the end one line with the request count, every kind of error wrk counts,
-- and the latency percentiles p50, p99, p99.9 and the maximum (milliseconds).
local urls = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("URLS")) do
    urls[#urls + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(#urls)
end

function request()
  i = i % #urls + 1
  return wrk.format("GET", urls[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "requests=%d seconds=%.2f per_s=%.1f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d " ..
    "non_2xx=%d p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), e.connect, e.read,
    e.write, e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
