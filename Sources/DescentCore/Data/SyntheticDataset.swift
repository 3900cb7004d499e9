#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Seeded synthetic datasets; every random number comes from `SeededRandom(seed:)`.
///
/// Each generator documents the order in which it draws numbers, so a seed fixes the dataset.
/// Classification generators alternate labels (sample i has class i mod 2), so any prefix is
/// balanced. Negative sample counts are treated as 0.
public enum SyntheticDataset {
    /// Linear regression data y = w·x + b + noise·ε.
    ///
    /// Draws w₁…w_d then b from N(0, 1); then per sample the d features uniform in [−1, 1)
    /// followed by ε ~ N(0, 1).
    /// - Parameters:
    ///   - samples: number of rows.
    ///   - features: number of features d (at least 1).
    ///   - noise: standard deviation of the additive target noise.
    ///   - seed: generator seed.
    public static func linear(samples: Int, features: Int, noise: Double, seed: UInt64) -> Dataset {
        let n = max(samples, 0), d = max(features, 1)
        var rng = SeededRandom(seed: seed)
        let weights = (0..<d).map { _ in rng.nextGaussian() }
        let bias = rng.nextGaussian()
        var x = Matrix(rows: n, columns: d)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var target = bias
            for j in 0..<d {
                let value = 2 * rng.nextDouble() - 1
                x[i, j] = value
                target += weights[j] * value
            }
            y[i] = target + noise * rng.nextGaussian()
        }
        return Dataset(features: x, targets: y, classCount: 0)
    }

    /// Two isotropic unit-variance Gaussian blobs in 2-D centred at (∓separation/2, 0).
    ///
    /// Class 0 is centred at (−separation/2, 0), class 1 at (+separation/2, 0); per sample
    /// draws the two N(0, 1) offsets.
    public static func twoBlobs(samples: Int, separation: Double, seed: UInt64) -> Dataset {
        classification(samples: samples, seed: seed) { label, rng in
            let cx = (label == 0 ? -0.5 : 0.5) * separation
            let ox = rng.nextGaussian()
            let oy = rng.nextGaussian()
            return (cx + ox, oy)
        }
    }

    /// Two interleaving half circles (scikit-learn's `make_moons` shape) with Gaussian noise.
    ///
    /// Per sample draws t uniform in [0, π), then two N(0, 1) values scaled by `noise`.
    /// Class 0 lies on (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t).
    public static func twoMoons(samples: Int, noise: Double, seed: UInt64) -> Dataset {
        classification(samples: samples, seed: seed) { label, rng in
            let t = Double.pi * rng.nextDouble()
            let (x, y) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            let nx = rng.nextGaussian()
            let ny = rng.nextGaussian()
            return (x + noise * nx, y + noise * ny)
        }
    }

    /// XOR data: points whose coordinates have different signs are class 1, same signs class 0.
    ///
    /// Per sample draws |x₁|, |x₂| uniform in [0, 1), signs chosen to match the sample's label
    /// (one more uniform draw picks which of the two quadrants), then two N(0, 1) values scaled
    /// by `noise` that are added to the features (noise may push points across the axes).
    public static func xor(samples: Int, noise: Double, seed: UInt64) -> Dataset {
        classification(samples: samples, seed: seed) { label, rng in
            let a = rng.nextDouble()
            let b = rng.nextDouble()
            let firstPositive = rng.nextDouble() < 0.5
            let x = firstPositive ? a : -a
            let sameSign = label == 0
            let y = (firstPositive == sameSign) ? b : -b
            let nx = rng.nextGaussian()
            let ny = rng.nextGaussian()
            return (x + noise * nx, y + noise * ny)
        }
    }

    /// Builds a two-feature, two-class dataset; sample i has label i mod 2.
    private static func classification(
        samples: Int, seed: UInt64, point: (Int, inout SeededRandom) -> (Double, Double)
    ) -> Dataset {
        let n = max(samples, 0)
        var rng = SeededRandom(seed: seed)
        var x = Matrix(rows: n, columns: 2)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let label = i % 2
            let (a, b) = point(label, &rng)
            x[i, 0] = a
            x[i, 1] = b
            y[i] = Double(label)
        }
        return Dataset(features: x, targets: y, classCount: 2)
    }
}
