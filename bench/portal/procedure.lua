-- GET /thu-tuc/{code}: the page of a procedure, for codes read from $PORTAL_CODES (one a
-- line: every procedure of the catalogue), rotated.
package.path = "bench/portal/?.lua;" .. package.path
local common = require "common"
common.count_statuses()
local codes = common.lines("PORTAL_CODES")
local n = 0
init = function(args) n = (id or 1) * 7919 end
request = function()
  n = n + 1
  return wrk.format("GET", "/thu-tuc/" .. codes[(n % #codes) + 1])
end
