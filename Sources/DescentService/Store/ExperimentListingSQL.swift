import Foundation

/// The SQL of an experiment listing's field conditions, field order and keyset paging, written once for both
/// backends; a `Dialect` says how each writes a JSON path's numeric or string value and a bound parameter.
///
/// With a sort field the listing reads `SELECT * FROM (SELECT experiment.*, <number> AS sort_value FROM
/// experiment WHERE …) WHERE <after the cursor> ORDER BY sort_value IS NULL, sort_value, seq`: rows without a
/// number come last in either direction, ties go by sequence number in the same direction.
struct ExperimentListingSQL {
    /// How one backend writes the pieces.
    struct Dialect {
        /// Binds a value, returning its placeholder (called in the order placeholders appear in the text).
        var bindNumber: (Double) -> String
        /// Binds a string.
        var bindText: (String) -> String
        /// SQL for the field's numeric value (NULL when it has none), binding what it needs.
        var number: (ExperimentField) -> String
        /// SQL that is true when the field is a string equal, ASCII case folded, to the bound value.
        var textEquals: (ExperimentField, String) -> String
    }

    let dialect: Dialect

    /// ` AND …` clauses for the query's conditions.
    func conditions(_ q: ExperimentQuery) -> String {
        var sql = ""
        for c in q.conditions {
            switch c.test {
            case .number(let v):
                sql += " AND \(dialect.number(c.field)) = \(dialect.bindNumber(v))"
            case .text(let s):
                sql += " AND \(dialect.textEquals(c.field, ExperimentQuery.folded(s)))"
            case .range(let low, let high):
                if let low { sql += " AND \(dialect.number(c.field)) >= \(dialect.bindNumber(low))" }
                if let high { sql += " AND \(dialect.number(c.field)) <= \(dialect.bindNumber(high))" }
                if low == nil && high == nil { sql += " AND \(dialect.number(c.field)) IS NOT NULL" }
            }
        }
        return sql
    }

    /// The whole statement for a sorted listing; `filters` are the ` AND …` clauses on `experiment`, and
    /// `bindSeq`/`bindLimit` bind the cursor's sequence number and the page size.
    func sorted(_ q: ExperimentQuery, sort: ExperimentSort, filters: () -> String,
                bindSeq: (Int64) -> String, bindLimit: (Int) -> String) -> String {
        let value = dialect.number(sort.field)
        var sql = "SELECT * FROM (SELECT experiment.*, \(value) AS sort_value FROM experiment WHERE 1=1\(filters())) AS e"
        let op = q.descending ? "<" : ">"
        if let after = q.after {
            if let v = sort.afterValue {
                let a = dialect.bindNumber(v), b = dialect.bindNumber(v)
                sql += " WHERE (sort_value IS NULL OR sort_value \(op) \(a) OR (sort_value = \(b) AND seq \(op) \(bindSeq(after))))"
            } else {
                sql += " WHERE sort_value IS NULL AND seq \(op) \(bindSeq(after))"
            }
        }
        let direction = q.descending ? "DESC" : "ASC"
        return sql + " ORDER BY (sort_value IS NULL), sort_value \(direction), seq \(direction) LIMIT \(bindLimit(q.limit))"
    }
}
