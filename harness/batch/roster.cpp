#include "batch/roster.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "batch/archive.hpp"
#include "batch/files.hpp"

namespace sockgrade::batch {

namespace fs = std::filesystem;

bool is_clutter(std::string_view name) {
    return name.empty() || name.front() == '.' || name == "__MACOSX" || name == "Thumbs.db" ||
           name == "desktop.ini";
}

namespace {

bool has_suffix_ci(std::string_view name, std::string_view suffix) {
    if (name.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        char c = name[name.size() - suffix.size() + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

// What a folder holds, clutter left out.
struct Listing {
    std::vector<fs::path> folders;
    std::vector<fs::path> files;
};

Listing list(const fs::path& dir) {
    Listing listing;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (is_clutter(name)) continue;
        auto status = it->symlink_status(ec);
        if (fs::is_directory(status)) listing.folders.push_back(it->path());
        else listing.files.push_back(it->path());
    }
    std::sort(listing.folders.begin(), listing.folders.end());
    std::sort(listing.files.begin(), listing.files.end());
    return listing;
}

}  // namespace

Roster read_roster(const std::string& path, const std::string& work_dir) {
    Roster roster;
    std::error_code ec;
    fs::path root = path;
    auto status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
        roster.error = fmt::format("{}: no such folder or .zip file", path);
        return roster;
    }
    if (!fs::is_directory(status)) {
        if (!has_suffix_ci(path, ".zip")) {
            roster.error = fmt::format("{}: not a folder of submissions nor a .zip of them", path);
            return roster;
        }
        auto into = fs::path(work_dir) / "class";
        auto extracted = extract_zip(path, into.string());
        for (auto& problem : extracted.problems) roster.problems.push_back(std::move(problem));
        if (!extracted.ok) {
            roster.error = extracted.error;
            return roster;
        }
        root = into;
        // A wrapper folder (turma/ana, turma/bruno): open it, once or twice.
        for (int depth = 0; depth < 2; ++depth) {
            auto listing = list(root);
            if (listing.files.empty() && listing.folders.size() == 1) {
                auto inner = list(listing.folders.front());
                if (inner.files.empty() && !inner.folders.empty()) {
                    root = listing.folders.front();
                    continue;
                }
            }
            break;
        }
    }

    auto listing = list(root);
    std::map<std::string, int> seen;
    auto add = [&](std::string name, const fs::path& dir, std::vector<std::string> notes) {
        auto display = to_utf8(name);
        if (display != name) notes.push_back("the folder's name was not UTF-8; it was read as Latin-1");
        if (int count = ++seen[display]; count > 1) {
            notes.push_back(fmt::format("a second submission named '{}'", display));
            display = fmt::format("{} ({})", display, count);
        }
        roster.students.push_back({display, fs::absolute(dir).lexically_normal().string(), std::move(notes)});
    };
    for (const auto& folder : listing.folders) add(folder.filename().string(), folder, {});
    for (const auto& file : listing.files) {
        auto name = file.filename().string();
        if (has_suffix_ci(name, ".zip") && fs::is_regular_file(file, ec)) {
            auto stem = name.substr(0, name.size() - 4);
            auto into = fs::path(work_dir) / "student-zips" / student_slug(stem);
            auto extracted = extract_zip(file.string(), into.string());
            std::vector<std::string> notes{fmt::format("unpacked from {}", to_utf8(name))};
            for (auto& problem : extracted.problems) notes.push_back(std::move(problem));
            if (!extracted.ok) notes.push_back(extracted.error);
            // A zip of one folder (ana.zip holding ana/...): that folder is the submission.
            auto inside = list(into);
            fs::path dir = into;
            if (inside.files.empty() && inside.folders.size() == 1) dir = inside.folders.front();
            add(stem, dir, std::move(notes));
        } else {
            roster.problems.push_back(
                fmt::format("'{}' is not a folder (each student's submission is a folder or a .zip); it was ignored",
                            to_utf8(name)));
        }
    }
    std::sort(roster.students.begin(), roster.students.end(),
              [](const Student& a, const Student& b) { return a.name < b.name; });
    if (roster.students.empty())
        roster.problems.push_back(fmt::format("{} holds no submissions: no student folders were found", path));
    return roster;
}

std::optional<std::pair<int, int>> parse_shard(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    int k = 0, n = 0;
    auto left = text.substr(0, slash), right = text.substr(slash + 1);
    auto [p1, e1] = std::from_chars(left.data(), left.data() + left.size(), k);
    auto [p2, e2] = std::from_chars(right.data(), right.data() + right.size(), n);
    if (e1 != std::errc() || e2 != std::errc() || p1 != left.data() + left.size() || p2 != right.data() + right.size())
        return std::nullopt;
    if (left.empty() || right.empty() || n < 1 || k < 1 || k > n) return std::nullopt;
    return std::pair{k, n};
}

std::vector<Student> take_shard(const std::vector<Student>& students, int k, int n) {
    std::vector<Student> slice;
    for (std::size_t i = 0; i < students.size(); ++i)
        if (static_cast<int>(i % static_cast<std::size_t>(n)) == k - 1) slice.push_back(students[i]);
    return slice;
}

}  // namespace sockgrade::batch
