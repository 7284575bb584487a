-- What the wrk scripts (chat.lua, mixed.lua) say in a turn: spoken digits and an SSN the SSA could
-- issue, different every time. Loaded with dofile from the repository's root, where the scripts run.
local words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

function spoken_digits(count)
  local out = {}
  for i = 1, count do out[i] = words[math.random(1, 10)] end
  return table.concat(out, " ")
end

function ssn()
  local area = math.random(100, 665) -- never 000, 666 or 9xx: a number the SSA could issue
  return string.format("%03d-%02d-%04d", area, math.random(1, 99), math.random(1, 9999))
end
