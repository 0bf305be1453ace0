import Foundation
import TestSupport
import Testing

/// The de-identification engine judged by an independent auditor (`scripts/deid-corpus/`), built from
/// PS3.15 Table E.1-1 and the option texts of E.3, not from our engine: a corpus with a distinct planted
/// value in every attribute of the table (top level and nested), the real `portal dicom deidentify` over
/// it and over pydicom's test files, then `check.py` (planted values, identifying substrings, dates and
/// intervals, UID map and references, pseudonyms, dciodvfy deltas, dcmdump, pixel data, private elements,
/// code items). A failure lists the checker's findings; the full JSON reports are kept in
/// `.build/deid-audit/`.
@Suite(.serialized, .enabled(if: AuditRun.toolsAvailable)) struct DeidentificationAuditTests {
    @Test(.timeLimit(.minutes(10)))
    func corpusAndPydicomTestFilesPassTheIndependentChecker() async throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-deid-audit-")
        defer { folder.remove() }
        let key = try AuditRun.writeKey(in: folder)
        let corpus = folder.appending("corpus")
        let made = try await AuditRun.python(["scripts/deid-corpus/make-corpus.py", corpus.path, "--seed", "20240417"])
        try #require(made.status == 0, "make-corpus.py failed:\n\(made.standardError)")

        let out = folder.appending("out")
        let run = try await AuditRun.deidentify(key: key, out: out, inputs: [corpus.appendingPathComponent("dicom").path])
        #expect(run.status == 0, "portal refused corpus files:\n\(run.standardError)")
        let check = try await AuditRun.check([
            "--input", corpus.appendingPathComponent("dicom").path, "--output", out.path,
            "--report", AuditRun.keptReport("corpus.json").path,
        ])
        #expect(check.status == 0, "\(check.findings)")

        let pydicomOut = folder.appending("pydicom-out")
        let pydicomFiles = try #require(AuditRun.pydicomTestFiles)
        // Exit status 1 is expected: the folder holds files that are not DICOM, which are refused.
        _ = try await AuditRun.deidentify(key: key, out: pydicomOut, inputs: [pydicomFiles])
        let pydicomCheck = try await AuditRun.check([
            "--pydicom-files", "--input", pydicomFiles, "--output", pydicomOut.path,
            "--report", AuditRun.keptReport("pydicom.json").path,
        ])
        #expect(pydicomCheck.status == 0, "\(pydicomCheck.findings)")
    }

    /// Two runs with the same key over the corpus cut in two (documents and the later visit first, the
    /// images they reference second) must give the same pseudonyms and UIDs as one run over all of it;
    /// and the checker must catch defects planted in a copy of the output (selftest.py).
    @Test(.timeLimit(.minutes(10)))
    func runsSplitAndReorderedAgreeWithOneRunAndTheCheckerCatchesPlantedDefects() async throws {
        let folder = try TemporaryDirectory.make(prefix: "portal-deid-audit-")
        defer { folder.remove() }
        let key = try AuditRun.writeKey(in: folder)
        let corpus = folder.appending("corpus")
        let made = try await AuditRun.python(["scripts/deid-corpus/make-corpus.py", corpus.path, "--seed", "7", "--split"])
        try #require(made.status == 0, "make-corpus.py failed:\n\(made.standardError)")

        let whole = folder.appending("whole")
        _ = try await AuditRun.deidentify(key: key, out: whole, inputs: [corpus.appendingPathComponent("dicom").path])
        let union = folder.appending("union")
        for part in ["split-1", "split-2"] {
            let run = try await AuditRun.deidentify(key: key, out: union, inputs: [corpus.appendingPathComponent(part).path])
            #expect(run.status == 0, "portal refused files of \(part):\n\(run.standardError)")
        }
        let report = AuditRun.keptReport("split-runs.json")
        _ = try await AuditRun.check([
            "--input", corpus.appendingPathComponent("dicom").path, "--output", union.path,
            "--same-as", whole.path, "--report", report.path,
        ])
        let classes = try AuditRun.classes(in: report)
        let crossRun = ["run-inconsistent", "uid-split", "uid-merge", "dangling-reference", "pseudonym-split"]
        let wholeReport = AuditRun.keptReport("split-runs-whole.json")
        _ = try await AuditRun.check([
            "--input", corpus.appendingPathComponent("dicom").path, "--output", whole.path,
            "--report", wholeReport.path,
        ])
        let wholeClasses = try AuditRun.classes(in: wholeReport)
        for name in crossRun {
            #expect(
                classes[name, default: 0] <= wholeClasses[name, default: 0],
                "\(name): \(classes[name, default: 0]) after two runs, \(wholeClasses[name, default: 0]) after one (see \(report.path))")
        }

        // The judge itself: one defect of each kind planted in a copy of the output must be caught, so
        // that a clean audit can never come from a checker that looks at nothing.
        let selftest = try await AuditRun.python([
            "scripts/deid-corpus/selftest.py", "--input", corpus.appendingPathComponent("dicom").path,
            "--output", whole.path,
        ])
        #expect(selftest.status == 0, "the checker missed planted defects:\n\(selftest.findings)")
    }
}

/// Runs the audit's tools (python3, the built `portal`) and keeps their output in files, never pipes,
/// so a long report cannot stall a child.
struct AuditRun {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The checker's summary (classes, counts, examples) and its hard findings, one a line.
    var findings: String {
        standardOutput + (standardError.isEmpty ? "" : "\nstandard error:\n\(standardError)")
    }

    static let packageRoot = CheckerRun.packageRoot

    /// python3 with pydicom, dicom3tools and dcmtk, as `scripts/bootstrap --test` installs them.
    static let toolsAvailable: Bool = {
        let tools = ["dciodvfy", "dcmdump", "dcmconv"].allSatisfy { tool in
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
                .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
        return tools && pydicomTestFiles != nil
    }()

    /// pydicom's bundled test files, asked of python3 itself.
    static let pydicomTestFiles: String? = {
        guard let run = try? ToolRun.runBlocking("python3", ["-c", "import pydicom, os; print(os.path.dirname(pydicom.__file__))"]),
            run.status == 0
        else { return nil }
        let folder = run.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/data/test_files"
        return FileManager.default.fileExists(atPath: folder + "/CT_small.dcm") ? folder : nil
    }()

    /// A fresh 256-bit key as 64 hex digits, in a file only its owner reads; never printed.
    static func writeKey(in folder: TemporaryDirectory) throws -> URL {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let url = folder.appending("key")
        try Data(hex.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        return url
    }

    /// A report path that outlives the test's temporary folder: `.build/deid-audit/NAME`.
    static func keptReport(_ name: String) -> URL {
        let folder = packageRoot.appendingPathComponent(".build/deid-audit")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    static func deidentify(key: URL, out: URL, inputs: [String]) async throws -> AuditRun {
        try await run(
            PortalProcess.executable,
            ["dicom", "deidentify", "--key-file", key.path, "--centre", "C01", "--out", out.path] + inputs)
    }

    static func check(_ arguments: [String]) async throws -> AuditRun {
        try await python(["scripts/deid-corpus/check.py", "--examples", "5"] + arguments)
    }

    static func python(_ arguments: [String]) async throws -> AuditRun {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
    }

    /// Counts by finding class in a JSON report written by check.py.
    static func classes(in report: URL) throws -> [String: Int] {
        let data = try Data(contentsOf: report)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let byClass = try #require(json["by_class"] as? [String: [String: Any]])
        return byClass.compactMapValues { $0["count"] as? Int }
    }

    static func run(_ executable: URL, _ arguments: [String]) async throws -> AuditRun {
        let run = try await ToolRun.run(executable.path, arguments, in: packageRoot)
        return AuditRun(status: run.status, standardOutput: run.output, standardError: run.errors)
    }
}
