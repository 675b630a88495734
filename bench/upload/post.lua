-- bench/run.sh part "upload": every request a POST of 256 KiB (a Content-Length, so both servers stream it).
wrk.method = "POST"
wrk.body = string.rep("x", 262144)
wrk.headers["Content-Type"] = "application/octet-stream"
