-- POST /tra-cuu (the public lookup form): code + the applicant's phone or ID number, read
-- from $PORTAL_LOOKUPS (lines "code<TAB>phone<TAB>id_number" of real dossiers). Every
-- tenth request gives a wrong phone (answer 404, the one "not found" page); of the rest,
-- a quarter use the ID number instead of the phone.
package.path = "bench/portal/?.lua;" .. package.path
local common = require "common"
common.count_statuses()
local rows = {}
for _, line in ipairs(common.lines("PORTAL_LOOKUPS")) do
  local code, phone, idn = line:match("^([^\t]+)\t([^\t]*)\t?([^\t]*)$")
  if code then rows[#rows + 1] = { code, phone, idn } end
end
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local n = 0
init = function(args) n = (id or 1) * 7919 end
request = function()
  n = n + 1
  local r = rows[(n % #rows) + 1]
  local secret = r[2]
  if n % 10 == 0 then
    secret = "0999999999"
  elseif n % 4 == 1 and r[3] ~= "" then
    secret = r[3]
  end
  return wrk.format("POST", "/tra-cuu", headers, "code=" .. common.encode(r[1]) .. "&secret=" .. common.encode(secret))
end
