// Which answer of the core a store may still show: every call gets a number before it leaves the
// main actor; an answer older than the one shown is dropped, so quick events (keystrokes, a drag)
// never leave a stale view behind a newer one.

struct CallOrder {
    private var issued = 0
    private var shown = 0

    /// The next call's number (take it before the first suspension).
    mutating func issue() -> Int {
        issued += 1
        return issued
    }

    /// The number of the newest call issued (a store compares it to tell whether a newer call
    /// came meanwhile).
    var lastIssued: Int { issued }

    /// Whether the answer to call `number` may be shown (and, if so, it now is the newest shown).
    mutating func accept(_ number: Int) -> Bool {
        guard number > shown else { return false }
        shown = number
        return true
    }
}
