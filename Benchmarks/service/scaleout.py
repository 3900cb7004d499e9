#!/usr/bin/env python3
"""Scale-out throughput: 1, 2, 3 … `descent serve` instances on one PostgreSQL database. For each
instance count: a fresh schema, the instances started with --store-url, N experiments submitted
round-robin over the instances by C client threads, then wait until every experiment has finished
(read from the database). Reports experiments finished per second (first submit to last finish) and
submit latency (p50/p99).

Usage: Benchmarks/service/scaleout.py BINARY POSTGRES_URL [--instances 1,2,3] [--count 600]
         [--steps 1000] [--clients 6] [--workers 1]
"""
import argparse, http.client, json, re, subprocess, tempfile, threading, time, uuid

p = argparse.ArgumentParser()
p.add_argument("binary")
p.add_argument("url")
p.add_argument("--instances", default="1,2,3")
p.add_argument("--count", type=int, default=600)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--clients", type=int, default=6)
p.add_argument("--workers", type=int, default=1, help="worker threads per instance")
a = p.parse_args()

spec = json.dumps({"objective": {"type": "saddle"}, "optimizer": {"type": "sgd", "lr": 0.1}, "start": [0.01, 0.02],
                   "steps": a.steps, "record_every": max(1, a.steps // 100)})

def psql(url, sql):
    return subprocess.run(["psql", url, "-qtA", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()

def run(k):
    schema = "bench_" + uuid.uuid4().hex[:12]
    psql(a.url, f"CREATE SCHEMA {schema}")
    url = a.url + ("&" if "?" in a.url else "?") + f"options=-csearch_path%3D{schema}"
    servers, ports = [], []
    for _ in range(k):
        s = subprocess.Popen([a.binary, "serve", "--port", "0", "--data-dir", tempfile.mkdtemp(), "--store-url", url,
                              "--workers", str(a.workers), "--queue-capacity", str(a.count + 10), "--log-level", "error"],
                             stdout=subprocess.PIPE, text=True)
        servers.append(s)
        ports.append(int(re.search(r":(\d+)$", s.stdout.readline().strip()).group(1)))
    lat, lock = [], threading.Lock()

    def submit(client, n):
        conns = [http.client.HTTPConnection("127.0.0.1", port) for port in ports]
        mine = []
        for i in range(n):
            c = conns[(client + i) % k]
            t = time.perf_counter()
            c.request("POST", "/v1/experiments", spec, {"Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            assert r.status == 202, r.status
            mine.append(time.perf_counter() - t)
        with lock: lat.extend(mine)

    per = a.count // a.clients
    total = per * a.clients
    start = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(c, per)) for c in range(a.clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    submitted = time.perf_counter() - start
    while int(psql(url, "SELECT count(*) FROM experiment WHERE status = 'succeeded'")) < total: time.sleep(0.02)
    elapsed = time.perf_counter() - start
    attempts = psql(url, "SELECT max(attempt) FROM experiment")
    for s in servers: s.terminate()
    for s in servers: s.wait()
    lat.sort()
    print(f"{k:9d}  {total / elapsed:13.0f}  {total / submitted:13.0f}  {lat[len(lat) // 2] * 1e3:8.2f}  "
          f"{lat[int(len(lat) * 0.99)] * 1e3:8.2f}   {attempts}")

print(f"{a.count} experiments x {a.steps} steps, {a.clients} client threads, {a.workers} worker(s) per instance")
print("instances  finished/s     submitted/s   p50 ms    p99 ms   max attempts")
for k in [int(x) for x in a.instances.split(",")]: run(k)
