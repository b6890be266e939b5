// Helpers for the batch/ unit tests: scratch folders and small zip archives.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace sockgrade::batch::testing {

namespace fs = std::filesystem;

// A folder under /tmp, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sockgrade-batch-test-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    fs::path operator/(const std::string& relative) const { return fs::path(path_) / relative; }

    // Writes a file (creating its folders) and returns its path.
    fs::path write(const std::string& relative, const std::string& bytes) const {
        auto path = fs::path(path_) / relative;
        fs::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        out << bytes;
        return path;
    }

private:
    std::string path_;
};

// A .zip with stored (uncompressed) entries, names taken as they are, so a
// test can make the archives that tools refuse to: "../evil", "/abs", links.
struct ZipEntry {
    std::string name;
    std::string data;
    bool symlink = false;  // data is the link's target
};

inline std::uint32_t crc32(const std::string& data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : data) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>(v >> 8);
}
inline void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

inline std::string make_zip(const std::vector<ZipEntry>& entries) {
    std::string out, central;
    for (const auto& entry : entries) {
        auto offset = static_cast<std::uint32_t>(out.size());
        auto crc = crc32(entry.data);
        auto size = static_cast<std::uint32_t>(entry.data.size());
        auto name_length = static_cast<std::uint16_t>(entry.name.size());
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, 0x0800);  // UTF-8 names
        put16(out, 0);       // stored
        put16(out, 0);
        put16(out, 0x21);
        put32(out, crc);
        put32(out, size);
        put32(out, size);
        put16(out, name_length);
        put16(out, 0);
        out += entry.name;
        out += entry.data;

        put32(central, 0x02014b50);
        put16(central, 0x0314);  // made by Unix, so the mode bits count
        put16(central, 20);
        put16(central, 0x0800);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0x21);
        put32(central, crc);
        put32(central, size);
        put32(central, size);
        put16(central, name_length);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        std::uint32_t mode = entry.symlink ? 0120777u : (entry.name.ends_with("/") ? 040755u : 0100644u);
        put32(central, mode << 16);
        put32(central, offset);
        central += entry.name;
    }
    auto central_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint16_t>(entries.size()));
    put16(out, static_cast<std::uint16_t>(entries.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, central_offset);
    put16(out, 0);
    return out;
}

inline bool have_unzip() { return std::system("command -v unzip >/dev/null 2>&1") == 0; }

}  // namespace sockgrade::batch::testing
