import Foundation
import Testing
@testable import DescentCore

private func parse(_ json: String) throws(SpecError) -> SpecValue { try SpecValue(parsingJSON: Array(json.utf8)) }

@Suite struct SpecValueParserTests {
    @Test func parsesWhatJSONDecoderParses() throws {
        let json = #" {"a": [1, -0.5, 2e3, 1E-2, true, false, null], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}, "e": []} "#
        #expect(try parse(json) == (try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8))))
    }

    @Test func numberTooLargeForADoubleBecomesInfinity() throws {
        #expect(try parse("1e400") == .number(.infinity))
        #expect(try parse("-1e400") == .number(-.infinity))
        #expect(try parse("1e-400") == .number(0))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"abc", "\"\\x\"", "\"\\ud800\"", "tru", "nul", "{} x", "\"a\u{1}\""])
    func malformedTextIsInvalidJSON(_ text: String) {
        let error = #expect(throws: SpecError.self) { try parse(text) }
        #expect(error?.code == "invalid_json")
        #expect(error?.field == "")
        #expect(error?.message.contains("at byte") == true)
    }

    @Test func nestingPastTheLimitIsRejectedNotACrash() {
        let deep = String(repeating: "[", count: SpecValue.maxParseDepth + 1) + String(repeating: "]", count: SpecValue.maxParseDepth + 1)
        #expect(throws: SpecError.self) { try parse(deep) }
        let ok = String(repeating: "[", count: SpecValue.maxParseDepth) + String(repeating: "]", count: SpecValue.maxParseDepth)
        #expect(throws: Never.self) { try parse(ok) }
    }
}

@Suite struct SpecCheckCollectionTests {
    private func errors(_ json: String, limits: SpecLimits = .init()) throws -> [SpecError] {
        let value = try parse(json)
        do {
            _ = try ExperimentSpec.check(value, limits: limits)
            return []
        } catch { return error.errors }
    }

    @Test func everyShapeProblemIsReportedInOneCheck() throws {
        let found = try errors(#"{"objective":{"type":"rosenbrock","b":-1,"dimension":1.5},"optimizer":{"type":"sgd","lr":"fast","nesterov":1},"tags":[1]}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == [
            "tags[0] wrong_type", "objective.b out_of_range", "objective.dimension wrong_type",
            "optimizer.lr wrong_type", "optimizer.nesterov wrong_type",
        ])
    }

    @Test func infiniteNumberIsNamedAsNotFinite() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":1e400}}"#)
        #expect(found == [SpecError(field: "optimizer.lr", message: "must be a finite number", code: "out_of_range")])
    }

    @Test func boundsAreCollectedAfterTheShapeIsRight() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"steps":100,"stop":{"divergence_factor":2}}"#,
                               limits: SpecLimits(maxSteps: 10))
        #expect(found.map(\.field) == ["steps"])
    }

    @Test func buildProblemsStillNameTheirField() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","nesterov":true}}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == ["optimizer.nesterov invalid_value"])
    }

    @Test func rpropEtasMustBracketOne() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"rprop","etas":[1.2,0.5]}}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == ["optimizer.etas invalid_value"])
    }

    @Test func rpropStepSizeBoundsMustBeOrdered() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"rprop","step_sizes":[1,0.1]}}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == ["optimizer.step_sizes invalid_value"])
    }

    @Test func lbfgsNeedsTheFullBatch() throws {
        let found = try errors(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear"},"optimizer":{"type":"lbfgs"},"batch_size":8}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == ["batch_size invalid_value"])
    }

    @Test func lambdaScheduleFormulaMayNameOnlyT() throws {
        let found = try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"schedule":{"type":"lambda","factor":"0.9^step"}}"#)
        #expect(found.map { "\($0.field) \($0.code)" } == ["schedule.factor invalid_expression"])
    }

    @Test func validSpecPasses() throws {
        #expect(try errors(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.1,0.2],"steps":10}"#).isEmpty)
    }
}
