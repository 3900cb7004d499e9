#!/usr/bin/env python3
"""Generates Sources/DescentService/Generated/PresetCatalog.swift from examples/*.json (run after editing examples).

Every examples/*.json is either an experiment spec that a preset below uses or a study body (a file with
"grid" or "experiments", such as examples/study-learning-rates.json for `descent study`), which is left
alone. A spec that no preset uses is an error, so the examples and the presets cannot drift apart.
Tests/DescentServiceTests/PresetClaimTests.swift runs every preset and checks what its description says.
"""
import json, pathlib, sys
root = pathlib.Path(__file__).resolve().parent.parent
used = set()


def ex(name):
    used.add(name)
    return json.loads((root / "examples" / f"{name}.json").read_text())


def study(name, *files):
    return {"name": name, "experiments": [ex(f) for f in files]}


def variants(name, file, runs):
    """A study of one spec run with each (experiment name, optimizer) of `runs`."""
    base = ex(file)
    return {"name": name, "experiments": [{**base, "name": label, "optimizer": optimizer} for label, optimizer in runs]}


def problem(file, label, **changes):
    """A comparison's problem: the example spec without its name and optimizer, with `changes`."""
    spec = {k: v for k, v in ex(file).items() if k not in ("name", "optimizer")}
    return {"label": label, "spec": {**spec, **changes}}


# The lecture's five optimizers, each tuned for itself (compare with the presets "momentum" and "adaptive", which
# run them at hand-picked rates).
LECTURE_OPTIMIZERS = [
    {"label": "sgd", "optimizer": {"type": "sgd"}},
    {"label": "momentum", "optimizer": {"type": "sgd", "momentum": 0.9}},
    {"label": "adagrad", "optimizer": {"type": "adagrad"}},
    {"label": "rmsprop", "optimizer": {"type": "rmsprop"}},
    {"label": "adam", "optimizer": {"type": "adam"}},
]


NOISE = [{"type": "gradient_noise", "eta": 0.01}]


def tuned(name, problems):
    """A comparison: TPE over the learning rate (1e-5 … 1, 20 trials, 4 at a time), then 5 confirmation runs."""
    return {"name": name, "compare": {"optimizers": LECTURE_OPTIMIZERS, "problems": problems},
            "search": {"space": {"optimizer.lr": {"type": "log_uniform", "low": 1e-5, "high": 1}},
                       "sampler": "tpe", "trials": 20, "max_concurrent": 4, "seed": 1},
            "confirm": 5}


presets = [
    ("saddle-escape", "Saddle: escape vs staying at the origin",
     "Gradient descent on (1 - w1*w2)^2 from (0.01, 0.02) escapes the saddle; from exactly (0, 0) it never moves.",
     "study", study("saddle escape vs origin", "saddle-escape", "saddle-origin-stays")),
    ("batch-size", "Batch size 1 vs 20",
     "A 20-sample regression, 200 updates each. B = 1 makes 20 updates per epoch (10 epochs), B = 20 one (200 epochs). "
     "Both end at about the same training loss (0.0115 vs 0.0114), B = 1 having used 1/20 of the sample gradients; "
     "its loss curve is jagged (each point is one sample's loss), B = 20's falls smoothly.",
     "study", study("batch size 1 vs 20", "regression-batch-1", "regression-batch-20")),
    ("momentum", "Plain gradient descent vs momentum (lecture and PyTorch forms) vs Adam on diag(1, 100)",
     "From (1, 1), 200 steps. Plain gradient descent at lr 0.019, just under the stable limit 2/100, flips w2's sign "
     "at every step (1 - 100·0.019 = -0.9) and crawls along w1 (×0.981 a step): loss 2.3e-4. Momentum 0.8 shrinks both "
     "directions by √0.8 ≈ 0.89 a step and ends at 2.6e-18; the lecture's form (m ← λm − ηg) and PyTorch's SGD "
     "(b ← μb + g, θ ← θ − ηb) take the same path. Adam moves both coordinates by equal amounts (along w1 = w2) "
     "and ends at 2.6e-9.",
     "study", study("gradient descent vs momentum vs adam", "ill-conditioned-sgd", "ill-conditioned-momentum",
                    "ill-conditioned-momentum-pytorch", "ill-conditioned-adam")),
    ("adaptive", "AdaGrad and RMSProp (lecture and PyTorch forms) vs Adam on Rosenbrock",
     "From (-1.2, 1), 5000 steps. At the same lr 0.001, the lecture's AdaGrad divides by the RMS of all past "
     "gradients, which remembers the steep start: its steps shrink twentyfold within 1000 steps and it ends at loss "
     "3.4, far up the valley. The lecture's RMSProp forgets old gradients (α = 0.9), keeps steps of about lr·√2 and "
     "reaches 3.1e-4. PyTorch's RMSprop starts from v = 0, so its first step is 10× longer (lr/√(1 − α), α = 0.99), "
     "and it ends close by (3.6e-4). PyTorch's Adagrad (lr/√Σg², lr 0.5) reaches 9.7e-5; Adam (lr 0.05) the "
     "minimum itself (1e-18).",
     "study", study("adagrad vs rmsprop vs adam", "rosenbrock-adagrad-lecture", "rosenbrock-rmsprop-lecture",
                    "rosenbrock-adagrad", "rosenbrock-rmsprop", "rosenbrock-adam")),
    ("warmup", "Warm-up lets a large learning rate train",
     "Two moons, a 2-64-64-1 ReLU network, SGD with momentum 0.9, 1000 steps ending in a cosine decay. Warming up "
     "from lr 0.01 to 1 over 100 steps trains it to a loss of 2.2e-5. Starting at lr 1 throws the loss up (3.8 "
     "after the first epoch, from 1.4) and the network never recovers (0.44, validation accuracy 0.78). A rate "
     "that is stable from the start (0.1) ends 60× above the warmed-up run (1.3e-3).",
     "study", study("warm-up vs none", "warmup-cosine", "warmup-none", "warmup-none-small-lr")),
    ("batch-norm", "Batch normalization lets a deep ReLU network train at lr 0.5",
     "Two moons, a 2-16-16-16-16-1 ReLU network, SGD with momentum 0.9 at lr 0.5, 1000 steps. Without batch norm "
     "the loss jumps (to 34 near step 60) and the network stalls near ln 2 = 0.693 (0.72), the loss of answering 1/2 "
     "everywhere (validation accuracy 0.44). With batch norm the same rate trains it (loss 0.037, validation "
     "accuracy 1). Its summary shows both modes: train_loss normalises with the running averages (inference, "
     "0.0374), train_loss_batch_stats with the training set's own statistics (training, 0.0377): by the end the "
     "running averages have caught up with the data.",
     "study", study("batch norm on vs off", "mlp-batchnorm-off", "mlp-batchnorm-on")),
    ("covariate-shift", "Internal covariate shift: each layer's input drifts without batch norm, stays put with it",
     "Two moons, a 2-16-16-16-16-1 ReLU network, SGD with momentum 0.9 at lr 0.1, 1000 steps, each hidden layer's "
     "pre-activation mean and std recorded every epoch (analysis.layer_stats; plot kind=layer_stats). Both runs train "
     "to about the same loss (0.037 and 0.038). Without batch norm the distributions feeding the ReLUs drift as the "
     "layers below learn, more the deeper the layer: over the epochs the fourth layer's std grows from 1.8 to 4.8 "
     "(max/min 2.8; 1.4, 2.1 and 2.5 for the layers below it). With batch norm the input of each activation, γx̂ + β, "
     "keeps its std within a factor 1.5 (from 0.97 to 1.2 in the fourth layer) and its mean moves a quarter to a half as far.",
     "study", study("covariate shift: batch norm off vs on", "covariate-shift-off", "covariate-shift-on")),
    ("feature-normalization", "Feature normalization: elongated ellipses become circles",
     "Fit y = w·x + b with x in the hundreds (8 samples). Raw, the loss contours in (w, b) are ellipses 1,100 times "
     "longer than wide (condition number 1.2e6; around the path they look like parallel lines): the largest stable "
     "lr is 2/λmax = 3.6e-6, and at 2e-6 the run is still at loss 4.9 after 500 steps. Standardized, the Hessian is exactly 2I: circular contours and a straight "
     "path, each step at lr 0.1 shrinking the distance to the minimum by 0.8; it reaches the least-squares loss 0.0311.",
     "study", study("feature normalization off vs on", "normalization-off", "normalization-on")),
    ("second-order-saddle", "Newton vs saddle-free Newton vs negative curvature vs GD next to the saddle",
     "From (1e-4, 2e-4) on (1 - w1*w2)^2: Newton converges to the saddle, gradient descent is still on its plateau "
     "after 30 steps, saddle-free Newton and the negative-curvature step escape to the valley.",
     "study", variants("second-order steps at the saddle", "second-order-saddle", [
         ("gradient descent", {"type": "sgd", "lr": 0.1}), ("newton (damped)", {"type": "newton", "lr": 1}),
         ("saddle-free newton", {"type": "saddle_free_newton", "lr": 1}),
         ("negative-curvature steps", {"type": "negative_curvature", "lr": 0.1})])),
    ("second-order-rosenbrock", "Newton vs saddle-free Newton vs negative curvature vs GD on Rosenbrock",
     "From (-1.2, 1): both Newton steps reach the minimum (1, 1) within 100 steps; gradient descent and the "
     "negative-curvature variant (the same steps where the gradient is large) are still in the valley.",
     "study", variants("second-order steps on Rosenbrock", "second-order-rosenbrock", [
         ("gradient descent", {"type": "sgd", "lr": 0.001}), ("newton (damped)", {"type": "newton", "lr": 1}),
         ("saddle-free newton", {"type": "saddle_free_newton", "lr": 1}),
         ("negative-curvature steps", {"type": "negative_curvature", "lr": 0.001})])),
    ("edge-of-stability", "Sharpness rises to 2/lr under full-batch gradient descent (edge of stability)",
     "Full-batch gradient descent on a 2-16-1 tanh network (mean squared error on 100 samples of a linear target), "
     "1000 steps, the largest Hessian eigenvalue λmax recorded every 20 steps (analysis.sharpness_every). At lr 0.3 "
     "λmax rises from 4.4 (0.66 of 2/lr) to 2/lr = 6.67 within 20 steps and then hovers within 3 % of it for the "
     "rest of the run (the edge of stability, Cohen et al. 2021): the gradient points along the top eigenvector "
     "(alignment 0.99), the loss goes up at 80 of the 200 recorded steps and still falls overall, to 0.0092. At "
     "lr 0.2 (2/lr = 10) λmax rises steadily (progressive sharpening) to 8.4 and stays below 2/lr, the gradient is "
     "orthogonal to the top eigenvector (alignment below 0.01) and the loss falls at every step, to 0.0088.",
     "study", variants("edge of stability: lr 0.3 vs 0.2", "edge-of-stability", [
         ("full-batch gradient descent, lr 0.3", {"type": "sgd", "lr": 0.3}),
         ("full-batch gradient descent, lr 0.2", {"type": "sgd", "lr": 0.2})])),
    ("batch-cost", "Cost per update and per epoch against batch size (MLP, one thread, in order and on four SIMD lanes)",
     "The 2-16-16-1 tanh network (337 parameters) with SGD on 256 two-moons samples, trained 2 epochs at each batch "
     "size B = 1, 2, 4, …, 64 and timed (CPU time of the measuring thread, fastest of 2 runs; what every run pays "
     "besides its updates — the loss evaluations, the set-up — is measured by a one-update run and taken off). The "
     "lecture says a larger batch costs little more per update on parallel hardware. One core has such hardware in "
     "its SIMD registers: the model's pass runs eight samples at a time through each layer, keeping the order of the "
     "sums. In a release build an update costs about 5 µs at B = 1 and about the same up to B = 4 to 8, most of it the "
     "fixed cost of an update (the optimizer step over 337 parameters, the batch's slice, the loop); past that it "
     "grows with B, to 4–6 times B = 1's at B = 64 (0.4–0.5 µs per sample gradient there). An epoch of B = 64 "
     "therefore costs about a tenth of an epoch of B = 1, for the same sample gradients. Timed beside it, the same "
     "training with the batch split over four SIMD lanes (split lanes, a fixed rule of the batch) costs about what the "
     "in-order sum costs up to B = 4 and more past it: on one core the in-order pass already uses the vector "
     "registers. A debug build spends far more per sample gradient, so its updates grow with B from the start.",
     "batch_cost", {"spec": ex("batch-cost-mlp"), "batch_sizes": [1, 2, 4, 8, 16, 32, 64], "epochs": 2, "repeats": 2,
                   "split": "lanes"}),
    ("saddle-noise", "Mini-batch noise escapes the saddle at the origin; full-batch gradient descent stays on it",
     "The lecture's network without bias or activation, ŷ = w2·(w1·x) (deep_linear, depth 2, width 1), on 16 samples "
     "y = x1 ± 0.5 with a second feature x2 = ±1 that is uncorrelated with y and x1 over the whole set but not within "
     "a batch. Both runs start at w1 = (0.5, 0), w2 = -0.5, on the stable manifold of the saddle at the origin "
     "(w1 = -w2 along x1), lr 0.05, 300 updates. Full-batch gradient descent keeps the manifold's symmetry exactly "
     "(w1[1] stays 0, w1[0] = -w2 at every step), slides into the saddle and stays there: loss 2.75 = mean(y²), "
     "weights below 1e-37. With batches of 4 each batch's correlation of x2 with y pushes w1[1] off 0, the "
     "saddle's negative curvature (−5) takes over and the run reaches the valley of minima, w1[0]·w2 ≈ 1, loss "
     "0.257 (the least-squares loss is 0.25) within 50 updates.",
     "study", study("saddle: mini-batch noise vs full batch", "deep-linear-full-batch", "deep-linear-mini-batch")),
    ("tuned-quadratic", "Tuned: SGD vs momentum vs AdaGrad vs RMSProp vs Adam on diag(1, 100)",
     "The momentum preset's problem (from (1, 1), 200 steps) with a little gradient noise (η = 0.01, decaying), so "
     "that runs on different seeds differ. Each optimizer's learning rate is tuned for itself (TPE, 20 trials in "
     "[1e-5, 1]), then its best rate runs 5 times on fresh seeds. Tuned, momentum 0.9 wins (lr 0.0026, final loss "
     "6.1e-6 ± 9.4e-6); AdaGrad (1.1e-5) and Adam (1.7e-5) end within its spread, RMSProp 28× above it. Plain "
     "gradient descent is held below lr 2/100 by the steep direction and ends 900× above (5.5e-3), its spread only "
     "3 % of its loss.",
     "study", tuned("tuned optimizers on diag(1, 100)", [problem("ill-conditioned-sgd", "ill-conditioned", seed=1, transforms=NOISE)])),
    ("tuned-rosenbrock", "Tuned: SGD vs momentum vs AdaGrad vs RMSProp vs Adam on Rosenbrock",
     "The adaptive preset's problem (from (-1.2, 1), 5000 steps) with a little gradient noise (η = 0.01, "
     "decaying). Each optimizer's learning rate is tuned for itself (TPE, 20 trials in [1e-5, 1]), then its best "
     "rate runs 5 times on fresh seeds. Tuned, momentum 0.9 ends lowest (lr 7.5e-4, 1.4e-7 ± 1.5e-7) and Adam "
     "(lr 0.017) 8× above it. AdaGrad, whose steps shrink by themselves, takes the largest rate (0.87) and ends 300× "
     "above; RMSProp and plain gradient descent are still in the valley, 2,400× and 5,700× above momentum.",
     "study", tuned("tuned optimizers on Rosenbrock", [problem("rosenbrock-adam", "rosenbrock", seed=1, transforms=NOISE)])),
]

for path in sorted((root / "examples").glob("*.json")):
    body = json.loads(path.read_text())
    if path.stem not in used and "grid" not in body and "experiments" not in body:
        sys.exit(f"examples/{path.name} is a spec no preset uses: add it to a preset in {pathlib.Path(__file__).name}")

lines = ["// Generated by scripts/generate-presets.py from examples/*.json; do not edit by hand.", "",
         "/// The lecture presets: name, title, description, kind and request body (JSON).",
         "enum PresetCatalog {",
         "    static let entries: [(name: String, title: String, description: String, kind: String, body: String)] = ["]
for name, title, desc, kind, body in presets:
    lines.append(f"        ({json.dumps(name)}, {json.dumps(title, ensure_ascii=False)}, {json.dumps(desc, ensure_ascii=False)}, {json.dumps(kind)},")
    lines.append(f"         #\"{json.dumps(body, separators=(',', ':'), ensure_ascii=False)}\"#),")
lines += ["    ]", "}", ""]
(root / "Sources/DescentService/Generated/PresetCatalog.swift").write_text("\n".join(lines))
