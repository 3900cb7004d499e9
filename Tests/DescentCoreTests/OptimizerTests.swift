import Foundation
import Testing
@testable import DescentCore

/// Relative closeness |a − b| ≤ tol · max(1, |b|).
func relClose(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }

/// Fixed gradients for three steps (independent of θ) so every option's effect is visible.
let threeGradients: [[Double]] = [[1.5, -2.0], [0.3, 4.0], [-0.7, 0.01]]
let startTheta: [Double] = [0.5, -1.0]

/// Runs `optimizer` for the three fixed gradients at lr `lr`; returns θ after each step.
func threeSteps<P: Optimizer>(_ optimizer: inout P, lr: Double) -> [[Double]] {
    var theta = startTheta
    var out: [[Double]] = []
    for g in threeGradients {
        var gradient = g
        optimizer.step(parameters: &theta, gradient: &gradient, learningRate: lr)
        out.append(theta)
    }
    return out
}

func expectClose(_ actual: [[Double]], _ expected: [[Double]], tol: Double = 1e-12) {
    for (a, e) in zip(actual, expected) {
        for (x, y) in zip(a, e) { #expect(relClose(x, y, tol), "got \(x), expected \(y)") }
    }
}

/// torch SGD pseudo-code, coordinate by coordinate.
func referenceSGD(lr: Double, mu: Double, tau: Double, nesterov: Bool, wd: Double, maximize: Bool) -> [[Double]] {
    var theta = startTheta, b = [0.0, 0.0], out: [[Double]] = []
    for (t, grad) in threeGradients.enumerated() {
        for i in 0..<2 {
            // maximize negates the gradient before the decay is added (θ still shrinks).
            var g = (maximize ? -grad[i] : grad[i]) + wd * theta[i]
            if mu != 0 {
                b[i] = t == 0 ? g : mu * b[i] + (1 - tau) * g
                g = nesterov ? g + mu * b[i] : b[i]
            }
            theta[i] -= lr * g
        }
        out.append(theta)
    }
    return out
}

@Test(arguments: [(0.0, 0.0, false, 0.0, false), (0.9, 0.0, false, 0.0, false), (0.9, 0.3, false, 0.0, false),
                  (0.9, 0.0, true, 0.0, false), (0.0, 0.0, false, 0.1, false), (0.5, 0.1, false, 0.2, true)])
func sgdMatchesTorchPseudoCodeForThreeSteps(option: (Double, Double, Bool, Double, Bool)) {
    let (mu, tau, nesterov, wd, maximize) = option
    var sgd = SGD(dimension: 2, momentum: mu, dampening: tau, nesterov: nesterov, weightDecay: wd, maximize: maximize)
    expectClose(threeSteps(&sgd, lr: 0.1), referenceSGD(lr: 0.1, mu: mu, tau: tau, nesterov: nesterov, wd: wd, maximize: maximize))
}

@Test func sgdOnHalfLambdaXSquaredIsGeometric() {
    // ½λx², g = λx ⇒ x_t = (1 − ηλ)^t x₀ exactly in exact arithmetic; 1e-12 relative in floating point.
    let lambda = 2.0, eta = 0.1, x0 = 3.0
    var sgd = SGD(dimension: 1)
    var x = [x0]
    for t in 1...60 {
        var g = [lambda * x[0]]
        sgd.step(parameters: &x, gradient: &g, learningRate: eta)
        #expect(relClose(x[0], x0 * LibM.pow(1 - eta * lambda, Double(t)), 1e-12))
    }
}

@Test func torchMomentumOnQuadraticFollowsTwoByTwoRecurrence() {
    // g = ax; (x, b) ← [[1 − ηa, −ημ], [a, μ]]·(x, b), b₀ = 0 (equivalent to torch's b₁ = g₁).
    let a = 3.0, eta = 0.05, mu = 0.8
    var sgd = SGD(dimension: 1, momentum: mu)
    var theta = [2.0]
    var (x, b) = (2.0, 0.0)
    for _ in 0..<100 {
        var g = [a * theta[0]]
        sgd.step(parameters: &theta, gradient: &g, learningRate: eta)
        (x, b) = ((1 - eta * a) * x - eta * mu * b, a * x + mu * b)
        #expect(relClose(theta[0], x, 1e-12))
    }
}

@Test func lectureMomentumOnQuadraticFollowsTwoByTwoRecurrence() {
    // g = ax; (x, m) ← [[1 − ηa, λ], [−ηa, λ]]·(x, m).
    let a = 3.0, eta = 0.05, lambda = 0.8
    var optimizer = MomentumLecture(dimension: 1, momentum: lambda)
    var theta = [2.0]
    var (x, m) = (2.0, 0.0)
    for _ in 0..<100 {
        var g = [a * theta[0]]
        optimizer.step(parameters: &theta, gradient: &g, learningRate: eta)
        (x, m) = ((1 - eta * a) * x + lambda * m, -eta * a * x + lambda * m)
        #expect(relClose(theta[0], x, 1e-12))
    }
}

@Test func adamFirstStepIsMinusLearningRateTimesSignScaled() {
    // Bias-corrected m̂ = g, v̂ = g² ⇒ Δθ = −lr·g/(|g| + ε).
    let g0: [Double] = [3.0, -0.5, 1e-3, 0]
    var adam = Adam(dimension: 4)
    var theta = [Double](repeating: 1, count: 4), g = g0
    adam.step(parameters: &theta, gradient: &g, learningRate: 0.01)
    for i in 0..<4 { #expect(relClose(theta[i] - 1, -0.01 * g0[i] / (abs(g0[i]) + 1e-8), 1e-9)) }
}

/// torch Adam/AdamW pseudo-code in its mathematical form m̂/(√v̂ + ε).
func referenceAdam(lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, amsgrad: Bool, decoupled: Bool) -> [[Double]] {
    var theta = startTheta, m = [0.0, 0.0], v = [0.0, 0.0], vmax = [0.0, 0.0], out: [[Double]] = []
    for (k, grad) in threeGradients.enumerated() {
        let t = Double(k + 1)
        for i in 0..<2 {
            var g = grad[i]
            if decoupled { theta[i] -= lr * wd * theta[i] } else { g += wd * theta[i] }
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            vmax[i] = max(vmax[i], v[i])
            let mHat = m[i] / (1 - LibM.pow(b1, t))
            let vHat = (amsgrad ? vmax[i] : v[i]) / (1 - LibM.pow(b2, t))
            theta[i] -= lr * mHat / (vHat.squareRoot() + eps)
        }
        out.append(theta)
    }
    return out
}

@Test(arguments: [(0.0, false), (0.1, false), (0.0, true), (0.1, true)])
func adamMatchesTorchPseudoCodeForThreeSteps(option: (Double, Bool)) {
    var adam = Adam(dimension: 2, beta1: 0.8, beta2: 0.9, epsilon: 1e-6, weightDecay: option.0, amsgrad: option.1)
    expectClose(threeSteps(&adam, lr: 0.05),
                referenceAdam(lr: 0.05, b1: 0.8, b2: 0.9, eps: 1e-6, wd: option.0, amsgrad: option.1, decoupled: false))
}

@Test(arguments: [false, true])
func adamwMatchesTorchPseudoCodeForThreeSteps(amsgrad: Bool) {
    var adamw = AdamW.make(dimension: 2, amsgrad: amsgrad)
    #expect(adamw.weightDecay == 1e-2)
    expectClose(threeSteps(&adamw, lr: 0.05),
                referenceAdam(lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 1e-2, amsgrad: amsgrad, decoupled: true))
}

@Test func amsgradUsesTheRunningMaximumOfTheSecondMoment() {
    // Coordinate 0 gets gradients 1.5 then 0.3, so its v shrinks on step 2; coordinate 1's grows (−2 then 4).
    var plain = Adam(dimension: 2, beta2: 0.9), ams = Adam(dimension: 2, beta2: 0.9, amsgrad: true)
    let a = threeSteps(&plain, lr: 0.05), b = threeSteps(&ams, lr: 0.05)
    #expect(a[0] == b[0])
    #expect(a[1][1] == b[1][1])
    #expect(a[1][0] != b[1][0])
}

@Test(arguments: [(0.0, 0.0, 0.0), (0.5, 0.0, 0.0), (0.0, 0.1, 0.0), (0.2, 0.1, 0.3)])
func adagradMatchesTorchPseudoCodeForThreeSteps(option: (Double, Double, Double)) {
    let (decay, wd, initial) = option
    var adagrad = Adagrad(dimension: 2, learningRateDecay: decay, weightDecay: wd, initialAccumulatorValue: initial)
    var theta = startTheta, sum = [initial, initial], expected: [[Double]] = []
    for (k, grad) in threeGradients.enumerated() {
        let clr = 0.1 / (1 + Double(k) * decay)
        for i in 0..<2 {
            let g = grad[i] + wd * theta[i]
            sum[i] += g * g
            theta[i] -= clr * g / (sum[i].squareRoot() + 1e-10)
        }
        expected.append(theta)
    }
    expectClose(threeSteps(&adagrad, lr: 0.1), expected)
}

@Test(arguments: [true, false])
func lectureAdagradDividesByRootMeanSquareOfPastGradients(sqrtDecay: Bool) {
    var optimizer = AdagradLecture(dimension: 2, sqrtDecay: sqrtDecay)
    var theta = startTheta, expected: [[Double]] = []
    for t in 0..<3 {
        for i in 0..<2 {
            let past = threeGradients[0...t].map { $0[i] * $0[i] }.reduce(0, +)
            let sigma = (past / Double(t + 1)).squareRoot()
            let eta = sqrtDecay ? 0.1 / Double(t + 1).squareRoot() : 0.1
            theta[i] -= eta / (sigma + 1e-10) * threeGradients[t][i]
        }
        expected.append(theta)
    }
    expectClose(threeSteps(&optimizer, lr: 0.1), expected)
}

/// The spec's default is the lecture's constant η: on L = ½θ² from θ₀ = 1 with η = 0.1,
/// θ₁ = 1 − 0.1·1/1 = 0.9 and θ₂ = 0.9 − 0.1·0.9/σ₁ with σ₁ = √((1² + 0.9²)/2) = √0.905, so θ₂ = 0.8053941…
/// (PyTorch's form, sqrt_decay, would give 0.9 − (0.1/√2)·0.9/√0.905 = 0.83310…).
@Test func lectureAdagradDefaultsToConstantLearningRateTwoStepValue() throws {
    let json = #"{"objective": {"type": "quadratic", "a": [[1]]}, "optimizer": {"type": "adagrad_lecture", "lr": 0.1},"#
        + #" "start": [1], "steps": 2}"#
    let spec = try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8))
    guard case .adagradLecture(_, let sqrtDecay, _)? = try? spec.validated().optimizer else {
        Issue.record("not adagrad_lecture"); return
    }
    #expect(!sqrtDecay)
    let theta = try #require(spec.validated().run().summary.finalParams.first)
    // The same with ε = 1e-10 kept: θ₁ = 1 − 0.1/(1 + ε), θ₂ = θ₁ − 0.1·θ₁/(√((1 + θ₁²)/2) + ε).
    let theta1 = 1 - 0.1 / (1 + 1e-10)
    let expected = theta1 - 0.1 * theta1 / (((1 + theta1 * theta1) / 2).squareRoot() + 1e-10)
    #expect(relClose(theta, expected, 1e-15))
    #expect(abs(theta - 0.8053941) < 1e-7)
}

@Test(arguments: [(0.0, 0.0, false), (0.1, 0.0, false), (0.0, 0.9, false), (0.0, 0.0, true), (0.1, 0.5, true)])
func rmspropMatchesTorchPseudoCodeForThreeSteps(option: (Double, Double, Bool)) {
    let (wd, mu, centered) = option
    var rms = RMSprop(dimension: 2, alpha: 0.9, weightDecay: wd, momentum: mu, centered: centered)
    var theta = startTheta, v = [0.0, 0.0], b = [0.0, 0.0], avg = [0.0, 0.0], expected: [[Double]] = []
    for grad in threeGradients {
        for i in 0..<2 {
            let g = grad[i] + wd * theta[i]
            v[i] = 0.9 * v[i] + 0.1 * g * g
            var tilde = v[i]
            if centered { avg[i] = 0.9 * avg[i] + 0.1 * g; tilde -= avg[i] * avg[i] }
            if mu > 0 {
                b[i] = mu * b[i] + g / (tilde.squareRoot() + 1e-8)
                theta[i] -= 0.01 * b[i]
            } else {
                theta[i] -= 0.01 * g / (tilde.squareRoot() + 1e-8)
            }
        }
        expected.append(theta)
    }
    expectClose(threeSteps(&rms, lr: 0.01), expected)
}

@Test func lectureRMSpropStartsFromAbsoluteFirstGradient() {
    var optimizer = RMSpropLecture(dimension: 2, alpha: 0.9)
    var theta = startTheta, sigma = [0.0, 0.0], expected: [[Double]] = []
    for (t, grad) in threeGradients.enumerated() {
        for i in 0..<2 {
            let g = grad[i]
            sigma[i] = t == 0 ? abs(g) : (0.9 * sigma[i] * sigma[i] + 0.1 * g * g).squareRoot()
            theta[i] -= 0.1 / (sigma[i] + 1e-10) * g
        }
        expected.append(theta)
    }
    let steps = threeSteps(&optimizer, lr: 0.1)
    expectClose(steps, expected)
    // First step is η·sign(g₀) up to ε.
    #expect(relClose(steps[0][0] - startTheta[0], -0.1, 1e-9))
}

@Test func adamMomentsAfterOneStepAreTheScaledGradientAndItsSquare() {
    // From m₀ = v₀ = 0 one step gives m = (1 − β₁)g and v = (1 − β₂)g² (each coordinate read out of the
    // interleaved state).
    var adam = Adam(dimension: 2)
    var theta = [0.5, -1.0], gradient = [1.5, -2.0]
    adam.step(parameters: &theta, gradient: &gradient, learningRate: 1e-3)
    #expect(adam.firstMoment == [(1 - 0.9) * 1.5, (1 - 0.9) * -2.0])
    #expect(adam.secondMoment == [(1 - 0.999) * 1.5 * 1.5, (1 - 0.999) * -2.0 * -2.0])
    #expect(adam.maxSecondMoment == [0, 0])
}
