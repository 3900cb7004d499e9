"""The fixture cases: objective, start, step count and optimizer (its Descent spec, whose members
are torch's constructor arguments under the same names). Read by generate.py."""

ROSENBROCK = {"type": "rosenbrock"}
ROSENBROCK_START = [-1.2, 1.0]
SADDLE = {"type": "saddle"}
SADDLE_START = [0.3, -0.2]
# A concave quadratic (A negative definite): maximize converges to its maximum.
CONCAVE = {"type": "quadratic", "a": [[-2.0, 0.5], [0.5, -1.0]], "b": [1.0, -0.5]}
CONCAVE_START = [1.5, -2.0]
STEPS = 300


def case(name, optimizer, objective=ROSENBROCK, start=ROSENBROCK_START, steps=STEPS, schedule=None):
    return {"name": name, "optimizer": optimizer, "objective": objective, "start": start, "steps": steps,
            "schedule": schedule}


def scheduled(name, schedule, optimizer=None, steps=STEPS):
    """A schedule's case (written to schedules.json): SGD with momentum unless another optimizer is given."""
    entry = case(name, optimizer or {"type": "sgd", "lr": 1e-3, "momentum": 0.9}, steps=steps, schedule=schedule)
    entry["file"] = "schedules"
    return entry


def transformed(name, transforms, optimizer, objective=ROSENBROCK, start=ROSENBROCK_START, steps=STEPS):
    """A gradient transform's or parameter average's case (written to transforms.json)."""
    entry = case(name, optimizer, objective=objective, start=start, steps=steps)
    entry["transforms"] = transforms
    entry["file"] = "transforms"
    return entry


def on_saddle(name, optimizer):
    return case(name, optimizer, objective=SADDLE, start=SADDLE_START)


def maximizing(name, optimizer):
    return case(name, optimizer, objective=CONCAVE, start=CONCAVE_START)


CASES = [
    # torch.optim.SGD
    case("sgd", {"type": "sgd", "lr": 1e-3}),
    case("sgd-momentum", {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    case("sgd-momentum-dampening", {"type": "sgd", "lr": 1e-3, "momentum": 0.9, "dampening": 0.1}),
    case("sgd-nesterov", {"type": "sgd", "lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    case("sgd-weight-decay", {"type": "sgd", "lr": 1e-3, "momentum": 0.5, "weight_decay": 0.1}),
    on_saddle("sgd-saddle", {"type": "sgd", "lr": 0.05, "momentum": 0.8}),
    maximizing("sgd-maximize-weight-decay", {"type": "sgd", "lr": 0.05, "momentum": 0.5, "weight_decay": 0.3,
                                             "maximize": True}),
    # torch.optim.Adam
    case("adam", {"type": "adam", "lr": 1e-2}),
    case("adam-amsgrad", {"type": "adam", "lr": 1e-2, "betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True}),
    case("adam-weight-decay", {"type": "adam", "lr": 1e-2, "weight_decay": 0.1}),
    case("adam-decoupled-weight-decay", {"type": "adam", "lr": 1e-2, "weight_decay": 0.1,
                                         "decoupled_weight_decay": True}),
    on_saddle("adam-saddle", {"type": "adam", "lr": 0.05}),
    # β₂ = 0.9: both bias corrections round to exactly 1 from step ≈ 356 on (Adam stops calling pow then).
    case("adam-settled-corrections", {"type": "adam", "lr": 1e-2, "betas": [0.5, 0.9]}, steps=600),
    maximizing("adam-maximize-weight-decay", {"type": "adam", "lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    # torch.optim.AdamW
    case("adamw", {"type": "adamw", "lr": 1e-2}),
    case("adamw-amsgrad", {"type": "adamw", "lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    maximizing("adamw-maximize", {"type": "adamw", "lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    # torch.optim.Adagrad
    case("adagrad", {"type": "adagrad", "lr": 0.1}),
    case("adagrad-decay-accumulator", {"type": "adagrad", "lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.05,
                                       "initial_accumulator_value": 0.1, "eps": 1e-8}),
    maximizing("adagrad-maximize-weight-decay", {"type": "adagrad", "lr": 0.1, "weight_decay": 0.3,
                                                 "maximize": True}),
    # torch.optim.RMSprop
    case("rmsprop", {"type": "rmsprop", "lr": 1e-3}),
    case("rmsprop-centered", {"type": "rmsprop", "lr": 1e-3, "alpha": 0.9, "centered": True}),
    case("rmsprop-momentum", {"type": "rmsprop", "lr": 1e-4, "momentum": 0.9, "weight_decay": 0.1}),
    case("rmsprop-centered-momentum", {"type": "rmsprop", "lr": 1e-4, "momentum": 0.5, "centered": True,
                                       "eps": 1e-6}),
    maximizing("rmsprop-maximize-weight-decay", {"type": "rmsprop", "lr": 0.01, "weight_decay": 0.3,
                                                 "maximize": True}),
]

# The rules torch.optim has beyond the five above.
CASES += [
    # torch.optim.NAdam
    case("nadam", {"type": "nadam", "lr": 1e-2}),
    case("nadam-weight-decay", {"type": "nadam", "lr": 1e-2, "weight_decay": 0.1, "momentum_decay": 0.01}),
    case("nadam-decoupled-weight-decay", {"type": "nadam", "lr": 1e-2, "betas": [0.8, 0.99], "weight_decay": 0.1,
                                          "decoupled_weight_decay": True}),
    on_saddle("nadam-saddle", {"type": "nadam", "lr": 0.05}),
    maximizing("nadam-maximize", {"type": "nadam", "lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    # torch.optim.RAdam (ρₜ > 5 from step 6 with β₂ = 0.999: both branches run)
    case("radam", {"type": "radam", "lr": 1e-2}),
    case("radam-weight-decay", {"type": "radam", "lr": 1e-2, "weight_decay": 0.1, "eps": 1e-6}),
    case("radam-decoupled-weight-decay", {"type": "radam", "lr": 1e-2, "betas": [0.8, 0.99], "weight_decay": 0.1,
                                          "decoupled_weight_decay": True}),
    maximizing("radam-maximize", {"type": "radam", "lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    # torch.optim.Adamax
    case("adamax", {"type": "adamax", "lr": 1e-2}),
    case("adamax-weight-decay", {"type": "adamax", "lr": 1e-2, "betas": [0.8, 0.99], "weight_decay": 0.1}),
    on_saddle("adamax-saddle", {"type": "adamax", "lr": 0.05}),
    maximizing("adamax-maximize", {"type": "adamax", "lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    # torch.optim.Adadelta
    case("adadelta", {"type": "adadelta"}),
    case("adadelta-weight-decay", {"type": "adadelta", "lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.1}),
    maximizing("adadelta-maximize", {"type": "adadelta", "weight_decay": 0.3, "maximize": True}),
    # torch.optim.Rprop
    case("rprop", {"type": "rprop", "lr": 1e-3}),
    case("rprop-etas-step-sizes", {"type": "rprop", "lr": 1e-2, "etas": [0.3, 1.5], "step_sizes": [1e-4, 0.05]}),
    on_saddle("rprop-saddle", {"type": "rprop", "lr": 1e-2}),
    maximizing("rprop-maximize", {"type": "rprop", "lr": 1e-2, "maximize": True}),
    # torch.optim.ASGD (t0 = 100: averaging starts within the run)
    case("asgd", {"type": "asgd", "lr": 1e-3}),
    case("asgd-averaging", {"type": "asgd", "lr": 1e-3, "lambd": 1e-2, "alpha": 0.6, "t0": 100, "weight_decay": 0.05}),
    on_saddle("asgd-saddle", {"type": "asgd", "lr": 0.05, "lambd": 0.1, "t0": 50}),
    maximizing("asgd-maximize", {"type": "asgd", "lr": 0.05, "t0": 20, "weight_decay": 0.3, "maximize": True}),
]

# torch.optim.LBFGS: one step is step(closure) with its inner iterations; the evaluations are recorded.
CASES += [
    case("lbfgs", {"type": "lbfgs", "lr": 0.5}, steps=200),
    case("lbfgs-strong-wolfe", {"type": "lbfgs", "line_search_fn": "strong_wolfe"}, steps=200),
    case("lbfgs-short-history", {"type": "lbfgs", "lr": 0.2, "max_iter": 2, "history_size": 3}, steps=300),
    case("lbfgs-strong-wolfe-few-iterations", {"type": "lbfgs", "max_iter": 3, "max_eval": 8, "history_size": 5,
                                               "line_search_fn": "strong_wolfe"}, steps=300),
    case("lbfgs-tolerances", {"type": "lbfgs", "max_iter": 4, "tolerance_grad": 1e-3, "tolerance_change": 1e-4,
                              "line_search_fn": "strong_wolfe"}, steps=200),
    on_saddle("lbfgs-saddle", {"type": "lbfgs", "lr": 0.3, "max_iter": 2, "history_size": 4}),
]

# torch.optim.lr_scheduler, stepped once after each optimizer step.
CASES += [
    scheduled("step", {"type": "step", "step_size": 40, "gamma": 0.7}),
    scheduled("multistep", {"type": "multistep", "milestones": [30, 80, 200], "gamma": 0.5}),
    scheduled("exponential", {"type": "exponential", "gamma": 0.995}),
    scheduled("cosine", {"type": "cosine", "t_max": 300, "eta_min": 1e-5}),
    scheduled("cosine-to-zero", {"type": "cosine", "t_max": 250}),
    scheduled("linear-warmup-cosine", {"type": "linear_warmup", "warmup_steps": 50, "start_factor": 0.1,
                                       "then": {"type": "cosine", "t_max": 250}}),
    scheduled("one-cycle", {"type": "one_cycle", "max_lr": 2e-3, "total_steps": 300}),
    scheduled("one-cycle-adam", {"type": "one_cycle", "max_lr": 2e-2, "total_steps": 300, "pct_start": 0.25,
                                 "div_factor": 10, "final_div_factor": 100}, optimizer={"type": "adam", "lr": 1e-2}),
    scheduled("linear", {"type": "linear", "start_factor": 0.2, "end_factor": 0.05, "total_iters": 150}),
    scheduled("linear-defaults", {"type": "linear"}),
    scheduled("polynomial", {"type": "polynomial", "total_iters": 250, "power": 2.0}),
    scheduled("polynomial-linear", {"type": "polynomial", "total_iters": 300}),
    scheduled("cosine-warm-restarts", {"type": "cosine_warm_restarts", "t_0": 40, "eta_min": 1e-5}),
    scheduled("cosine-warm-restarts-growing", {"type": "cosine_warm_restarts", "t_0": 20, "t_mult": 2}),
    scheduled("cyclic-triangular", {"type": "cyclic", "base_lr": 1e-4, "max_lr": 2e-3, "step_size_up": 40}),
    scheduled("cyclic-triangular2", {"type": "cyclic", "base_lr": 1e-4, "max_lr": 2e-3, "step_size_up": 30,
                                     "step_size_down": 50, "mode": "triangular2"}),
    scheduled("cyclic-exp-range", {"type": "cyclic", "max_lr": 3e-3, "step_size_up": 25, "mode": "exp_range",
                                   "gamma": 0.995}),
    scheduled("one-cycle-three-phase", {"type": "one_cycle", "max_lr": 2e-3, "total_steps": 300, "three_phase": True}),
    scheduled("one-cycle-linear", {"type": "one_cycle", "max_lr": 2e-3, "total_steps": 300, "pct_start": 0.4,
                                   "anneal_strategy": "linear"}),
    scheduled("one-cycle-three-phase-linear", {"type": "one_cycle", "max_lr": 2e-3, "total_steps": 300,
                                               "three_phase": True, "anneal_strategy": "linear"}),
    scheduled("lambda-power", {"type": "lambda", "factor": "0.99^t", "python": "0.99 ** t"}),
    scheduled("lambda-formula", {"type": "lambda", "factor": "exp(-0.005*t) * (1 + 0.5*cos(0.1*t)) / sqrt(1 + t)",
                                 "python": "math.exp(-0.005*t) * (1 + 0.5*math.cos(0.1*t)) / math.sqrt(1 + t)"}),
    scheduled("constant-factor", {"type": "constant_factor", "factor": 0.3, "total_iters": 60}),
    scheduled("constant-factor-defaults", {"type": "constant_factor"}),
    # torch.nn.utils.clip_grad_norm_ / clip_grad_value_ before the step; swa_utils.AveragedModel after it
    transformed("clip-grad-norm", [{"type": "clip_grad_norm", "max_norm": 1.0}],
                {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    transformed("clip-grad-norm-adam", [{"type": "clip_grad_norm", "max_norm": 5.0}], {"type": "adam", "lr": 1e-2}),
    transformed("clip-grad-norm-inf", [{"type": "clip_grad_norm", "max_norm": 0.5, "norm_type": "inf"}],
                {"type": "sgd", "lr": 2e-3, "momentum": 0.9}),
    transformed("clip-grad-value", [{"type": "clip_grad_value", "clip_value": 2.0}],
                {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    transformed("clip-value-then-norm", [{"type": "clip_grad_value", "clip_value": 3.0},
                                         {"type": "clip_grad_norm", "max_norm": 2.0}],
                {"type": "rmsprop", "lr": 1e-2, "momentum": 0.5}),
    transformed("ema", [{"type": "ema", "decay": 0.9}], {"type": "adam", "lr": 1e-2}),
    transformed("ema-default-clipped", [{"type": "clip_grad_norm", "max_norm": 1.0}, {"type": "ema"}],
                {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    transformed("polyak", [{"type": "polyak"}], {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    transformed("polyak-saddle", [{"type": "polyak"}, {"type": "clip_grad_value", "clip_value": 0.1}],
                {"type": "sgd", "lr": 0.05, "momentum": 0.8}, objective=SADDLE, start=SADDLE_START),
]

# ReduceLROnPlateau, stepped after each optimizer step on that step's loss (written to plateau.json).
def on_plateau(name, schedule, optimizer, objective=ROSENBROCK, start=ROSENBROCK_START, steps=STEPS):
    entry = case(name, optimizer, objective=objective, start=start, steps=steps, schedule=schedule)
    entry["file"] = "plateau"
    return entry


CASES += [
    on_plateau("plateau-sgd", {"type": "reduce_on_plateau", "factor": 0.5, "patience": 5, "threshold": 0.01},
               {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    on_plateau("plateau-defaults-adam", {"type": "reduce_on_plateau"}, {"type": "adam", "lr": 2e-2}),
    on_plateau("plateau-abs-cooldown", {"type": "reduce_on_plateau", "factor": 0.7, "patience": 3, "threshold": 1e-3,
                                        "threshold_mode": "abs", "cooldown": 4, "min_lr": 2e-3},
               {"type": "adam", "lr": 3e-2}),
    on_plateau("plateau-max", {"type": "reduce_on_plateau", "mode": "max", "factor": 0.3, "patience": 2,
                               "threshold": 0.02, "cooldown": 1},
               {"type": "sgd", "lr": 0.2, "momentum": 0.5, "maximize": True}, objective=CONCAVE, start=CONCAVE_START),
    on_plateau("plateau-max-abs-eps", {"type": "reduce_on_plateau", "mode": "max", "factor": 0.5, "patience": 1,
                                       "threshold": 1e-6, "threshold_mode": "abs", "eps": 1e-3},
               {"type": "sgd", "lr": 0.1, "maximize": True}, objective=CONCAVE, start=CONCAVE_START),
]

# SequentialLR over closed-form schedules (written to sequential.json): each later schedule restarts at its milestone.
def in_sequence(name, schedule, optimizer=None, steps=STEPS):
    entry = scheduled(name, schedule, optimizer=optimizer, steps=steps)
    entry["file"] = "sequential"
    return entry


CASES += [
    in_sequence("sequential-constant-exponential-cosine", {
        "type": "sequential", "milestones": [40, 120],
        "schedules": [{"type": "constant_factor", "factor": 0.2, "total_iters": 100},
                      {"type": "exponential", "gamma": 0.99},
                      {"type": "cosine", "t_max": 90, "eta_min": 1e-5}]}),
    in_sequence("sequential-linear-step-lambda-restarts", {
        "type": "sequential", "milestones": [30, 90, 200],
        "schedules": [{"type": "linear", "start_factor": 0.1, "total_iters": 30},
                      {"type": "step", "step_size": 20, "gamma": 0.5},
                      {"type": "lambda", "factor": "1/(1 + 0.05*t)", "python": "1 / (1 + 0.05*t)"},
                      {"type": "cosine_warm_restarts", "t_0": 25, "t_mult": 2}]}),
    in_sequence("sequential-polynomial-multistep-adam", {
        "type": "sequential", "milestones": [150],
        "schedules": [{"type": "polynomial", "total_iters": 100, "power": 0.5},
                      {"type": "multistep", "milestones": [20, 60], "gamma": 0.3}]},
        optimizer={"type": "adam", "lr": 1e-2}),
    in_sequence("sequential-single", {"type": "sequential", "milestones": [],
                                      "schedules": [{"type": "exponential", "gamma": 0.995}]}),
]


# CyclicLR and OneCycleLR with cycle_momentum (written to cycle_momentum.json): the scheduler sets the group's
# `momentum` (SGD, RMSprop) or `betas[0]` (Adam, AdamW, NAdam, RAdam, Adamax) before every step.
def cycling(name, schedule, optimizer):
    entry = scheduled(name, dict(schedule, cycle_momentum=True), optimizer=optimizer)
    entry["file"] = "cycle_momentum"
    return entry


CASES += [
    cycling("one-cycle-sgd", {"type": "one_cycle", "max_lr": 2e-3, "total_steps": 300},
            {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    cycling("one-cycle-sgd-nesterov-three-phase", {"type": "one_cycle", "max_lr": 2e-3, "three_phase": True,
                                                   "base_momentum": 0.7, "max_momentum": 0.9},
            {"type": "sgd", "lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    cycling("one-cycle-rmsprop-linear", {"type": "one_cycle", "max_lr": 2e-4, "anneal_strategy": "linear"},
            {"type": "rmsprop", "lr": 1e-4, "momentum": 0.5, "centered": True}),
    cycling("one-cycle-adam", {"type": "one_cycle", "max_lr": 2e-2, "pct_start": 0.25, "div_factor": 10,
                               "final_div_factor": 100}, {"type": "adam", "lr": 1e-2}),
    cycling("one-cycle-adamw-three-phase-linear", {"type": "one_cycle", "max_lr": 2e-2, "three_phase": True,
                                                   "anneal_strategy": "linear", "base_momentum": 0.8,
                                                   "max_momentum": 0.9},
            {"type": "adamw", "lr": 1e-2, "weight_decay": 0.1, "amsgrad": True}),
    cycling("one-cycle-nadam", {"type": "one_cycle", "max_lr": 2e-2}, {"type": "nadam", "lr": 1e-2}),
    cycling("one-cycle-radam", {"type": "one_cycle", "max_lr": 2e-2, "pct_start": 0.4}, {"type": "radam", "lr": 1e-2}),
    cycling("one-cycle-adamax", {"type": "one_cycle", "max_lr": 2e-2}, {"type": "adamax", "lr": 1e-2}),
    cycling("cyclic-sgd-triangular", {"type": "cyclic", "base_lr": 1e-4, "max_lr": 2e-3, "step_size_up": 40},
            {"type": "sgd", "lr": 1e-3, "momentum": 0.9}),
    # Plain SGD: the cycle switches momentum on; base_momentum 0 gives steps with μ = 0 at the peaks.
    cycling("cyclic-sgd-from-no-momentum", {"type": "cyclic", "base_lr": 1e-4, "max_lr": 1e-3, "step_size_up": 30,
                                            "step_size_down": 50, "mode": "triangular2", "base_momentum": 0.0},
            {"type": "sgd", "lr": 1e-3}),
    cycling("cyclic-adam-exp-range", {"type": "cyclic", "base_lr": 1e-3, "max_lr": 2e-2, "step_size_up": 25,
                                      "mode": "exp_range", "gamma": 0.995}, {"type": "adam", "lr": 1e-2}),
    cycling("cyclic-rmsprop", {"type": "cyclic", "base_lr": 1e-5, "max_lr": 2e-4, "step_size_up": 20,
                               "base_momentum": 0.3, "max_momentum": 0.6},
            {"type": "rmsprop", "lr": 1e-4, "momentum": 0.5, "weight_decay": 0.1}),
]


# Gradient accumulation on a dataset objective (written to accumulate.json): least-squares linear regression on
# inline samples, mini-batches in Descent's documented order (see generate.py's `batch_stream`), k micro-batches
# per update with torch's pattern: (loss/k).backward() sums into .grad, then clipping, then optimizer.step().
REGRESSION_X = [[0.3, -1.2], [1.5, 0.4], [-0.7, 0.9], [2.1, -0.3], [-1.4, -0.8], [0.2, 1.7], [0.9, 0.1],
                [-0.5, -1.9], [1.1, 1.3], [-2.0, 0.6], [0.6, -0.6], [1.8, 1.0], [-0.9, 0.2]]
REGRESSION_Y = [-1.1, 2.3, 0.4, 2.6, -2.2, 1.9, 1.2, -2.4, 2.9, -1.3, 0.1, 3.4, -0.6]


def accumulated(name, k, optimizer, batch_size, transforms=(), drop_last=False, seed=7, steps=200):
    entry = case(name, optimizer, objective={"type": "linear_regression"}, start=[0.5, -0.5, 0.1], steps=steps)
    entry["dataset"] = {"type": "inline", "x": REGRESSION_X, "y": REGRESSION_Y}
    entry["batch_size"], entry["drop_last"], entry["seed"] = batch_size, drop_last, seed
    entry["transforms"] = [{"type": "accumulate", "steps": k}, *transforms]
    entry["file"] = "accumulate"
    return entry


CASES += [
    # 5 batches per epoch (the last of one sample), 2 per update: updates straddle the epoch ends.
    accumulated("accumulate-sgd-momentum", 2, {"type": "sgd", "lr": 0.02, "momentum": 0.9}, batch_size=3),
    accumulated("accumulate-adam-clipped", 3, {"type": "adam", "lr": 0.02}, batch_size=2,
                transforms=[{"type": "clip_grad_norm", "max_norm": 1.0}], seed=11),
    accumulated("accumulate-rmsprop-drop-last", 4, {"type": "rmsprop", "lr": 0.005, "momentum": 0.5}, batch_size=4,
                drop_last=True, seed=3),
]


# ReduceLROnPlateau stepped once per epoch on an evaluation (written to plateau_evaluations.json): after each
# epoch's updates, scheduler.step(loss) with the full training-set or the validation loss of linear regression on
# inline samples (validation split and batch order reproduced by generate.py from Descent's documentation).
def on_evaluations(name, schedule, optimizer, batch_size, validation_fraction=0.0, seed=7, steps=STEPS):
    entry = case(name, optimizer, objective={"type": "linear_regression"}, start=[0.5, -0.5, 0.1], steps=steps,
                 schedule=schedule)
    entry["dataset"] = {"type": "inline", "x": REGRESSION_X, "y": REGRESSION_Y}
    if validation_fraction:
        entry["dataset"]["validation_fraction"] = validation_fraction
    entry["batch_size"], entry["drop_last"], entry["seed"] = batch_size, False, seed
    entry["file"] = "plateau_evaluations"
    return entry


CASES += [
    # 13 samples, 3 held out (round(0.25·13)), 10 in batches of 3: 4 updates per epoch, 75 epochs.
    on_evaluations("plateau-validation-loss-sgd", {"type": "reduce_on_plateau", "metric": "validation_loss",
                                                   "factor": 0.5, "patience": 2, "threshold": 1e-3},
                   {"type": "sgd", "lr": 0.05, "momentum": 0.5}, batch_size=3, validation_fraction=0.25),
    on_evaluations("plateau-validation-loss-adam-cooldown", {"type": "reduce_on_plateau", "metric": "validation_loss",
                                                             "factor": 0.3, "patience": 1, "cooldown": 2,
                                                             "threshold": 1e-4, "threshold_mode": "abs",
                                                             "min_lr": 1e-3},
                   {"type": "adam", "lr": 0.1}, batch_size=4, validation_fraction=0.3, seed=5),
    on_evaluations("plateau-train-loss-sgd", {"type": "reduce_on_plateau", "metric": "train_loss", "factor": 0.5,
                                              "patience": 3},
                   {"type": "sgd", "lr": 0.08}, batch_size=5, seed=2),
]
