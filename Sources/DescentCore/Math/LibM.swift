#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementary functions from the C library, gathered so the core needs no Foundation.
@usableFromInline enum LibM {
    @inlinable static func exp(_ x: Double) -> Double { libm_exp(x) }
    @inlinable static func log(_ x: Double) -> Double { libm_log(x) }
    @inlinable static func sin(_ x: Double) -> Double { libm_sin(x) }
    @inlinable static func cos(_ x: Double) -> Double { libm_cos(x) }
    @inlinable static func tanh(_ x: Double) -> Double { libm_tanh(x) }
    @inlinable static func pow(_ x: Double, _ y: Double) -> Double { libm_pow(x, y) }
}

// Module-level shims: inside `LibM` the bare names would resolve to its own members.
@usableFromInline func libm_exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func libm_log(_ x: Double) -> Double { log(x) }
@usableFromInline func libm_sin(_ x: Double) -> Double { sin(x) }
@usableFromInline func libm_cos(_ x: Double) -> Double { cos(x) }
@usableFromInline func libm_tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline func libm_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
