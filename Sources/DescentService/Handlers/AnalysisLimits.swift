/// Size limits of the analysis routes over experiments (`/v1/experiments/{id}/analysis`, landscapes).
///
/// The costly part is Hessian-vector products (and loss evaluations): each costs about one pass over the
/// parameters per training sample, so the work bound counts products × n × max(1, samples).
struct AnalysisLimits: Sendable {
    /// Largest number of parameters analysed (default 10,000).
    var maxDimension = 10_000
    /// Largest k, the eigenpairs at each end (default 32).
    var maxK = 32
    /// Most Hutchinson probes (default 10,000).
    var maxTraceProbes = 10_000
    /// Most Rademacher probes of the density (default 100).
    var maxDensityProbes = 100
    /// Most Lanczos steps per density probe (default 300).
    var maxDensitySteps = 300
    /// Most density grid points (default 2,000).
    var maxDensityPoints = 2_000
    /// Most Hessian-vector products one request may need, counted at their bound (default 50,000).
    var maxProducts = 50_000
    /// Most work: products × parameters × max(1, samples) (default 2·10¹⁰, tens of seconds on one core).
    var maxWork = 20_000_000_000.0
    /// Largest landscape grid side (default 201), as the surface route.
    var maxGridSide = 201

    /// The defaults.
    static let standard = AnalysisLimits()
}
