"""The optax fixture cases: objective, start, step count and optimizer (its Descent spec, whose members
are the optax function's arguments under the same names, `lr` standing for `learning_rate`). Read by
generate.py."""

ROSENBROCK = {"type": "rosenbrock"}
ROSENBROCK_START = [-1.2, 1.0]
SADDLE = {"type": "saddle"}
SADDLE_START = [0.3, -0.2]
# A convex quadratic (A positive definite), minimum at −A⁻¹b.
CONVEX = {"type": "quadratic", "a": [[2.0, 0.5], [0.5, 1.0]], "b": [1.0, -0.5]}
CONVEX_START = [1.5, -2.0]
STEPS = 300


def case(name, optimizer, objective=ROSENBROCK, start=ROSENBROCK_START, steps=STEPS):
    return {"name": name, "optimizer": optimizer, "objective": objective, "start": start, "steps": steps}


def on_saddle(name, optimizer):
    return case(name, optimizer, objective=SADDLE, start=SADDLE_START)


def on_quadratic(name, optimizer):
    return case(name, optimizer, objective=CONVEX, start=CONVEX_START)


CASES = [
    # optax.lion
    case("lion", {"type": "lion", "lr": 1e-3}),
    case("lion-betas-no-decay", {"type": "lion", "lr": 3e-3, "b1": 0.95, "b2": 0.98, "weight_decay": 0.0}),
    on_saddle("lion-saddle", {"type": "lion", "lr": 1e-2, "weight_decay": 0.1}),
    on_quadratic("lion-quadratic", {"type": "lion", "lr": 2e-2}),
    # optax.adabelief
    case("adabelief", {"type": "adabelief", "lr": 1e-2}),
    case("adabelief-eps", {"type": "adabelief", "lr": 1e-2, "b1": 0.8, "b2": 0.99, "eps": 1e-8, "eps_root": 0.0}),
    case("adabelief-nesterov", {"type": "adabelief", "lr": 1e-2, "nesterov": True}),
    on_saddle("adabelief-saddle", {"type": "adabelief", "lr": 0.05}),
    on_quadratic("adabelief-quadratic", {"type": "adabelief", "lr": 0.05}),
    # optax.yogi (initial_accumulator_value is scale_by_yogi's)
    case("yogi", {"type": "yogi", "lr": 1e-2}),
    case("yogi-betas", {"type": "yogi", "lr": 1e-2, "b1": 0.8, "b2": 0.99, "eps": 1e-4,
                        "initial_accumulator_value": 1e-3}),
    on_saddle("yogi-saddle", {"type": "yogi", "lr": 0.05}),
    on_quadratic("yogi-quadratic", {"type": "yogi", "lr": 0.05}),
    # optax.lamb
    case("lamb", {"type": "lamb", "lr": 1e-2}),
    case("lamb-weight-decay", {"type": "lamb", "lr": 1e-2, "b1": 0.8, "eps": 1e-8, "eps_root": 1e-12,
                               "weight_decay": 0.01}),
    on_saddle("lamb-saddle", {"type": "lamb", "lr": 0.02}),
    on_quadratic("lamb-quadratic", {"type": "lamb", "lr": 0.02, "weight_decay": 0.1}),
    # optax.lars
    case("lars", {"type": "lars", "lr": 1.0}),
    case("lars-nesterov-decay", {"type": "lars", "lr": 2.0, "weight_decay": 0.01, "trust_coefficient": 2e-3,
                                 "eps": 1e-9, "momentum": 0.8, "nesterov": True}),
    on_saddle("lars-saddle", {"type": "lars", "lr": 5.0}),
    on_quadratic("lars-quadratic", {"type": "lars", "lr": 10.0, "momentum": 0.5}),
    # optax.adan
    case("adan", {"type": "adan", "lr": 1e-2}),
    case("adan-weight-decay", {"type": "adan", "lr": 1e-2, "b1": 0.9, "b2": 0.9, "b3": 0.999, "eps": 1e-6,
                               "eps_root": 1e-12, "weight_decay": 0.02}),
    on_saddle("adan-saddle", {"type": "adan", "lr": 0.05}),
    on_quadratic("adan-quadratic", {"type": "adan", "lr": 0.05}),
]

# optax.contrib.sam (opaque mode, sync_period 2) around the paper's drop-in pair: the adversarial optimizer
# chain(normalize(), sgd(rho)), the outer optimizer sgd(lr, momentum, nesterov); `momentum` 0 stands for None.
CASES += [
    case("sam", {"type": "sam", "lr": 1e-3}),
    case("sam-momentum", {"type": "sam", "lr": 5e-4, "rho": 0.1, "momentum": 0.9}),
    on_saddle("sam-saddle-nesterov", {"type": "sam", "lr": 0.05, "rho": 0.02, "momentum": 0.5, "nesterov": True}),
    on_quadratic("sam-quadratic", {"type": "sam", "lr": 0.1, "rho": 0.2}),
]

# optax.contrib.prodigy (lr multiplies the estimated step size d; 1 is the method as published)
CASES += [
    case("prodigy", {"type": "prodigy", "lr": 1.0}),
    case("prodigy-options", {"type": "prodigy", "lr": 0.5, "betas": [0.8, 0.99], "beta3": 0.9, "eps": 1e-6,
                             "estim_lr0": 1e-4, "estim_lr_coef": 0.5, "weight_decay": 0.01, "safeguard_warmup": True}),
    on_saddle("prodigy-saddle", {"type": "prodigy", "lr": 1.0}),
    on_quadratic("prodigy-quadratic", {"type": "prodigy", "lr": 1.0}),
]

CASES += [
    # optax.contrib.schedule_free_sgd and schedule_free_adamw (warmup_steps None); params are y, where the gradient
    # is taken, and each row also records x = optax.contrib.schedule_free_eval_params(state, params).
    case("schedule-free-sgd", {"type": "schedule_free_sgd", "lr": 1e-3}),
    case("schedule-free-sgd-options", {"type": "schedule_free_sgd", "lr": 5e-4, "b1": 0.95, "weight_decay": 0.01,
                                       "weight_lr_power": 1.0}),
    on_saddle("schedule-free-sgd-saddle", {"type": "schedule_free_sgd", "lr": 0.1}),
    on_quadratic("schedule-free-sgd-quadratic", {"type": "schedule_free_sgd", "lr": 0.2}),
    case("schedule-free-adamw", {"type": "schedule_free_adamw", "lr": 0.0025}),
    case("schedule-free-adamw-options", {"type": "schedule_free_adamw", "lr": 0.01, "b1": 0.8, "b2": 0.99, "eps": 1e-6,
                                         "weight_decay": 0.05, "weight_lr_power": 0.0}),
    on_saddle("schedule-free-adamw-saddle", {"type": "schedule_free_adamw", "lr": 0.05}),
    on_quadratic("schedule-free-adamw-quadratic", {"type": "schedule_free_adamw", "lr": 0.05}),
]
