-- wrk script: one non-streaming chat turn of a patient's call (about 200 bytes of PHI-bearing
-- text), the shape a voice platform sends. Used by scripts/load-test.sh against both the proxy
-- and the upstream directly, so the two runs differ only by Masker.
--
-- Every request carries a different phone number and SSN, so each turn is new to the proxy: no
-- cache of detections or tokens can answer it, as none could for a new caller. The system
-- prompt is the same every time, as it is in a real deployment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

dofile("bench/load/phi.lua") -- spoken_digits, ssn

function request()
  local body = '{"model":"m","messages":[{"role":"system","content":"You are a clinic\'s scheduling assistant."},'
    .. '{"role":"user","content":"hi this is about my appointment, my date of birth is april twelfth nineteen ninety and my number is '
    .. spoken_digits(10) .. ', ssn ' .. ssn() .. '"}]}'
  return wrk.format(nil, nil, nil, body)
end

-- LOAD_DELAY_MS > 0 makes each connection pause that long between requests: 100 connections
-- then model 100 concurrent callers below the server's capacity, so latency is service time,
-- not queueing. 0 (the default) sends back to back to measure throughput.
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
if pause > 0 then
  -- Jittered (±50%) so callers drift apart instead of arriving in lock-step bursts.
  function delay() return math.random(math.floor(pause / 2), math.floor(pause * 3 / 2)) end
end
