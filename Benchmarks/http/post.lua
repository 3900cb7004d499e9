-- POST /echo with a 1 KB JSON body.
local items = {}
for i = 1, 40 do items[#items + 1] = string.format('{"k":%d,"v":"abcdefghij"}', i) end
local body = '{"items":[' .. table.concat(items, ",") .. ']}'
body = body .. string.rep(" ", 1024 - #body)
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
