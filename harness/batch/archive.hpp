// Unpacking a .zip of submissions (or one student's .zip) safely: no entry
// may land outside the extraction folder (zip-slip), symbolic links are
// dropped, and the total size is capped (zip bombs). Uses the `unzip` tool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::batch {

struct ExtractReport {
    bool ok = false;                    // false: nothing usable was extracted (error says why)
    std::string error;
    std::vector<std::string> problems;  // entries refused or removed, one clear line each
};

// True when an entry name would escape the folder it is extracted into: an
// absolute path, a drive letter, or a ".." component ('/' or '\' separated).
bool escapes_folder(std::string_view entry_name);

// A pattern for `unzip -x` that matches exactly this name (wildcards escaped).
std::string unzip_literal_pattern(std::string_view name);

// Extracts `archive` into `into` (created). Entries that would escape are
// not extracted; symlinks and special files are removed afterwards.
ExtractReport extract_zip(const std::string& archive, const std::string& into,
                          std::uint64_t max_bytes = std::uint64_t(1) << 30);

}  // namespace sockgrade::batch
