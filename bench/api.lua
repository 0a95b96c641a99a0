-- wrk script of bench/api.sh: GET RT_PATH with the header RT_HNAME:
-- RT_HVAL (an API token or a session cookie), cycling over periods that
-- end on each of the 90 days up to 2025-06-30 (the demo mail's last
-- day): 30 days long, 365 days every fourth request.
local path = os.getenv("RT_PATH")
wrk.headers[os.getenv("RT_HNAME")] = os.getenv("RT_HVAL")

local last = os.time({ year = 2025, month = 6, day = 30, hour = 12 })
local day = 86400
local queries = {}
for k = 0, 89 do
	local len = (k % 4 == 3) and 365 or 30
	local to = last - k * day
	local from = to - (len - 1) * day
	queries[#queries + 1] = "?from=" .. os.date("!%Y-%m-%d", from) ..
	    "&to=" .. os.date("!%Y-%m-%d", to)
end

local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", path .. queries[(n % #queries) + 1])
end
