#include "scenario/loader.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "scenario/scenario_reader.hpp"
#include "scenario/utf8_check.hpp"
#include "scenario/yaml_documents.hpp"
#include "scenario/yaml_reader.hpp"

namespace sockgrade::scenario {

namespace fs = std::filesystem;

std::string Error::to_string() const {
    if (line <= 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

LoadResult failure(const std::string& file, std::string message, int line = 0, int column = 0) {
    return LoadResult{std::nullopt, {Error{file, line, column, std::move(message)}}};
}

std::string hex_byte(unsigned char byte) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", byte);
    return text;
}

// Encodings the file must not be in, told apart before YAML sees the bytes.
std::optional<Error> encoding_error(const std::string& bytes, const std::string& file_name) {
    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
        return Error{file_name, 0, 0, "the file is UTF-16; save it as UTF-8"};
    }
    if (auto bad = detail::find_invalid_utf8(bytes)) {
        return Error{file_name, bad->line, bad->column,
                     "the file is not UTF-8: byte " + hex_byte(bad->value) + " at byte offset " +
                         std::to_string(bad->offset) +
                         " is not valid UTF-8 (Latin-1 or Windows-1252, perhaps); save the file as UTF-8"};
    }
    return std::nullopt;
}

// What to look at for yaml-cpp's terser messages: the mistakes teachers make
// most when they write a scenario by hand.
std::string yaml_hint(const std::string& message) {
    if (message == "illegal map value")
        return "; a text with ': ' in it must be quoted, e.g. en: \"After printing: close the socket\"";
    if (message == "end of map not found" || message == "end of sequence not found")
        return "; check the indentation of this line: the keys of one map, and the items of one list, start in the same "
               "column";
    if (message == "end of map flow not found" || message == "end of sequence flow not found")
        return "; a '{' or '[' opened above is not closed, or a text inside it with ',' or ':' needs quotes";
    if (message.starts_with("illegal tab"))
        return "; indent with spaces, not tabs";
    if (message.starts_with("unknown escape character"))
        return "; inside double quotes a backslash starts an escape (\\n, \\t, \\\\): write \\\\ for a backslash, or use "
               "single quotes";
    if (message == "illegal block entry")
        return "; a '- ' item cannot start here: a '{' or '[' above may be unclosed, or the item is not indented "
               "under a key that holds a list";
    return "";
}

}  // namespace

LoadResult load_string(const std::string& yaml, const std::string& file_name) {
    if (auto error = encoding_error(yaml, file_name)) return LoadResult{std::nullopt, {*error}};
    try {
        detail::ParsedYaml parsed;
        try {
            parsed = detail::parse_yaml(yaml);
        } catch (const YAML::ParserException& error) {
            return failure(file_name, "not valid YAML: " + error.msg + yaml_hint(error.msg), error.mark.line + 1,
                               error.mark.column + 1);
        }
        if (!parsed.has_document) {
            return failure(file_name, "the file is empty; a scenario starts with scenario: NAME");
        }
        detail::Diagnostics diagnostics(file_name);
        if (const auto& second = parsed.second_document) {
            diagnostics.error(Mark{second->line + 1, second->column + 1},
                              "a scenario file holds one YAML document; another one starts here");
        }
        auto scenario = detail::read_scenario(parsed.root, file_name, diagnostics);
        LoadResult result;
        result.errors = diagnostics.sorted();
        if (result.errors.empty()) result.scenario = std::move(scenario);
        return result;
    } catch (const std::exception& error) {
        // A yaml-cpp or library surprise must still be an error line, not a crash.
        return failure(file_name, std::string("could not read the scenario: ") + error.what());
    }
}

LoadResult load_file(const std::string& path) {
    std::error_code code;
    const fs::file_status status = fs::status(path, code);
    if (!fs::exists(status)) return failure(path, "no such file");
    if (fs::is_directory(status)) return failure(path, "is a folder, not a scenario file");
    std::ifstream file(path, std::ios::binary);
    if (!file) return failure(path, "cannot be read (permission denied?)");
    std::ostringstream bytes;
    bytes << file.rdbuf();
    if (file.bad()) return failure(path, "cannot be read");
    return load_string(bytes.str(), path);
}

std::optional<std::string> find_scenario(const std::string& name_or_path, const std::vector<std::string>& search_dirs) {
    std::error_code code;
    if (fs::is_regular_file(name_or_path, code)) return name_or_path;
    // A path (with a folder) that does not exist is not searched for elsewhere.
    if (name_or_path.empty() || name_or_path.find('/') != std::string::npos) return std::nullopt;
    const bool has_extension = name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml");
    for (const auto& dir : search_dirs) {
        for (const char* extension : {"", ".yaml", ".yml"}) {
            if (has_extension != (*extension == '\0')) continue;
            fs::path candidate = fs::path(dir) / (name_or_path + extension);
            if (fs::is_regular_file(candidate, code)) return candidate.string();
        }
    }
    return std::nullopt;
}

std::vector<std::string> scenario_names(const std::vector<std::string>& search_dirs) {
    std::set<std::string> names;
    for (const auto& dir : search_dirs) {
        std::error_code code;
        for (const auto& entry : fs::directory_iterator(dir, code)) {
            auto extension = entry.path().extension();
            if ((extension == ".yaml" || extension == ".yml") && entry.is_regular_file(code))
                names.insert(entry.path().stem().string());
        }
    }
    return {names.begin(), names.end()};
}

std::string format_errors(const std::vector<Error>& errors) {
    std::string out;
    for (const auto& error : errors) out += error.to_string() + "\n";
    return out;
}

}  // namespace sockgrade::scenario
