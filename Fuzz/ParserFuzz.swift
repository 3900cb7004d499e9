// libFuzzer entry point for the request parser: feeds the input whole, then again split at a
// data-dependent point, and checks both splits agree (the parser must not care how bytes arrive).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxBodyBytes = 4096
    limits.maxHeaderBytes = 2048
    limits.maxRequestLineBytes = 512
    limits.maxHeaderCount = 20

    /// What the parser reported, compared between the two splits (no string formatting: it is run twice per input).
    struct Outcome: Equatable {
        var status: Int
        var method: String
        var target: String
        var bodyCount: Int
    }

    func run(split: Int) -> [Outcome] {
        var parser = RequestParser(limits: limits)
        var out: [Outcome] = []
        for part in [bytes[..<split], bytes[split...]] {
            parser.append(part)
            while let event = parser.next() {
                switch event {
                case .request(let head, let body):
                    out.append(Outcome(status: 0, method: head.method.rawValue, target: head.target, bodyCount: body.count))
                case .expectContinue: break  // depends on where the split falls
                case .failure(let e):
                    out.append(Outcome(status: e.status, method: "", target: "", bodyCount: 0))
                    return out
                }
            }
        }
        return out
    }
    let whole = run(split: size)
    let split = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
    let parts = run(split: split)
    if whole != parts { fatalError("split at \(split) changed the result: \(whole) vs \(parts)") }
    return 0
}
