// A small XML 1.0 well-formedness check, enough to hold the JUnit report to
// the rules a CI server's parser applies: one root, balanced tags, quoted
// attributes without duplicates, only declared entities, no forbidden characters.
#pragma once

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "report/detail.hpp"

namespace sockgrade::report::testing {

class XmlChecker {
public:
    explicit XmlChecker(std::string_view xml) : xml_(xml) {}

    // nullopt when well-formed, else what is wrong and where.
    std::optional<std::string> check() {
        if (!detail::is_valid_utf8(xml_)) return "not valid UTF-8";
        for (std::size_t i = 0; i < xml_.size(); ++i) {
            const auto c = static_cast<unsigned char>(xml_[i]);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return fail(i, "forbidden control character");
            if (xml_.substr(i, 3) == "\xEF\xBF\xBE" || xml_.substr(i, 3) == "\xEF\xBF\xBF")
                return fail(i, "forbidden noncharacter");
        }
        if (xml_.substr(0, 5) == "<?xml") {
            const auto end = xml_.find("?>");
            if (end == std::string_view::npos) return fail(0, "unterminated declaration");
            pos_ = end + 2;
        }
        while (pos_ < xml_.size()) {
            if (auto error = xml_[pos_] == '<' ? markup() : text()) return error;
        }
        if (!open_.empty()) return fail(pos_, "unclosed <" + open_.back() + ">");
        if (roots_ != 1) return fail(pos_, "expected exactly one root element");
        return std::nullopt;
    }

private:
    std::optional<std::string> fail(std::size_t at, const std::string& what) const {
        return what + " at byte " + std::to_string(at);
    }

    static bool name_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
    }

    std::string name() {
        const std::size_t start = pos_;
        while (pos_ < xml_.size() && name_char(xml_[pos_])) ++pos_;
        return std::string(xml_.substr(start, pos_ - start));
    }

    void skip_space() {
        while (pos_ < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[pos_]))) ++pos_;
    }

    // "&amp;" and friends, or a character reference, at xml_[at] == '&'.
    bool valid_reference(std::size_t at) const {
        const auto end = xml_.find(';', at);
        if (end == std::string_view::npos) return false;
        const auto ref = xml_.substr(at + 1, end - at - 1);
        static const std::set<std::string_view> named{"amp", "lt", "gt", "quot", "apos"};
        if (named.count(ref)) return true;
        if (ref.size() < 2 || ref[0] != '#') return false;
        const bool hex = ref[1] == 'x';
        const auto digits = ref.substr(hex ? 2 : 1);
        if (digits.empty()) return false;
        unsigned long value = 0;
        for (const char c : digits) {
            if (hex ? !std::isxdigit(static_cast<unsigned char>(c)) : !std::isdigit(static_cast<unsigned char>(c)))
                return false;
            value = value * (hex ? 16 : 10) + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(c))
                                                                             ? c - '0'
                                                                             : std::tolower(c) - 'a' + 10);
            if (value > 0x10FFFF) return false;
        }
        // Character references may not name what XML 1.0 forbids either.
        return value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF);
    }

    std::optional<std::string> text() {
        while (pos_ < xml_.size() && xml_[pos_] != '<') {
            if (xml_[pos_] == '&' && !valid_reference(pos_)) return fail(pos_, "bad reference");
            if (xml_.substr(pos_, 3) == "]]>") return fail(pos_, "]]> in text");
            if (open_.empty() && !std::isspace(static_cast<unsigned char>(xml_[pos_])))
                return fail(pos_, "text outside the root element");
            ++pos_;
        }
        return std::nullopt;
    }

    std::optional<std::string> markup() {
        if (xml_.substr(pos_, 4) == "<!--") {
            const auto end = xml_.find("-->", pos_);
            if (end == std::string_view::npos) return fail(pos_, "unterminated comment");
            pos_ = end + 3;
            return std::nullopt;
        }
        if (xml_.substr(pos_, 2) == "</") {
            pos_ += 2;
            const std::string closing = name();
            skip_space();
            if (pos_ >= xml_.size() || xml_[pos_] != '>') return fail(pos_, "bad end tag");
            ++pos_;
            if (open_.empty() || open_.back() != closing) return fail(pos_, "mismatched </" + closing + ">");
            open_.pop_back();
            return std::nullopt;
        }
        ++pos_;
        const std::string element = name();
        if (element.empty()) return fail(pos_, "'<' that starts no tag");
        if (open_.empty() && ++roots_ > 1) return fail(pos_, "second root element");
        std::set<std::string> attributes;
        for (;;) {
            const std::size_t before = pos_;
            skip_space();
            if (pos_ >= xml_.size()) return fail(pos_, "unterminated tag");
            if (xml_.substr(pos_, 2) == "/>") {
                pos_ += 2;
                return std::nullopt;
            }
            if (xml_[pos_] == '>') {
                ++pos_;
                open_.push_back(element);
                return std::nullopt;
            }
            if (pos_ == before) return fail(pos_, "attributes must be separated by space");
            const std::string attribute = name();
            if (attribute.empty()) return fail(pos_, "bad attribute name");
            if (!attributes.insert(attribute).second) return fail(pos_, "duplicate attribute " + attribute);
            if (pos_ >= xml_.size() || xml_[pos_] != '=') return fail(pos_, "attribute without '='");
            ++pos_;
            if (pos_ >= xml_.size() || (xml_[pos_] != '"' && xml_[pos_] != '\'')) return fail(pos_, "unquoted value");
            const char quote = xml_[pos_++];
            while (pos_ < xml_.size() && xml_[pos_] != quote) {
                if (xml_[pos_] == '<') return fail(pos_, "'<' in attribute value");
                if (xml_[pos_] == '&' && !valid_reference(pos_)) return fail(pos_, "bad reference in attribute");
                ++pos_;
            }
            if (pos_ >= xml_.size()) return fail(pos_, "unterminated attribute value");
            ++pos_;
        }
    }

    std::string_view xml_;
    std::size_t pos_ = 0;
    std::vector<std::string> open_;
    int roots_ = 0;
};

inline std::optional<std::string> xml_error(std::string_view xml) { return XmlChecker(xml).check(); }

}  // namespace sockgrade::report::testing
