internal import CPostgres

/// Bound parameters laid out as libpq's `PQsendQueryParams` and `PQsendQueryPrepared` read them.
enum PostgresParameters {
    /// Calls `body` with the count, types, values, lengths and formats of `bindings`, valid during the call.
    /// - Throws: `DatabaseError.invalidParameter` for a text value containing NUL.
    static func with<R>(
        _ bindings: [SQLBinding],
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) throws -> R
    ) throws -> R {
        // Every value goes into one NUL-separated buffer; it and the four arrays libpq reads are temporary
        // allocations: on the stack when small (the usual few parameters), on the heap otherwise.
        var total = 0
        for (index, binding) in bindings.enumerated() {
            // Text parameters are C strings: a NUL would silently cut the value short, so refuse it.
            let checked = binding.withBytes { bytes in
                (count: bytes.count, isValid: binding.isBinary || !bytes.contains(0))
            }
            guard let checked else { continue }
            guard checked.isValid else {
                throw DatabaseError(code: .invalidParameter, context: "parameter $\(index + 1) contains NUL")
            }
            total += checked.count + 1
        }
        return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(total, 1)) { storage in
            try withArrays(bindings, storage: storage.baseAddress!, body)
        }
    }

    private static func withArrays<R>(
        _ bindings: [SQLBinding],
        storage: UnsafeMutablePointer<CChar>,
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) throws -> R
    ) throws -> R {
        let count = bindings.count
        return try withUnsafeTemporaryAllocation(of: Oid.self, capacity: count) { types in
            try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { sizes in
                    var offset = 0
                    for (index, binding) in bindings.enumerated() {
                        types.initializeElement(at: index, to: Oid(binding.type.rawValue))
                        sizes.initializeElement(at: count + index, to: binding.isBinary ? 1 : 0)
                        let start = storage + offset
                        let copied = binding.withBytes { source in
                            UnsafeMutableRawBufferPointer(start: start, count: source.count).copyMemory(from: source)
                            return source.count
                        }
                        guard let copied else {
                            values.initializeElement(at: index, to: nil)
                            sizes.initializeElement(at: index, to: 0)
                            continue
                        }
                        start[copied] = 0
                        values.initializeElement(at: index, to: UnsafePointer(start))
                        sizes.initializeElement(at: index, to: Int32(copied))
                        offset += copied + 1
                    }
                    let lengths = sizes.baseAddress
                    return try body(
                        Int32(count), types.baseAddress, values.baseAddress, lengths, lengths.map { $0 + count })
                }
            }
        }
    }
}
