import Testing
@testable import DescentCore

@Suite struct SpecKindTests {
    private func names<Kind: SpecKind>(_: Kind.Type) -> [String] { Kind.allCases.map(\.rawValue) }

    private func roundTrips<Kind: SpecKind>(_: Kind.Type) -> Bool {
        Kind.allCases.allSatisfy { Kind(rawValue: $0.rawValue) == $0 } && Set(Kind.allCases.map(\.rawValue)).count == Kind.allCases.count
    }

    /// Every parameter's default read from the built-once table is the kind's own table default (and a parameter
    /// without one, or a name no kind has, reads as null).
    private func defaultsMatch<Kind: SectionKind>(_: Kind.Type) -> Bool {
        Kind.allCases.allSatisfy { kind in
            let spec = TypedSpec(kind)
            return kind.parameters.allSatisfy { p in spec.value(p.name) == (kind.parameters.first { $0.name == p.name }?.defaultValue ?? .null) }
                && spec.value("no_such_parameter") == .null
        }
    }

    @Test func sectionDefaultsAreTheTablesDefaults() {
        #expect(defaultsMatch(ObjectiveKind.self) && defaultsMatch(DatasetKind.self) && defaultsMatch(OptimizerKind.self))
        #expect(defaultsMatch(ScheduleKind.self) && defaultsMatch(TransformKind.self))
        #expect(TypedSpec(OptimizerKind.adam).value("lr") == .number(0.001))
        #expect(TypedSpec(OptimizerKind.adam, parameters: ["lr": .number(0.5)]).value("lr") == .number(0.5))
    }

    @Test func everyKindNameParsesBackToItsCase() {
        #expect(roundTrips(ObjectiveKind.self) && roundTrips(ClosedFormKind.self) && roundTrips(ModelKind.self))
        #expect(roundTrips(DatasetKind.self) && roundTrips(GeneratorKind.self))
        #expect(roundTrips(OptimizerKind.self) && roundTrips(ScheduleKind.self))
    }

    @Test func objectiveNamesAreClosedFormsThenModels() {
        #expect(names(ObjectiveKind.self) == names(ClosedFormKind.self) + names(ModelKind.self))
        #expect(ObjectiveKind(rawValue: "mlp") == .model(.mlp))
        #expect(ObjectiveKind(rawValue: "six_hump_camel") == .closedForm(.sixHumpCamel))
        #expect(ObjectiveKind(rawValue: "Saddle") == nil)
    }

    @Test func catalogSectionsListTheKindsInDeclarationOrder() {
        let doc = Catalog.document
        #expect(doc.objectives.map(\.type) == names(ObjectiveKind.self))
        #expect(doc.datasets.map(\.type) == names(DatasetKind.self))
        #expect(doc.generators.map(\.type) == names(GeneratorKind.self))
        #expect(doc.optimizers.map(\.type) == names(OptimizerKind.self))
        #expect(doc.schedules.map(\.type) == names(ScheduleKind.self))
        #expect(doc.datasetObjectives == names(ModelKind.self).sorted())
    }

    @Test func syntheticDatasetAllowsExactlyTheGeneratorNames() throws {
        let generator = try #require(DatasetKind.synthetic.parameters.first { $0.name == "generator" })
        #expect(generator.kind == .string(allowed: names(GeneratorKind.self)))
    }

    @Test func unknownNestedScheduleTypeIsAnUnknownTypeErrorAtItsPath() throws {
        let json = #"{"type":"linear_warmup","warmup_steps":1,"then":{"type":"cosinus"}}"#
        let value = try SpecValue(parsingJSON: Array(json.utf8))
        let error = #expect(throws: SpecError.self) { try ScheduleSpec(checking: value, path: "schedule") }
        #expect(error == SpecError(field: "schedule.then.type",
                                   message: "unknown schedule type 'cosinus'; allowed: " + names(ScheduleKind.self).joined(separator: ", "),
                                   code: "unknown_type"))
    }

    @Test func specBuiltInCodeIsRecheckedWhenBuilt() {
        let spec = ExperimentSpec(objective: ObjectiveSpec(.closedForm(.saddle)),
                                  optimizer: OptimizerSpec(.adam, parameters: ["betas": .array([.number(0.9)])]))
        let error = #expect(throws: SpecError.self) { try spec.validated() }
        #expect(error == SpecError(field: "optimizer.betas", message: "must have exactly 2 elements", code: "invalid_value"))
    }

    @Test func typeIsTheKindsNameInTheEncodedSpec() {
        let spec = OptimizerSpec(.momentumLecture, parameters: ["lr": .number(0.1)])
        #expect(spec.type == "momentum_lecture")
        #expect(spec.asValue == .object(["type": .string("momentum_lecture"), "lr": .number(0.1)]))
    }
}
