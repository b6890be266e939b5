// Error reporting shared by the reference programs: one clear line on stderr, exit status 1.
#pragma once

#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lab {

// A failure the user can act on; its text becomes "<program>: <text>" on stderr.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "connect to 127.0.0.1:5000: Connection refused"
inline Error system_error(std::string_view what, int err = errno) {
  return Error(std::string(what) + ": " + std::strerror(err));
}

// Runs a program's body so that every error ends the same way, whatever threw it.
template <typename Body>
int run_program(std::string_view name, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace lab
