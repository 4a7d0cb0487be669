-- GET /api/v1/dossiers/{code}: full detail (timeline, documents) for codes read from a file.
local codes = {}
for line in io.lines(os.getenv("MOTCUA_CODES")) do codes[#codes + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/dossiers/" .. codes[(i % #codes) + 1], {
    ["Authorization"] = "Bearer " .. os.getenv("MOTCUA_TOKEN"),
  })
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("get: unexpected status " .. status .. "\n") end
end
