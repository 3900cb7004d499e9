"""The closed-form objectives of the fixture cases (rosenbrock, saddle, quadratic) as the generators evaluate them.

The loss and gradient are Python floats computed in the order the objective's formula states (Descent's order),
and every point is checked against an automatic-differentiation reference (torch.autograd in torch/generate.py,
jax.grad in optax/generate.py),
so what the fixtures test is the update rule alone. The generators run from their own folders; each puts this
folder on `sys.path` to import this module.
"""
import sys


def objective_value_and_gradient(objective, theta):
    """Loss and gradient as Python floats, in the order of the objective's stated formula."""
    kind = objective["type"]
    if kind == "rosenbrock":
        a, b = objective.get("a", 1.0), objective.get("b", 100.0)
        x, y = theta
        u, v = y - x * x, a - x
        return b * u * u + v * v, [-4 * b * x * u - 2 * v, 2 * b * u]
    if kind == "saddle":
        w1, w2 = theta
        r = 1 - w1 * w2
        return r * r, [-2 * r * w2, -2 * r * w1]
    if kind == "quadratic":
        # ½θᵀAθ + bᵀθ with A symmetric: g = Aθ + b, L = Σ θᵢ(½(Aθ)ᵢ + bᵢ).
        matrix, shift = objective["a"], objective["b"]
        total, gradient = 0.0, []
        for i, row in enumerate(matrix):
            ax = 0.0
            for j, entry in enumerate(row):
                ax += entry * theta[j]
            gradient.append(ax + shift[i])
            total += theta[i] * (0.5 * ax + shift[i])
        return total, gradient
    raise ValueError(f"unknown objective {kind}")


def check_against_reference(theta, loss, gradient, reference_loss, reference_gradient, reference):
    """Exits unless `loss` and `gradient` at `theta` agree with the `reference`'s (its name) to 1e-12 relative."""
    scale = max(1.0, max(abs(g) for g in reference_gradient))
    for mine, theirs in zip(gradient, reference_gradient):
        if abs(mine - theirs) > 1e-12 * scale:
            sys.exit(f"gradient {gradient} differs from {reference} {reference_gradient} at {theta}")
    if abs(loss - reference_loss) > 1e-12 * max(1.0, abs(reference_loss)):
        sys.exit(f"loss {loss} differs from {reference} {reference_loss} at {theta}")
