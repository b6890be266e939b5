// What one party has received: a byte stream split into lines, kept up to a cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::peers {

class Inbox {
public:
    explicit Inbox(std::int64_t keep_bytes = 1 << 20) : keep_bytes_(keep_bytes) {}

    void append(std::string_view bytes);
    // The stream ended; a last line without "\n" counts as a line.
    void close(bool reset);

    const std::vector<std::string>& lines() const { return lines_; }
    const std::string& partial() const { return partial_; }
    std::int64_t total_bytes() const { return total_; }
    bool closed() const { return closed_; }
    bool was_reset() const { return reset_; }
    bool overflowed() const { return overflowed_; }  // more arrived than was kept

    // The next line an expectation looks at; lines before it were matched or skipped.
    std::size_t cursor = 0;

private:
    std::int64_t keep_bytes_;
    std::int64_t kept_ = 0;
    std::int64_t total_ = 0;
    std::vector<std::string> lines_;
    std::string partial_;
    bool closed_ = false;
    bool reset_ = false;
    bool overflowed_ = false;
};

}  // namespace sockgrade::peers
