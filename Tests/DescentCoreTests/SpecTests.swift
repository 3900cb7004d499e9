import Foundation
import Testing
@testable import DescentCore

private let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam"}"#

@Test func fullContractExampleDecodesAndValidates() throws {
    let json = """
    {"name":"warm-up","tags":["lecture"],"seed":42,
     "objective":{"type":"mlp","hidden":[16,16],"activation":"tanh","batch_norm":{"momentum":0.9}},
     "dataset":{"type":"synthetic","generator":"linear","samples":20,"features":1,"noise":0.1,"normalize":true,"validation_fraction":0.2},
     "optimizer":{"type":"adam","lr":0.001,"betas":[0.9,0.999],"eps":1e-8,"weight_decay":0,"amsgrad":false},
     "schedule":{"type":"linear_warmup","warmup_steps":100,"then":{"type":"cosine","t_max":1000,"eta_min":0}},
     "batch_size":20,"drop_last":false,"steps":1000,
     "stop":{"grad_norm_tol":1e-8,"loss_target":null,"divergence_factor":1e6},
     "record_every":1,"record_params":true}
    """
    let checked = try spec(json)
    #expect(checked.seed == 42 && checked.batchSize == 20 && checked.stop.gradNormTol == 1e-8)
    let experiment = try checked.validated()
    // 1 → 16 → 16 → 1 with batch norm (γ, β per hidden unit): 32 + 272 + 17 + 64 = 385.
    #expect(experiment.dimension > 300)
    #expect(experiment.configuration.schedule == .linearWarmup(warmupSteps: 100, startFactor: 1.0 / 3.0,
                                                                then: .cosine(tMax: 1000, etaMin: 0)))
}

@Test func specRoundTripsThroughJSON() throws {
    let checked = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":10}"#)
    let again = try JSONDecoder().decode(ExperimentSpec.self, from: JSONEncoder().encode(checked))
    #expect(again == checked)
}

@Test func unknownOptimizerTypeNamesFieldAndAllowedValues() {
    let error = checkError(#"{"objective":{"type":"saddle"},"optimizer":{"type":"adamm"}}"#)
    #expect(error?.field == "optimizer.type")
    #expect(error?.code == "unknown_type")
    #expect(error?.message.contains("adamw") == true)
}

@Test func betaOutOfRangeNamesTheArrayElement() {
    let error = checkError(#"{"objective":{"type":"saddle"},"optimizer":{"type":"adam","betas":[0.9,1.0]}}"#)
    #expect(error == SpecError(field: "optimizer.betas[1]", message: "must be in [0, 1)", code: "out_of_range"))
}

@Test func unknownKeyIsRejectedWithItsPath() {
    #expect(checkError(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lrr":0.1}}"#)?.field == "optimizer.lrr")
    #expect(checkError(base + #","step":10}"#)?.field == "step")
    #expect(checkError(base + #","stop":{"grad_tol":1}}"#)?.field == "stop.grad_tol")
}

@Test func nestedScheduleErrorsNameTheNestedPath() {
    let error = checkError(base + #","schedule":{"type":"linear_warmup","warmup_steps":10,"then":{"type":"cosine"}}}"#)
    #expect(error?.field == "schedule.then.t_max")
    #expect(error?.code == "missing_field")
}

@Test func wrongTypeAndRangeErrorsNameTheField() {
    #expect(checkError(base + #","steps":"many"}"#)?.field == "steps")
    #expect(checkError(base + #","steps":0}"#)?.message == "must be in [1, inf)")
    #expect(checkError(base + #","batch_size":2.5}"#)?.field == "batch_size")
    #expect(checkError(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":-1}}"#)?.field == "optimizer.lr")
}

@Test func datasetObjectiveWithoutDatasetIsRejected() {
    #expect(checkError(#"{"objective":{"type":"mlp"},"optimizer":{"type":"adam"}}"#)?.field == "dataset")
}

@Test func closedFormObjectiveWithDatasetIsRejected() {
    let error = checkError(base + #","dataset":{"type":"synthetic","generator":"xor"}}"#)
    #expect(error?.field == "dataset")
}

@Test func startWithWrongLengthIsRejected() {
    #expect(checkError(base + #","start":[1,2,3]}"#)?.field == "start")
}

@Test func badExpressionReportsPosition() {
    let error = checkError(#"{"objective":{"type":"expression","expression":"(1-x*y","variables":["x","y"]},"optimizer":{"type":"sgd"}}"#)
    #expect(error?.field == "objective.expression")
    #expect(error?.code == "invalid_expression")
}

@Test func inlineDatasetShapeErrorsNameTheRow() {
    let json = #"{"objective":{"type":"linear_regression"},"optimizer":{"type":"sgd"},"dataset":{"type":"inline","x":[[1,2],[3]],"y":[1,2]}}"#
    #expect(checkError(json)?.field == "dataset.x[1]")
}

@Test func limitsAreEnforced() throws {
    let checked = try spec(base + #","steps":1000}"#)
    #expect(throws: SpecError.self) { try checked.validated(limits: SpecLimits(maxSteps: 999)) }
    var big = checked
    big.objective = ObjectiveSpec(.closedForm(.rosenbrock), parameters: ["dimension": .number(200_001)])
    #expect(throws: SpecError.self) { try big.validated() }
}

@Test func catalogListsEveryTableEntryWithDefaults() throws {
    let doc = Catalog.document
    #expect(doc.optimizers.map(\.type) == ["sgd", "momentum_lecture", "adagrad", "adagrad_lecture", "rmsprop",
                                           "rmsprop_lecture", "adam", "adamw", "nadam", "radam", "adamax", "adadelta", "rprop",
                                           "asgd", "lbfgs", "lion", "adabelief", "yogi", "lamb", "lars", "adan", "sam", "asam", "prodigy",
                                           "schedule_free_sgd", "schedule_free_adamw", "muon",
                                           "newton", "saddle_free_newton", "negative_curvature"])
    #expect(doc.schedules.count == 16)
    #expect(doc.objectives.count == 15)
    let adamw = try #require(doc.optimizers.first { $0.type == "adamw" })
    #expect(adamw.parameters.first { $0.name == "weight_decay" }?.defaultValue == .number(1e-2))
    let betas = try #require(adamw.parameters.first { $0.name == "betas" })
    #expect(betas.range == "[0, 1)" && betas.length == 2)
    #expect(try JSONEncoder().encode(doc).count > 1000)
}

@Test func everyCatalogTypeValidatesWithItsDefaults() throws {
    // Each optimizer and schedule with only its required fields filled must validate.
    for optimizer in Catalog.document.optimizers {
        let spec = ExperimentSpec(objective: ObjectiveSpec(.closedForm(.saddle)), optimizer: OptimizerSpec(try #require(OptimizerKind(rawValue: optimizer.type))))
        _ = try spec.validated()
    }
    let required: [String: [String: SpecValue]] = [
        "step": ["step_size": .number(10)], "multistep": ["milestones": .array([.number(5)])],
        "exponential": ["gamma": .number(0.99)], "cosine": ["t_max": .number(100)],
        "linear_warmup": ["warmup_steps": .number(10)], "inverse_sqrt": ["warmup_steps": .number(10)],
        "cosine_warm_restarts": ["t_0": .number(10)], "cyclic": ["max_lr": .number(0.1)], "lambda": ["factor": .string("0.9^t")],
        "sequential": ["schedules": .array([.object(["type": .string("constant")])]), "milestones": .array([])],
    ]
    for schedule in Catalog.document.schedules {
        let spec = ExperimentSpec(objective: ObjectiveSpec(.closedForm(.saddle)), optimizer: OptimizerSpec(.sgd),
                                  schedule: ScheduleSpec(try #require(ScheduleKind(rawValue: schedule.type)),
                                                         parameters: required[schedule.type] ?? [:]))
        _ = try spec.validated()
    }
}
