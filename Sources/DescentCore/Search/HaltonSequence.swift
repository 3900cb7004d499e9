/// Scrambled Halton points in [0, 1)^d: dimension j uses the j-th prime pⱼ as base, and its k-th digit goes
/// through a random permutation πⱼₖ of 0…pⱼ−1 (fixed by the seed; Braaten–Weller style scrambling):
///
///     x_j(i) = Σ_{k=0}^{K_j−1} πⱼₖ(dₖ(i)) · pⱼ^−(k+1),   dₖ(i) the k-th base-pⱼ digit of i,
///
/// with Kⱼ digits enough for 2⁵³ points (πⱼₖ(0) need not be 0, so every digit position contributes).
/// The permutations break the correlation between high dimensions that plain Halton points show, and keep
/// the sequence's low discrepancy. Point i is computed directly, so trial i needs no earlier point.
public struct HaltonSequence: Sendable {
    /// Base of each dimension.
    public let bases: [Int]
    /// Digit permutations, per dimension then digit position.
    private let permutations: [[[Int]]]

    /// The first `dimensions` primes as bases, permutations drawn from `seed`.
    public init(dimensions: Int, seed: UInt64) {
        bases = Self.primes(dimensions)
        var rng = SearchSeed.generator(seed: seed, trial: -1, stream: 2)
        permutations = bases.map { p in
            let digits = Int((53.0 / LibM.log(Double(p)) * LibM.log(2.0)).rounded(.up))
            return (0..<digits).map { _ in
                var perm = Array(0..<p)
                rng.shuffle(&perm)
                return perm
            }
        }
    }

    /// Point `index` (from 0).
    public func point(_ index: Int) -> [Double] {
        zip(bases, permutations).map { base, perms in
            var i = index, x = 0.0, scale = 1.0 / Double(base)
            for perm in perms {
                x += Double(perm[i % base]) * scale
                i /= base
                scale /= Double(base)
            }
            return min(x, 0x1.fffffffffffffp-1)
        }
    }

    /// The values of point `index`, one coordinate per parameter of `space` (in its order).
    func assignment(_ space: SearchSpace, index: Int) -> SearchAssignment {
        var a: SearchAssignment = [:]
        for (p, u) in zip(space.parameters, point(index)) where space.isActive(p, in: a) { a[p.path] = p.domain.value(atUnit: u) }
        return a
    }

    /// The first `n` primes.
    static func primes(_ n: Int) -> [Int] {
        var out: [Int] = []
        var k = 2
        while out.count < n {
            if !out.contains(where: { $0 * $0 <= k && k % $0 == 0 }) { out.append(k) }
            k += 1
        }
        return out
    }
}
