import Foundation
import Testing
@testable import DescentService

@Suite struct CoordinationTests {
    @Test func eventMessagesRoundTripExactly() {
        let events: [ExperimentEvent] = [
            .progress(stepsDone: 8192, step: 8191, loss: 0.1 + 0.2), .progress(stepsDone: 1, step: 0, loss: .infinity),
            .progress(stepsDone: 2, step: 1, loss: -0.0), .progress(stepsDone: 3, step: 2, loss: .leastNonzeroMagnitude),
            .status(.running), .status(.cancelled), .end, .recheck,
        ]
        let decoded = EventMessage.decodeAll(EventMessage.encode("exp_1", events))
        #expect(decoded.count == events.count)
        for ((id, got), want) in zip(decoded, events) {
            #expect(id == "exp_1")
            switch (got, want) {
            case let (.progress(a, b, l1), .progress(c, d, l2)): #expect(a == c && b == d && l1.bitPattern == l2.bitPattern)
            case let (.status(a), .status(b)): #expect(a == b)
            case (.end, .end), (.recheck, .recheck): break
            default: Issue.record("\(got) decoded from \(want)")
            }
        }
        if case .progress(_, _, let loss)? = EventMessage.decode(EventMessage.encode("e", .progress(stepsDone: 1, step: 1, loss: .nan)))?.event {
            #expect(loss.isNaN)
        } else { Issue.record("NaN loss did not round-trip") }
    }

    @Test func malformedMessagesAreIgnored() {
        for bad in ["", "exp_1", "exp_1\tprogress\t1\t2", "exp_1\tstatus\tnope", "exp_1\tprogress\tx\t1\t0.5", "exp_1\twhat"] {
            #expect(EventMessage.decode(bad) == nil, "\(bad)")
        }
    }

    @Test func workSignalWakesAWaiterAndNeverLosesANotification() async {
        let signal = WorkSignal()
        let seen = signal.current
        signal.notify()  // between reading the generation and waiting: must not be lost
        let start = Date()
        signal.wait(after: seen, timeout: 5)
        #expect(Date().timeIntervalSince(start) < 1)
        let t0 = Date()
        signal.wait(after: signal.current, timeout: 0.1)  // nothing new: times out
        #expect(Date().timeIntervalSince(t0) >= 0.09)
        signal.close()
        signal.wait(after: signal.current, timeout: 5)
        #expect(signal.isClosed)
    }
}
