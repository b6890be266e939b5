#include "peers/inbox.hpp"

namespace sockgrade::peers {

namespace {
void drop_carriage_return(std::string& line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
}
}  // namespace

void Inbox::append(std::string_view bytes) {
    total_ += static_cast<std::int64_t>(bytes.size());
    if (overflowed_) return;
    for (char c : bytes) {
        if (kept_ >= keep_bytes_) {
            overflowed_ = true;
            return;
        }
        ++kept_;
        if (c == '\n') {
            drop_carriage_return(partial_);
            lines_.push_back(std::move(partial_));
            partial_.clear();
        } else {
            partial_ += c;
        }
    }
}

void Inbox::close(bool reset) {
    if (closed_) return;
    closed_ = true;
    reset_ = reset;
    if (!partial_.empty()) {
        drop_carriage_return(partial_);
        lines_.push_back(std::move(partial_));
        partial_.clear();
    }
}

}  // namespace sockgrade::peers
