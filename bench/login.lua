-- POST /api/auth/login with the benchmark user's credentials (set by auth-bench.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_LOGIN_BODY")
