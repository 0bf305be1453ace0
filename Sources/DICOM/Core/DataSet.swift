/// An ordered collection of data elements: a whole data set, the file meta group, or one sequence item
/// (PS3.5 §7).
///
/// Elements are kept sorted by tag, as PS3.5 §7.1 requires them to be encoded; lookups are binary searches.
/// Inserting an element whose tag is present replaces it.
public struct DataSet: Sendable, Equatable, RandomAccessCollection {
    /// The elements in ascending tag order.
    public private(set) var elements: [Element]

    /// Creates an empty data set.
    public init() { elements = [] }

    /// Creates a data set from elements in any order; later duplicates replace earlier ones.
    public init(_ elements: some Swift.Sequence<Element>) {
        self.elements = []
        for element in elements { self.set(element) }
    }

    /// Position of the first element.
    public var startIndex: Int { elements.startIndex }
    /// Position after the last element.
    public var endIndex: Int { elements.endIndex }
    /// The element at a position, in tag order.
    public subscript(position: Int) -> Element { elements[position] }

    /// The element with this tag, if present; assigning `nil` removes it.
    public subscript(tag: Tag) -> Element? {
        get {
            let index = insertionIndex(of: tag)
            return index < elements.count && elements[index].tag == tag ? elements[index] : nil
        }
        set {
            if let newValue {
                precondition(newValue.tag == tag, "element stored under another tag")
                set(newValue)
            } else {
                remove(tag)
            }
        }
    }

    /// Whether an element with this tag is present.
    public func contains(_ tag: Tag) -> Bool { self[tag] != nil }

    /// Inserts the element in tag order, replacing any element with the same tag.
    public mutating func set(_ element: Element) {
        if let last = elements.last, last.tag < element.tag {
            elements.append(element)  // the common case while reading
            return
        }
        let index = insertionIndex(of: element.tag)
        if index < elements.count && elements[index].tag == element.tag {
            elements[index] = element
        } else {
            elements.insert(element, at: index)
        }
    }

    /// Removes the element with this tag; returns it if it was present.
    @discardableResult
    public mutating func remove(_ tag: Tag) -> Element? {
        let index = insertionIndex(of: tag)
        guard index < elements.count, elements[index].tag == tag else { return nil }
        return elements.remove(at: index)
    }

    /// Removes every element for which the predicate holds (top level only).
    public mutating func removeAll(where shouldRemove: (Element) throws -> Bool) rethrows {
        try elements.removeAll(where: shouldRemove)
    }

    private func insertionIndex(of tag: Tag) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let mid = (low + high) / 2
            if elements[mid].tag < tag { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// A sequence item: itself a data set (PS3.5 §7.5).
public typealias Item = DataSet
