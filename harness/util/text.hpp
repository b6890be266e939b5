// Text helpers: showing received bytes to a student, and filling in templates.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockgrade::util {

// A text in the two languages a report can speak ("en", "pt"). A text with
// nothing to translate (a program's bytes, a file name) has only `en`: a
// missing pt falls back to en.
struct Text {
    std::string en;
    std::string pt;
    const std::string& in(std::string_view lang) const { return (lang == "pt" && !pt.empty()) ? pt : en; }
    bool empty() const { return en.empty() && pt.empty(); }
    bool operator==(const Text&) const = default;
};

// Bytes as a student can read them: valid UTF-8 kept, control characters as
// \n \r \t, other bytes as \xNN; cut after max_bytes with a count of the rest.
std::string printable(std::string_view bytes, std::size_t max_bytes = 200);

// printable() in double quotes.
std::string quoted(std::string_view bytes, std::size_t max_bytes = 200);

// "A, B and C" / "A or B" / "A, B e C": lists of names in messages.
std::string join_words(const std::vector<std::string>& words, std::string_view last_separator = " and ");

// A short random hex string, different in every test run.
std::string make_nonce();

// `count` printable bytes that depend only on `seed` (a long line that a
// hard-coded answer cannot produce).
std::string fill_text(std::string_view seed, std::size_t count);

// Escapes regex metacharacters (ECMAScript).
std::string regex_escape(std::string_view text);

using Variables = std::map<std::string, std::string, std::less<>>;

// Replaces {name} with its value; {fill:N} with fill_text(vars["nonce"], N);
// "{{" with "{". With escape_for_regex, substituted values are escaped.
// Returns nullopt and sets `unknown` when a name has no value.
std::optional<std::string> substitute(std::string_view pattern, const Variables& vars, bool escape_for_regex,
                                      std::string* unknown = nullptr);

}  // namespace sockgrade::util
