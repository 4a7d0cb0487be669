-- GET /api/v1/dossiers: the staff list, first page of 50, alternating filters.
local paths = { "/api/v1/dossiers?limit=50", "/api/v1/dossiers?limit=50&state=processing", "/api/v1/dossiers?limit=50&state=returned" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer " .. os.getenv("MOTCUA_TOKEN") })
end

response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("list: unexpected status " .. status .. "\n") end
end
