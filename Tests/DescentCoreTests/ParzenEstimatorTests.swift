@testable import DescentCore
import Foundation
import Testing

@Suite struct ParzenEstimatorTests {
    private let axis = ParzenAxis.continuous(low: 0, high: 1, log: false)

    @Test func quantileInvertsTheCDFIntoTheTails() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-13)
        for p in [1e-12, 1e-5, 0.3, 0.5, 0.9999] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) / p - 1) < 1e-12)
        }
    }

    @Test func massWithinOneSigmaMatchesTheClosedForm() {
        #expect(abs(NormalDistribution.logMass(-1, 1) - Foundation.log(0.6826894921370859)) < 1e-14)
    }

    @Test func truncatedDrawsStayInsideFarTailBounds() {
        for u in [0.0, 0.25, 0.5, 0.999] {
            let x = NormalDistribution.truncatedSample(8, 9, u: u)
            #expect(x >= 8 && x <= 9)
        }
    }

    /// With no observation the estimator is the prior: N(0.5, 1) truncated to [0, 1];
    /// φ(−0.4)/(Φ(0.5) − Φ(−0.5)) = 0.9617293589897772 at x = 0.1.
    @Test func emptyEstimatorIsThePrior() {
        let e = ParzenEstimator(axes: [axis], observations: [], options: TPEOptions())
        #expect(abs(e.logDensity([0.1]) - Foundation.log(0.9617293589897772)) < 1e-12)
    }

    /// Observations 0.2 and 0.6 on [0, 1]: both bandwidths are 0.4 (neighbour distances, endpoints not
    /// considered; above the clip 1/4), the prior is (0.5, 1), weights 1/3 each; the mixture of the three
    /// truncated normals at 0.35 is 1.1598602379100893 (computed independently with math.erfc).
    @Test func twoObservationMixtureMatchesHandComputedDensity() {
        let e = ParzenEstimator(axes: [axis], observations: [[0.2], [0.6]], options: TPEOptions())
        #expect(zip(e.sigmas[0], [0.4, 0.4, 1]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(abs(e.logDensity([0.35]) - Foundation.log(1.1598602379100893)) < 1e-12)
    }

    /// Optuna's categorical kernel: the observed category gets 1 + w, every category w = prior/(n+1).
    @Test func categoricalKernelFavoursTheObservedChoice() {
        let e = ParzenEstimator(axes: [.categorical(count: 3)], observations: [[2]], options: TPEOptions())
        // kernel 0: (0.5, 0.5, 1.5)/2.5; prior: 1/3 each; weights 1/2 each.
        let p2 = 0.5 * 1.5 / 2.5 + 0.5 / 3
        #expect(abs(e.logDensity([2]) - Foundation.log(p2)) < 1e-14)
    }

    @Test func discreteDrawsAreIntegersWithinBounds() {
        let e = ParzenEstimator(axes: [.discrete(low: 1, high: 4, log: false)], observations: [[2], [3]], options: TPEOptions())
        var rng = SeededRandom(seed: 1)
        for _ in 0..<50 {
            let x = e.sample(&rng)[0]
            #expect(x == x.rounded() && x >= 1 && x <= 4)
        }
    }
}
