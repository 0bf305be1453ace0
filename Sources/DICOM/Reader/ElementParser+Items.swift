/// Sequences, items and encapsulated pixel data (PS3.5 §7.5, §A.4).
extension ElementParser {
    /// Parses the items of a sequence value: up to `end`, or up to a sequence delimitation item when the
    /// length is undefined. Returns the items and the index after the value.
    mutating func items(
        _ start: Int, end: Int?, syntax: Syntax, depth: Int, limit: Int, tag: Tag
    ) throws -> ([Item], Int) {
        if depth > configuration.maximumDepth {
            throw DICOMError(
                .limitExceeded, offset: offset(start), tag: tag,
                "sequences nested deeper than \(configuration.maximumDepth)")
        }
        var items: [Item] = []
        var index = start
        let bound = end ?? limit
        while true {
            if let end, index >= end { break }
            let header = try header(index, syntax: syntax, limit: bound)
            if header.tag == .sequenceDelimitationItem {
                index += 8
                if end == nil { break }
                continue  // a stray delimiter inside a defined-length sequence: dcmtk skips it too
            }
            guard header.tag == .item else {
                throw DICOMError(.malformed, offset: offset(index), tag: tag, "expected an item in the sequence, found \(header.tag)")
            }
            try countElement(index, tag: tag)
            let itemStart = index + 8
            if header.hasUndefinedLength {
                let (item, after) = try dataSet(itemStart, end: nil, syntax: syntax, depth: depth, limit: bound)
                items.append(item)
                index = after
            } else {
                let length = Int(header.length)
                try require(itemStart, length, limit: bound, tag: tag)
                let (item, _) = try dataSet(
                    itemStart, end: itemStart + length, syntax: syntax, depth: depth, limit: itemStart + length)
                items.append(item)
                index = itemStart + length
            }
        }
        return (items, index)
    }

    /// Parses the elements of one item: up to `end`, or up to an item delimitation item.
    mutating func dataSet(
        _ start: Int, end: Int?, syntax initialSyntax: Syntax, depth: Int, limit: Int
    ) throws -> (DataSet, Int) {
        var dataSet = DataSet()
        var index = start
        let bound = end ?? limit
        let syntax = sniff(start, syntax: initialSyntax, limit: bound)
        while true {
            if let end, index >= end { break }
            let header = try header(index, syntax: syntax, limit: bound)
            if header.tag == .itemDelimitationItem {
                index += 8
                if end == nil { break }
                continue
            }
            let (element, after) = try element(index, header: header, syntax: syntax, depth: depth, limit: bound)
            dataSet.set(element)
            index = after
        }
        return (dataSet, index)
    }

    /// Parses encapsulated pixel data items up to the sequence delimitation item (PS3.5 §A.4).
    mutating func encapsulated(
        _ start: Int, syntax: Syntax, limit: Int, tag: Tag
    ) throws -> (EncapsulatedPixelData, Int) {
        var table: [UInt8]?
        var fragments: [[UInt8]] = []
        var index = start
        while true {
            let header = try header(index, syntax: syntax, limit: limit)
            if header.tag == .sequenceDelimitationItem {
                index += 8
                break
            }
            guard header.tag == .item, !header.hasUndefinedLength else {
                throw DICOMError(
                    .malformed, offset: offset(index), tag: tag,
                    "undefined-length value is neither a sequence nor encapsulated fragments (found \(header.tag))")
            }
            try countElement(index, tag: tag)
            let length = Int(header.length)
            try require(index + 8, length, limit: limit, tag: tag)
            let bytes = Array(data[(index + 8)..<(index + 8 + length)])
            if table == nil { table = bytes } else { fragments.append(bytes) }
            index += 8 + length
        }
        return (EncapsulatedPixelData(basicOffsetTable: table ?? [], fragments: fragments), index)
    }
}
