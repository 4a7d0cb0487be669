-- wrk script of bench/backoffice.sh: every request is a GET of the URL given to wrk with
-- the staff session cookie of BO_COOKIE ("motcua_session=…", from POST /dang-nhap). wrk
-- counts any answer other than 2xx (e.g. a 303 to /dang-nhap when the cookie is not
-- accepted) under "Non-2xx or 3xx responses".
local cookie = os.getenv("BO_COOKIE")
if cookie == nil or cookie == "" then
  io.stderr:write("BO_COOKIE is not set\n")
  os.exit(2)
end
wrk.headers["Cookie"] = cookie
