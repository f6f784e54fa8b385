-- wrk script: each request claims the next published wish (POST /api/v1/wishes/{id}/claim with a bearer
-- token). The ids come from `weizhili bench-data --published-ids FILE` (env IDS), split between the threads
-- (env THREADS, default 2) so that no two requests claim the same wish. When a thread runs out it repeats its
-- last id (a 409). done() prints the successful claims per second.
local threads = {}
local count = 0

function setup(thread)
  thread:set("tid", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  ok, conflict, other = 0, 0, 0
  ids, i = {}, 0
  local n, every = 0, tonumber(os.getenv("THREADS") or "2")
  for line in io.lines(os.getenv("IDS")) do
    if n % every == tid then ids[#ids + 1] = line end
    n = n + 1
  end
  headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/json" }
end

function request()
  i = i + 1
  local id = ids[i] or ids[#ids]
  return wrk.format("POST", "/api/v1/wishes/" .. id .. "/claim", headers, "{}")
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 409 then conflict = conflict + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local o, c, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o, c, x = o + t:get("ok"), c + t:get("conflict"), x + t:get("other")
  end
  io.write(string.format("claims: %d claimed (200), %d already claimed (409), %d other; %.0f claims/s\n",
    o, c, x, o / (summary.duration / 1000000)))
end
