-- wrk script for scripts/soak.sh: a mixed load of what a deployment sees, each request drawn at
-- random:
--   50%  a non-streaming chat turn to the agent on the stand-in model (bench/load/model.py), half of
--        them turns of one of 500 ongoing calls (Masker-Session-Id), so call histories build up
--   20%  a streamed turn to the built-in stub model (it streams the masked turn back in pieces)
--   10%  a non-streaming turn to the stub
--   10%  POST /api/v1/mask, 10% POST /api/v1/detect
-- Every turn carries a different phone number and SSN. Counts every answer's status; `done`
-- prints them as "STATUS <code> <count>" lines for the script to read.
-- Reads SOAK_MODEL_AGENT, SOAK_STUB_AGENT, SOAK_TOKEN and LOAD_DELAY_MS from the environment.
local model_agent = os.getenv("SOAK_MODEL_AGENT")
local stub_agent = os.getenv("SOAK_STUB_AGENT")
local token = os.getenv("SOAK_TOKEN")
local pause = tonumber(os.getenv("LOAD_DELAY_MS") or "100")
local threads = {}

dofile("bench/load/phi.lua") -- spoken_digits, ssn

local function said()
  return "hi this is about my appointment, my date of birth is april twelfth nineteen ninety and my number is "
    .. spoken_digits(10) .. ", ssn " .. ssn() .. ", email j.doe" .. math.random(1, 9999) .. "@example.com"
end
local function chat(stream)
  return '{"model":"m","stream":' .. (stream and "true" or "false")
    .. ',"messages":[{"role":"system","content":"You are a clinic\'s scheduling assistant."},{"role":"user","content":"'
    .. said() .. '"}]}'
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  local draw = math.random(1, 100)
  local json = {["Content-Type"] = "application/json"}
  if draw <= 50 then
    if draw <= 25 then json["Masker-Session-Id"] = "soak-call-" .. math.random(1, 500) end
    return wrk.format("POST", "/proxy/" .. model_agent .. "/v1/chat/completions", json, chat(false))
  elseif draw <= 70 then
    return wrk.format("POST", "/proxy/" .. stub_agent .. "/v1/chat/completions", json, chat(true))
  elseif draw <= 80 then
    return wrk.format("POST", "/proxy/" .. stub_agent .. "/v1/chat/completions", json, chat(false))
  end
  json["Authorization"] = "Bearer " .. token
  local path = draw <= 90 and "/api/v1/mask" or "/api/v1/detect"
  return wrk.format("POST", path, json, '{"text":"' .. said() .. '"}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function delay()
  return math.random(math.floor(pause / 2), math.floor(pause * 3 / 2))
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for code, count in pairs(counts) do total[code] = (total[code] or 0) + count end
  end
  for code, count in pairs(total) do io.write(string.format("STATUS %d %d\n", code, count)) end
end
