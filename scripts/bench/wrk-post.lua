-- POST the same small tRPC body on every request (a mutation needs content-type: application/json).
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["content-type"] = "application/json"

done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\":%d,\"durationS\":%.3f,\"rps\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"errors\":%d,\"non2xx\":%d}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
