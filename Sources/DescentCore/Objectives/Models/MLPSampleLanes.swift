/// An MLP whose batch losses and gradients sum the batch's samples over four SIMD lanes (`MLPSampleLanePass`)
/// instead of in sample order: the same function, summed in another fixed order, so its trajectories differ
/// from the plain MLP's in the last bits and are themselves reproducible bit for bit.
///
/// Batch losses and gradients (`value`, `valueAndGradient`, `trainingStep`) take the lane pass; the Hessian,
/// Hessian-vector products and evaluations are the wrapped MLP's.
public struct MLPSampleLanes: Objective {
    /// The network whose batches are split.
    public let base: MLPObjective

    /// `objective` split over sample lanes; nil unless it is an MLP the lane pass computes (no batch
    /// normalisation, one output: regression or binary classification).
    public init?(_ objective: any Objective) {
        guard let mlp = objective as? MLPObjective, MLPSampleLanePass.handles(mlp.architecture) else { return nil }
        base = mlp
    }

    /// Number of parameters.
    public var dimension: Int { base.dimension }
    /// Number of training samples.
    public var sampleCount: Int { base.sampleCount }

    /// Loss over `batch`, its samples summed over four lanes.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var noGradient: [Double] = []
        return pass(theta, batch, &noGradient)
    }

    /// Loss over `batch` and its exact gradient, the samples' terms summed over four lanes.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        resetGradient(&gradient, count: dimension)
        return pass(theta, batch, &gradient)
    }

    /// The wrapped MLP's Hessian over all training samples.
    public func hessian(at theta: [Double]) -> Matrix { base.hessian(at: theta) }

    /// The wrapped MLP's Hessian-vector product.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] { base.hessianVectorProduct(at: theta, v) }

    /// The wrapped MLP's inference-mode evaluation.
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        base.evaluate(at: theta, buffers: buffers, split: split)
    }

    private func pass(_ theta: [Double], _ batch: Batch, _ gradient: inout [Double]) -> Double {
        MLPSampleLanePass(architecture: base.architecture)
            .run(theta: theta, data: base.trainingData, rows: SampleRows(batch, total: sampleCount), gradient: &gradient).loss
    }
}
