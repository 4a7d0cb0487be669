-- Shared by the portal wrk scripts: URL encoding, list files, and a count of the answers
-- by status printed at the end ("status 200: N, status 404: M"), so a run that only
-- measured errors cannot pass unnoticed.
local M = {}

function M.encode(s)
  return (s:gsub("[^%w%-%._~ ]", function(c) return string.format("%%%02X", string.byte(c)) end):gsub(" ", "+"))
end

-- Lines of a file, skipping empty ones and "#" comments.
function M.lines_of(path)
  local t = {}
  for line in io.lines(path) do
    if line ~= "" and line:sub(1, 1) ~= "#" then t[#t + 1] = line end
  end
  if #t == 0 then error(path .. " is empty") end
  return t
end

-- Lines of the file named by an environment variable.
function M.lines(var)
  return M.lines_of(os.getenv(var) or error(var .. " is not set"))
end

-- Installs setup/init/response/done that count answers by status across threads.
function M.count_statuses()
  local threads = {}
  _G.setup = function(thread)
    thread:set("id", #threads + 1)
    threads[#threads + 1] = thread
  end
  _G.statuses = {}
  _G.response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
  _G.done = function(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
      for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
    end
    local keys = {}
    for k in pairs(total) do keys[#keys + 1] = k end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = "status " .. k .. ": " .. total[k] end
    io.write("Statuses: " .. table.concat(parts, ", ") .. "\n")
  end
end

return M
