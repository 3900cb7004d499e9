import DescentCore
import Foundation
import Testing
@testable import DescentService

/// `max_points=n` returns at most n rows and uses the budget, at small and large n.
@Suite struct TrajectoryBudgetTests {
    /// A monotone loss (two M4 rows per bucket), the case where fixed group sizes used half the budget.
    static func decay(rows: Int) -> Trajectory {
        var t = Trajectory(dimension: 2)
        for i in 0..<rows {
            let loss = exp(-Double(i) / Double(rows) * 8)
            t.step.append(i); t.epoch.append(0); t.lr.append(0.01); t.loss.append(loss); t.gradNorm.append(loss)
            t.params += [loss, -loss]
        }
        return t
    }

    func count(_ store: any Store, _ id: String, _ maxPoints: Int) throws -> Int {
        var v = TrajectoryView()
        v.maxPoints = maxPoints
        let rows = try store.view(id, dimension: 2, v).rows
        #expect(rows.step == rows.step.sorted() && Set(rows.step).count == rows.count)
        return rows.count
    }

    @Test func smallBudgetsAreNeverExceeded() throws {
        for rows in [6, 300, 40_000] {
            let (store, id) = try TrajectoryFormatTests.stored(TrajectoryFormatTests.sample(rows: rows), backend: .sqlite)
            for n in [3, 4, 5, 7, 10] { #expect(try count(store, id, n) <= n, "\(rows) rows, max_points=\(n)") }
        }
    }

    @Test func aLargeBudgetOverManyMonotoneRowsIsNearlyFilled() throws {
        let (store, id) = try TrajectoryFormatTests.stored(Self.decay(rows: 300_000), backend: .sqlite)
        for n in [1500, 800, 60] {
            let got = try count(store, id, n)
            #expect(got <= n && got >= n * 9 / 10, "max_points=\(n) gave \(got)")
        }
    }

    @Test func aLargeBudgetOverNoisyRowsIsNearlyFilled() throws {
        let (store, id) = try TrajectoryFormatTests.stored(TrajectoryFormatTests.sample(rows: 40_000), backend: .sqlite)
        let got = try count(store, id, 1500)
        #expect(got <= 1500 && got >= 1350, "\(got)")
    }

    @Test func aBudgetAboveTheRowsOfAShortRangeReturnsEveryRow() throws {
        let (store, id) = try TrajectoryFormatTests.stored(Self.decay(rows: 3000), backend: .sqlite)
        #expect(try count(store, id, 2999) <= 2999)
        #expect(try count(store, id, 2999) >= 2700)
        #expect(try count(store, id, 3000) == 3000)
    }
}
