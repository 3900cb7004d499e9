import Testing
@testable import DescentCore

@Test func batchSizeOneGivesOneUpdatePerSample() {
    #expect(Batcher(sampleCount: 20, batchSize: 1, seed: 0).batchesPerEpoch == 20)
}

@Test func batchSizeNGivesOneFullBatch() {
    let b = Batcher(sampleCount: 20, batchSize: 20, seed: 0)
    #expect(b.batchesPerEpoch == 1)
    #expect(b.isFullBatch)
}

@Test func lastPartialBatchIsKept() {
    var b = Batcher(sampleCount: 10, batchSize: 4, seed: 1)
    b.startEpoch(0)
    #expect(b.batchesPerEpoch == 3)
    guard case let .indices(last) = b.batch(2) else { Issue.record("expected indices"); return }
    #expect(last.count == 2)
    var all: [Int] = []
    for k in 0..<3 { if case let .indices(s) = b.batch(k) { all += s } }
    #expect(all.sorted() == Array(0..<10))
}

@Test func dropLastDropsThePartialBatch() {
    #expect(Batcher(sampleCount: 10, batchSize: 4, dropLast: true, seed: 1).batchesPerEpoch == 2)
}

@Test func sameSeedAndEpochGiveTheSameOrder() {
    var a = Batcher(sampleCount: 50, batchSize: 5, seed: 7), b = Batcher(sampleCount: 50, batchSize: 5, seed: 7)
    a.startEpoch(3); b.startEpoch(3)
    #expect(a.order == b.order)
}

@Test func differentSeedsOrEpochsGiveDifferentOrders() {
    var a = Batcher(sampleCount: 50, batchSize: 5, seed: 7), b = Batcher(sampleCount: 50, batchSize: 5, seed: 8)
    a.startEpoch(0); b.startEpoch(0)
    #expect(a.order != b.order)
    let first = a.order
    a.startEpoch(1)
    #expect(a.order != first)
    #expect(a.order.sorted() == Array(0..<50))
}
