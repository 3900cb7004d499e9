import Testing
@testable import DescentHTTP

/// The timeout state machine driven with injected times (nanoseconds); no sockets, no clock.
@Suite struct ConnectionTimeoutsTests {
    static let ms: UInt64 = 1_000_000

    func machine() -> ConnectionTimeouts {
        var t = HTTPTimeouts()
        t.headerRead = .milliseconds(100)
        t.bodyRead = .milliseconds(300)
        t.idle = .milliseconds(1000)
        t.write = .milliseconds(50)
        return ConnectionTimeouts(t, now: 0)
    }

    @Test func newConnectionGetsHeaderReadDeadlineFromAccept() {
        let m = machine()
        #expect(m.deadline(activity: .reading) == 100 * Self.ms)
        #expect(m.expiry(activity: .reading, midRequest: false, now: 99 * Self.ms) == ExpiryCase.none)
        #expect(m.expiry(activity: .reading, midRequest: false, now: 100 * Self.ms) == .close)
    }

    @Test func tricklingHeaderBytesDoesNotExtendTheDeadline() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: false, now: 10 * Self.ms)
        for t in stride(from: 20, through: 90, by: 10) {
            m.observeParser(midRequest: true, readingBody: false, now: UInt64(t) * Self.ms)
        }
        #expect(m.deadline(activity: .reading) == 110 * Self.ms)
        #expect(m.expiry(activity: .reading, midRequest: true, now: 110 * Self.ms) == .requestTimeout)
    }

    @Test func bodyReadDeadlineStartsWhenTheBodyStarts() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: false, now: 10 * Self.ms)
        m.observeParser(midRequest: true, readingBody: true, now: 40 * Self.ms)
        #expect(m.deadline(activity: .reading) == 340 * Self.ms)
    }

    @Test func stalledBodyTimesOutOneNanosecondPastTheBodyDeadline() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: true, now: 10 * Self.ms)
        for t in stride(from: 20, through: 300, by: 10) {
            m.observeParser(midRequest: true, readingBody: true, now: UInt64(t) * Self.ms)
        }
        #expect(m.expiry(activity: .reading, midRequest: true, now: 310 * Self.ms - 1) == ExpiryCase.none)
        #expect(m.expiry(activity: .reading, midRequest: true, now: 310 * Self.ms) == .requestTimeout)
    }

    @Test func continueRestartsTheBodyClock() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: true, now: 10 * Self.ms)
        m.bodyRequested(now: 50 * Self.ms)
        #expect(m.deadline(activity: .reading) == 350 * Self.ms)
    }

    @Test func handlerTimeHasNoDeadline() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: false, now: 10 * Self.ms)
        m.requestDispatched()
        #expect(m.deadline(activity: .handling) == nil)
        #expect(m.expiry(activity: .handling, midRequest: false, now: 10_000 * Self.ms) == ExpiryCase.none)
    }

    @Test func keptAliveConnectionWaitsIdleTimeoutAfterResponse() {
        var m = machine()
        m.requestDispatched()
        m.responseFinished(now: 200 * Self.ms)
        #expect(m.deadline(activity: .reading) == 1200 * Self.ms)
        #expect(m.expiry(activity: .reading, midRequest: false, now: 1199 * Self.ms) == ExpiryCase.none)
        #expect(m.expiry(activity: .reading, midRequest: false, now: 1200 * Self.ms) == .close)
    }

    @Test func pendingOutputUsesWriteTimeoutEvenWhileHandling() {
        var m = machine()
        m.observeOutput(pending: true, now: 500 * Self.ms)
        #expect(m.deadline(activity: .handling) == 550 * Self.ms)
        #expect(m.expiry(activity: .handling, midRequest: false, now: 550 * Self.ms) == .close)
        m.observeOutput(pending: false, now: 520 * Self.ms)
        #expect(m.deadline(activity: .handling) == nil)
    }

    @Test func emptyParserClearsRequestClocks() {
        var m = machine()
        m.observeParser(midRequest: true, readingBody: true, now: 10 * Self.ms)
        m.observeParser(midRequest: false, readingBody: false, now: 20 * Self.ms)
        #expect(m.deadline(activity: .reading) == 100 * Self.ms)
    }
}

private typealias ExpiryCase = ConnectionTimeouts.Expiry
