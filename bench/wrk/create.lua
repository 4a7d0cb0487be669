-- POST /api/v1/dossiers: counter reception by a reception officer (code and due date issued),
-- rotating over the receiving agencies and applicants so rows differ like real traffic.
local agencies = { "H56.22366", "H56.22453" }
local counter = 0
request = function()
  counter = counter + 1
  local agency = agencies[(counter % #agencies) + 1]
  local body = string.format(
    '{"procedure_code":"1.001193","agency_code":"%s","channel":"counter",' ..
    '"applicant":{"kind":"person","name":"Nguyễn Văn Bench","id_number":"0560900%05d","phone":"09%08d"},"delivery":"counter",' ..
    -- The counter's checklist: every mandatory paper of the birth registration, in hand.
    '"reception":{"papers":[{"name":"Tờ khai đăng ký khai sinh","form":"original","copies":1},' ..
    '{"name":"Giấy chứng sinh hoặc giấy tờ thay thế giấy chứng sinh","form":"original","copies":1},' ..
    '{"name":"Giấy tờ tùy thân của người đi đăng ký","form":"shown","copies":1}]}}',
    agency, counter % 100000, counter % 100000000)
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("MOTCUA_TOKEN"),
  }, body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("create: unexpected status " .. status .. " " .. body .. "\n")
  end
end
