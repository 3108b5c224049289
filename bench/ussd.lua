-- wrk script: every request is the first hop of a new Africa's Talking
-- session (a fresh sessionId per request), so the daemon renders the
-- Khmer main menu and creates a session each time.
local counter = 0
local thread_id = 0

function setup(thread)
	thread:set("tid", thread_id)
	thread_id = thread_id + 1
end

request = function()
	counter = counter + 1
	local body = "sessionId=wrk-" .. tid .. "-" .. counter ..
	    "&serviceCode=%2A855%23&phoneNumber=%2B85512000000" ..
	    "&networkCode=45601&text="
	return wrk.format("POST", "/ussd/africastalking",
	    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
