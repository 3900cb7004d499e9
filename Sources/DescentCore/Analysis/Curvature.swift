/// What a point is: the second-order test's verdict at a critical point, or `notCritical`.
public enum CriticalPointKind: String, Codable, Sendable {
    /// The gradient is not zero (‖∇L‖ above the tolerance): the second-order test does not apply.
    case notCritical = "not_critical"
    /// Critical, Hessian positive definite: a strict local minimum.
    case localMinimum = "local_minimum"
    /// Critical, Hessian negative definite: a strict local maximum.
    case localMaximum = "local_maximum"
    /// Critical, Hessian with eigenvalues of both signs: a saddle point.
    case saddle
    /// Critical, Hessian singular and not indefinite: the second-order test is inconclusive
    /// (a flat valley of minima, a degenerate saddle, …; higher-order terms decide).
    case degenerate

    /// The verdict for a point with gradient norm within tolerance (`isCritical`) and Hessian `curvature`.
    init(isCritical: Bool, curvature: HessianCurvature) {
        guard isCritical else { self = .notCritical; return }
        switch curvature {
        case .positiveDefinite: self = .localMinimum
        case .negativeDefinite: self = .localMaximum
        case .indefinite: self = .saddle
        case .positiveSemidefinite, .negativeSemidefinite, .zero: self = .degenerate
        }
    }
}

/// The Hessian's definiteness, from the signs of its eigenvalues (made whether or not the point is critical).
public enum HessianCurvature: String, Codable, Sendable {
    /// Every eigenvalue > 0: the loss curves up in every direction.
    case positiveDefinite = "positive_definite"
    /// Every eigenvalue < 0: the loss curves down in every direction.
    case negativeDefinite = "negative_definite"
    /// Eigenvalues of both signs.
    case indefinite
    /// Every eigenvalue ≥ 0, some zero: up or flat.
    case positiveSemidefinite = "positive_semidefinite"
    /// Every eigenvalue ≤ 0, some zero: down or flat.
    case negativeSemidefinite = "negative_semidefinite"
    /// Every eigenvalue zero.
    case zero

    /// Classifies a spectrum; |λ| ≤ `zero` counts as zero. The signs depend only on the smallest and the
    /// largest eigenvalue, so a spectrum of which only both ends were computed is classified exactly.
    init(eigenvalues: [Double], zero: Double) {
        let negative = eigenvalues.contains { $0 < -zero }
        let positive = eigenvalues.contains { $0 > zero }
        let flat = eigenvalues.isEmpty || eigenvalues.contains { !($0 < -zero) && !($0 > zero) }
        switch (negative, positive) {
        case (true, true): self = .indefinite
        case (false, true): self = flat ? .positiveSemidefinite : .positiveDefinite
        case (true, false): self = flat ? .negativeSemidefinite : .negativeDefinite
        case (false, false): self = .zero
        }
    }
}

extension CriticalPointReport {
    /// One or two sentences saying what `kind` and `curvature` mean for this point.
    static func note(kind: CriticalPointKind, curvature: HessianCurvature, gradientNorm: Double, tolerance: Double,
                     zeroCount: Int, complete: Bool) -> String {
        let flat = "\(zeroCount) zero eigenvalue\(zeroCount == 1 ? "" : "s")\(complete ? "" : " among those computed")"
        let text: String
        switch kind {
        case .notCritical:
            text = "Not a critical point: ‖∇L‖ = \(gradientNorm) > \(tolerance), so the loss changes to first order here "
                + "and the second-order test does not apply. The Hessian here is \(curvature.phrase)."
        case .localMinimum:
            text = "Critical point with a positive definite Hessian: a strict local minimum."
        case .localMaximum:
            text = "Critical point with a negative definite Hessian: a strict local maximum."
        case .saddle:
            text = "Critical point with eigenvalues of both signs: a saddle point; the loss decreases along escape_direction."
        case .degenerate:
            switch curvature {
            case .positiveSemidefinite:
                text = "Critical point with a positive semidefinite Hessian (\(flat)): the second-order test is inconclusive. "
                    + "The loss curves up or stays flat: a flat valley of minima (as (1 − w₁w₂)² along w₁w₂ = 1) "
                    + "or a degenerate saddle; higher-order terms along the flat directions decide."
            case .negativeSemidefinite:
                text = "Critical point with a negative semidefinite Hessian (\(flat)): the second-order test is inconclusive. "
                    + "The loss curves down or stays flat: a flat ridge of maxima or a degenerate saddle; "
                    + "higher-order terms along the flat directions decide."
            case .positiveDefinite, .negativeDefinite, .indefinite, .zero:
                text = "Critical point with a zero Hessian: the second-order test says nothing (as for x³ − 3xy² at the origin); "
                    + "higher-order terms decide."
            }
        }
        return text
    }
}

extension HessianCurvature {
    /// The curvature in words.
    var phrase: String {
        switch self {
        case .positiveDefinite: "positive definite (curving up in every direction)"
        case .negativeDefinite: "negative definite (curving down in every direction)"
        case .indefinite: "indefinite (curving up in some directions and down in others)"
        case .positiveSemidefinite: "positive semidefinite (curving up or flat)"
        case .negativeSemidefinite: "negative semidefinite (curving down or flat)"
        case .zero: "zero"
        }
    }
}
