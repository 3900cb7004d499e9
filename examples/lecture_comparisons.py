# %% [markdown]
# # The lecture's comparisons, end to end, from Python
#
# Each cell runs one of the lecture's comparisons on a Descent server, prints its results table and
# draws the dashboard's charts with matplotlib. Open this file as a notebook (Jupyter with jupytext, VS
# Code or PyCharm read the `# %%` cells) or run it as a script:
#
#     make serve                                  # a server on http://127.0.0.1:8080
#     pip install './clients/python[all]'         # the client with pandas and matplotlib
#     python examples/lecture_comparisons.py      # figures go to ./lecture-figures
#
# `DESCENT_URL` names another server; `DESCENT_EXAMPLE_OUT` another folder for the figures.

# %%
import os
import pathlib
import re
import sys

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # as a script: write files, open no window
import matplotlib.pyplot as plt

import descent

client = descent.Client()  # $DESCENT_URL, else http://127.0.0.1:8080
out = pathlib.Path(os.environ.get("DESCENT_EXAMPLE_OUT", "lecture-figures"))
out.mkdir(parents=True, exist_ok=True)


def save(ax, name):
    """Saves the figure of `ax` as out/<name>.png."""
    path = out / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".png")
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=110)
    if "ipykernel" not in sys.modules:
        plt.close(ax.figure)  # in a notebook the figure stays to be shown
    print(f"wrote {path}")


def run(preset):
    """Runs a preset and waits for every run of it; prints its results table."""
    study = client.wait(client.run_preset(preset), timeout=600)
    print(f"\n== {study.name}")
    print(study.to_frame()[["status", "final_loss", "best_loss", "steps_run"]].to_string())
    return study


# %% [markdown]
# ## 1. The saddle of L(w1, w2) = (1 − w1·w2)²
# The Hessian at the origin has eigenvalues −2 and 2: a saddle, escaped along ±(1, 1)/√2. Gradient
# descent from (0.01, 0.02) escapes it; from exactly (0, 0) the gradient is zero and it never moves.

# %%
origin = client.analysis.critical_point("saddle", [0, 0])
print(f"origin: {origin.kind}, eigenvalues {origin.eigenvalues}, escape {origin.escape_direction}")
saddle = run("saddle-escape")
for row in saddle.experiments:
    save(client.plot_path(row), f"saddle-path-{row.label}")

# %% [markdown]
# ## 2. SGD vs momentum vs Adam on an ill-conditioned quadratic (diag(1, 100))
# Plain gradient descent zig-zags across the narrow valley; momentum and Adam do not.

# %%
momentum = run("momentum")
save(client.plot_loss(momentum), "momentum-loss")
save(client.plot_path(momentum), "momentum-paths")

# %% [markdown]
# ## 3. AdaGrad vs RMSProp vs Adam on Rosenbrock, from (−1.2, 1)

# %%
adaptive = run("adaptive")
save(client.plot_loss(adaptive), "adaptive-loss")
save(client.plot_path(adaptive), "adaptive-paths")

# %% [markdown]
# ## 4. Batch size 1 vs 20 on a 20-sample regression
# Batch size 1 makes 20 updates per epoch, batch size 20 one: compare the training loss per epoch.

# %%
batch = run("batch-size")
fig, ax = plt.subplots(figsize=(7, 4.5))
for row in batch.experiments:
    epochs = client.trajectory(row, fields="loss").epochs_frame()
    ax.plot(epochs["epoch"], epochs["train_loss"], marker=".", label=row.label)
ax.set(yscale="log", xlabel="epoch", ylabel="train loss", title="loss per epoch")
ax.legend()
save(ax, "batch-size-epochs")

# %% [markdown]
# ## 5. Learning-rate warm-up, then cosine decay
# The lr column ramps up linearly for 100 steps, then follows a cosine.

# %%
warmup = client.wait(client.run_preset("warmup"), timeout=600)
frame = client.trajectory(warmup, fields="lr,loss", as_frame=True)
ax = frame.plot(x="step", y="lr", legend=False, title="learning rate", figsize=(7, 3.5))
ax.set_ylabel("lr")
save(ax, "warmup-lr")
lr = frame.set_index("step")["lr"]
print(f"\nwarm-up: lr at steps 0, 50, 100, 500 = {[float(lr[s]) for s in (0, 50, 100, 500)]}")

# %% [markdown]
# ## 6. An MLP with and without batch normalization, and 7. feature normalization on and off

# %%
for preset in ("batch-norm", "feature-normalization"):
    save(client.plot_loss(run(preset)), f"{preset}-loss")

# %%
client.close()
