import DescentCore
import Foundation

/// The per-step spread of a configuration's replicate loss curves on a common, downsampled grid of steps.
///
/// The grid spans step 0 to the last step every curve reached (the shortest run's end), at most `maxPoints`
/// steps spaced evenly (rounded to integers, duplicates dropped). A curve's value at a grid step is its loss at
/// the last recorded row at or before that step (its first row before it starts): runs recorded every k steps
/// hold each value until the next record. At each step: mean, sample standard deviation (n − 1; 0 for one run),
/// min and max over the curves. Non-finite losses propagate (a diverged run makes the mean ∞ or NaN there).
struct ReplicateCurves: Encodable, Equatable {
    var runs: Int
    var step: [Int] = []
    var lossMean: [Double] = []
    var lossStd: [Double] = []
    var lossMin: [Double] = []
    var lossMax: [Double] = []

    /// The spread of `curves` (each its recorded steps, ascending, and losses); empty when there is none.
    init(curves: [(step: [Int], loss: [Double])], maxPoints: Int) {
        let usable = curves.filter { !$0.step.isEmpty }
        runs = usable.count
        guard let end = usable.compactMap(\.step.last).min(), maxPoints > 0 else { return }
        let points = min(maxPoints, end + 1)
        var grid: [Int] = []
        for j in 0..<points {
            let g = points == 1 ? end : Int((Double(j) * Double(end) / Double(points - 1)).rounded())
            if grid.last != g { grid.append(g) }
        }
        var cursors = [Int](repeating: 0, count: usable.count)
        for g in grid {
            var values: [Double] = []
            for (c, curve) in usable.enumerated() {
                while cursors[c] + 1 < curve.step.count && curve.step[cursors[c] + 1] <= g { cursors[c] += 1 }
                values.append(curve.loss[cursors[c]])
            }
            let mean = SampleStatistics.mean(values)
            step.append(g); lossMean.append(mean); lossStd.append(SampleStatistics.standardDeviation(values, mean: mean) ?? 0)
            lossMin.append(values.min() ?? .nan); lossMax.append(values.max() ?? .nan)
        }
    }
}
