// The benchmark server on our HTTPServer alone (no SwiftNIO), measured against hummingbird-server.
//
// Routes (identical to hummingbird-server's):
//   GET  /hello              small text
//   GET  /json               small JSON, encoded per request
//   POST /echo               streams the request body back
//   GET  /download?bytes=N   streams N bytes
//   POST /upload             reads and discards the body, answers with the byte count
//
// Usage: echo-server --port N   (binds 127.0.0.1 only; logs warnings only, as the peer does)

import Foundation
import HTTPServer
import Logging

/// The small JSON document both servers answer on `GET /json`.
struct Greeting: Encodable {
    let message: String
}

/// Reads `--port N` from the command line (default 8080).
func portArgument() -> Int {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--port"), index + 1 < arguments.count,
        let port = Int(arguments[index + 1])
    {
        return port
    }
    return 8080
}

/// One 256 KiB chunk shared by every download write (the same size as the peer's).
let downloadChunk = [UInt8](repeating: UInt8(ascii: "x"), count: 256 * 1024)

var router = Router()
router.get("/hello") { _, _ in
    .text("Hello, world!")
}
router.get("/json") { _, _ in
    let json = try JSONEncoder().encode(Greeting(message: "Hello, world!"))
    return Response(headers: ["Content-Type": "application/json"], body: .bytes(Array(json)))
}
router.post("/echo", bodyLimit: .max) { request, _ in
    let body = request.body
    return Response(
        headers: ["Content-Type": "application/octet-stream"],
        body: .stream(length: body.declaredLength.map { Int64($0) }) { writer in
            for try await chunk in body {
                try await writer.write(chunk)
            }
        })
}
router.get("/download") { request, _ in
    let total = Int(request.query["bytes"] ?? "") ?? 0
    return Response(
        headers: ["Content-Type": "application/octet-stream"],
        body: .stream(length: Int64(total)) { writer in
            var remaining = total
            while remaining >= downloadChunk.count {
                try await writer.write(downloadChunk)
                remaining -= downloadChunk.count
            }
            if remaining > 0 { try await writer.write(Array(downloadChunk[..<remaining])) }
        })
}
router.post("/upload", bodyLimit: .max) { request, _ in
    var received = 0
    for try await chunk in request.body {
        received += chunk.count
    }
    return .text("\(received)\n")
}

var logger = Logger(label: "echo-server")
logger.logLevel = .warning
let server = try HTTPServer(
    configuration: HTTPServer.Configuration(host: "127.0.0.1", port: portArgument()), router: router, logger: logger)
await server.run()
