/// The loss of a dataset model over some of its training samples, as an objective of its own.
///
/// A batch loss is the mean over the batch's samples, so the model rebuilt on those samples (in that
/// order, through `Dataset.subset`) has exactly the batch's loss, gradient, Hessian and Hessian-vector
/// products; the analysis code then needs no batch-aware Hessian. Running statistics carry over.
public enum BatchRestriction {
    /// `objective` over the training samples at `indices`; nil for objectives without data.
    public static func restrict(_ objective: any Objective, to indices: [Int]) -> (any Objective)? {
        if let m = objective as? LinearRegressionObjective {
            return LinearRegressionObjective(training: m.training.subset(indices))
        }
        if let m = objective as? LogisticRegressionObjective {
            return LogisticRegressionObjective(training: m.training.subset(indices))
        }
        if let m = objective as? SoftmaxRegressionObjective {
            var batch = m.training.subset(indices)
            batch.classCount = m.classCount  // a batch may lack the largest label; keep K
            return SoftmaxRegressionObjective(training: batch)
        }
        if let m = objective as? DeepLinearObjective {
            return DeepLinearObjective(training: m.training.subset(indices), depth: m.depth, width: m.width)
        }
        if let m = objective as? MLPObjective {
            return MLPObjective(training: m.training.subset(indices), hiddenLayers: m.hiddenLayers, activation: m.activation,
                                batchNorm: m.batchNorm).withRunningStatistics(m.runningStatistics)
        }
        return nil
    }
}
