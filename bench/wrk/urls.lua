-- wrk script: GET the URL paths listed in the file named by URLS (env), one
-- per line, in turn from a random start per thread.
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
  local seconds = summary.duration / 1e6
  io.write(string.format("pages=%d seconds=%.2f pages_per_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
