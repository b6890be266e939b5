#include "batch/files.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

namespace sockgrade::batch {

namespace fs = std::filesystem;

// --- SHA-256 (FIPS 180-4) ---------------------------------------------------

namespace {

constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

Sha256::Sha256()
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::block(const unsigned char* data) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (std::uint32_t(data[4 * i]) << 24) | (std::uint32_t(data[4 * i + 1]) << 16) |
               (std::uint32_t(data[4 * i + 2]) << 8) | std::uint32_t(data[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
        std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4], f = state_[5],
                  g = state_[6], h = state_[7];
    for (int i = 0; i < 64; ++i) {
        std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        std::uint32_t ch = (e & f) ^ (~e & g);
        std::uint32_t t1 = h + s1 + ch + round_constants[i] + w[i];
        std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        std::uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
}

void Sha256::update(std::string_view bytes) {
    length_ += bytes.size();
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t size = bytes.size();
    while (size > 0) {
        std::size_t take = std::min(size, sizeof buffer_ - buffered_);
        std::memcpy(buffer_ + buffered_, data, take);
        buffered_ += take;
        data += take;
        size -= take;
        if (buffered_ == sizeof buffer_) {
            block(buffer_);
            buffered_ = 0;
        }
    }
}

std::string Sha256::hex() {
    std::uint64_t bits = length_ * 8;
    unsigned char pad = 0x80;
    update(std::string_view(reinterpret_cast<const char*>(&pad), 1));
    unsigned char zero = 0;
    while (buffered_ != 56) update(std::string_view(reinterpret_cast<const char*>(&zero), 1));
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    update(std::string_view(reinterpret_cast<const char*>(length), 8));
    std::string out;
    for (auto word : state_) out += fmt::format("{:08x}", word);
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    Sha256 hash;
    hash.update(bytes);
    return hash.hex();
}

// --- files ------------------------------------------------------------------

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return text.str();
}

std::string tree_hash(const std::string& dir) {
    std::vector<std::pair<std::string, fs::path>> entries;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        auto status = it->symlink_status(ec);
        if (ec) break;
        if (fs::is_regular_file(status) || fs::is_symlink(status))
            entries.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
    }
    std::sort(entries.begin(), entries.end());
    Sha256 hash;
    for (const auto& [relative, path] : entries) {
        hash.update(relative);
        hash.update(std::string_view("\0", 1));
        std::error_code link_error;
        if (fs::is_symlink(fs::symlink_status(path, link_error))) {
            hash.update("symlink:" + fs::read_symlink(path, link_error).string());
        } else {
            std::ifstream in(path, std::ios::binary);
            char buffer[65536];
            std::uint64_t size = 0;
            while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
                hash.update(std::string_view(buffer, static_cast<std::size_t>(in.gcount())));
                size += static_cast<std::uint64_t>(in.gcount());
            }
            hash.update(fmt::format("\0size:{}", size));
        }
        hash.update(std::string_view("\0", 1));
    }
    return hash.hex();
}

bool write_file_atomically(const std::string& path, std::string_view bytes) {
    std::error_code ec;
    auto parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    auto temporary = fmt::format("{}.tmp-{}", path, ::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            fs::remove(temporary, ec);
            return false;
        }
    }
    fs::rename(temporary, path, ec);
    if (ec) {
        fs::remove(temporary, ec);
        return false;
    }
    return true;
}

CopyReport copy_tree(const std::string& from, const std::string& to, std::uint64_t max_bytes) {
    CopyReport report;
    std::error_code ec;
    fs::create_directories(to, ec);
    for (fs::recursive_directory_iterator it(from, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        auto relative = it->path().lexically_relative(from);
        auto status = it->symlink_status(ec);
        if (ec) break;
        auto target = fs::path(to) / relative;
        if (fs::is_directory(status)) {
            fs::create_directories(target, ec);
        } else if (fs::is_regular_file(status)) {
            auto size = it->file_size(ec);
            if (ec) size = 0;
            if (report.bytes + size > max_bytes) {
                report.too_big = true;
                report.skipped.push_back(relative.generic_string() + " (over the size limit)");
                break;
            }
            report.bytes += size;
            fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, ec);
            if (ec) report.skipped.push_back(fmt::format("{} ({})", relative.generic_string(), ec.message()));
            ec.clear();
        } else if (fs::is_symlink(status)) {
            report.skipped.push_back(relative.generic_string() + " (a symbolic link)");
        } else {
            report.skipped.push_back(relative.generic_string() + " (not a regular file)");
        }
    }
    return report;
}

void chown_tree(const std::string& dir, unsigned uid, unsigned gid) {
    [[maybe_unused]] int ignored = ::lchown(dir.c_str(), uid, gid);
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        ignored = ::lchown(it->path().c_str(), uid, gid);
}

void let_group_write(const std::string& dir) {
    std::error_code ec;
    auto add = [](const fs::path& path) {
        std::error_code ignored;
        auto status = fs::symlink_status(path, ignored);
        if (fs::is_symlink(status)) return;  // a link's own mode means nothing; never follow it
        fs::permissions(path, fs::perms::group_read | fs::perms::group_write |
                                  (fs::is_directory(status) ? fs::perms::group_exec : fs::perms::none),
                        fs::perm_options::add, ignored);
    };
    add(dir);
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) add(it->path());
}

void remove_tree(const std::string& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);  // removes symlinks themselves, never what they point to
}

// --- text -------------------------------------------------------------------

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= text.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000) ||
            code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

std::string to_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

namespace {

// The ASCII letter a Latin-1 accented letter (U+00C0..U+00FF) is written with.
char unaccented(std::uint32_t code) {
    static const char* const table =
        "AAAAAAACEEEEIIII"   // C0-CF
        "DNOOOOOxOUUUUYTs"   // D0-DF
        "aaaaaaaceeeeiiii"   // E0-EF
        "dnooooo-ouuuuyty";  // F0-FF
    if (code >= 0xC0 && code <= 0xFF) return table[code - 0xC0];
    return 0;
}

}  // namespace

std::string student_slug(std::string_view name) {
    bool clean = !name.empty() && name != "." && name != ".." && name.front() != '.';
    for (char c : name)
        clean &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                 (c >= 'A' && c <= 'Z');
    if (clean) return std::string(name);

    std::string utf8 = to_utf8(name);
    std::string slug;
    auto add = [&](char c) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (word) {
            slug += c;
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    };
    for (std::size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            add(static_cast<char>(c));
            ++i;
            continue;
        }
        std::size_t length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        std::uint32_t code = 0;
        if (length == 2 && i + 1 < utf8.size()) code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
        char ascii = unaccented(code);
        add(ascii ? ascii : '-');
        i += length;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    if (slug.empty()) slug = "student";
    if (slug.size() > 60) slug.resize(60);
    return slug + "-" + sha256_hex(name).substr(0, 6);
}

std::string csv_field(std::string_view text) {
    bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string format_points(double points) {
    double rounded = std::round(points * 100) / 100;
    if (rounded == 0) rounded = 0;  // no "-0"
    auto text = fmt::format("{:.2f}", rounded);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

}  // namespace sockgrade::batch
