-- GET with the benchmark user's access token (set by auth-bench.sh).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
