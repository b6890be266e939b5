// Line framing for a TCP byte stream.
//
// TCP delivers bytes, not messages: one recv() may hold half a line, or many
// lines, or the end of one and the start of the next. Feed every chunk that
// recv() returns, then pop the complete lines.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lab {

class LineBuffer {
 public:
  static constexpr std::size_t default_max_line = 256 * 1024;

  explicit LineBuffer(std::size_t max_line = default_max_line) : max_line_(max_line) {}

  // Appends bytes. Returns false once the unfinished line is longer than
  // max_line: the peer is not sending lines, and buffering it all would let
  // one client eat the server's memory.
  [[nodiscard]] bool feed(std::string_view bytes) {
    data_.append(bytes);
    std::size_t last_newline = bytes.rfind('\n');
    unfinished_ = last_newline == std::string_view::npos ? unfinished_ + bytes.size()
                                                         : bytes.size() - last_newline - 1;
    return unfinished_ <= max_line_;
  }

  // The next complete line, without its "\n" (or "\r\n"); nullopt until one is complete.
  std::optional<std::string> pop_line() {
    std::size_t newline = data_.find('\n', scan_from_);
    if (newline == std::string::npos) {
      scan_from_ = data_.size();  // never rescan bytes already known to hold no '\n'
      return std::nullopt;
    }
    std::size_t end = newline;
    if (end > start_ && data_[end - 1] == '\r') {
      --end;
    }
    std::string line = data_.substr(start_, end - start_);
    start_ = scan_from_ = newline + 1;
    compact();
    return line;
  }

  // The bytes after the last "\n": a final line whose sender closed without ending it.
  std::string take_rest() {
    std::string rest = data_.substr(start_);
    data_.clear();
    start_ = scan_from_ = unfinished_ = 0;
    return rest;
  }

  bool empty() const { return start_ == data_.size(); }
  std::size_t buffered() const { return data_.size() - start_; }

 private:
  // Popping from the front of a std::string is O(n); drop consumed bytes only
  // once they are most of the buffer, so popping many lines stays linear.
  void compact() {
    if (start_ > data_.size() / 2) {
      data_.erase(0, start_);
      scan_from_ -= start_;
      start_ = 0;
    }
  }

  std::string data_;
  std::size_t start_ = 0;      // first byte not yet popped
  std::size_t scan_from_ = 0;  // where to look for the next '\n'
  std::size_t unfinished_ = 0; // bytes after the last '\n' fed
  std::size_t max_line_;
};

}  // namespace lab
