import Glibc

/// The files `portal dicom deidentify` reads: each input file as given, and the regular files under each
/// input folder with their path below it (kept under `--out`).
///
/// POSIX only, one `readdir` pass per folder: the entry's type comes with its name, so a plain file costs
/// no `stat` (Foundation's enumerator and resource values cost a dozen calls per file). Names starting
/// with a dot are skipped (`.DS_Store`, markers, and the staging folders of an interrupted run), symbolic
/// links to files are followed, links to folders are not (no loops), and the output folder is skipped
/// when it lies inside an input.
enum InputWalk {
    /// A file to read and the path to keep below the output folder.
    struct File: Equatable {
        var path: String
        var relative: String
    }

    /// A folder's device and inode, to recognise it under any path.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64

        /// The identity of what `path` names (links followed); nil if it does not exist.
        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }

    /// The files of every input, each with the path to keep below the output folder, sorted by it.
    ///
    /// One folder keeps its own tree (`in/a/b.dcm` → `out/a/b.dcm`) and one file its name. With several
    /// inputs, each keeps its path below the folder the inputs share (`x/s1/1.dcm x/s2/1.dcm` → `out/s1/1.dcm`,
    /// `out/s2/1.dcm`), so that two inputs never write one output file and files of one patient are never
    /// overwritten by another's. `duplicates` receives the files whose output path another file already
    /// has (the same file given twice, or reached through a link).
    static func files(of inputs: [String], skipping skipped: Identity?, duplicates: inout [File]) -> [File] {
        let prefixes = outputPrefixes(of: inputs)
        var found: [File] = []
        for (input, prefix) in zip(inputs, prefixes) {
            var status = stat()
            if stat(input, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                collect(folder: input, relative: prefix, skipping: skipped, into: &found)
            } else {
                // A missing or unreadable input is kept as is, so that opening it reports the refusal.
                found.append(File(path: input, relative: prefix.isEmpty ? lastComponent(of: input) : prefix))
            }
        }
        found.sort { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        var seen = Set<String>()
        var unique: [File] = []
        for file in found {
            if seen.insert(file.relative).inserted { unique.append(file) } else { duplicates.append(file) }
        }
        return unique
    }

    /// Each input's path below the folder all inputs share, `""` for a single folder (its tree goes to the
    /// output folder itself).
    static func outputPrefixes(of inputs: [String]) -> [String] {
        let components = inputs.map { input -> [Substring] in
            let absolute = input.hasPrefix("/") ? input : currentFolder() + "/" + input
            var parts: [Substring] = []
            for part in absolute.split(separator: "/") where part != "." {
                if part == "..", !parts.isEmpty { parts.removeLast() } else if part != ".." { parts.append(part) }
            }
            return parts
        }
        guard components.count > 1 else { return inputs.map { _ in "" } }
        // The longest shared folder: no input is cut to nothing (a file keeps at least its name).
        var shared = components.map { $0.count - 1 }.min() ?? 0
        for index in 0..<shared where components.contains(where: { $0[index] != components[0][index] }) {
            shared = index
            break
        }
        return components.map { $0.dropFirst(shared).joined(separator: "/") }
    }

    private static func currentFolder() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func collect(
        folder: String, relative: String, skipping skipped: Identity?, into found: inout [File]
    ) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = folder + "/" + name
            let below = relative.isEmpty ? name : relative + "/" + name
            var type = entry.pointee.d_type
            if type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) {
                // Follow a link to a file; never descend through a link to a folder.
                var status = stat()
                let isLink = type == UInt8(DT_LNK)
                guard (isLink ? stat(path, &status) : lstat(path, &status)) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFREG: type = UInt8(DT_REG)
                case S_IFDIR where !isLink: type = UInt8(DT_DIR)
                default: continue
                }
            }
            if type == UInt8(DT_REG) {
                found.append(File(path: path, relative: below))
            } else if type == UInt8(DT_DIR) {
                // The inode comes with the entry: only a folder with the output's inode costs a stat.
                if let skipped, UInt64(entry.pointee.d_ino) == skipped.inode, Identity(path: path) == skipped {
                    continue
                }
                collect(folder: path, relative: below, skipping: skipped, into: &found)
            }
        }
    }

    private static func lastComponent(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
