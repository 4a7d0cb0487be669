-- GET /thu-tuc?q=...: the catalogue searches of bench/portal/queries.txt, rotated (what a
-- citizen would type: with and without diacritics, other word orders, one word and
-- several, partial words, codes, and some that match nothing). One query in nine also
-- filters by level or field.
package.path = "bench/portal/?.lua;" .. package.path
local common = require "common"
common.count_statuses()

local queries = common.lines_of("bench/portal/queries.txt")
local filters = { "", "", "", "", "", "", "&cap=commune", "&cap=province", "&linh-vuc=" .. common.encode("Hộ tịch") }

local paths = {}
for i, q in ipairs(queries) do
  paths[#paths + 1] = "/thu-tuc?q=" .. common.encode(q) .. filters[(i % #filters) + 1]
end
local n = 0
init = function(args) n = (id or 1) * 7 end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
