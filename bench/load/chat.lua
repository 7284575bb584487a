-- wrk script: one non-streaming chat turn of a patient's call (about 200 bytes of PHI-bearing
-- text), the shape a voice platform sends. Used by scripts/load-test.sh against both the proxy
-- and the upstream directly, so the two runs differ only by Masker.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"model":"m","messages":[{"role":"system","content":"You are a clinic's scheduling assistant."},{"role":"user","content":"hi this is about my appointment, my date of birth is april twelfth nineteen ninety and my number is four one five five five five two six seven one, ssn 536-22-1234"}]}]]

-- LOAD_DELAY_MS > 0 makes each connection pause that long between requests: 100 connections
-- then model 100 concurrent callers below the server's capacity, so latency is service time,
-- not queueing. 0 (the default) sends back to back to measure throughput.
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
if pause > 0 then
  -- Jittered (±50%) so callers drift apart instead of arriving in lock-step bursts.
  function delay() return math.random(math.floor(pause / 2), math.floor(pause * 3 / 2)) end
end
