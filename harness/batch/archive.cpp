#include "batch/archive.hpp"

#include <filesystem>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "batch/files.hpp"
#include "batch/subprocess.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;

bool escapes_folder(std::string_view name) {
    if (name.empty()) return false;
    if (name.front() == '/' || name.front() == '\\') return true;
    if (name.size() >= 2 && name[1] == ':') return true;  // C:\...
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = name.size();
        if (name.substr(start, end - start) == "..") return true;
        start = end + 1;
    }
    return false;
}

std::string unzip_literal_pattern(std::string_view name) {
    std::string pattern;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (c == '[' || c == '*' || c == '?' || c == '\\' || (c == '-' && i == 0)) {
            pattern += '\\';  // unzip's wildcards take a backslash as "the next character, literally"
            pattern += c;
        } else {
            pattern += c;
        }
    }
    return pattern;
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

}  // namespace

ExtractReport extract_zip(const std::string& archive, const std::string& into, std::uint64_t max_bytes) {
    ExtractReport report;
    auto name = fs::path(archive).filename().string();
    std::error_code ec;
    fs::create_directories(into, ec);
    CommandSpec spec;
    spec.env = helper_environment(into);
    spec.env.erase("UNZIP");  // no options from the environment
    spec.timeout = std::chrono::seconds(120);
    spec.output_cap = 8 << 20;

    // 1. The entries and their total size, before anything is written.
    spec.argv = {"unzip", "-Z", "-1", archive};
    auto listing = run_command(spec);
    if (!listing.started) {
        report.error = fmt::format("{}: cannot open archives here ({}); install unzip", name, listing.error);
        return report;
    }
    if (!listing.ok()) {
        report.error = fmt::format("{}: not a readable .zip archive (unzip {})", name, listing.describe());
        return report;
    }
    spec.argv = {"unzip", "-Z", "-t", archive};
    auto totals = run_command(spec);
    std::smatch match;
    static const std::regex totals_line(R"((\d+) files?, (\d+) bytes? uncompressed)");
    if (totals.ok() && std::regex_search(totals.output, match, totals_line)) {
        auto bytes = std::stoull(match[2].str());
        if (bytes > max_bytes) {
            report.error = fmt::format("{}: unpacks to {} bytes, over the limit of {}; not extracted", name, bytes,
                                       max_bytes);
            return report;
        }
    }

    // 2. Entries that would escape are refused by name; the rest is extracted.
    std::vector<std::string> refused;
    for (const auto& entry : lines_of(listing.output))
        if (escapes_folder(entry)) {
            refused.push_back(entry);
            report.problems.push_back(fmt::format(
                "{}: entry '{}' points outside the archive's folder (zip-slip); it was not extracted", name,
                to_utf8(entry)));
        }
    spec.argv = {"unzip", "-qq", "-o", archive, "-d", into};
    if (!refused.empty()) {
        spec.argv.emplace_back("-x");
        for (const auto& entry : refused) spec.argv.push_back(unzip_literal_pattern(entry));
    }
    auto extraction = run_command(spec);
    if (!extraction.started || extraction.timed_out || extraction.signaled ||
        (extraction.exit_code != 0 && extraction.exit_code != 1 && extraction.exit_code != 11)) {
        // 1: warnings; 11: no matching files (an archive of only refused entries).
        auto first_line = extraction.output.substr(0, extraction.output.find('\n'));
        report.problems.push_back(fmt::format("{}: unzip {}{}", name, extraction.describe(),
                                              first_line.empty() ? "" : ": " + to_utf8(first_line)));
    }

    // 3. Nothing but folders and regular files stays, and all of it inside.
    auto root = fs::weakly_canonical(into, ec);
    std::vector<fs::path> remove;
    for (fs::recursive_directory_iterator it(into, ec), end; !ec && it != end; it.increment(ec)) {
        auto status = it->symlink_status(ec);
        auto relative = it->path().lexically_relative(into).generic_string();
        if (fs::is_symlink(status)) {
            report.problems.push_back(
                fmt::format("{}: '{}' is a symbolic link; it was removed", name, to_utf8(relative)));
            remove.push_back(it->path());
        } else if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
            report.problems.push_back(fmt::format("{}: '{}' is not a regular file; it was removed", name, to_utf8(relative)));
            remove.push_back(it->path());
        } else {
            auto canonical = fs::weakly_canonical(it->path(), ec);
            auto inside = canonical.lexically_relative(root);
            if (inside.empty() || inside.begin()->string() == "..") {
                report.problems.push_back(fmt::format("{}: '{}' is outside the folder; it was removed", name, to_utf8(relative)));
                remove.push_back(it->path());
            }
        }
    }
    for (const auto& path : remove) fs::remove(path, ec);
    report.ok = true;
    return report;
}

}  // namespace sockgrade::batch
