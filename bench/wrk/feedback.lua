-- wrk script: POST /api/feedback with a JSON body; counts 201 answers.
-- ARTICLE (env) is the article URL path the feedback is about.
local threads = {}
local article = os.getenv("ARTICLE") or "/"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"article":"' .. article .. '","helpful":true,"category":"helpful","comment":"wrk load test"}'

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  created = 0
  other = 0
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("created=%d other=%d seconds=%.2f created_per_s=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    c, o, seconds, c / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
