import DescentCore
import Foundation

/// A stored study: a named set of experiments with labels, or a search whose trials are proposed as earlier
/// ones finish.
public struct StudyRecord: Sendable, Equatable {
    /// Identifier, e.g. "std_…".
    public var id: String
    /// Name given by the user.
    public var name: String
    /// Creation time.
    public var createdAt: Date
    /// Experiment ids in order (a search's are in its trials instead).
    public var experimentIDs: [String]
    /// One label per experiment ("optimizer.type=adam, batch_size=1").
    public var labels: [String]
    /// Loss target for "steps to target", if given.
    public var lossTarget: Double?
    /// A search study's definition, the JSON text of `SearchDefinition` (nil for lists and grids).
    public var definition: String? = nil
    /// A search study's progress (nil for lists and grids).
    public var searchState: SearchState? = nil
}

/// Whether a search study still proposes or waits for trials.
public enum SearchState: String, Sendable, Codable {
    /// Trials are being proposed and run.
    case searching
    /// Every trial of the budget has finished (or the grid is exhausted).
    case finished
}

/// Where a trial of a search study is.
public enum TrialState: String, Sendable, Codable {
    /// Proposed; its experiments are queued or running, or finished but not yet scored.
    case running
    /// Scored (diverged runs too, with the worst value).
    case complete
    /// Finished without a score (a run failed or was cancelled, or its spec was invalid); not fed to the sampler.
    case failed
    /// Stopped by the study's pruner: no value; fed to the sampler ranked after every complete trial.
    case pruned
}

/// One trial of a search study: the values it tried and, once its runs finished, the objective's value.
public struct TrialRecord: Sendable, Equatable {
    /// The study.
    public var studyID: String
    /// Trial number, from 0, in proposal order.
    public var number: Int
    /// Its experiments (one per replicate; none when its spec was invalid).
    public var experimentIDs: [String]
    /// Its values (active parameters only).
    public var params: SearchAssignment
    /// Where it is.
    public var state: TrialState
    /// The objective's value once complete (±∞ for a diverged run).
    public var value: Double?
    /// Its run's losses at the report points, once ended, when the study prunes (see `PruneRule`).
    public var reports: [PruneReport]? = nil

    /// A trial record.
    public init(studyID: String, number: Int, experimentIDs: [String], params: SearchAssignment, state: TrialState, value: Double? = nil,
                reports: [PruneReport]? = nil) {
        self.studyID = studyID; self.number = number; self.experimentIDs = experimentIDs
        self.params = params; self.state = state; self.value = value; self.reports = reports
    }
}

/// How a running trial ended, to be recorded (`Store.advanceSearch`).
public struct TrialEnd: Sendable, Equatable {
    /// The trial's number.
    public var number: Int
    /// `complete`, `pruned` or `failed`.
    public var state: TrialState
    /// The objective's value when complete.
    public var value: Double?
    /// Its run's reports when the study prunes.
    public var reports: [PruneReport]?

    /// A trial's end.
    public init(number: Int, state: TrialState, value: Double? = nil, reports: [PruneReport]? = nil) {
        self.number = number; self.state = state; self.value = value; self.reports = reports
    }
}

/// What one step of a search adds, in one transaction: new trials with their experiments, and whether the
/// search is finished.
public struct SearchStep: Sendable {
    /// New trials, numbered from the count of existing ones.
    public var trials: [TrialRecord] = []
    /// Their experiments, queued.
    public var experiments: [ExperimentRecord] = []
    /// Marks the search finished.
    public var finished = false

    /// An empty step.
    public init() {}
}

/// Runs of a search step that the caller's workers take at once (`Store.advanceSearch(…, claiming:)`): the store may
/// insert the first `limit` of the step's experiments as claimed by `owner` — running, attempt 1, started now, under a
/// lease expiring `leaseSeconds` from now — instead of queued, and then returns those records so.
public struct StepClaim: Sendable, Equatable {
    /// The lease owner (an instance's `ExperimentRunner.instanceID`).
    public var owner: String
    /// Seconds the lease lasts without renewal.
    public var leaseSeconds: Double
    /// Most experiments claimed.
    public var limit: Int

    /// A claim of up to `limit` runs for `owner`.
    public init(owner: String, leaseSeconds: Double, limit: Int) {
        self.owner = owner; self.leaseSeconds = leaseSeconds; self.limit = limit
    }
}

/// Filters and paging for listing studies, newest first (by creation time, then id).
public struct StudyQuery: Sendable {
    /// Which kind of study.
    public enum Kind: String, Sendable, CaseIterable {
        /// A search (sampler and budget).
        case search
        /// A grid or a list of specs.
        case list
    }
    /// Only studies with this name, ASCII letters compared without case.
    public var name: String?
    /// Only this kind.
    public var kind: Kind?
    /// Only search studies in this state.
    public var state: SearchState?
    /// Page size.
    public var limit = 50
    /// Continue after the study with this creation time (seconds since 1970) and id.
    public var after: (createdAt: Double, id: String)?

    /// Every study, newest first, 50 per page.
    public init() {}
}
