-- Prints the percentiles the bench reports (wrk's own --latency has no 95th).
done = function(summary, latency, requests)
  io.write(string.format("PCTL 50 %.3f\nPCTL 95 %.3f\nPCTL 99 %.3f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
