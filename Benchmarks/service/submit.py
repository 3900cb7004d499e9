#!/usr/bin/env python3
"""Service throughput: submit N experiments over keep-alive connections, wait until all finish,
and compare the overall step rate with the same specs run in one process by `descent run`.

Usage: Benchmarks/service/submit.py BINARY [--count 1000] [--steps 1000] [--clients 8] [--workers 2] [--record-every 1]
"""
import argparse, http.client, json, os, re, shutil, subprocess, sys, tempfile, threading, time

p = argparse.ArgumentParser()
p.add_argument("binary")
p.add_argument("--count", type=int, default=1000)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--clients", type=int, default=8)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--record-every", type=int, default=1, help="record_every of the submitted specs")
a = p.parse_args()

spec = {"objective": {"type": "saddle"}, "optimizer": {"type": "sgd", "lr": 0.1}, "start": [0.01, 0.02], "steps": a.steps,
        "record_every": a.record_every}
data = tempfile.mkdtemp()
server = subprocess.Popen([a.binary, "serve", "--port", "0", "--data-dir", data, "--workers", str(a.workers),
                           "--queue-capacity", str(a.count + 10), "--log-level", "error"], stdout=subprocess.PIPE, text=True)
port = int(re.search(r":(\d+)$", server.stdout.readline().strip()).group(1))

def submit(n, latencies):
    c = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps(spec)
    for _ in range(n):
        t = time.perf_counter()
        c.request("POST", "/v1/experiments", body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        assert r.status == 202, r.status
        latencies.append(time.perf_counter() - t)

def finished():
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", "/metrics"); text = c.getresponse().read().decode()
    return sum(float(m) for m in re.findall(r'descent_experiments_finished_total\{status="\w+"\} (\S+)', text))

lat = []
start = time.perf_counter()
threads = [threading.Thread(target=submit, args=(a.count // a.clients, lat)) for _ in range(a.clients)]
for t in threads: t.start()
for t in threads: t.join()
submitted = time.perf_counter() - start
total = a.clients * (a.count // a.clients)
while finished() < total: time.sleep(0.01)
elapsed = time.perf_counter() - start
server.terminate(); server.wait()
shutil.rmtree(data, ignore_errors=True)

# The same numerics without the service: one experiment in one process by `descent run`, recording
# only its last row (so printing the result costs nothing); the ideal service rate is that rate
# times the number of workers.
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(dict(spec, record_every=a.steps), f)  # recording cost is not in this figure
runs = []
for _ in range(3):
    t = time.perf_counter(); subprocess.run([a.binary, "run", f.name], check=True, stdout=subprocess.DEVNULL)
    runs.append(time.perf_counter() - t)
core = sorted(runs)[1]
lat.sort()
steps = a.steps * total
ideal = a.workers * a.steps / core
print(f"experiments: {total} x {a.steps} steps (record_every {a.record_every}), {a.clients} clients, {a.workers} workers")
print(f"submissions/s: {total / submitted:.0f}   p50 submit: {lat[len(lat)//2]*1e3:.2f} ms   p99 submit: {lat[int(len(lat)*0.99)]*1e3:.2f} ms")
print(f"all finished after: {elapsed:.2f} s   service steps/s: {steps / elapsed:,.0f}")
print(f"descent run, one experiment (median of 3, process start included): {core:.3f} s = {a.steps / core:,.0f} steps/s")
print(f"service / ({a.workers} x descent run): {100 * (steps / elapsed) / ideal:.1f} %")
