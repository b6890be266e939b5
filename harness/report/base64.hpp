// Standard base64 (RFC 4648, with padding): the GitHub Classroom reporter
// reads its results this way, and the wire format uses it for non-UTF-8 bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockgrade::report {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sockgrade::report
