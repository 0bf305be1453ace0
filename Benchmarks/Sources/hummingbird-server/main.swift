// A minimal Hummingbird 2 server with the benchmark routes, the peer our HTTPServer is measured against.
//
// Routes (identical to echo-server's):
//   GET  /hello              small text
//   GET  /json               small JSON, encoded per request
//   POST /echo               streams the request body back
//   GET  /download?bytes=N   streams N bytes
//   POST /upload             reads and discards the body, answers with the byte count
//
// Usage: hummingbird-server --port N   (binds 127.0.0.1 only)

import Foundation
import Hummingbird
import Logging
import NIOCore

/// The small JSON document both servers answer on `GET /json`.
struct Greeting: ResponseEncodable {
    let message: String
}

/// Reads `--port N` from the command line (default 8081).
func portArgument() -> Int {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count,
        let port = Int(arguments[index + 1])
    {
        return port
    }
    return 8081
}

/// One 256 KiB buffer reused for every download chunk (the same size as echo-server's).
let downloadChunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 256 * 1024)

let router = Router()
router.get("hello") { _, _ in
    "Hello, world!"
}
router.get("json") { _, _ in
    Greeting(message: "Hello, world!")
}
router.post("echo") { request, _ -> Response in
    // With the request's length when it has one, as echo-server does (chunked otherwise).
    let length = request.headers[.contentLength].flatMap { Int($0) }
    let body = ResponseBody(contentLength: length) { writer in
        for try await chunk in request.body {
            try await writer.write(chunk)
        }
        try await writer.finish(nil)
    }
    return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
}
router.get("download") { request, _ -> Response in
    let total = request.uri.queryParameters.get("bytes", as: Int.self) ?? 0
    let body = ResponseBody(contentLength: total) { writer in
        var remaining = total
        while remaining > 0 {
            let count = min(remaining, downloadChunk.readableBytes)
            try await writer.write(downloadChunk.getSlice(at: 0, length: count)!)
            remaining -= count
        }
        try await writer.finish(nil)
    }
    return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
}
router.post("upload") { request, _ -> String in
    var received = 0
    for try await chunk in request.body {
        received += chunk.readableBytes
    }
    return "\(received)\n"
}

var logger = Logger(label: "hummingbird-server")
logger.logLevel = .warning
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: portArgument()), serverName: "Hummingbird"),
    logger: logger
)
try await app.runService()
