/// Which training samples a loss is evaluated on.
public enum Batch: Sendable {
    /// Every training sample (or the closed form, for objectives without data).
    case full
    /// The listed training-sample indices.
    case indices(ArraySlice<Int>)
}

/// Which data split an inference-mode evaluation uses.
public enum DataSplit: String, Sendable, Codable {
    case training, validation
}

/// Loss and (for classifiers) accuracy of an inference-mode evaluation.
public struct Evaluation: Sendable, Equatable, Codable {
    /// Mean loss over the split.
    public var loss: Double
    /// Fraction of correctly classified samples, when the objective is a classifier.
    public var accuracy: Double?
    /// Creates an evaluation record.
    public init(loss: Double, accuracy: Double? = nil) { self.loss = loss; self.accuracy = accuracy }
}

/// A twice-differentiable loss over parameters θ ∈ ℝⁿ with exact gradient and Hessian.
///
/// Closed-form objectives have `sampleCount == 0` and ignore the batch. Dataset losses are
/// means over the samples of a batch. Objectives with running statistics (batch norm) keep them
/// in a flat `buffers` array owned by the caller, so the objective itself stays immutable.
public protocol Objective: Sendable {
    /// Number of parameters n.
    var dimension: Int { get }
    /// Number of training samples; 0 for closed-form objectives.
    var sampleCount: Int { get }
    /// Loss at θ over `batch` (inference mode for models with batch norm).
    func value(at theta: [Double], batch: Batch) -> Double
    /// Loss at θ over `batch`; writes the exact gradient into `gradient` (resized to n if needed).
    func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double
    /// Exact Hessian over all training samples, n×n.
    func hessian(at theta: [Double]) -> Matrix
    /// Exact Hessian-vector product H(θ)·v over all training samples.
    func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double]

    /// Number of running-statistics values (batch-norm moving averages); default 0.
    var bufferCount: Int { get }
    /// Initial running statistics; default empty.
    func initialBuffers() -> [Double]
    /// Training-mode loss and gradient over `batch`, updating running statistics in `buffers`.
    /// Default: `valueAndGradient(at:batch:gradient:)`.
    func trainingStep(at theta: [Double], batch: Batch, buffers: inout [Double], gradient: inout [Double]) -> Double
    /// Inference-mode loss (and accuracy for classifiers) on a split, using `buffers`;
    /// nil when the objective has no data or no such split.
    func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation?
}

extension Objective {
    public var sampleCount: Int { 0 }
    public var bufferCount: Int { 0 }
    public func initialBuffers() -> [Double] { [] }
    public func trainingStep(at theta: [Double], batch: Batch, buffers: inout [Double], gradient: inout [Double]) -> Double {
        valueAndGradient(at: theta, batch: batch, gradient: &gradient)
    }
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? { nil }
    /// Default Hessian-vector product from the exact Hessian (fine for small n).
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        hessian(at: theta).multiply(v)
    }
}
