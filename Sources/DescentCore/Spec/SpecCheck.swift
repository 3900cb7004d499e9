extension ExperimentSpec {
    /// Most errors `check(_:limits:maxErrors:)` reports by default.
    public static let defaultMaxErrors = 20

    /// Checks a JSON value fully — shape, ranges, limits, buildability — and reports every problem found.
    ///
    /// Shape and range problems of all fields are collected together, then the top-level bounds; a spec
    /// that passes those is built (`validated(limits:)`), whose first problem ends the check, because
    /// building needs the earlier parts to be right.
    /// - Parameters:
    ///   - value: the parsed JSON of the spec.
    ///   - limits: the service's limits.
    ///   - maxErrors: most errors reported (default 20); later ones are dropped.
    /// - Returns: the checked spec.
    /// - Throws: `SpecErrors` with every problem found, each naming its field's JSON path.
    public static func check(_ value: SpecValue, limits: SpecLimits = .init(),
                             maxErrors: Int = defaultMaxErrors) throws(SpecErrors) -> ExperimentSpec {
        var issues = SpecIssues(limit: maxErrors)
        _ = SpecChecker.checkObject(value, SpecTables.experiment, path: "", into: &issues)
        if !issues.errors.isEmpty { throw SpecErrors(issues.errors) }
        let spec: ExperimentSpec
        do { spec = try ExperimentSpec(checking: value) } catch { throw SpecErrors([error]) }
        spec.checkBounds(limits: limits, into: &issues)
        if !issues.errors.isEmpty { throw SpecErrors(issues.errors) }
        do { _ = try spec.validated(limits: limits) } catch { throw SpecErrors([error]) }
        return spec
    }
}
