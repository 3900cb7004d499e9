#!/usr/bin/env python3
"""A 64-member study's wall time in the service: a learning-rate sweep of 2-D Rosenbrock + Adam, every step
recorded, POSTed as one study to a fresh `descent serve`; timed from the POST until every member is final.

Usage: Benchmarks/service/study.py BINARY [--members 64] [--steps 100000] [--workers 2]
Run it with a binary built from before lockstep runs and with one built after to compare.
"""
import argparse, http.client, json, re, shutil, subprocess, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("binary")
p.add_argument("--members", type=int, default=64)
p.add_argument("--steps", type=int, default=100000)
p.add_argument("--workers", type=int, default=2)
a = p.parse_args()

base = {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 1e-3}, "start": [-1.2, 1], "steps": a.steps}
rates = [1e-3 * 10 ** (2 * i / max(1, a.members - 1)) for i in range(a.members)]
data = tempfile.mkdtemp()
server = subprocess.Popen([a.binary, "serve", "--port", "0", "--data-dir", data, "--workers", str(a.workers),
                           "--queue-capacity", str(a.members + 10), "--log-level", "error"], stdout=subprocess.PIPE, text=True)
port = int(re.search(r":(\d+)$", server.stdout.readline().strip()).group(1))
c = http.client.HTTPConnection("127.0.0.1", port)

def finished():
    c.request("GET", "/metrics"); text = c.getresponse().read().decode()
    return sum(float(m) for m in re.findall(r'descent_experiments_finished_total\{status="\w+"\} (\S+)', text))

start = time.perf_counter()
c.request("POST", "/v1/studies", json.dumps({"name": "lr-sweep", "base": base, "grid": {"optimizer.lr": rates}}),
          {"Content-Type": "application/json"})
r = c.getresponse(); r.read()
assert r.status == 202, r.status
while finished() < a.members: time.sleep(0.02)
elapsed = time.perf_counter() - start
server.terminate(); server.wait()
shutil.rmtree(data, ignore_errors=True)  # the store of a 64-member study is ~150 MB
print(f"study_rosenbrock2d_adam_lr_sweep: members={a.members} steps={a.steps} workers={a.workers} "
      f"wall_s={elapsed:.2f} member_steps_per_wall_s={a.members * a.steps / elapsed:.0f}")
