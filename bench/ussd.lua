-- bench/ussd.lua: a wrk script that replays whole USSD sessions in the
-- Africa's Talking format (POST /ussd/africastalking, a form with
-- sessionId, serviceCode, phoneNumber, networkCode and text, the text
-- being every answer so far joined with "*") through the sample Khmer
-- menu (conf/menus/main.json), each session from its first hop (text
-- empty) to the daemon's END:
--   plain (5 hops): Information, a topic, a page, then 99 (quick exit);
--   callback, this number (7 hops): Call me back, "this number is safe",
--     not in danger (the request is stored here), when, what to say,
--     province: the intake ends in the stored callback request;
--   callback, another number (9 hops): the same with a safe number typed
--     as digits and read back for confirmation.
-- Half the callback sessions type a number. Phone numbers are test
-- numbers +8551200xxxxx (never real ones), one per session; session ids
-- are the run's start time, the thread's number and a counter.
--
-- Arguments (after "--"): [FRACTION [CHECK]]
--   FRACTION  share of sessions that go into the callback questions,
--             0..1 (default 0.2)
--   CHECK     strict (default): every reply must be CON or END, none the
--             busy, invalid-choice, expired or could-not-record screen;
--             any: CON or END only (servers with a fixed answer: the
--             floor, nginx); none: no response() hook at all (to see
--             what checking costs wrk)
-- At the end it prints what it sent and what came back.
--
-- wrk does not tell a script which connection a reply came on, so each
-- thread keeps a ring of POOL sessions and sends the next hop of the next
-- one in turn: a session's next hop leaves POOL requests after its last
-- one, long after that one's reply with -c64 (POOL must be well above
-- the connections of a thread).

local POOL = 1024
local threads = {}
local thread_count = 0

-- Sent and received counts, per thread (read by done()).
sent_sessions = 0
sent_callback = 0
sent_final = 0
got_con = 0
got_end = 0
got_non200 = 0
got_other = 0
got_bad = 0

local fraction = 0.2
local check = "strict"
local ring = {}
local turn = 0
local counter = 0

-- Screens a session on these paths must never see (their Khmer text in
-- the sample menu and configuration).
local bad = {
	"ជម្រើសមិនត្រឹមត្រូវ",	-- invalid choice
	"សូមចុចហៅម្ដងទៀត",	-- expired, and the busy screen
	"មិនអាចកត់ត្រាសំណើបានទេ",	-- the request could not be stored
	"លេខមិនត្រឹមត្រូវ",	-- not a Cambodian number
}

-- Leaves of Information (topic*page) that end in a one-page screen.
local leaves = { "1*4", "2*1", "2*3", "2*4", "3*1", "3*2", "3*3", "3*4",
    "3*5" }

function setup(thread)
	thread:set("tid", thread_count)
	thread_count = thread_count + 1
	table.insert(threads, thread)
end

-- The answers of one session, in order (the first hop's is empty).
local function walk(n)
	local r = math.random()
	local steps

	if r >= fraction then
		local leaf = leaves[math.random(#leaves)]
		steps = { "3" }
		for k in leaf:gmatch("[^*]+") do
			table.insert(steps, k)
		end
		table.insert(steps, "99")
		return steps, false
	end
	if math.random(2) == 1 then
		steps = { "2", "1" }
	else
		steps = { "2", "2", string.format("01200%05d", n % 100000),
		    "1" }
	end
	table.insert(steps, "2")			-- not in danger now
	table.insert(steps, tostring(math.random(4)))	-- when
	table.insert(steps, tostring(math.random(3)))	-- what to say
	table.insert(steps, tostring(math.random(2)))	-- province
	return steps, true
end

-- A new session: its form fields but the text, and its answers.
local function fresh()
	local s = {}

	counter = counter + 1
	local n = tid * 7919 + counter
	s.head = "sessionId=ATUid_" .. run .. "_" .. tid .. "_" .. counter ..
	    "&serviceCode=%2A855%23&phoneNumber=%2B8551200" ..
	    string.format("%05d", n % 100000) .. "&networkCode=45601&text="
	s.steps, s.callback = walk(n)
	s.hop = 0
	s.text = ""
	return s
end

function init(args)
	if args[1] ~= nil then
		fraction = tonumber(args[1])
	end
	if args[2] ~= nil then
		check = args[2]
	end
	if check == "none" then
		response = nil
	end
	-- Ids of a new run never meet the sessions an earlier one left.
	run = string.format("%x", os.time())
	math.randomseed(tid + 1)
	for i = 1, POOL do
		ring[i] = fresh()
	end
end

local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

-- wrk calls request() once on the first thread before the run, to check
-- what it returns: that call gets a first hop and changes nothing.
local probed = false

request = function()
	if tid == 0 and not probed then
		probed = true
		return wrk.format("POST", "/ussd/africastalking", headers,
		    ring[1].head)
	end
	turn = turn % POOL + 1
	local s = ring[turn]
	if s.hop > #s.steps then
		s = fresh()
		ring[turn] = s
	end
	if s.hop == 0 then
		sent_sessions = sent_sessions + 1
		if s.callback then
			sent_callback = sent_callback + 1
		end
	elseif s.hop == 1 then
		s.text = s.steps[1]
	else
		s.text = s.text .. "%2A" .. s.steps[s.hop]
	end
	if s.hop == #s.steps then
		sent_final = sent_final + 1
	end
	s.hop = s.hop + 1
	return wrk.format("POST", "/ussd/africastalking", headers,
	    s.head .. s.text)
end

response = function(status, hdrs, body)
	if status ~= 200 then
		got_non200 = got_non200 + 1
		return
	end
	local p = body:sub(1, 4)
	if p == "CON " then
		got_con = got_con + 1
	elseif p == "END " then
		got_end = got_end + 1
	else
		got_other = got_other + 1
		return
	end
	if check ~= "strict" then
		return
	end
	for i = 1, #bad do
		if body:find(bad[i], 5, true) then
			got_bad = got_bad + 1
			return
		end
	end
end

function done(summary, latency, requests)
	local t = {}
	local keys = { "sent_sessions", "sent_callback", "sent_final",
	    "got_con", "got_end", "got_non200", "got_other", "got_bad" }

	for _, k in ipairs(keys) do
		t[k] = 0
	end
	for _, thread in ipairs(threads) do
		for _, k in ipairs(keys) do
			t[k] = t[k] + (thread:get(k) or 0)
		end
	end
	io.write(string.format("ussd.lua: sessions %d (%d into the " ..
	    "callback questions), last hops sent %d\n", t.sent_sessions,
	    t.sent_callback, t.sent_final))
	if check == "none" then
		io.write("ussd.lua: replies not checked\n")
		return
	end
	io.write(string.format("ussd.lua: replies CON %d, END %d, " ..
	    "non-200 %d, neither CON nor END %d, unexpected screens %d\n",
	    t.got_con, t.got_end, t.got_non200, t.got_other, t.got_bad))
end
