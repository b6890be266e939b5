// Small file and text helpers for grading a class: hashing a submission,
// copying it to a scratch folder, writing outputs atomically, names that are
// safe as file names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::batch {

// SHA-256 of bytes, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// Incremental SHA-256.
class Sha256 {
public:
    Sha256();
    void update(std::string_view bytes);
    std::string hex();  // finishes; call once

private:
    void block(const unsigned char* data);
    std::uint32_t state_[8];
    unsigned char buffer_[64];
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

// A hash of everything in a folder: each regular file's relative path and
// bytes, each symlink's target, in sorted order. Changes when any file does.
std::string tree_hash(const std::string& dir);

// Whole file; nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Writes to a temporary file beside `path`, then renames it over `path`, so a
// reader never sees half a file. Creates the parent folder. False on failure.
bool write_file_atomically(const std::string& path, std::string_view bytes);

// What copy_tree did not copy (symlinks, devices, what exceeded the cap).
struct CopyReport {
    std::vector<std::string> skipped;  // relative paths, with why
    std::uint64_t bytes = 0;
    bool too_big = false;
};
// Copies regular files and folders of `from` into `to` (created). Symlinks and
// special files are skipped, never followed; stops at max_bytes.
CopyReport copy_tree(const std::string& from, const std::string& to, std::uint64_t max_bytes);

// chown -R without following symlinks.
void chown_tree(const std::string& dir, unsigned uid, unsigned gid);
// Adds group read and write (and search, for folders) to a tree; links are left alone.
void let_group_write(const std::string& dir);

// Removes a folder and everything in it; never follows symlinks.
void remove_tree(const std::string& dir);

bool is_valid_utf8(std::string_view text);
// Valid UTF-8 unchanged; anything else read as Latin-1 (what old zip tools
// store for "José") and converted.
std::string to_utf8(std::string_view text);

// A file name for a student: ASCII letters, digits, '-', '_' and '.', lower
// case, accents dropped ("José da Silva" -> "jose-da-silva-1a2b3c"). A name
// that is already clean is kept as it is; any other gets a short hash of the
// original so that two students never share one.
std::string student_slug(std::string_view name);

// RFC 4180 field: quoted when it holds a comma, quote, CR or LF (or starts or
// ends with a space), with quotes doubled.
std::string csv_field(std::string_view text);

// HTML text and attribute escaping (&, <, >, ", ').
std::string html_escape(std::string_view text);

// 2 -> "2", 0.5 -> "0.5", 1.25 -> "1.25" (two decimals at most).
std::string format_points(double points);

}  // namespace sockgrade::batch
