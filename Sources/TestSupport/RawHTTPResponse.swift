/// A response as read off the wire by ``RawHTTPClient``.
public struct RawHTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Field lines in order, names as sent.
    public var fields: [(name: String, value: String)]
    /// Content after de-chunking.
    public var body: [UInt8] = []

    /// Parses a status line and fields (without the final CRLF CRLF).
    init(head: String) throws {
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw RawHTTPClient.Failure(description: "bad status line")
        }
        self.status = status
        fields = lines.map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1].drop { $0 == " " }) : "")
        }
    }

    /// Case-insensitive field lookup.
    public var headers: Fields { Fields(fields: fields) }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Field lookup helper.
    public struct Fields {
        let fields: [(name: String, value: String)]
        /// First value of `name`, case-insensitively.
        public subscript(_ name: String) -> String? {
            fields.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        /// Number of lines named `name`.
        public func count(_ name: String) -> Int { fields.filter { $0.name.lowercased() == name.lowercased() }.count }
    }
}

extension String {
    fileprivate func components(separatedBy separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}

extension Substring {
    fileprivate func range(of separator: String) -> Range<Substring.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(separator) {
                return index..<self.index(index, offsetBy: separator.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
