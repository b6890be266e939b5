// What the commands say to the person at the terminal, in their language.
#include <iostream>

#include "cli/commands.hpp"
#include "report/report.hpp"

namespace sockgrade::cli {

std::string language_of(const std::string& lang_option) {
    return lang_option.empty() ? report::lang_from_env() : lang_option;
}

void print_error(const std::string& lang, const util::Text& text) {
    std::cerr << "sockgrade: " << text.in(lang) << "\n";
}

}  // namespace sockgrade::cli
