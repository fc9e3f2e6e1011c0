-- GET /api/search/suggestions with a prefix drawn from what people search (Korean and English).
local prefixes = { "요", "요가", "필", "밀키", "샐", "커", "원두", "꽃", "와", "책", "영", "음악", "운", "비타", "반려", "고양",
  "n", "ne", "sp", "yo", "yoga", "co", "me", "pro", "wi", "bo", "ra", "so", "fl", "vi", "do", "ca", "sa" }
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  local prefix = prefixes[math.random(#prefixes)]
  return wrk.format("GET", "/api/search/suggestions?limit=10&prefix=" .. encode(prefix))
end
