// Which port a lab program uses: argv[1], else $PORT, else 5000 (the slides' port).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"

namespace lab {

inline constexpr std::uint16_t default_port = 5000;

// Accepts a plain decimal 1..65535; anything else (signs, spaces, "0") is not a port.
inline std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

inline std::uint16_t port_from(int argc, char** argv) {
  std::string_view source = "argument";
  std::string_view text;
  if (argc > 1) {
    text = argv[1];
  } else if (const char* env = std::getenv("PORT"); env != nullptr && *env != '\0') {
    source = "PORT";
    text = env;
  } else {
    return default_port;
  }
  if (auto port = parse_port(text)) {
    return *port;
  }
  throw Error("invalid port '" + std::string(text) + "' in " + std::string(source) +
              " (expected a number from 1 to 65535)");
}

}  // namespace lab
