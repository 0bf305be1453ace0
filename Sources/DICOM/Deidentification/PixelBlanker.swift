/// Sets blanking rectangles to zero in natively encoded pixel data as it streams past
/// (PS3.5 §8.1.1 pixel layout, PS3.3 C.7.6.3 Image Pixel module).
///
/// Works on chunks at any byte offset, so the pixel data never has to be held whole; bytes outside the
/// rectangles are never touched.
struct PixelBlanker: Sendable {
    /// A byte range `[start, end)` of one row of one rectangle within the first frame.
    private let spans: [(start: Int, end: Int)]
    /// Bytes per frame.
    private let frameLength: Int
    /// Number of frames.
    private let frameCount: Int

    /// The layout facts of the Image Pixel module; `nil` when blanking them is not supported.
    init?(
        rows: Int, columns: Int, samplesPerPixel: Int, bitsAllocated: Int, planarConfiguration: Int,
        frameCount: Int, rectangles: [BlankingRule.Rectangle]
    ) {
        // Samples per pixel is 1, 3 or (retired) 4 and Bits Allocated at most 64 (PS3.3 C.7.6.3.1); larger
        // values come only from malformed input and would make the span table needlessly large.
        guard rows > 0, columns > 0, (1...4).contains(samplesPerPixel), frameCount > 0,
            bitsAllocated % 8 == 0, (8...64).contains(bitsAllocated)
        else { return nil }
        let bytesPerSample = bitsAllocated / 8
        var spans: [(Int, Int)] = []
        for rectangle in rectangles {
            let x0 = max(0, rectangle.x)
            let y0 = max(0, rectangle.y)
            let x1 = min(columns, rectangle.x + rectangle.width)
            let y1 = min(rows, rectangle.y + rectangle.height)
            guard x0 < x1, y0 < y1 else { continue }
            for row in y0..<y1 {
                if planarConfiguration == 1 {
                    // Colour-by-plane: each sample is its own plane of rows × columns.
                    for plane in 0..<samplesPerPixel {
                        let base = (plane * rows * columns + row * columns) * bytesPerSample
                        spans.append((base + x0 * bytesPerSample, base + x1 * bytesPerSample))
                    }
                } else {
                    let pixel = samplesPerPixel * bytesPerSample
                    let base = row * columns * pixel
                    spans.append((base + x0 * pixel, base + x1 * pixel))
                }
            }
        }
        self.spans = spans.sorted { $0.0 < $1.0 }
        self.frameLength = rows * columns * samplesPerPixel * bytesPerSample
        self.frameCount = frameCount
    }

    /// Zeroes the parts of `chunk` that fall in a rectangle; `chunk` starts at byte `offset` of the value.
    /// - Returns: Whether anything was changed.
    @discardableResult
    func blank(_ chunk: inout [UInt8], at offset: Int) -> Bool {
        guard !chunk.isEmpty, !spans.isEmpty, frameLength > 0 else { return false }
        let chunkEnd = offset + chunk.count
        var changed = false
        var frame = offset / frameLength
        while frame < frameCount, frame * frameLength < chunkEnd {
            let base = frame * frameLength
            for span in spans {
                let start = max(base + span.start, offset)
                let end = min(base + span.end, chunkEnd)
                if start < end {
                    for index in (start - offset)..<(end - offset) { chunk[index] = 0 }
                    changed = true
                }
            }
            frame += 1
        }
        return changed
    }

    /// Whether a chunk at `offset` of `length` bytes meets any rectangle (so it must be copied to blank).
    func touches(offset: Int, length: Int) -> Bool {
        guard length > 0, !spans.isEmpty, frameLength > 0 else { return false }
        let end = offset + length
        var frame = offset / frameLength
        while frame < frameCount, frame * frameLength < end {
            let base = frame * frameLength
            for span in spans where base + span.start < end && base + span.end > offset { return true }
            frame += 1
        }
        return false
    }
}
