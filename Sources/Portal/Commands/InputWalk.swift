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

    /// The files of one input, sorted by their relative path. A missing or unreadable input is returned as
    /// is, so that opening it reports the refusal.
    static func files(under input: String, skipping skipped: Identity?) -> [File] {
        var status = stat()
        guard stat(input, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            return [File(path: input, relative: lastComponent(of: input))]
        }
        var found: [File] = []
        collect(folder: input, relative: "", skipping: skipped, into: &found)
        found.sort { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        return found
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
