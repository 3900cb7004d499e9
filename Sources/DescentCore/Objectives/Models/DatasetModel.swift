/// A dataset loss (linear, logistic, softmax regression or MLP) seen through `any DatasetModel`,
/// so callers holding an erased objective can still initialise and inspect it.
public protocol DatasetModel: Objective {
    /// Samples the loss is trained on; batches index into it.
    var training: Dataset { get }
    /// Held-out samples, if any.
    var validation: Dataset? { get }
    /// Layer widths for layered models (input, hidden…, output); nil otherwise.
    var layerSizes: [Int]? { get }
    /// Deterministic initial parameters for `seed`.
    func initialParameters(seed: UInt64) -> [Double]
    /// The model with `statistics` as the running statistics its inference mode uses (batch-norm
    /// moving averages, e.g. the buffers at the end of training); unchanged when it has none or
    /// the count does not match `bufferCount`.
    func withRunningStatistics(_ statistics: [Double]) -> Self
}

extension DatasetModel {
    /// Models without running statistics are returned unchanged.
    public func withRunningStatistics(_ statistics: [Double]) -> Self { self }
}

extension LinearRegressionObjective: DatasetModel {}
extension LogisticRegressionObjective: DatasetModel {}
extension SoftmaxRegressionObjective: DatasetModel {}
extension MLPObjective: DatasetModel {}
