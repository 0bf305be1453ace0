import CZlib

/// Raw DEFLATE decompression (RFC 1951) of a Deflated Explicit VR Little Endian data set (PS3.5 §A.5),
/// over zlib, fed chunk by chunk.
///
/// A class because zlib's stream state must stay at one address; owned by one `StreamReader`, never shared.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8]
    private var produced = 0
    private var isDone = false
    private let maximumOutput: Int

    /// Starts a raw inflate stream (window bits −15: no zlib header, as PS3.5 §A.5 requires).
    init(maximumOutput: Int) throws {
        self.maximumOutput = maximumOutput
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = [UInt8](repeating: 0, count: 256 * 1024)
        guard portal_inflateInit2(stream, -15) == Z_OK else {
            stream.deallocate()
            throw DICOMError(.unsupported, "zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates a chunk, passing each piece of output to `sink`.
    func inflate(_ chunk: ArraySlice<UInt8>, sink: (ArraySlice<UInt8>) throws -> Void) throws {
        // zlib counts input in 32-bit units: hand it at most 1 GiB at a time.
        var start = chunk.startIndex
        while start < chunk.endIndex {
            let end = min(start + (1 << 30), chunk.endIndex)
            try inflatePiece(chunk[start..<end], sink: sink)
            start = end
        }
    }

    private func inflatePiece(_ chunk: ArraySlice<UInt8>, sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard !chunk.isEmpty, !isDone else { return }
        var input = Array(chunk)
        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.pointee.next_in = inputBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            try drain(sink: sink)
        }
    }

    /// Passes on whatever zlib still holds at the end of the input. A raw deflate stream that stops
    /// without its final block is not an error here: the data set parser reports any truncation.
    func finish(sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard !isDone else { return }
        try drain(sink: sink)
    }

    /// Runs zlib until it has consumed its input and has no more output to give.
    private func drain(sink: (ArraySlice<UInt8>) throws -> Void) throws {
        while !isDone {
            let (status, count, isFull) = output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.pointee.next_out = outputBuffer.baseAddress
                stream.pointee.avail_out = UInt32(outputBuffer.count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                let isFull = stream.pointee.avail_out == 0
                stream.pointee.next_out = nil
                return (status, outputBuffer.count - Int(stream.pointee.avail_out), isFull)
            }
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END: isDone = true
            default:
                throw DICOMError(.malformed, offset: Int(stream.pointee.total_in), "deflated data set is corrupt")
            }
            produced += count
            if produced > maximumOutput {
                throw DICOMError(.limitExceeded, "deflated data set inflates beyond \(maximumOutput) bytes")
            }
            if count > 0 { try sink(output[0..<count]) }
            if !isFull && stream.pointee.avail_in == 0 { break }
            if status == Z_BUF_ERROR && count == 0 { break }
        }
    }
}
